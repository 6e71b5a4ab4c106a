// Slow: SynthBench's questions cannot be answered from their text. The questions are made exactly as
// `gamma data synthbench` makes them (same specs, seeds and text generators; annotations without rendering,
// which only moves times by the renderer's few milliseconds), and the text-only baselines are trained on a
// training set's questions made the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { annotate } from "../../src/data/annotate.js";
import { makeScore, songText, type SongSpec } from "../../src/data/build-song.js";
import { synthbenchConfig, synthbenchSpecs, trainingConfig, trainingSpecs, HELD_OUT_STYLES, SYNTHBENCH_MCQ_PER_SPLIT, SYNTHBENCH_SEED } from "../../src/data/recipes.js";
import { selectQuestions } from "../../src/data/dataset.js";
import { NO_AUGMENT } from "../../src/data/augment.js";
import { biasReport, type Mcq } from "../../src/data/text/index.js";
import { beatToSeconds } from "../../src/music/score.js";

function questions(specs: SongSpec[], config: ReturnType<typeof synthbenchConfig>): (Mcq & { audio: string })[] {
  return specs.flatMap((spec) => {
    const score = makeScore(spec);
    const a = annotate(score, {
      audio: `${spec.id}.wav`, duration: beatToSeconds(score.tempos, score.lengthBeats) + 0.005, latency: 0.005,
      loudness: { peakDb: -3, rmsDb: -20 }, soundfont: "fluidr3", augmentation: { steps: [] }, renderer: "none", sampleRate: 16000,
    });
    return songText(a, spec, config, `${spec.id}.wav`).mcq;
  });
}

test("SynthBench: >= 1,500 MCQs, half temporal, held-out styles present; text-only baselines near chance", { timeout: 600_000 }, () => {
  // The selection `gamma data synthbench` and `gamma data synth` make when they assemble mcq.jsonl.
  const bench = selectQuestions(questions(synthbenchSpecs(), synthbenchConfig("/nonexistent")), { seed: SYNTHBENCH_SEED, perSplit: SYNTHBENCH_MCQ_PER_SPLIT });
  const trainOpts = { songs: 320, seed: 1, minSeconds: 60, maxSeconds: 150, pop909Fraction: 0, augment: NO_AUGMENT, soundfonts: ["fluidr3"] };
  const train = selectQuestions(questions(trainingSpecs(trainOpts), trainingConfig("/nonexistent", trainOpts)), { seed: 1 });
  const temporal = bench.filter((q) => q.split === "temporal").length;
  const r = biasReport(train, bench);
  console.log(`SynthBench: ${bench.length} MCQs (${temporal} temporal, ${bench.length - temporal} global); training questions: ${train.length}; baselines: ${JSON.stringify({ ...r, byCategory: undefined })}`);
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
