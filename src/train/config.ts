// Training configs are JSON files (configs/*.json in the repository are the shipped recipes). Paths inside a
// config are relative to the config file; "~" is the home directory. Every field is checked and a wrong one
// is named with the file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type AugmentConfig, NO_AUGMENT } from "../data/augment.js";
import { type GammaConfig, resolveConfig } from "../model/config.js";
import type { LoopConfig } from "./loop.js";

export const STAGES = ["experts"] as const;
export type Stage = (typeof STAGES)[number];

export interface ExpertsRunConfig {
  stage: "experts";
  source: string;
  model: GammaConfig;
  datasets: string[];
  run: string;
  batchSize: number;
  evalSongs: number;
  augment: AugmentConfig;
  loop: LoopConfig;
}

/** Augmentation on the fly during training: no codec or resampling round trips (slow, and done at render). */
export const TRAIN_AUGMENT: AugmentConfig = { ...NO_AUGMENT, probability: 0.7, eq: 0.5, lowpass: 0.25, highpass: 0.25, gain: 0.6, noise: 0.3, compression: 0.3 };

const LOOP_DEFAULTS: LoopConfig = {
  steps: 1000, gradAccum: 1, lr: 5e-4, minLrRatio: 0.1, warmupSteps: 50, weightDecay: 0.05, clipNorm: 1,
  seed: 0, logEvery: 10, evalEvery: 100, checkpointEvery: 50, keepCheckpoints: 3,
};

function resolvePath(p: string, base: string): string {
  const home = p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
  return path.resolve(base, home);
}

export function loadTrainConfig(file: string, stage: Stage, overrides: { run?: string } = {}): ExpertsRunConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === "ENOENT" ? `${file}: no such config file` : `${file}: not valid JSON (${err.message})`, { cause: e });
  }
  const fail = (msg: string): never => { throw new Error(`${file}: ${msg}`); };
  if (raw.stage !== stage) fail(`this config is for stage ${JSON.stringify(raw.stage)}, not "${stage}"`);
  const base = path.dirname(path.resolve(file));
  const num = (obj: Record<string, unknown>, key: string, fallback: number, check: (v: number) => boolean, what: string): number => {
    const v = obj[key] ?? fallback;
    if (typeof v !== "number" || !check(v)) fail(`"${key}" must be ${what} (got ${JSON.stringify(v)})`);
    return v as number;
  };
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  const optimRaw = (raw.optim ?? {}) as Record<string, unknown>;
  const loop: LoopConfig = {
    steps: num(optimRaw, "steps", LOOP_DEFAULTS.steps, posInt, "a positive integer"),
    gradAccum: num(optimRaw, "gradAccum", LOOP_DEFAULTS.gradAccum, posInt, "a positive integer"),
    lr: num(optimRaw, "lr", LOOP_DEFAULTS.lr, (v) => v > 0 && v < 1, "a learning rate in (0, 1)"),
    minLrRatio: num(optimRaw, "minLrRatio", LOOP_DEFAULTS.minLrRatio, (v) => v >= 0 && v <= 1, "in [0, 1]"),
    warmupSteps: num(optimRaw, "warmupSteps", LOOP_DEFAULTS.warmupSteps, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
    weightDecay: num(optimRaw, "weightDecay", LOOP_DEFAULTS.weightDecay, (v) => v >= 0, "non-negative"),
    clipNorm: num(optimRaw, "clipNorm", LOOP_DEFAULTS.clipNorm, (v) => v > 0, "positive"),
    seed: num(raw, "seed", LOOP_DEFAULTS.seed, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
    logEvery: num(raw, "logEvery", LOOP_DEFAULTS.logEvery, posInt, "a positive integer"),
    evalEvery: num(raw, "evalEvery", LOOP_DEFAULTS.evalEvery, posInt, "a positive integer"),
    checkpointEvery: num(raw, "checkpointEvery", LOOP_DEFAULTS.checkpointEvery, posInt, "a positive integer"),
    keepCheckpoints: num(raw, "keepCheckpoints", LOOP_DEFAULTS.keepCheckpoints, posInt, "a positive integer"),
  };
  const modelRef = raw.model ?? "gamma-small";
  if (typeof modelRef !== "string") fail(`"model" must be a preset name or a config.json path`);
  const model = resolveConfig(fs.existsSync(resolvePath(modelRef as string, base)) ? resolvePath(modelRef as string, base) : (modelRef as string));
  const datasets = raw.datasets;
  if (!Array.isArray(datasets) || datasets.length === 0 || !datasets.every((d) => typeof d === "string")) fail(`"datasets" must be a list of dataset directories`);
  const run = overrides.run ?? (typeof raw.run === "string" ? resolvePath(raw.run, base) : fail(`"run" (the run directory) is missing; give it in the config or with --run`));
  const augmentRaw = (raw.augment ?? {}) as Record<string, unknown>;
  const augment = { ...TRAIN_AUGMENT };
  for (const [k, v] of Object.entries(augmentRaw)) {
    if (!(k in augment)) fail(`unknown augmentation "${k}" (known: ${Object.keys(augment).join(", ")})`);
    if (typeof v !== "number" || v < 0 || v > 1) fail(`augment.${k} must be a probability in [0, 1]`);
    (augment as unknown as Record<string, number>)[k] = v as number;
  }
  return {
    stage: "experts", source: file, model,
    datasets: (datasets as string[]).map((d) => resolvePath(d, base)),
    run: path.resolve(run),
    batchSize: num(raw, "batchSize", 8, posInt, "a positive integer"),
    evalSongs: num(raw, "evalSongs", 32, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
    augment,
    loop,
  };
}
