// The training loop every stage shares: gradient accumulation, global-norm clipping, AdamW with a cosine
// schedule, periodic evaluation, metrics (metrics.jsonl) and plots, atomic checkpoints with exact resume, a
// progress line with loss, rate and ETA, and a clean stop on Ctrl-C / SIGTERM (a checkpoint, then exit).
// A stage plugs in as a TrainTask: it prepares micro-batches (async: audio is read from disk) and computes a
// loss from one (synchronously, inside a tidy scope so every intermediate tensor is freed).
import fs from "node:fs";
import path from "node:path";
import { enableGrad } from "../engine/autograd.js";
import type { Module } from "../engine/module.js";
import { AdamW, clipGradNorm, cosineWithWarmup, decayGroups } from "../engine/optim.js";
import { manualSeed } from "../engine/random.js";
import { tidy } from "../engine/scope.js";
import type { Tensor } from "../engine/tensor.js";
import { Progress } from "../cli/progress.js";
import { Checkpoints } from "./checkpoint.js";
import { type MetricRecord, MetricsLog } from "./metrics.js";
import { plotRun } from "./plot.js";

export interface OptimConfig {
  steps: number;
  /** Micro-batches per optimizer step. */
  gradAccum: number;
  lr: number;
  minLrRatio: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
}

export interface LoopConfig extends OptimConfig {
  seed: number;
  logEvery: number;
  evalEvery: number;
  checkpointEvery: number;
  keepCheckpoints: number;
}

export interface StepResult {
  loss: Tensor;
  /** Numbers for the log (loss parts, accuracies). */
  metrics: Record<string, number>;
  samples: number;
  tokens?: number;
}

export interface TrainTask<Batch> {
  /** Everything the checkpoint holds (trained parts and heads). */
  readonly module: Module;
  /** The parameters to optimise, by name (names decide weight decay: vectors do not decay). */
  trainable(): [string, Tensor][];
  dataState(): unknown;
  restoreData(state: unknown): void;
  /** Reads and prepares one micro-batch (audio decoding, augmentation, targets). */
  prepare(step: number, micro: number): Promise<Batch>;
  /** Forward pass and loss of a prepared micro-batch. */
  loss(batch: Batch): StepResult;
  /** Metrics on held-out data (split "eval" in the log). */
  evaluate?(step: number): Promise<Record<string, number>>;
  /** Writes the stage's artefacts (e.g. the trained model directory) when the run completes. */
  finish?(runDir: string): Promise<string[]>;
}

export interface LoopResult {
  runDir: string;
  step: number;
  resumedFrom?: number;
  stopped: boolean;
  artefacts: string[];
  lastEval?: Record<string, number>;
}

export async function runLoop<Batch>(task: TrainTask<Batch>, config: LoopConfig, runDir: string, label: string, o: { stopAfter?: number } = {}): Promise<LoopResult> {
  fs.mkdirSync(runDir, { recursive: true });
  const named = task.trainable();
  const optimizer = new AdamW(decayGroups(named, config.weightDecay), { lr: config.lr });
  const checkpoints = new Checkpoints(runDir, config.keepCheckpoints);
  const metrics = new MetricsLog(path.join(runDir, "metrics.jsonl"));
  const restored = checkpoints.restore(task.module, optimizer);
  let step = 0;
  if (restored) {
    step = restored.step;
    task.restoreData(restored.data);
    metrics.truncateAfter(step);
    console.error(`${label}: resuming from step ${step} (${checkpoints.dir})`);
  }
  const params = named.map(([, p]) => p);
  let gradientsChecked = false;
  let stopRequested = false;
  const onSignal = () => { stopRequested = true; console.error(`\n${label}: stopping after this step (a checkpoint is written first)`); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const progress = new Progress(config.steps, label, "steps", step);
  const window: WindowStep[] = [];
  let lastEval: Record<string, number> | undefined;
  let savedStep = step;
  const save = () => {
    checkpoints.save(task.module, optimizer, { step, data: task.dataState(), extra: { lastEval } });
    savedStep = step;
  };
  try {
    while (step < config.steps && !stopRequested) {
      // Let the event loop run once per step: a step may never wait on real I/O, and signal handlers
      // (Ctrl-C, SIGTERM) only run from the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      if (stopRequested) break;
      const started = performance.now();
      manualSeed(config.seed * 100003 + step); // dropout and any other libtorch draw: a function of (seed, step)
      optimizer.lrScale = cosineWithWarmup(step, config.warmupSteps, config.steps, config.minLrRatio);
      let loss = 0, samples = 0, tokens = 0;
      // Each metric as its sum and count over the micro-batches that reported it: a per-kind loss comes from
      // the micro-batches of that kind only, and is their mean, not diluted by the others.
      const stepMetrics: Record<string, { sum: number; count: number }> = {};
      for (let micro = 0; micro < config.gradAccum; micro++) {
        const batch = await task.prepare(step, micro);
        const r = enableGrad(() => tidy(() => {
          const out = task.loss(batch);
          out.loss.mul(1 / config.gradAccum).backward();
          return { loss: out.loss.item(), metrics: out.metrics, samples: out.samples, tokens: out.tokens ?? 0 };
        }));
        loss += r.loss / config.gradAccum;
        samples += r.samples;
        tokens += r.tokens;
        for (const [k, v] of Object.entries(r.metrics)) {
          const m = (stepMetrics[k] ??= { sum: 0, count: 0 });
          m.sum += v;
          m.count++;
        }
      }
      if (!Number.isFinite(loss)) throw new Error(`${label}: the loss became ${loss} at step ${step}; lower the learning rate (${config.lr}) or check the data`);
      if (!gradientsChecked) {
        gradientsChecked = true;
        const idle = partsWithoutGradient(named);
        if (idle.length > 0) {
          // A part can be trainable and yet never change: grpo-v10 trained "projector" for 40 steps and ended with
          // it bit for bit as it began, because the LLM reads its summary as words (projector.summaryAsWords).
          console.error(`${label}: warning: no gradient reached ${idle.join(", ")} in step ${step + 1}; if none ever does, ${idle.length > 1 ? "they" : "it"} will not train. `
            + "The loss does not depend on it, or only through a step without a gradient (a summary the LLM reads as words, projector.summaryAsWords): "
            + "drop it from \"trainable\", or train it with a loss that reaches it");
        }
      }
      const gradNorm = clipGradNorm(params, config.clipNorm);
      optimizer.step();
      optimizer.zeroGrad();
      step++;
      window.push({ loss, metrics: stepMetrics, samples, tokens, seconds: (performance.now() - started) / 1000, gradNorm });
      progress.tick(1, `loss ${loss.toFixed(4)}`);
      if (step % config.logEvery === 0 || step === config.steps) {
        metrics.append(summarise(window, step, config.lr * optimizer.lrScale));
        window.length = 0;
      }
      if (task.evaluate && (step % config.evalEvery === 0 || step === config.steps)) {
        lastEval = await task.evaluate(step);
        metrics.append({ step, time: Date.now() / 1000, split: "eval", ...lastEval });
        plotRun(runDir);
      }
      if (o.stopAfter !== undefined && step >= o.stopAfter) stopRequested = true;
      if (step % config.checkpointEvery === 0 || step === config.steps || stopRequested) save();
    }
    // A signal that arrives during a step is seen at the top of the next one, after the step's own checkpoint
    // check: the steps since the last checkpoint are saved here, or they would be lost.
    if (stopRequested && step !== savedStep) save();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    optimizer.dispose();
  }
  progress.finish();
  plotRun(runDir);
  const artefacts = step >= config.steps && task.finish ? await task.finish(runDir) : [];
  return { runDir, step, resumedFrom: restored?.step, stopped: stopRequested, artefacts, lastEval };
}

/** One optimizer step as the log sees it; metrics as sums and counts over the micro-batches that reported them. */
interface WindowStep { loss: number; metrics: Record<string, { sum: number; count: number }>; samples: number; tokens: number; seconds: number; gradNorm: number }

function summarise(window: WindowStep[], step: number, lr: number): MetricRecord {
  const n = window.length;
  const seconds = window.reduce((s, w) => s + w.seconds, 0);
  const mean = (f: (w: (typeof window)[number]) => number) => window.reduce((s, w) => s + f(w), 0) / n;
  const keys = new Set(window.flatMap((w) => Object.keys(w.metrics)));
  return {
    step, time: Date.now() / 1000, split: "train", loss: mean((w) => w.loss), lr, grad_norm: mean((w) => w.gradNorm),
    samples_per_s: window.reduce((s, w) => s + w.samples, 0) / seconds,
    tokens_per_s: window.reduce((s, w) => s + w.tokens, 0) / seconds,
    seconds_per_step: seconds / n,
    // Over every micro-batch of the window that reported the metric.
    ...Object.fromEntries([...keys].map((k) => {
      const sum = window.reduce((s, w) => s + (w.metrics[k]?.sum ?? 0), 0), count = window.reduce((s, w) => s + (w.metrics[k]?.count ?? 0), 0);
      return [k, sum / count];
    })),
  };
}

/**
 * The trainable parts (the first component of a parameter's name: "projector", "llm", ...) none of whose
 * parameters has a gradient after a backward pass: they are configured to train but nothing reaches them.
 */
export function partsWithoutGradient(named: readonly (readonly [string, Tensor])[]): string[] {
  const reached = new Map<string, boolean>();
  for (const [name, p] of named) {
    const part = name.split(".")[0]!;
    reached.set(part, (reached.get(part) ?? false) || p.grad !== undefined);
  }
  return [...reached].filter(([, yes]) => !yes).map(([part]) => part);
}
