// The training loop: per-kind metrics are means over the micro-batches that reported them, not diluted by the
// micro-batches of other kinds (a stage that draws one dialogue in eight must log the dialogue's own loss); a
// stop signal during a step writes a checkpoint of every step done.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { enableGrad } from "../src/engine/autograd.js";
import { Linear, Module } from "../src/engine/module.js";
import { Generator } from "../src/engine/random.js";
import { tensor } from "../src/engine/tensor.js";
import { Checkpoints } from "../src/train/checkpoint.js";
import { type LoopConfig, partsWithoutGradient, runLoop, type TrainTask } from "../src/train/loop.js";
import { MetricsLog } from "../src/train/metrics.js";

class Toy extends Module {
  readonly layer = this.registerModule("layer", new Linear(2, 1, { generator: new Generator(1) }));
}

/** A one-layer task: each micro-batch is (step, micro); `metrics` says what it reports. */
function toyTask(o: { prepare?: (step: number) => void; metrics?: (micro: number) => Record<string, number> }): TrainTask<[number, number]> {
  const module = new Toy();
  return {
    module,
    trainable: () => [...module.namedParameters()],
    dataState: () => ({}),
    restoreData: () => {},
    prepare: async (step, micro) => { o.prepare?.(step); return [step, micro]; },
    loss: ([, micro]) => ({ loss: module.layer.forward(tensor([[1, micro]])).square().mean(), metrics: o.metrics?.(micro) ?? {}, samples: 1 }),
  };
}

test("per-kind metrics are means over the micro-batches of that kind", async () => {
  // One micro-batch in four is a "dialogue" with loss 2; the others are "mcq" with loss 1.
  const task = toyTask({ metrics: (micro): Record<string, number> => (micro === 0 ? { loss_dialogue: 2 } : { loss_mcq: 1 }) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-loop-"));
  await runLoop(task, { steps: 4, gradAccum: 4, lr: 1e-3, minLrRatio: 1, warmupSteps: 0, weightDecay: 0, clipNorm: 1, seed: 0, logEvery: 2, evalEvery: 100, checkpointEvery: 100, keepCheckpoints: 1 }, dir, "toy");
  const train = MetricsLog.read(path.join(dir, "metrics.jsonl")).filter((r) => r.split === "train");
  assert.equal(train.length, 2);
  for (const r of train) {
    assert.equal(r.loss_dialogue, 2);
    assert.equal(r.loss_mcq, 1);
  }
});

test("SIGTERM during a step: the loop stops and checkpoints every step done, none lost", async () => {
  // The signal lands while step 2 runs, as a real one would: seen by the loop only after the step.
  const task = toyTask({ prepare: (step) => { if (step === 2) setImmediate(() => process.emit("SIGTERM")); } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-loop-stop-"));
  const config: LoopConfig = { steps: 50, gradAccum: 1, lr: 1e-3, minLrRatio: 1, warmupSteps: 0, weightDecay: 0, clipNorm: 1, seed: 0, logEvery: 100, evalEvery: 100, checkpointEvery: 25, keepCheckpoints: 1 };
  const result = await runLoop(task, config, dir, "toy");
  assert.equal(result.stopped, true);
  assert.equal(result.step, 3);
  assert.equal(new Checkpoints(dir, 1).latest()?.step, 3, "the three steps done are in the checkpoint");
});

class TwoParts extends Module {
  readonly used = this.registerModule("used", new Linear(2, 1, { generator: new Generator(1) }));
  readonly unused = this.registerModule("unused", new Linear(2, 1, { generator: new Generator(2) }));
}

test("a trainable part no gradient reaches is named in a warning at the first step", async () => {
  const module = new TwoParts();
  // The unused part feeds the loss only through argmax, which has no gradient (as a summary read as words).
  const task: TrainTask<number> = {
    module, trainable: () => [...module.namedParameters()], dataState: () => ({}), restoreData: () => {}, prepare: async (step) => step,
    loss: () => ({ loss: module.used.forward(tensor([[1, 2]])).square().mean().add(module.unused.forward(tensor([[1, 2]])).argmax(-1).to("float32").sum()), metrics: {}, samples: 1 }),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-loop-idle-"));
  const lines: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => { lines.push(args.join(" ")); };
  try {
    await runLoop(task, { steps: 3, gradAccum: 1, lr: 1e-3, minLrRatio: 1, warmupSteps: 0, weightDecay: 0, clipNorm: 1, seed: 0, logEvery: 100, evalEvery: 100, checkpointEvery: 100, keepCheckpoints: 1 }, dir, "toy");
  } finally {
    console.error = error;
  }
  const warnings = lines.filter((l) => l.includes("no gradient reached"));
  assert.equal(warnings.length, 1, "once, at the first step");
  assert.match(warnings[0]!, /toy: warning: no gradient reached unused in step 1; if none ever does, it will not train/);
  const fresh = new TwoParts();
  enableGrad(() => fresh.used.forward(tensor([[1, 2]])).sum().backward());
  assert.deepEqual(partsWithoutGradient([...fresh.namedParameters()]), ["unused"]);
  enableGrad(() => fresh.unused.forward(tensor([[1, 2]])).sum().backward());
  assert.deepEqual(partsWithoutGradient([...fresh.namedParameters()]), []);
});
