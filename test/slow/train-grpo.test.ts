// Stage 3 end to end with the tiny config: a small dataset (tone "songs" with MCQs whose answers are times, tempos,
// counts and names), `gamma data rl-select` measuring pass rates and making harder variants, then `gamma train
// grpo` logging its per-step rewards, KL, clipping, length and entropy, drawing its plots, and ending a run stopped
// mid rollout batch and resumed with exactly the weights of an uninterrupted run. Bad input fails with the file
// named. (A random tiny model learns nothing here; this checks the mechanics.)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { writeWav } from "../../src/audio/wav-write.js";
import { repoRoot } from "../../src/cli/paths.js";
import { loadSafetensors } from "../../src/engine/safetensors.js";
import { MetricsLog } from "../../src/train/metrics.js";
import { isHeldOut } from "../../src/train/songs.js";
import { tinyTokenizerFile } from "../model-helpers.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const run = (args: string[]) => spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 300_000 });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-grpo-"));
const dataset = path.join(work, "data");
const features = path.join(work, "features");
const rlFile = path.join(work, "rl", "rl.jsonl");
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
const readJsonl = (file: string) => fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

/** Three 12-second "songs" (one of them held out), four questions each. */
function makeDataset(): void {
  fs.mkdirSync(path.join(dataset, "audio"), { recursive: true });
  const ids: string[] = [];
  for (let n = 0; ids.length < 3; n++) {
    const id = `tone-${n}`;
    if (isHeldOut(id) === (ids.length === 0)) ids.push(id); // the first held out, the others not
  }
  const rows = ids.flatMap((id, s) => {
    const hz = [220, 277, 330][s]!;
    writeWav(path.join(dataset, "audio", `${id}.wav`), Float32Array.from({ length: 16000 * 12 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 16000) * (i % 8000 < 800 ? 1 : 0.4)), 16000);
    const audio = `audio/${id}.wav`;
    return [
      { id: `${id}-q0`, audio, question: "What is the tempo in BPM (±2 BPM)?", choices: ["96 BPM", "108 BPM", "120 BPM", "132 BPM"], answer: "120 BPM", split: "global", category: "tempo-value" },
      { id: `${id}-q1`, audio, question: "When does the chorus start (±1 second)?", choices: ["0:02.0", "0:05.8", "0:09.6", "0:01.0"], answer: "0:05.8", split: "temporal", category: "section-timing" },
      { id: `${id}-q2`, audio, question: "How many sections does the song have?", choices: ["2", "3", "4", "5"], answer: "3", split: "temporal", category: "section-count" },
      { id: `${id}-q3`, audio, question: "What is the style?", choices: ["pop", "rock", "jazz", "funk"], answer: ["pop", "rock", "jazz"][s]!, split: "global", category: "style" },
    ];
  });
  fs.writeFileSync(path.join(dataset, "mcq.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

function grpoConfig(name: string, body: object = {}): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({
    stage: "grpo", init: path.join(work, "init"), rl: rlFile, run: path.join(work, name), featureDir: features, seed: 0,
    groupSize: 4, ordersPerGroup: 2, promptsPerBatch: 2, innerSteps: 2, maxNewTokens: 16, evalItems: 2,
    optim: { steps: 6, lr: 0.003, warmupSteps: 1, weightDecay: 0 }, logEvery: 1, evalEvery: 3, checkpointEvery: 2, ...body,
  }));
  return file;
}

function weights(dir: string): Map<string, number[]> {
  const { tensors } = loadSafetensors(path.join(dir, "model.safetensors"));
  return new Map([...tensors].filter(([k]) => k.startsWith("llm.")).map(([k, t]) => [k, t.toList()]));
}

/** The fields of train records that do not depend on timing. */
const deterministic = (file: string) => MetricsLog.read(file).map((r) => {
  const { time: _t, samples_per_s: _s, tokens_per_s: _k, seconds_per_step: _p, rollout_seconds: _r, ...rest } = r;
  return rest;
});

test("rl-select measures pass rates and adds variants; grpo logs, plots and resumes exactly; bad input names the file", { timeout: 600_000 }, () => {
  makeDataset();
  const tok = tinyTokenizerFile();
  const init = path.join(work, "init");
  const made = run(["model", "init", "--config", "gamma-tiny", "--tokenizer", tok, "--seed", "3", "--out", init]);
  assert.equal(made.status, 0, made.stderr);

  // rl-select, keeping every question (a random model passes few), every upgrade on.
  const select = ["data", "rl-select", "--model", init, "--pool", dataset, "--group", "4", "--max-new-tokens", "16", "--seed", "1", "--feature-dir", features];
  const selected = run([...select, "--min-pass", "0", "--max-pass", "1", "--out", rlFile]);
  assert.equal(selected.status, 0, selected.stderr);
  const summary = lastJson(selected.stdout) as { measured: number; kept: number; variants_made: Record<string, number>; variants_kept: number; written: number; rollouts_per_s: number };
  assert.equal(summary.measured, 12);
  assert.equal(summary.kept, 12);
  assert.deepEqual(summary.variants_made, { "closer-distractors": 3, "finer-tolerance": 9, composite: 6 });
  assert.equal(summary.written, 12 + 18);
  assert.ok(summary.rollouts_per_s > 0);
  const rl = readJsonl(rlFile);
  assert.equal(rl.length, 30);
  const ids = new Set(rl.map((r) => r.id));
  for (const r of rl) {
    assert.ok(typeof r.pass_rate === "number" && r.pass_rate >= 0 && r.pass_rate <= 1 && (r.pass_rate * 4) % 1 === 0, `pass rate of ${String(r.id)}`);
    assert.ok(!path.isAbsolute(r.audio as string) && fs.existsSync(path.resolve(path.dirname(rlFile), r.audio as string)));
    if (r.upgrade) assert.ok((r.source_ids as string[]).every((s) => ids.has(s)), `provenance of ${String(r.id)}`);
  }
  assert.deepEqual(new Set(rl.map((r) => r.kind)), new Set(["mcq", "number", "time"]));

  // The bounds: the same measurement, keeping only the best-answered questions (or none, which is an error).
  const best = Math.max(...rl.filter((r) => !r.upgrade).map((r) => r.pass_rate as number));
  const strict = run([...select, "--upgrades", "none", "--min-pass", String(Math.max(best, 0.25)), "--max-pass", "1", "--out", path.join(work, "rl", "best.jsonl")]);
  if (best > 0) {
    assert.equal(strict.status, 0, strict.stderr);
    assert.deepEqual(readJsonl(path.join(work, "rl", "best.jsonl")).map((r) => r.id), rl.filter((r) => !r.upgrade && r.pass_rate === best).map((r) => r.id));
  } else {
    assert.equal(strict.status, 1);
    assert.match(strict.stderr, /no question of 12 has a pass rate in \[0\.25, 1\]/);
  }

  // Pass rates over two option orders (two answers in each); orders that do not divide the group are refused.
  const twoOrders = run([...select, "--orders", "2", "--upgrades", "none", "--min-pass", "0", "--max-pass", "1", "--out", path.join(work, "rl", "orders.jsonl")]);
  assert.equal(twoOrders.status, 0, twoOrders.stderr);
  assert.equal((lastJson(twoOrders.stdout) as { kept: number }).kept, 12);
  const threeOrders = run([...select, "--orders", "3", "--out", path.join(work, "rl", "x.jsonl")]);
  assert.equal(threeOrders.status, 1);
  assert.match(threeOrders.stderr, /--orders \(3\) must divide --group \(4\)/);

  // GRPO: six steps, a rollout batch every two, each group's MCQs posed in two option orders.
  const full = run(["train", "grpo", "--config", grpoConfig("full")]);
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stderr, /grpo: \d+ training questions, \d+ held out/);
  const result = lastJson(full.stdout) as { step: number; artefacts: string[]; eval: Record<string, number> };
  assert.equal(result.step, 6);
  assert.deepEqual(result.artefacts, [path.join(work, "full", "model")]);
  assert.ok(result.eval.eval_items! > 0 && result.eval.accuracy_rl! >= 0 && result.eval.accuracy_rl! <= 1);
  const records = MetricsLog.read(path.join(work, "full", "metrics.jsonl"));
  const trains = records.filter((r) => r.split === "train");
  assert.deepEqual(trains.map((r) => r.step), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(records.filter((r) => r.split === "eval").map((r) => r.step), [3, 6]);
  for (const r of trains) {
    for (const f of ["reward_format_mean", "reward_format_std", "reward_accuracy_mean", "reward_accuracy_std", "reward_mean", "reward_std", "kl", "clip_fraction", "response_length", "entropy", "loss", "grad_norm"])
      assert.equal(typeof r[f], "number", `step ${r.step}: ${f}`);
    assert.ok((r.kl as number) >= 0 && (r.clip_fraction as number) >= 0 && (r.clip_fraction as number) <= 1 && (r.response_length as number) >= 1 && (r.response_length as number) <= 17);
  }
  assert.ok((trains[0]!.kl as number) < 1e-6, "the policy starts as the reference");
  assert.ok(trains.slice(1).some((r) => (r.kl as number) > 0), "and moves away from it");
  assert.equal(trains[0]!.reward_mean, trains[1]!.reward_mean, "steps 1 and 2 share a rollout batch");
  for (const f of ["loss.svg", "lr.svg", "accuracy.svg", "rewards.svg", "reward-spread.svg", "kl.svg", "clipping.svg", "entropy.svg", "response-length.svg"])
    assert.ok(fs.existsSync(path.join(work, "full", "plots", f)), f);
  const trained = weights(path.join(work, "full", "model"));
  const initial = weights(init);
  assert.ok([...trained].some(([k, v]) => v.some((x, i) => x !== initial.get(k)![i])), "the policy changed");

  // Stopped inside a rollout batch (step 3 of the batch of steps 2-3), then resumed: the same weights and log.
  const stopped = run(["train", "grpo", "--config", grpoConfig("stopped"), "--stop-after", "3"]);
  assert.equal(stopped.status, 130, stopped.stderr);
  const resumed = run(["train", "grpo", "--config", grpoConfig("stopped")]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from step 3/);
  assert.deepEqual(weights(path.join(work, "stopped", "model")), trained);
  assert.deepEqual(deterministic(path.join(work, "stopped", "metrics.jsonl")), deterministic(path.join(work, "full", "metrics.jsonl")));

  // Bad input: one line naming the file, exit 1.
  const noModel = run(["data", "rl-select", "--model", path.join(work, "nowhere"), "--pool", dataset, "--out", path.join(work, "x.jsonl")]);
  assert.equal(noModel.status, 1);
  assert.match(noModel.stderr, /nowhere: no such model directory/);
  const broken = path.join(work, "rl", "broken.jsonl"); // beside rl.jsonl, so its first lines' audio resolves
  fs.writeFileSync(broken, fs.readFileSync(rlFile, "utf8").split("\n").slice(0, 2).join("\n") + "\n{\"id\": \"x\", \"audio\": \"nope.wav\"\n");
  const badPool = run(["data", "rl-select", "--model", init, "--pool", broken, "--out", path.join(work, "x.jsonl")]);
  assert.equal(badPool.status, 1);
  assert.match(badPool.stderr, new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: not valid JSON`));
  const badRl = run(["train", "grpo", "--config", grpoConfig("bad", { rl: broken })]);
  assert.equal(badRl.status, 1);
  assert.match(badRl.stderr, /broken\.jsonl:3: not valid JSON/);
  const noInit = run(["train", "grpo", "--config", grpoConfig("bad", { init: path.join(work, "nowhere") })]);
  assert.equal(noInit.status, 1);
  assert.match(noInit.stderr, /nowhere: no such model directory/);
});
