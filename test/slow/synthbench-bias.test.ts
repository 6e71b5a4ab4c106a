// Slow: SynthBench's questions cannot be answered from their text. By default the questions are made exactly as
// `gamma data synthbench` makes them (same specs, seeds and text generators; annotations without rendering,
// which only moves times by the renderer's few milliseconds). GAMMA_SYNTHBENCH=DIR tests a built SynthBench
// instead (its mcq.jsonl). The text-only baselines are trained on a training set's questions made the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeScore, songText, type SongSpec } from "../../src/data/build-song.js";
import { synthbenchConfig, synthbenchSpecs, trainingConfig, trainingSpecs, HELD_OUT_STYLES, SYNTHBENCH_MCQ_PER_SPLIT, SYNTHBENCH_SEED } from "../../src/data/recipes.js";
import { selectQuestions } from "../../src/data/dataset.js";
import { unrenderedAnnotation } from "../../src/data/synthbench.js";
import { NO_AUGMENT } from "../../src/data/augment.js";
import { biasReport, type Mcq } from "../../src/data/text/index.js";

function questions(specs: SongSpec[], config: ReturnType<typeof synthbenchConfig>): (Mcq & { audio: string })[] {
  return specs.flatMap((spec) => songText(unrenderedAnnotation(spec), spec, config, `${spec.id}.wav`).mcq);
}

/** SynthBench's questions: the built set's mcq.jsonl, or the selection `gamma data synthbench` would make. */
function benchQuestions(): (Mcq & { audio: string })[] {
  const dir = process.env.GAMMA_SYNTHBENCH;
  if (dir) return fs.readFileSync(path.join(dir, "mcq.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Mcq & { audio: string });
  return selectQuestions(questions(synthbenchSpecs(), synthbenchConfig("/nonexistent")), { seed: SYNTHBENCH_SEED, perSplit: SYNTHBENCH_MCQ_PER_SPLIT });
}

function counts(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

test("SynthBench: >= 1,500 MCQs, half temporal, held-out styles present; text-only baselines near chance", { timeout: 900_000 }, () => {
  const bench = benchQuestions();
  // The selection `gamma data synth` makes when it assembles mcq.jsonl.
  const trainOpts = { songs: 320, seed: 1, minSeconds: 60, maxSeconds: 150, pop909Fraction: 0, augment: NO_AUGMENT, soundfonts: ["fluidr3"] };
  const train = selectQuestions(questions(trainingSpecs(trainOpts), trainingConfig("/nonexistent", trainOpts)), { seed: 1 });
  const temporal = bench.filter((q) => q.split === "temporal").length;
  const r = biasReport(train, bench);
  console.log(`SynthBench${process.env.GAMMA_SYNTHBENCH ? ` (${process.env.GAMMA_SYNTHBENCH})` : ""}: ${bench.length} MCQs (${temporal} temporal, ${bench.length - temporal} global); training questions: ${train.length}; baselines: ${JSON.stringify({ ...r, byCategory: undefined })}`);
  console.log(`per category: ${JSON.stringify(counts(bench.map((q) => q.category)))}`);
  for (const [c, v] of Object.entries(r.byCategory)) {
    console.log(`  ${c}: n=${v.count} longest ${v.longestOption.toFixed(3)} most-frequent ${v.mostFrequentAnswer.toFixed(3)} bag-of-words ${v.bagOfWords.toFixed(3)}`);
  }
  assert.ok(bench.length >= 1500, `${bench.length} MCQs`);
  assert.ok(Math.abs(temporal / bench.length - 0.5) < 0.05, `temporal share ${temporal / bench.length}`);
  const styles = new Set(synthbenchSpecs().map((s) => makeScore(s).style));
  for (const s of HELD_OUT_STYLES) assert.ok(styles.has(s), `held-out style ${s} in SynthBench`);
  const trainStyles = new Set(trainingSpecs(trainOpts).slice(0, 120).map((s) => makeScore(s).style));
  for (const s of HELD_OUT_STYLES) assert.ok(!trainStyles.has(s), `held-out style ${s} never in training sets`);
  const positions = [0, 1, 2, 3].map((i) => bench.filter((q) => q.choices[i] === q.answer).length / bench.length);
  assert.ok(Math.max(...positions) <= 0.3, `answer positions ${positions.map((p) => p.toFixed(3)).join(" ")}`);
  for (const name of ["longestOption", "shortestOption", "mostFrequentAnswer", "bagOfWords"] as const) {
    assert.ok(Math.abs(r[name] - 0.25) <= 0.05, `${name} = ${r[name].toFixed(3)} is more than 5 points from chance`);
  }
});

test("SynthBench spreads the facts it asks about: every global category has questions, none starves", { timeout: 900_000 }, () => {
  const bench = benchQuestions();
  const byCategory = counts(bench.map((q) => q.category));
  for (const c of ["genre", "key", "mode", "tempo-class", "tempo-value", "metre", "instrumentation", "lead", "chord", "mood"]) {
    assert.ok((byCategory[c] ?? 0) >= 50, `${c}: ${byCategory[c] ?? 0} questions`);
  }
  for (const c of ["section-timing", "section-order", "section-count", "instrument-timing", "at-time", "change", "event-order", "duration"]) {
    assert.ok((byCategory[c] ?? 0) >= 15, `${c}: ${byCategory[c] ?? 0} questions`);
  }
});
