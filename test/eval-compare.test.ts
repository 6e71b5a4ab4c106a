// Paired comparison of bench runs: the discordant questions and McNemar's exact test.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { comparePair, mcnemarExact, readBenchResults, readQuestionIds, summarise } from "../src/eval/compare.js";
import { compareGroups, groupDrawer } from "../src/eval/compare-groups.js";
import { Rng } from "../src/music/rng.js";
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

test("groups of runs: each group's mean and run-to-run sd, a bootstrap interval over runs and questions", () => {
  // Two base seeds at 2/8 and 3/8, three candidate seeds at 6/8, 7/8, 6/8 on the same eight questions.
  const q = (rights: number[]) => Array.from({ length: 8 }, (_, i) => rights.includes(i));
  const base = [run("g-base0", q([0, 1])), run("g-base1", q([0, 1, 2]))];
  const candidate = [run("g-cand0", q([0, 1, 2, 3, 4, 5])), run("g-cand1", q([0, 1, 2, 3, 4, 5, 6])), run("g-cand2", q([1, 2, 3, 4, 5, 6]))];
  const c = compareGroups(base, candidate, { draws: 2000, seed: 1 });
  assert.equal(c.questions, 8);
  assert.equal(c.orders, null);
  assertClose([c.base.mean, c.base.sd!, c.candidate.mean], [2.5 / 8, Math.sqrt(0.5) / 8, 19 / 24], 1e-12);
  assertClose([c.difference], [19 / 24 - 2.5 / 8], 1e-12);
  assert.ok(c.ci95[0] > 0 && c.ci95[0] < c.difference && c.difference < c.ci95[1], `interval ${c.ci95} around ${c.difference}`);
  assert.equal(c.beyond_noise, true);
  assert.ok(c.p_not_above < 0.05, `p ${c.p_not_above}`);
  assert.deepEqual(compareGroups(base, candidate, { draws: 2000, seed: 1 }), c, "the same seed draws the same interval");

  // Equal recipes: the interval straddles zero and nothing is claimed; one run per group claims nothing either.
  const same = compareGroups(candidate.slice(0, 2), candidate.slice(1), { draws: 2000 });
  assert.ok(same.ci95[0] < 0 && same.ci95[1] > 0 && !same.beyond_noise, `interval ${same.ci95}`);
  const lone = compareGroups([base[0]!], [candidate[0]!], { draws: 500 });
  assert.equal(lone.base.sd, null);
  assert.equal(lone.beyond_noise, false, "one run a side cannot show run-to-run noise is beaten");
});

test("groups of runs over --seeds folders average the option orders; the CLI prints a verdict and one JSON line", () => {
  const seeds = (name: string, orders: boolean[][]) => {
    const out = path.join(dir, name);
    fs.mkdirSync(out);
    orders.forEach((right, s) => fs.renameSync(run(`${name}-tmp${s}`, right), path.join(out, `seed-${s}`)));
    return out;
  };
  const b0 = seeds("o-base0", [[true, false, false, false], [false, true, false, false]]);
  const b1 = seeds("o-base1", [[true, false, false, false], [true, false, false, false]]);
  const c0 = seeds("o-cand0", [[true, true, true, false], [true, true, false, true]]);
  const c1 = seeds("o-cand1", [[true, true, true, true], [true, true, true, false]]);
  const c = compareGroups([b0, b1], [c0, c1], { draws: 1000 });
  assert.deepEqual(c.orders, [0, 1]);
  assertClose([c.base.runs[0]!.accuracy, c.candidate.runs[1]!.accuracy], [0.25, 7 / 8], 1e-12);
  const gamma = fileURLToPath(new URL("../../bin/gamma.js", import.meta.url));
  const cli = spawnSync(process.execPath, [gamma, "compare", "--base", b0, b1, "--candidate", c0, c1, "--draws", "1000"], { encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /base \(2 runs\): mean 25\.0%; run-to-run sd 0\.0 points/);
  assert.match(cli.stdout, /difference \+56\.3 points, 95% interval \[\+\d+\.\d, \+\d+\.\d\]/);
  assert.deepEqual(JSON.parse(cli.stdout.trim().split("\n").at(-1)!).ci95, c.ci95);

  // Bad input: mixed folder kinds, a lone group, stray positional runs, a bad --draws.
  const plain = run("o-plain", [true, false, false, false]);
  assert.throws(() => compareGroups([b0], [plain]), /several option orders \(gamma bench --seeds\) but .*o-plain does not/);
  for (const [args, message] of [
    [["--base", b0], /group mode needs both --base and --candidate/],
    [[b0, "--base", b0, "--candidate", c0], /with --base\/--candidate give every run to one of them/],
    [["--base", b0, "--candidate", c0, "--draws", "5"], /--draws must be an integer of at least 100, got 5/],
  ] as const) {
    const bad = spawnSync(process.execPath, [gamma, "compare", ...args], { encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, message);
  }
});

test("a group's drawn mean spreads as its runs' sample variance over n says, not (n - 1) / n of it", () => {
  // Two runs at accuracy 0.5 and 0 on two questions: sample variance 0.125, so the mean of two varies by 0.0625.
  const draw = groupDrawer([[1, 0], [0, 0]], 2, new Rng(3));
  const accuracies = Array.from({ length: 4000 }, () => { const s = draw(); return (s[0]! + s[1]!) / 2; });
  const m = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const variance = accuracies.reduce((a, b) => a + (b - m) ** 2, 0) / accuracies.length;
  assertClose([m, variance], [0.25, 0.0625], { atol: 0.006 });
  assert.deepEqual(groupDrawer([[1, 0]], 2, new Rng(3))(), [1, 0], "one run: drawn as it is");
});

test("--questions: pairs and groups compared on a subset of the questions; a bad subset file is an error naming it", () => {
  const q = (rights: number[]) => Array.from({ length: 6 }, (_, i) => rights.includes(i));
  const base = [run("s-base0", q([0, 1, 2])), run("s-base1", q([0, 1, 3]))];
  const candidate = [run("s-cand0", q([0, 4, 5])), run("s-cand1", q([1, 4, 5]))];
  const subset = path.join(dir, "subset.jsonl");
  fs.writeFileSync(subset, ["q3", "q4", "q5", "nowhere"].map((id) => JSON.stringify({ id, pass_rate: 0.5 })).join("\n") + "\n");
  const only = readQuestionIds(subset);
  assert.deepEqual([...only], ["q3", "q4", "q5", "nowhere"]);
  const c = compareGroups(base, candidate, { draws: 500, only });
  assert.equal(c.questions, 3, "q0-q2 left out, and the id no run answered");
  assertClose([c.base.mean, c.candidate.mean], [1 / 6, 2 / 3], 1e-12);
  assert.equal(compareGroups(base, candidate, { draws: 500 }).difference, 0, "over all six questions the groups tie");
  assert.throws(() => compareGroups(base, candidate, { only: new Set(["nowhere"]) }), /share no question among those of --questions/);

  const gamma = fileURLToPath(new URL("../../bin/gamma.js", import.meta.url));
  const pair = spawnSync(process.execPath, [gamma, "compare", base[0]!, candidate[0]!, "--questions", subset], { encoding: "utf8" });
  assert.equal(pair.status, 0, pair.stderr);
  const p = JSON.parse(pair.stdout.trim().split("\n").at(-1)!).pairs[0];
  assert.deepEqual([p.n, p.candidate_only, p.base_only], [3, 2, 0]);
  const broken = path.join(dir, "broken-subset.jsonl");
  fs.writeFileSync(broken, '{"id": "q1"}\n{"question": "no id"}\n');
  for (const [file, message] of [[broken, /broken-subset\.jsonl:2: no "id"/], [path.join(dir, "none.jsonl"), /none\.jsonl: no such file/]] as const) {
    const bad = spawnSync(process.execPath, [gamma, "compare", base[0]!, candidate[0]!, "--questions", file], { encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, message);
  }
  const elsewhere = path.join(dir, "elsewhere.jsonl");
  fs.writeFileSync(elsewhere, '{"id": "x9"}\n');
  const none = spawnSync(process.execPath, [gamma, "compare", base[0]!, candidate[0]!, "--questions", elsewhere], { encoding: "utf8" });
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /none of its 6 questions is among those of --questions/);
});
