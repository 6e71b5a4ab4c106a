// Stage 0 end to end on real rendered songs: `gamma data synth` makes a small dataset, `gamma train experts`
// trains a tiny model on it; a run stopped (--stop-after) or killed (SIGKILL) and started again ends with
// exactly the weights of an uninterrupted run, and the run directory holds metrics, plots and the experts.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../src/cli/paths.js";
import { loadSafetensors } from "../../src/engine/safetensors.js";
import { MetricsLog } from "../../src/train/metrics.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const run = (args: string[]) => spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 600_000 });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-train-experts-"));
const dataset = path.join(work, "data");

function config(name: string, extra: object = {}): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({
    stage: "experts", model: "gamma-tiny", datasets: [dataset], run: path.join(work, name),
    batchSize: 2, evalSongs: 2, seed: 5, optim: { steps: 8, warmupSteps: 2, lr: 0.002 }, logEvery: 2, evalEvery: 4, checkpointEvery: 2, ...extra,
  }));
  return file;
}

function weights(runName: string): Map<string, number[]> {
  const { tensors } = loadSafetensors(path.join(work, runName, "experts.safetensors"));
  return new Map([...tensors].map(([k, t]) => [k, t.toList()]));
}

test("stage 0 trains, resumes exactly after --stop-after and after SIGKILL", { timeout: 900_000 }, async () => {
  const made = run(["data", "synth", "--songs", "6", "--seconds", "20-30", "--seed", "11", "--workers", "2", "--out", dataset]);
  assert.equal(made.status, 0, made.stderr);

  const full = run(["train", "experts", "--config", config("full")]);
  assert.equal(full.status, 0, full.stderr);
  const summary = JSON.parse(full.stdout.trim().split("\n").pop()!) as { step: number; artefacts: string[]; eval: Record<string, number> };
  assert.equal(summary.step, 8);
  const section = summary.eval.accuracy_section!;
  assert.ok(section >= 0 && section <= 1);
  for (const f of ["metrics.jsonl", "plots/loss.svg", "plots/accuracy.svg", "experts.safetensors"]) assert.ok(fs.existsSync(path.join(work, "full", f)), f);
  const records = MetricsLog.read(path.join(work, "full", "metrics.jsonl"));
  assert.deepEqual(records.filter((r) => r.split === "train").map((r) => r.step), [2, 4, 6, 8]);
  assert.deepEqual(records.filter((r) => r.split === "eval").map((r) => r.step), [4, 8]);
  const reference = weights("full");
  assert.ok([...reference.keys()].every((k) => k.startsWith("temporal_expert.") || k.startsWith("global_expert.")), "heads are dropped");

  // Stopped at step 3 (checkpoint at 3), then resumed.
  const stopped = run(["train", "experts", "--config", config("stopped"), "--stop-after", "3"]);
  assert.equal(stopped.status, 130, stopped.stderr);
  assert.ok(!fs.existsSync(path.join(work, "stopped", "experts.safetensors")));
  const resumed = run(["train", "experts", "--config", config("stopped")]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from step 3/);
  assert.deepEqual(weights("stopped"), reference);
  assert.deepEqual(MetricsLog.read(path.join(work, "stopped", "metrics.jsonl")).map((r) => `${r.split}:${r.step}`), records.map((r) => `${r.split}:${r.step}`));

  // Killed without warning once the first checkpoint exists, then resumed.
  const killedConfig = config("killed");
  const child = spawn(process.execPath, [gamma, "train", "experts", "--config", killedConfig], { stdio: "ignore" });
  const latest = path.join(work, "killed", "checkpoints", "latest.json");
  while (!fs.existsSync(latest)) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const again = run(["train", "experts", "--config", killedConfig]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /resuming from step \d/);
  assert.deepEqual(weights("killed"), reference);

  // SIGTERM (as Ctrl-C) stops the run after the current step with a checkpoint and exit code 130.
  const termConfig = config("terminated");
  const term = spawn(process.execPath, [gamma, "train", "experts", "--config", termConfig], { stdio: "ignore" });
  const termLatest = path.join(work, "terminated", "checkpoints", "latest.json");
  while (!fs.existsSync(termLatest)) await new Promise((r) => setTimeout(r, 50));
  term.kill("SIGTERM");
  const code = await new Promise((r) => term.on("exit", r));
  assert.equal(code, 130);
  const after = run(["train", "experts", "--config", termConfig]);
  assert.equal(after.status, 0, after.stderr);
  assert.deepEqual(weights("terminated"), reference);
});

test("a run can start from earlier experts (init); a file that does not fit is named", { timeout: 600_000 }, () => {
  const earlier = path.join(work, "full", "experts.safetensors");
  if (!fs.existsSync(earlier)) return; // made by the test above
  // A learning rate of 1e-12 leaves the weights where they started: the earlier experts, not random ones.
  const continued = run(["train", "experts", "--config", config("continued", { init: earlier, optim: { steps: 2, warmupSteps: 1, lr: 1e-12 }, evalEvery: 100 })]);
  assert.equal(continued.status, 0, continued.stderr);
  assert.match(continued.stderr, /starting from .*full\/experts\.safetensors/);
  const before = weights("full"), after = weights("continued");
  for (const [name, values] of before) assert.ok(values.every((v, i) => Math.abs(v - after.get(name)![i]!) < 1e-6), name);
  const bad = path.join(work, "bad.safetensors");
  fs.copyFileSync(path.join(work, "full", "metrics.jsonl"), bad);
  const refused = run(["train", "experts", "--config", config("refused", { init: bad })]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /bad\.safetensors/);
});
