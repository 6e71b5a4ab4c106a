// `gamma data written-set`: a benchmark set for the written view keeps only questions a written summary answers,
// draws at most N a category from its seed, and writes lines `gamma bench` loads; bad pools get a clear error.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../src/cli/paths.js";
import { loadBenchmark } from "../src/eval/formats/index.js";
import { readRlPool } from "../src/train/rl-items.js";
import { selectWrittenSet, writeWrittenSet } from "../src/train/written-set.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const songs = ["a", "b", "c", "d"];

/** A text-only dataset (as `gamma data synth --text-only` writes one): annotations, MCQs, no audio. */
function textOnlyDataset(): string {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-written-set-"));
  fs.mkdirSync(path.join(data, "songs"));
  for (const [i, s] of songs.entries()) {
    const annotation = {
      global: {
        key: { tonic: "D", mode: "major" }, tempo: 120 + 7 * i, style: "jazz", tempoClass: "fast", mood: ["happy"], metre: { numerator: 3, denominator: 4 },
        leadInstrument: "trumpet", instruments: [{ name: "trumpet", role: "lead" }], duration: 80,
      },
    };
    fs.writeFileSync(path.join(data, "songs", `${s}.json`), JSON.stringify(annotation));
  }
  const rows = songs.flatMap((s, i) => [
    { id: `${s}-tempo`, audio: `audio/${s}.wav`, question: "What is the tempo (±2 BPM)?", choices: [`${120 + 7 * i} BPM`, "90 BPM", "100 BPM", "80 BPM"], answer: `${120 + 7 * i} BPM`, split: "global", category: "tempo-value" },
    { id: `${s}-style`, audio: `audio/${s}.wav`, question: "What is the style?", choices: ["pop", "rock", "jazz", "funk"], answer: "jazz", split: "global", category: "genre" },
    { id: `${s}-time`, audio: `audio/${s}.wav`, question: "When does the chorus start?", choices: ["0:10.0", "0:20.0", "0:30.0", "0:40.0"], answer: "0:20.0", split: "temporal", category: "section-timing" },
  ]);
  fs.writeFileSync(path.join(data, "mcq.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return data;
}

test("written-set keeps what a summary states, at most N a category in the pool's order, the same for the same seed", () => {
  const data = textOnlyDataset();
  const pool = readRlPool([data], { written: true });
  const all = selectWrittenSet(pool, { summaryTokens: 19, seed: 0 });
  assert.deepEqual(all.answerable.map((q) => q.id), songs.flatMap((s) => [`${s}-tempo`, `${s}-style`]), "a section's time is not in a summary");
  assert.equal(all.chosen.length, 8);
  const two = selectWrittenSet(pool, { summaryTokens: 19, perCategory: 2, seed: 5 });
  const byCategory = (ids: string[]) => ({ tempo: ids.filter((id) => id.endsWith("tempo")).length, style: ids.filter((id) => id.endsWith("style")).length });
  assert.deepEqual(byCategory(two.chosen.map((q) => q.id)), { tempo: 2, style: 2 });
  const order = two.chosen.map((q) => pool.findIndex((p) => p.id === q.id));
  assert.deepEqual(order, [...order].sort((x, y) => x - y), "written in the pool's order");
  assert.deepEqual(selectWrittenSet(pool, { summaryTokens: 19, perCategory: 2, seed: 5 }).chosen.map((q) => q.id), two.chosen.map((q) => q.id));
  const draws = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => selectWrittenSet(pool, { summaryTokens: 19, perCategory: 2, seed }).chosen.map((q) => q.id).join()));
  assert.ok(draws.size > 1, "other seeds draw other questions");
  assert.throws(() => selectWrittenSet(pool, { summaryTokens: 0, seed: 0 }), /--summary-tokens must be positive/);
});

test("written-set writes a set gamma bench loads, audio relative to it; a pool with nothing answerable is refused", () => {
  const data = textOnlyDataset();
  const out = path.join(data, "sets", "heldout-written.jsonl");
  const summary = writeWrittenSet({ pool: [data], out, summaryTokens: 19, perCategory: 3, seed: 1 });
  assert.deepEqual([summary.pool, summary.answerable, summary.written], [12, 8, 6]);
  assert.deepEqual(summary.categories, { "tempo-value": { answerable: 4, written: 3 }, genre: { answerable: 4, written: 3 } });
  fs.mkdirSync(path.join(data, "audio"));
  const bench = loadBenchmark(out, { audioDir: path.join(data, "sets") });
  assert.equal(bench.problems.length, 0, JSON.stringify(bench.problems));
  assert.equal(bench.items.length, 6);
  assert.match(fs.readFileSync(out, "utf8").split("\n")[0]!, /"audio":"\.\.\/audio\/[a-d]\.wav"/);

  const timeOnly = path.join(data, "time.jsonl");
  fs.writeFileSync(timeOnly, fs.readFileSync(path.join(data, "mcq.jsonl"), "utf8").split("\n").filter((l) => l.includes("-time")).join("\n") + "\n");
  assert.throws(() => writeWrittenSet({ pool: [timeOnly], out: path.join(data, "none.jsonl"), summaryTokens: 19, seed: 0 }), /no question of the pool \(4\) asks what a written summary states .*nothing written to/);
  assert.ok(!fs.existsSync(path.join(data, "none.jsonl")));
});

test("gamma data written-set: the JSON summary on stdout; a missing pool names the path, exit code non-zero", () => {
  const data = textOnlyDataset();
  const out = path.join(data, "set.jsonl");
  const run = spawnSync(process.execPath, [gamma, "data", "written-set", "--pool", data, "--per-category", "1", "--out", out], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  assert.deepEqual([summary.answerable, summary.written], [8, 2]);
  assert.match(run.stderr, /written-set: 8 of 12 questions are answered by a written summary; wrote 2 to /);
  const missing = spawnSync(process.execPath, [gamma, "data", "written-set", "--pool", path.join(data, "nope"), "--out", out], { encoding: "utf8" });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /nope.*no such file/);
});
