// Training configs are JSON files (configs/*.json in the repository are the shipped recipes). Paths inside a
// config are relative to the config file; "~" is the home directory. Every field is checked and a wrong one
// is named with the file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type AugmentConfig, NO_AUGMENT } from "../data/augment.js";
import { DEFAULT_TIMELINE, type GammaConfig, resolveConfig, type TimelineConfig, validateTimelineConfig } from "../model/config.js";
import { GAMMA_SPECIAL_TOKENS } from "../model/tokenizer/special-tokens.js";
import { minimumVocabSize } from "../model/tokenizer/train.js";
import { ANSWER_ORDERS, type AnswerOrder, MCQ_PROMPT_STYLES, type McqPromptStyle, SAMPLE_KINDS, type SampleKind } from "./chat-samples.js";
import type { LoopConfig } from "./loop.js";
import { SUMMARY_FACTS } from "./summary-words.js";
import { MCQ_ANSWER_RULES } from "./rewards.js";
import { SUMMARY_VIEWS } from "./grpo/written-summary.js";
import { HEAD_LIKE_NOISE, type TimelineNoise } from "./timeline-noise.js";
import { MODEL_PARTS, type ModelPart } from "./stages/chat.js";
import type { GrpoSettings } from "./stages/grpo.js";

export const STAGES = ["experts", "pretrain", "align", "sft", "grpo", "timeline"] as const;
export type Stage = (typeof STAGES)[number];

export interface ExpertsRunConfig {
  stage: "experts";
  source: string;
  model: GammaConfig;
  /** An earlier run's experts.safetensors to start from (the heads start fresh); absent = random weights. */
  init?: string;
  datasets: string[];
  run: string;
  batchSize: number;
  evalSongs: number;
  augment: AugmentConfig;
  loop: LoopConfig;
}

export interface PretrainRunConfig {
  stage: "pretrain";
  source: string;
  model: GammaConfig;
  datasets: string[];
  run: string;
  /** Train a byte-level BPE tokenizer of vocabSize ids on the training text, or use a tokenizer.json. */
  tokenizer: { train: true; vocabSize: number } | { file: string };
  /** Tokens per packed training sequence. */
  seqLen: number;
  /** Sequences per micro-batch. */
  batchSize: number;
  /** Held-out documents in each evaluation. */
  evalDocs: number;
  /** Add the README prose of the permissively licensed npm packages installed (src/train/extra-text.ts). */
  extraText: boolean;
  /** Add grounded documents: each song's report followed by questions answered from it. */
  groundedQa: boolean;
  /** Recall documents per song and kind (0 = none): each song's facts, then its time-free questions answered with the fact alone. */
  recallQa: number;
  loop: LoopConfig;
}

/** The timeline head (src/model/timeline.ts) fitted on a model's frozen experts and fusion. */
export interface TimelineRunConfig {
  stage: "timeline";
  source: string;
  /** The model directory whose experts and fusion feed the head. */
  init: string;
  datasets: string[];
  run: string;
  featureDir: string;
  timeline: TimelineConfig;
  evalSongs: number;
  boundaryWeight: number;
  minGapSeconds: number;
  loop: LoopConfig;
}

/** Stage 1 (align: captions, LLM frozen) and stage 2 (sft: reports, dialogues, MCQs). */
export interface ChatRunConfig {
  stage: "align" | "sft";
  source: string;
  /** The model directory training starts from (e.g. the pretrain stage's <run>/model). */
  init: string;
  /** Stage 0's experts.safetensors, loaded into the model's experts (optional). */
  experts?: string;
  /** Summary tokens per clip (model config projector.summaryTokens); absent = as the init model has. A model made without them gets fresh summary layers. */
  summaryTokens?: number;
  /** Add the projector's output norm (ProjectorConfig.outputNorm) when the init model lacks it. */
  outputNorm: boolean;
  /** Give the summary the clip's rhythm (ProjectorConfig.summaryRhythm) when the init model lacks it: fresh summary layers. */
  summaryRhythm: boolean;
  /** ProjectorConfig.summaryAsWords and summaryOnly for the trained model; absent = as the init model has. */
  summaryAsWords?: boolean;
  summaryOnly?: boolean;
  /** TimelineConfig.asText for the trained model: its decoder reads the timeline head's sections as text; absent = as the init model has. */
  timelineAsText?: boolean;
  /** Weight of the summary-words loss (src/train/summary-words.ts); 0 = none. */
  summaryWords: number;
  /** Weight of the answers' loss; 0 fits the summary layers to the summary words alone (needs summaryWords > 0). */
  answerWeight: number;
  /** Dropout on the summary layers' input while they are fitted alone (ChatStageOptions.summaryDropout); 0 = none. */
  summaryDropout: number;
  /** How written timelines are misheard (timeline-noise.ts): HEAD_LIKE_NOISE with the fields given in "timelineNoise" replaced. */
  timelineNoise: TimelineNoise;
  /**
   * The summary facts (SUMMARY_FACTS names: "tempo", "metre", "bpm") whose tokens read the clip's rhythm through
   * layers of their own (ProjectorConfig.summaryRhythmSlots), the other facts' from the mean and max alone; the
   * summary layers start fresh unless the init model has exactly these. Instead of "summaryRhythm".
   */
  summaryRhythmFacts?: string[];
  /** Give the summary the clip's pitch view (ProjectorConfig.summaryPitch) when the init model lacks it: fresh summary layers. */
  summaryPitch: boolean;
  /** Start the summary layers afresh even when the init model's have this layout already (a refit from scratch). */
  freshSummaryLayers: boolean;
  /** How trained MCQ answers name their option (chat-samples.ts ANSWER_ORDERS); default letter-first. */
  answerOrder: AnswerOrder;
  /** The prompt styles MCQs are posed in (chat-samples.ts MCQ_PROMPT_STYLES); absent = the default mix of all three. */
  promptStyles?: McqPromptStyle[];
  /** Share of songs whose written summaries state a slightly misheard tempo (and respelled tonics; chat-samples.ts misheardFacts); 0 = none. */
  misheard?: number;
  /** Thoughts of tempo and key answers name what the written summary states and the nearest option (with `misheard` 0.6 unless given). */
  nearestOption: boolean;
  datasets: string[];
  run: string;
  kinds: SampleKind[];
  trainable: ModelPart[];
  /** Where expert features are cached (shared by runs with the same experts). */
  featureDir: string;
  variants: number;
  evalSamples: number;
  evalMcqs: number;
  /** Relative weight of each kind in the draws (absent: conversations drawn uniformly, kinds by count); kinds it leaves out are not drawn but still serve the held-out evaluation. */
  kindWeights?: Partial<Record<SampleKind, number>>;
  augment: AugmentConfig;
  loop: LoopConfig;
}

/** Stage 3 (grpo): reinforcement learning from rewards on the questions `gamma data rl-select` wrote. */
export interface GrpoRunConfig {
  stage: "grpo";
  source: string;
  /** The model directory training starts from: the SFT run's model/. */
  init: string;
  /** The frozen model of the KL penalty (default: init). */
  reference: string;
  /** The RL questions (JSONL, see docs/training.md). */
  rl: string;
  run: string;
  trainable: ModelPart[];
  featureDir: string;
  variants: number;
  augment: AugmentConfig;
  grpo: GrpoSettings;
  /** gradAccum is promptsPerBatch: one micro-batch per question's group. */
  loop: LoopConfig;
}

export type TrainRunConfig = ExpertsRunConfig | PretrainRunConfig | ChatRunConfig | GrpoRunConfig | TimelineRunConfig;

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

export function loadTrainConfig(file: string, stage: "experts", overrides?: { run?: string }): ExpertsRunConfig;
export function loadTrainConfig(file: string, stage: "pretrain", overrides?: { run?: string }): PretrainRunConfig;
export function loadTrainConfig(file: string, stage: "align" | "sft", overrides?: { run?: string }): ChatRunConfig;
export function loadTrainConfig(file: string, stage: "grpo", overrides?: { run?: string }): GrpoRunConfig;
export function loadTrainConfig(file: string, stage: "timeline", overrides?: { run?: string }): TimelineRunConfig;
export function loadTrainConfig(file: string, stage: Stage, overrides: { run?: string } = {}): TrainRunConfig {
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
  const timelineNoise = (v: unknown): TimelineNoise => {
    if (v === undefined) return HEAD_LIKE_NOISE;
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`"timelineNoise" must be an object of ${Object.keys(HEAD_LIKE_NOISE).join(", ")}`);
    const given = v as Record<string, unknown>;
    for (const key of Object.keys(given)) if (!(key in HEAD_LIKE_NOISE)) fail(`"timelineNoise" has no field "${key}" (it has ${Object.keys(HEAD_LIKE_NOISE).join(", ")})`);
    const noise = { ...HEAD_LIKE_NOISE };
    for (const key of Object.keys(HEAD_LIKE_NOISE) as (keyof TimelineNoise)[]) {
      noise[key] = num(given, key, HEAD_LIKE_NOISE[key], key === "jitter" ? (x) => x >= 0 && x <= 5 : (x) => x >= 0 && x <= 1, key === "jitter" ? "seconds from 0 to 5" : "a chance from 0 to 1");
    }
    return noise;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = raw[key] ?? fallback;
    if (typeof v !== "string" || !allowed.includes(v as T)) fail(`"${key}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")} (got ${JSON.stringify(v)})`);
    return v as T;
  };
  const bool = (obj: Record<string, unknown>, key: string, fallback: boolean): boolean => {
    const v = obj[key] ?? fallback;
    if (typeof v !== "boolean") fail(`"${key}" must be true or false (got ${JSON.stringify(v)})`);
    return v as boolean;
  };
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
  // A file next to the config wins over a preset of its name; a folder (configs/gamma-small holds a recipe) does not.
  const modelFile = resolvePath(modelRef as string, base);
  const model = resolveConfig(fs.existsSync(modelFile) && fs.statSync(modelFile).isFile() ? modelFile : (modelRef as string));
  const run = overrides.run ?? (typeof raw.run === "string" ? resolvePath(raw.run, base) : fail(`"run" (the run directory) is missing; give it in the config or with --run`));
  const augmentRaw = (raw.augment ?? {}) as Record<string, unknown>;
  const augment = { ...TRAIN_AUGMENT };
  for (const [k, v] of Object.entries(augmentRaw)) {
    if (!(k in augment)) fail(`unknown augmentation "${k}" (known: ${Object.keys(augment).join(", ")})`);
    if (typeof v !== "number" || v < 0 || v > 1) fail(`augment.${k} must be a probability in [0, 1]`);
    (augment as unknown as Record<string, number>)[k] = v as number;
  }
  const list = <T extends string>(key: string, allowed: readonly T[], fallback: T[]): T[] => {
    const v = raw[key] ?? fallback;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => allowed.includes(x as T))) fail(`"${key}" must be a list of ${allowed.join(", ")}`);
    return v as T[];
  };
  const featureDir = resolvePath(typeof raw.featureDir === "string" ? raw.featureDir : "~/.cache/gamma-music/features", base);
  if (stage === "grpo") {
    if (typeof raw.init !== "string") fail(`"init" (the model directory to start from, the SFT run's model/) is missing`);
    if (raw.reference !== undefined && typeof raw.reference !== "string") fail(`"reference" must be a model directory (default: "init")`);
    if (typeof raw.rl !== "string") fail(`"rl" (the RL questions, a JSONL file written by \`gamma data rl-select\`) is missing`);
    const promptsPerBatch = num(raw, "promptsPerBatch", 8, posInt, "a positive integer");
    const groupSize = num(raw, "groupSize", 8, (v) => Number.isInteger(v) && v >= 2, "an integer of at least 2 (advantages compare answers within a group)");
    if (optimRaw.gradAccum !== undefined && optimRaw.gradAccum !== promptsPerBatch)
      fail(`"optim.gradAccum" is "promptsPerBatch" in grpo (one micro-batch per question's group of answers); leave it out`);
    const weightsRaw = (raw.rewardWeights ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(weightsRaw)) if (k !== "format" && k !== "accuracy") fail(`unknown reward weight "${k}" (known: format, accuracy)`);
    const rewardWeights = {
      format: num(weightsRaw, "format", 0.5, (v) => v >= 0, "a non-negative weight"),
      accuracy: num(weightsRaw, "accuracy", 1, (v) => v >= 0, "a non-negative weight"),
    };
    if (rewardWeights.format + rewardWeights.accuracy === 0) fail(`"rewardWeights" are all 0: nothing to learn from`);
    const init = resolvePath(raw.init as string, base);
    const summary = oneOf("summary", SUMMARY_VIEWS, "heard");
    const misheard = num(raw, "misheard", 0, (v) => v >= 0 && v <= 1, "a share in [0, 1]");
    if (misheard > 0 && summary !== "written") fail(`"misheard" states misheard facts in written summaries: it needs "summary": "written"`);
    return {
      stage, source: file, init,
      reference: typeof raw.reference === "string" ? resolvePath(raw.reference, base) : init,
      rl: resolvePath(raw.rl as string, base),
      run: path.resolve(run),
      trainable: list("trainable", MODEL_PARTS, ["llm"]),
      featureDir,
      variants: num(raw, "variants", 1, posInt, "a positive integer"),
      augment,
      grpo: {
        groupSize,
        promptsPerBatch,
        innerSteps: num(raw, "innerSteps", 2, posInt, "a positive integer"),
        clipEpsilon: num(raw, "clipEpsilon", 0.2, (v) => v > 0 && v < 1, "in (0, 1)"),
        klBeta: num(raw, "klBeta", 0.04, (v) => v >= 0, "non-negative"),
        temperature: num(raw, "temperature", 1, (v) => v > 0, "above 0 (answers of a group must differ)"),
        topK: num(raw, "topK", 0, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer (0 = all tokens)"),
        topP: num(raw, "topP", 1, (v) => v > 0 && v <= 1, "in (0, 1]"),
        maxNewTokens: num(raw, "maxNewTokens", 128, posInt, "a positive integer"),
        rewardWeights,
        optionOrder: oneOf("optionOrder", ["per-rollout", "fixed"] as const, "per-rollout"),
        ordersPerGroup: num(raw, "ordersPerGroup", 1, (v) => posInt(v) && groupSize % v === 0, `a positive integer dividing groupSize (${groupSize})`),
        mcqAnswer: oneOf("mcqAnswer", MCQ_ANSWER_RULES, "parsed"),
        evalItems: num(raw, "evalItems", 32, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
        summary,
        misheard,
      },
      loop: { ...loop, gradAccum: promptsPerBatch },
    };
  }
  const datasets = raw.datasets;
  if (!Array.isArray(datasets) || datasets.length === 0 || !datasets.every((d) => typeof d === "string")) fail(`"datasets" must be a list of dataset directories`);
  if (stage === "timeline") {
    if (typeof raw.init !== "string") fail(`"init" (the model directory whose experts and fusion the head reads) is missing`);
    let timeline: TimelineConfig;
    try {
      timeline = validateTimelineConfig({ ...DEFAULT_TIMELINE, ...(raw.timeline as object | undefined) }, "timeline");
    } catch (e) {
      return fail((e as Error).message);
    }
    return {
      stage, source: file,
      init: resolvePath(raw.init as string, base),
      datasets: (datasets as string[]).map((d) => resolvePath(d, base)),
      run: path.resolve(run),
      featureDir,
      timeline,
      evalSongs: num(raw, "evalSongs", 64, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
      boundaryWeight: num(raw, "boundaryWeight", 8, (v) => v > 0, "positive"),
      minGapSeconds: num(raw, "minGapSeconds", 2, (v) => v > 0, "positive (seconds)"),
      loop,
    };
  }
  if (stage === "pretrain") {
    const { llm } = model;
    const tokenizerRaw = (raw.tokenizer ?? { train: true, vocabSize: llm.vocabSize }) as Record<string, unknown>;
    let tokenizer: PretrainRunConfig["tokenizer"];
    if (typeof tokenizerRaw.file === "string") tokenizer = { file: resolvePath(tokenizerRaw.file, base) };
    else if (tokenizerRaw.train === true) {
      const least = minimumVocabSize(GAMMA_SPECIAL_TOKENS);
      tokenizer = { train: true, vocabSize: num(tokenizerRaw, "vocabSize", llm.vocabSize, (v) => Number.isInteger(v) && v >= least && v <= llm.vocabSize, `an integer from ${least} to the model's llm.vocabSize (${llm.vocabSize})`) };
    } else tokenizer = fail(`"tokenizer" must be {"train": true, "vocabSize": N} or {"file": "path/to/tokenizer.json"}`);
    const extraText = raw.extraText ?? false;
    if (typeof extraText !== "boolean") fail(`"extraText" must be true or false`);
    return {
      stage: "pretrain", source: file, model,
      datasets: (datasets as string[]).map((d) => resolvePath(d, base)),
      run: path.resolve(run),
      tokenizer,
      seqLen: num(raw, "seqLen", 256, (v) => posInt(v) && v <= llm.maxPositions, `a positive integer no larger than llm.maxPositions (${llm.maxPositions})`),
      batchSize: num(raw, "batchSize", 8, posInt, "a positive integer"),
      evalDocs: num(raw, "evalDocs", 400, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
      extraText: extraText as boolean,
      groundedQa: bool(raw, "groundedQa", false),
      recallQa: raw.recallQa === true ? 1 : raw.recallQa === undefined || raw.recallQa === false ? 0
        : typeof raw.recallQa === "number" && Number.isInteger(raw.recallQa) && raw.recallQa >= 0 && raw.recallQa <= 16 ? raw.recallQa
        : fail(`"recallQa" must be true, false or the recall documents per song (an integer from 0 to 16)`),
      loop,
    };
  }
  if (stage === "align" || stage === "sft") {
    if (typeof raw.init !== "string") fail(`"init" (the model directory to start from, e.g. the pretrain run's model/) is missing`);
    const kinds = list("kinds", SAMPLE_KINDS, stage === "align" ? ["caption"] : ["report", "dialogue", "mcq"]);
    let kindWeights: Partial<Record<SampleKind, number>> | undefined;
    if (raw.kindWeights !== undefined) {
      const w = raw.kindWeights as Record<string, unknown>;
      if (typeof w !== "object" || w === null || Array.isArray(w)) fail(`"kindWeights" must be an object such as {"mcq-session": 2, "dialogue": 1}`);
      for (const [k, v] of Object.entries(w)) {
        if (!kinds.includes(k as SampleKind)) fail(`"kindWeights" names "${k}", which is not in "kinds" (${kinds.join(", ")})`);
        if (typeof v !== "number" || !(v >= 0)) fail(`"kindWeights.${k}" must be a non-negative number`);
      }
      if (!Object.values(w).some((v) => (v as number) > 0)) fail(`"kindWeights" must give some kind a positive weight`);
      kindWeights = w as Partial<Record<SampleKind, number>>;
    }
    if (raw.experts !== undefined && typeof raw.experts !== "string") fail(`"experts" must be the path of a stage-0 experts.safetensors`);
    if (raw.answerWeight === 0 && !(typeof raw.summaryWords === "number" && raw.summaryWords > 0))
      fail(`"answerWeight": 0 leaves nothing to learn without "summaryWords" (the summary layers' own loss)`);
    const summaryTokens = raw.summaryTokens;
    if (summaryTokens !== undefined && !(typeof summaryTokens === "number" && Number.isInteger(summaryTokens) && summaryTokens >= 0 && summaryTokens <= 64))
      fail(`"summaryTokens" must be an integer from 0 to 64 (the summary tokens per clip)`);
    return {
      stage, source: file,
      init: resolvePath(raw.init as string, base),
      experts: typeof raw.experts === "string" ? resolvePath(raw.experts, base) : undefined,
      summaryTokens: summaryTokens as number | undefined,
      outputNorm: bool(raw, "outputNorm", false),
      summaryRhythm: bool(raw, "summaryRhythm", false),
      summaryAsWords: raw.summaryAsWords === undefined ? undefined : bool(raw, "summaryAsWords", false),
      summaryOnly: raw.summaryOnly === undefined ? undefined : bool(raw, "summaryOnly", false),
      timelineAsText: raw.timelineAsText === undefined ? undefined : bool(raw, "timelineAsText", false),
      summaryWords: num(raw, "summaryWords", 0, (v) => v >= 0, "a non-negative number (the summary-words loss weight)"),
      answerWeight: num(raw, "answerWeight", 1, (v) => v >= 0, "a non-negative number (the answers' loss weight)"),
      summaryDropout: num(raw, "summaryDropout", 0, (v) => v >= 0 && v < 1, "a number from 0 to below 1 (the share of the summary's input dropped)"),
      timelineNoise: timelineNoise(raw.timelineNoise),
      summaryRhythmFacts: raw.summaryRhythmFacts === undefined ? undefined
        : raw.summaryRhythm === true ? fail(`"summaryRhythm" and "summaryRhythmFacts" exclude each other (every summary token reads the rhythm, or the named facts' own layers do)`)
        : list("summaryRhythmFacts", SUMMARY_FACTS.map((f) => f.name), []),
      summaryPitch: bool(raw, "summaryPitch", false),
      freshSummaryLayers: bool(raw, "freshSummaryLayers", false),
      answerOrder: oneOf("answerOrder", ANSWER_ORDERS, "letter-first"),
      promptStyles: raw.promptStyles === undefined ? undefined : list("promptStyles", MCQ_PROMPT_STYLES, []),
      misheard: raw.misheard === undefined ? undefined : num(raw, "misheard", 0, (v) => v >= 0 && v <= 1, "a share from 0 to 1 (of songs whose written summaries state a misheard tempo)"),
      nearestOption: bool(raw, "nearestOption", false),
      datasets: (datasets as string[]).map((d) => resolvePath(d, base)),
      run: path.resolve(run),
      kinds,
      kindWeights,
      trainable: list("trainable", MODEL_PARTS, stage === "align" ? ["fusion", "projector"] : ["fusion", "projector", "llm"]),
      featureDir,
      variants: num(raw, "variants", 3, posInt, "a positive integer"),
      evalSamples: num(raw, "evalSamples", 16, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
      evalMcqs: num(raw, "evalMcqs", 64, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
      augment,
      loop,
    };
  }
  if (raw.init !== undefined && typeof raw.init !== "string") fail(`"init" must be the path of an earlier run's experts.safetensors`);
  return {
    stage: "experts", source: file, model,
    init: typeof raw.init === "string" ? resolvePath(raw.init, base) : undefined,
    datasets: (datasets as string[]).map((d) => resolvePath(d, base)),
    run: path.resolve(run),
    batchSize: num(raw, "batchSize", 8, posInt, "a positive integer"),
    evalSongs: num(raw, "evalSongs", 32, (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
    augment,
    loop,
  };
}
