// The GaMMA model's configuration: what `config.json` in a model directory holds. Every size is a number here,
// so the same code builds a 5 M-parameter test model, the shipped default, or one with real Whisper/Qwen2 sizes.
import fs from "node:fs";
import { FRAMES_PER_SECOND } from "../audio/mel.js";
import { MAX_PITCH_BINS } from "../audio/pitch.js";

/** A Whisper-style audio encoder (conv stem, sinusoidal positions, pre-LN transformer) used as one expert. */
export interface AudioExpertConfig {
  /** Log-mel bins of its input (80 as Whisper v1/v2, 128 as large-v3). */
  nMels: number;
  /**
   * Semitone bands (from C2) stacked under the log-mel as extra input channels (audio/pitch.ts); absent or 0 =
   * Whisper's input exactly, as a loaded Whisper encoder needs.
   */
  pitchBins?: number;
  /** Length of the windows a song is cut into, in seconds (Whisper: 30). */
  windowSeconds: number;
  /** Average pooling after Whisper's stride-2 stem: tokens per second = 50 / pool. */
  pool: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  ffnDim: number;
}

/** The dual-encoder fusion network: extractor/injector cross-attention with a token-level gate. */
export interface FusionConfig {
  dModel: number;
  nBlocks: number;
  nHeads: number;
  ffnDim: number;
}

/** LLaVA-style MLP projector into the LLM's width. */
export interface ProjectorConfig {
  /** Consecutive fused tokens concatenated into one LLM token: audio tokens per second = temporal rate / stack. */
  stack: number;
  /** Text time markers (`m:ss`) put before every this many seconds of audio tokens; 0 = none. */
  timeMarkerSeconds: number;
  /**
   * Summary tokens put after each clip's time-marked tokens: the whole clip pooled (mean and max of its fused
   * tokens) through an MLP, so song-level facts sit in a few places near the question; absent or 0 = none.
   */
  summaryTokens?: number;
  /**
   * An RMSNorm on every audio embedding the projector writes (time-marked and summary), its gain set to the
   * size of the LLM's word embeddings when added: without it the audio arrives 60-85 times larger than the
   * words (measured, docs/training.md), and the decoder's layers barely move its residual stream. Absent =
   * none (models made before it).
   */
  outputNorm?: boolean;
  /**
   * Each summary token reaches the LLM as the word nearest to it (cosine, over the LLM's input embeddings):
   * the decoder then reads the facts the summary layers were taught to name (summary words, docs/training.md)
   * exactly as it learnt to read them written. Absent = the summary tokens as they are.
   */
  summaryAsWords?: boolean;
  /**
   * The LLM hears a clip as its summary tokens alone, without the time-marked ones: a model trained for
   * whole-song questions only (it cannot place anything in time). Absent = both.
   */
  summaryOnly?: boolean;
  /**
   * The summary also reads the clip's rhythm: the autocorrelation over time of its fused tokens and of their
   * onsets, at lags up to Projector's RHYTHM_LAGS tokens (4 s with the default experts' 25 tokens a second).
   * Tempo and metre are periodicities, which no mean or max over time shows. Absent = mean and max only.
   */
  summaryRhythm?: boolean;
  /**
   * The summary tokens (by index) that read the rhythm, written by layers of their own from the mean, max and
   * rhythm view; the others are written from the mean and max alone (Projector.summaryFromPooled). Instead of
   * summaryRhythm, where one set of layers reads everything for every token. Absent = none.
   */
  summaryRhythmSlots?: number[];
  /**
   * The summary also reads the clip's pitch-class profile (audio-input.ts pitchView(), 24 numbers from the
   * experts' semitone input): the layers of the tokens that do not read the rhythm read it beside the mean and
   * max, the layers that read the rhythm read it too (Projector.summaryFromPooled). Needs the semitone channels (temporalExpert.pitchBins of 24 or more). Absent = no pitch view.
   */
  summaryPitch?: boolean;
}

/** Semitone bands the summary's pitch view needs (two octaves: all of them, and the bass's; audio-input.ts pitchView). */
export const PITCH_VIEW_MIN_BINS = 24;

/** A Qwen2/Llama-style decoder (RMSNorm, rotary positions, SwiGLU, grouped-query attention). */
export interface LlmConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  ropeTheta: number;
  rmsNormEps: number;
  /** Qwen2 has biases on q/k/v; Llama has none. */
  attentionBias: boolean;
  tieWordEmbeddings: boolean;
  maxPositions: number;
}

export interface GammaConfig {
  modelType: "gamma";
  /** A name for people (the shipped model's name, or the preset's). */
  name: string;
  temporalExpert: AudioExpertConfig;
  globalExpert: AudioExpertConfig;
  fusion: FusionConfig;
  projector: ProjectorConfig;
  llm: LlmConfig;
  /** The timeline head over the fused tokens (timeline.ts); absent in models made before it or without it. */
  timeline?: TimelineConfig;
}

/** What a timeline head reads: the fused tokens, the spectrum (audio-input.ts spectrumRows), or both side by side. */
export const TIMELINE_INPUTS = ["tokens", "spectrum"] as const;
export type TimelineInput = (typeof TIMELINE_INPUTS)[number];

/** The timeline head (timeline.ts): a small transformer over pooled positions of a whole song. */
export interface TimelineConfig {
  /** Fused tokens (and spectrum rows) averaged into one position (5: the shipped fusion's 25 tokens/s become 5 positions/s). */
  pool: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  ffnDim: number;
  /** What the head reads (absent: ["tokens"], the first heads). */
  inputs?: TimelineInput[];
  /** Positions spanned by each of two convolutions in front of the transformer (odd); absent: one linear map per position. */
  kernel?: number;
  /**
   * Boundary probability a peak must pass to cut the song (absent: 0.5). The boundary loss weighs boundaries up,
   * which pushes every probability up, so `gamma train timeline` sets it to the value that reads its held-out
   * songs best.
   */
  threshold?: number;
  /**
   * The decoder reads the sections the head finds, written as text after the clip's summary words
   * (timeline-text.ts), so it can answer questions about the song's form. Absent: the head is only for `gamma
   * timeline`. Needs a model whose decoder hears summary words (projector.summaryAsWords).
   */
  asText?: boolean;
}

/** The timeline head of a config that asks for one without sizing it. */
export const DEFAULT_TIMELINE: TimelineConfig = { pool: 5, dModel: 128, nLayers: 2, nHeads: 4, ffnDim: 256 };

/** Names the field of a timeline config that is wrong. */
export function validateTimelineConfig(c: unknown, source = "timeline"): TimelineConfig {
  if (typeof c !== "object" || c === null) throw new Error(`${source}: not a JSON object`);
  const t = c as Record<string, unknown>;
  for (const k of ["pool", "dModel", "nLayers", "nHeads", "ffnDim"]) {
    const v = t[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new Error(`${source}.${k} must be a positive integer (got ${JSON.stringify(v)})`);
  }
  if (t.inputs !== undefined) {
    const inputs = t.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((i) => !(TIMELINE_INPUTS as readonly unknown[]).includes(i)) || new Set(inputs).size !== inputs.length)
      throw new Error(`${source}.inputs must list one or both of ${TIMELINE_INPUTS.map((i) => `"${i}"`).join(", ")} once each (got ${JSON.stringify(inputs)})`);
  }
  if (t.kernel !== undefined && (typeof t.kernel !== "number" || !Number.isInteger(t.kernel) || t.kernel <= 0 || t.kernel % 2 === 0))
    throw new Error(`${source}.kernel must be an odd positive integer (got ${JSON.stringify(t.kernel)})`);
  if (t.threshold !== undefined && (typeof t.threshold !== "number" || !(t.threshold > 0 && t.threshold < 1)))
    throw new Error(`${source}.threshold must be a probability between 0 and 1 (got ${JSON.stringify(t.threshold)})`);
  if (t.asText !== undefined && typeof t.asText !== "boolean") throw new Error(`${source}.asText must be true or false (got ${JSON.stringify(t.asText)})`);
  const v = c as TimelineConfig;
  if (v.dModel % v.nHeads !== 0 || (v.dModel / v.nHeads) % 2 !== 0 || v.dModel % 2 !== 0) throw new Error(`${source}.dModel (${v.dModel}) must be even and divisible by nHeads (${v.nHeads})`);
  return v;
}

/** Tokens per second an expert produces: 100 mel frames/s, halved by Whisper's stem, then pooled. */
export function expertTokensPerSecond(e: AudioExpertConfig): number {
  return FRAMES_PER_SECOND / 2 / e.pool;
}
/** Tokens of one full window of an expert. */
export function expertTokensPerWindow(e: AudioExpertConfig): number {
  return Math.round(e.windowSeconds * expertTokensPerSecond(e));
}
/** Audio tokens per second that reach the LLM (time markers not counted). */
export function audioTokensPerSecond(c: GammaConfig): number {
  return expertTokensPerSecond(c.temporalExpert) / c.projector.stack;
}

/**
 * The shipped default ("gamma-small"): a 10-second temporal expert at 25 tokens/s, a 30-second global expert
 * at 5 tokens/s, two fusion blocks, 5 audio tokens per second into a 6-layer LLM. Sized so that a 3-minute
 * song encodes in about a second on 2 CPU cores and the model fits in the repository (docs/model.md).
 */
export const DEFAULT_CONFIG: GammaConfig = {
  modelType: "gamma",
  name: "gamma-small",
  temporalExpert: { nMels: 80, pitchBins: 72, windowSeconds: 10, pool: 2, dModel: 256, nLayers: 4, nHeads: 4, ffnDim: 1024 },
  globalExpert: { nMels: 80, pitchBins: 72, windowSeconds: 30, pool: 10, dModel: 256, nLayers: 4, nHeads: 4, ffnDim: 1024 },
  fusion: { dModel: 256, nBlocks: 2, nHeads: 4, ffnDim: 512 },
  projector: { stack: 5, timeMarkerSeconds: 10, summaryTokens: 4 },
  llm: {
    vocabSize: 4096, hiddenSize: 384, intermediateSize: 1024, numLayers: 6, numHeads: 6, numKvHeads: 2,
    ropeTheta: 10000, rmsNormEps: 1e-6, attentionBias: true, tieWordEmbeddings: true, maxPositions: 16384,
  },
};

/** A few-million-parameter model for tests and quick experiments. */
export const TINY_CONFIG: GammaConfig = {
  modelType: "gamma",
  name: "gamma-tiny",
  temporalExpert: { nMels: 80, pitchBins: 24, windowSeconds: 10, pool: 2, dModel: 64, nLayers: 2, nHeads: 2, ffnDim: 128 },
  globalExpert: { nMels: 80, pitchBins: 24, windowSeconds: 30, pool: 10, dModel: 64, nLayers: 2, nHeads: 2, ffnDim: 128 },
  fusion: { dModel: 64, nBlocks: 1, nHeads: 2, ffnDim: 128 },
  projector: { stack: 5, timeMarkerSeconds: 10, summaryTokens: 2 },
  llm: {
    vocabSize: 512, hiddenSize: 96, intermediateSize: 192, numLayers: 2, numHeads: 4, numKvHeads: 2,
    ropeTheta: 10000, rmsNormEps: 1e-6, attentionBias: true, tieWordEmbeddings: true, maxPositions: 4096,
  },
};

export const PRESETS: Readonly<Record<string, GammaConfig>> = { "gamma-small": DEFAULT_CONFIG, "gamma-tiny": TINY_CONFIG };

/** Checks a config and says which field is wrong; returns it typed. */
export function validateConfig(value: unknown, source = "config"): GammaConfig {
  const fail = (msg: string): never => { throw new Error(`${source}: ${msg}`); };
  if (typeof value !== "object" || value === null) fail("not a JSON object");
  const c = value as Partial<GammaConfig>;
  if (c.modelType !== "gamma") fail(`modelType must be "gamma" (got ${JSON.stringify(c.modelType)})`);
  const positiveInts = (obj: unknown, where: string, keys: string[]): void => {
    if (typeof obj !== "object" || obj === null) fail(`${where} is missing`);
    for (const k of keys) {
      const v = (obj as Record<string, unknown>)[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) fail(`${where}.${k} must be a positive integer (got ${JSON.stringify(v)})`);
    }
  };
  for (const name of ["temporalExpert", "globalExpert"] as const) {
    positiveInts(c[name], name, ["nMels", "pool", "dModel", "nLayers", "nHeads", "ffnDim"]);
    const e = c[name]!;
    if (!(e.windowSeconds > 0)) fail(`${name}.windowSeconds must be positive`);
    if (e.dModel % e.nHeads !== 0) fail(`${name}.dModel (${e.dModel}) must be divisible by nHeads (${e.nHeads})`);
    if (!Number.isInteger(e.windowSeconds * FRAMES_PER_SECOND / 2 / e.pool))
      fail(`${name}: windowSeconds * 50 / pool must be a whole number of tokens`);
    const bins = e.pitchBins ?? 0;
    if (!Number.isInteger(bins) || bins < 0 || bins > MAX_PITCH_BINS) fail(`${name}.pitchBins must be an integer from 0 to ${MAX_PITCH_BINS} (got ${JSON.stringify(e.pitchBins)})`);
  }
  // Both experts hear one input, computed once per song.
  const [t, g] = [c.temporalExpert!, c.globalExpert!];
  if (t.nMels !== g.nMels || (t.pitchBins ?? 0) !== (g.pitchBins ?? 0))
    fail(`temporalExpert and globalExpert must hear the same input (nMels ${t.nMels}/${g.nMels}, pitchBins ${t.pitchBins ?? 0}/${g.pitchBins ?? 0})`);
  positiveInts(c.fusion, "fusion", ["dModel", "nHeads", "ffnDim"]);
  if (!Number.isInteger(c.fusion!.nBlocks) || c.fusion!.nBlocks < 0) fail("fusion.nBlocks must be a non-negative integer");
  if (c.fusion!.dModel % c.fusion!.nHeads !== 0) fail("fusion.dModel must be divisible by fusion.nHeads");
  positiveInts(c.projector, "projector", ["stack"]);
  if (!(c.projector!.timeMarkerSeconds >= 0)) fail("projector.timeMarkerSeconds must be >= 0");
  const summary = c.projector!.summaryTokens ?? 0;
  if (!Number.isInteger(summary) || summary < 0 || summary > 64) fail(`projector.summaryTokens must be an integer from 0 to 64 (got ${JSON.stringify(c.projector!.summaryTokens)})`);
  if (c.projector!.outputNorm !== undefined && typeof c.projector!.outputNorm !== "boolean") fail("projector.outputNorm must be true or false");
  for (const flag of ["summaryAsWords", "summaryOnly", "summaryRhythm", "summaryPitch"] as const) {
    const v = c.projector![flag];
    if (v !== undefined && typeof v !== "boolean") fail(`projector.${flag} must be true or false`);
    if (v && summary === 0) fail(`projector.${flag} needs summary tokens (projector.summaryTokens > 0)`);
  }
  const slots = c.projector!.summaryRhythmSlots;
  if (slots !== undefined) {
    if (!Array.isArray(slots) || slots.some((i) => !Number.isInteger(i) || i < 0 || i >= summary) || new Set(slots).size !== slots.length || slots.length >= summary)
      fail(`projector.summaryRhythmSlots must list distinct summary-token indices below ${summary}, fewer than all of them (got ${JSON.stringify(slots)})`);
    if (c.projector!.summaryRhythm) fail("projector.summaryRhythm and summaryRhythmSlots exclude each other (every summary layer reads the rhythm, or the slots' own do)");
  }
  if (c.projector!.summaryPitch && !((c.temporalExpert!.pitchBins ?? 0) >= PITCH_VIEW_MIN_BINS))
    fail(`projector.summaryPitch needs the semitone channels in the experts' input (temporalExpert.pitchBins of ${PITCH_VIEW_MIN_BINS} or more; got ${JSON.stringify(c.temporalExpert!.pitchBins ?? 0)})`);
  positiveInts(c.llm, "llm", ["vocabSize", "hiddenSize", "intermediateSize", "numLayers", "numHeads", "numKvHeads", "maxPositions"]);
  const l = c.llm!;
  if (l.hiddenSize % l.numHeads !== 0) fail(`llm.hiddenSize (${l.hiddenSize}) must be divisible by numHeads (${l.numHeads})`);
  if ((l.hiddenSize / l.numHeads) % 2 !== 0) fail("llm head size must be even (rotary positions rotate pairs)");
  if (l.numHeads % l.numKvHeads !== 0) fail(`llm.numHeads (${l.numHeads}) must be a multiple of numKvHeads (${l.numKvHeads})`);
  if (!(l.ropeTheta > 0) || !(l.rmsNormEps > 0)) fail("llm.ropeTheta and llm.rmsNormEps must be positive");
  if (c.timeline !== undefined) validateTimelineConfig(c.timeline, `${source}: timeline`);
  if (c.timeline?.asText && !c.projector?.summaryAsWords)
    throw new Error(`${source}: timeline.asText writes the timeline as words after the summary words, which needs projector.summaryAsWords`);
  return c as GammaConfig;
}

/** A preset by name, or a config.json file by path. */
export function resolveConfig(nameOrFile: string | undefined): GammaConfig {
  if (nameOrFile === undefined) return structuredClone(DEFAULT_CONFIG);
  const preset = PRESETS[nameOrFile];
  if (preset) return structuredClone(preset);
  if (!fs.existsSync(nameOrFile))
    throw new Error(`config "${nameOrFile}" is neither a preset (${Object.keys(PRESETS).join(", ")}) nor a file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(nameOrFile, "utf8"));
  } catch (e) {
    throw new Error(`${nameOrFile}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return validateConfig(parsed, nameOrFile);
}
