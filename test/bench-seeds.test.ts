// `gamma bench --seeds`: one benchmark in several option orders, and `gamma compare` on such folders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { writeWav } from "../src/audio/wav-write.js";
import { repoRoot } from "../src/cli/paths.js";
import type { Answerer } from "../src/eval/answerer.js";
import { baselineAnswerer } from "../src/eval/baselines.js";
import { runBench } from "../src/eval/bench.js";
import { parseSeeds, runBenchSeeds, type SeedsOptions, seedRuns } from "../src/eval/seeds.js";
import { makeTempDir } from "./audio-fixtures.js";
import { assertClose } from "./helpers.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 60_000 });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, last: last.startsWith("{") ? JSON.parse(last) as Record<string, unknown> : {} };
};

/** Twelve four-option questions over two tones, the answer listed first in the file. */
function writeBench(dir: string): string {
  for (let s = 0; s < 2; s++) {
    fs.mkdirSync(path.join(dir, "audio"), { recursive: true });
    writeWav(path.join(dir, "audio", `song${s}.wav`), Float32Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * (s + 1) * i) / 16000)), 16000);
  }
  const rows = Array.from({ length: 12 }, (_, i) => ({
    id: `q${i}`, audio: `audio/song${i % 2}.wav`, question: `Question ${i}?`, choices: ["right", "wrong one", "wrong two", "wrong three"], answer: "right",
    split: i % 2 ? "temporal" : "global", category: i < 6 ? "tempo" : "key",
  }));
  const file = path.join(dir, "mcq.jsonl");
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

const base = (file: string) => ({ file, shuffle: true, prompt: "muchomusic" as const, audio: "real" as const, answererId: "baseline:first", warn: () => undefined });

test("parseSeeds: lists and ranges; repeats, words and backward ranges are errors", () => {
  assert.deepEqual(parseSeeds("0,1,2,3"), [0, 1, 2, 3]);
  assert.deepEqual(parseSeeds("0-3"), [0, 1, 2, 3]);
  assert.deepEqual(parseSeeds("7, 2,10-11"), [7, 2, 10, 11]);
  assert.throws(() => parseSeeds("0,x"), /--seeds: "x" is not a seed/);
  assert.throws(() => parseSeeds("3-1"), /the range 3-1 runs backwards/);
  assert.throws(() => parseSeeds("0,1,0-2"), /a seed repeats/);
  assert.throws(() => parseSeeds("-1"), /is not a seed/);
});

test("runBenchSeeds: each seed's run is the one --seed gives; mean, spread and per-seed folders; one shared answerer; resume", async () => {
  const dir = makeTempDir("bench-seeds");
  try {
    const file = writeBench(dir);
    const out = path.join(dir, "orders");
    let made = 0, closed = 0;
    const counting = (): Promise<Answerer> => {
      made++;
      return Promise.resolve({ ...baselineAnswerer("first", 0), close: () => void closed++ });
    };
    const options: SeedsOptions = { ...base(file), seeds: [0, 1, 2, 3], out, makeAnswerer: counting, shareAnswerer: true };
    const summary = await runBenchSeeds(options);
    assert.deepEqual([made, closed], [1, 1], "one answerer for all four runs, closed once at the end");
    const single = await Promise.all([0, 1, 2, 3].map((seed) => runBench({ ...base(file), seed, makeAnswerer: () => Promise.resolve(baselineAnswerer("first", 0)) })));
    assert.deepEqual(summary.by_seed.map((s) => s.accuracy), single.map((r) => r.accuracy), "the first option is right where that seed's order puts the answer first");
    assert.ok(new Set(single.map((r) => r.accuracy)).size > 1, "the orders differ, so the first-option baseline scores differently");
    const accuracies = single.map((r) => r.accuracy);
    const mean = accuracies.reduce((a, b) => a + b, 0) / 4;
    assertClose([summary.accuracy, summary.accuracy_sd!], [mean, Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / 3)], 1e-12);
    assert.deepEqual(summary.accuracy_range, [Math.min(...accuracies), Math.max(...accuracies)]);
    assert.deepEqual([summary.n, summary.correct], [48, single.reduce((s, r) => s + r.correct, 0)]);
    assert.deepEqual(Object.keys(summary.by_split).sort(), ["global", "temporal"]);
    assertClose([summary.by_category.tempo!], [single.reduce((s, r) => s + r.by_category.tempo!.accuracy, 0) / 4], 1e-12);
    assert.deepEqual([...seedRuns(out).keys()], [0, 1, 2, 3]);
    for (const seed of [0, 1, 2, 3]) assert.equal(JSON.parse(fs.readFileSync(path.join(out, `seed-${seed}`, "run.json"), "utf8")).seed, seed);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")).seeds, [0, 1, 2, 3]);
    assert.match(fs.readFileSync(path.join(out, "report.md"), "utf8"), /\*\*Mean accuracy \d+\.\d%\*\* \(sd \d+\.\d points across orders/);

    await assert.rejects(runBenchSeeds(options), /orders is not empty: continue its runs with --resume/);
    // A run killed during seed 2: seed-2 cut to half its results, seed-3 never started.
    const results2 = path.join(out, "seed-2", "results.jsonl");
    fs.writeFileSync(results2, fs.readFileSync(results2, "utf8").split("\n").slice(0, 6).join("\n") + "\n");
    fs.rmSync(path.join(out, "seed-3"), { recursive: true });
    const resumed = await runBenchSeeds({ ...options, resume: true });
    assert.deepEqual(resumed, summary);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("gamma bench --seeds and gamma compare on two such folders: seed by seed; --seed with --seeds and mixed folders are errors", () => {
  const dir = makeTempDir("bench-seeds-cli");
  try {
    const file = writeBench(dir);
    const first = run("bench", file, "--baseline", "first", "--seeds", "0-2", "--out", path.join(dir, "first"));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.last.seeds, [0, 1, 2]);
    assert.equal(first.last.n, 36);
    assert.match(first.stderr, /seed 1: accuracy/);
    assert.match(first.stderr, /mean accuracy \d+\.\d% \(sd \d+\.\d points across orders\) over seeds 0, 1, 2; 36 answers/);
    const longest = run("bench", file, "--baseline", "longest", "--seeds", "1,2,3", "--out", path.join(dir, "longest"));
    assert.equal(longest.code, 0, longest.stderr);

    const compared = run("compare", path.join(dir, "first"), path.join(dir, "longest"));
    assert.equal(compared.code, 0, compared.stderr);
    const pairs = compared.last.pairs as { base: string; candidate: string; n: number }[];
    assert.deepEqual(pairs.map((p) => [path.basename(p.base), path.basename(p.candidate), p.n]), [["seed-1", "seed-1", 12], ["seed-2", "seed-2", 12]], "the orders both hold");
    assert.match(compared.stdout, /2 pairs: mean/);

    const both = run("bench", file, "--baseline", "first", "--seed", "1", "--seeds", "0-2");
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /--seed.*cannot be used with.*--seeds/);
    const unshuffled = run("bench", file, "--baseline", "first", "--no-shuffle", "--seeds", "0-2");
    assert.notEqual(unshuffled.code, 0);
    assert.match(unshuffled.stderr, /--seeds with --no-shuffle would pose every run in the file's order/);
    const plain = run("bench", file, "--baseline", "first", "--out", path.join(dir, "plain"));
    assert.equal(plain.code, 0, plain.stderr);
    const mixed = run("compare", path.join(dir, "first"), path.join(dir, "plain"));
    assert.notEqual(mixed.code, 0);
    assert.match(mixed.stderr, /first holds runs in several option orders \(gamma bench --seeds\) but .*plain does not/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
