// Paired comparison of bench runs: the discordant questions and McNemar's exact test.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { comparePair, mcnemarExact, readBenchResults, summarise } from "../src/eval/compare.js";
import { assertClose } from "./helpers.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-compare-"));
/** A bench --out folder whose questions q0.. are right where `right` says; `tail` is an unfinished last line. */
function run(name: string, right: boolean[], tail = ""): string {
  const out = path.join(dir, name);
  fs.mkdirSync(out);
  const lines = right.map((correct, i) => JSON.stringify({ id: `q${i}`, choices: ["a", "b"], answer: "A", output: correct ? "(A)" : "(B)", parsed: correct ? "A" : "B", correct, seconds: 0.1 }));
  fs.writeFileSync(path.join(out, "results.jsonl"), lines.join("\n") + "\n" + tail);
  return out;
}

test("McNemar's exact test: two-sided binomial tail of the discordant split", () => {
  assertClose([mcnemarExact(10, 0), mcnemarExact(0, 10)], [2 / 1024, 2 / 1024], 1e-12);
  assertClose([mcnemarExact(18, 16)], [0.8641662404406822], 1e-9); // scipy.stats.binomtest(16, 34).pvalue
  assertClose([mcnemarExact(7, 1)], [0.0703125], 1e-12); // 2 * (1 + 8) / 256
  assert.equal(mcnemarExact(5, 5), 1);
  assert.equal(mcnemarExact(0, 0), 1);
  assert.ok(mcnemarExact(600, 400) < 1e-9 && mcnemarExact(600, 400) > 0, "large counts stay finite");
});

test("a pair is compared on the questions both runs answered; pairs are summarised across seeds", () => {
  const base = run("base", [true, false, false, true, false, true]);
  const candidate = run("cand", [true, true, true, false, false], '{"id":"q5","unfinished'); // q5 not yet answered
  const p = comparePair(base, readBenchResults(base), candidate, readBenchResults(candidate));
  assert.equal(p.n, 5);
  assert.deepEqual([p.base_accuracy, p.candidate_accuracy, p.candidate_only, p.base_only], [2 / 5, 3 / 5, 2, 1]);
  assertClose([p.difference, p.p_value], [0.2, 1], 1e-12);
  const again = comparePair(candidate, readBenchResults(candidate), base, readBenchResults(base));
  const all = summarise([p, again]);
  assertClose([all.mean_difference, all.difference_sd], [0, Math.sqrt(0.08)], 1e-12);
  assert.deepEqual([all.candidate_only, all.base_only], [3, 3]);
  assert.equal(fs.readFileSync(path.join(candidate, "results.jsonl"), "utf8").endsWith("unfinished"), true, "reading leaves the file as it was");
});

test("bad input: a missing run, a broken line, runs without shared questions, an odd number of runs", () => {
  assert.throws(() => readBenchResults(path.join(dir, "nowhere")), /nowhere: no such file \(give a `gamma bench --out` folder/);
  const broken = run("broken", [true]);
  fs.appendFileSync(path.join(broken, "results.jsonl"), "{}\n");
  assert.throws(() => readBenchResults(broken), /broken\/results\.jsonl:2: not a result line \(not written by `gamma bench`\?\)/);
  const other = path.join(dir, "other");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "results.jsonl"), JSON.stringify({ id: "x", choices: [], answer: "A", output: "", parsed: null, correct: false, seconds: 0 }) + "\n");
  const a = run("a", [true]);
  assert.throws(() => comparePair(a, readBenchResults(a), other, readBenchResults(other)), /share no question/);
  const gamma = fileURLToPath(new URL("../../bin/gamma.js", import.meta.url));
  const odd = spawnSync(process.execPath, [gamma, "compare", a, a, a], { encoding: "utf8" });
  assert.notEqual(odd.status, 0);
  assert.match(odd.stderr, /give the runs as pairs \(base candidate \.\.\.\): got 3/);
  const ok = spawnSync(process.execPath, [gamma, "compare", a, a], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout.trim().split("\n").at(-1)!).pairs[0].p_value, 1);
});
