// Stage 0: the two audio experts learn to hear, from the annotations, before any text is involved. Each step
// takes a batch of songs; from each, a random 10 s crop for the temporal expert (per-token targets: beats,
// sections, chords, instrument families, events, melody) and a random 30 s crop for the global expert
// (clip targets: style, key, mode, metre, tempo, instruments, mood). Crops are augmented on the fly (EQ,
// filters, gain, noise, compression), so every epoch hears new renderings of the same facts. The heads are
// dropped at the end: the run writes experts.safetensors, which later stages load into a GaMMA model.
//
// The global expert also gets the per-token targets (chords, melody, beats, ...) at its own token rate, through
// a head of its own (global_token_heads). Clip facts alone give it one label per crop, 8 per step: a first run
// (experts-v1) never moved its tonic loss off ln 12 in 1000 steps while the temporal expert, with hundreds of
// chord labels per crop, learnt chord roots. Dense pitch targets teach the global expert to represent pitch,
// from which the key is a linear read-out of the pooled tokens.
import path from "node:path";
import { loadAudio } from "../../audio/load.js";
import { augment, type AugmentConfig } from "../../data/augment.js";
import { noGrad } from "../../engine/autograd.js";
import { Module } from "../../engine/module.js";
import { Generator } from "../../engine/random.js";
import { loadSafetensors, saveSafetensors } from "../../engine/safetensors.js";
import { tidy } from "../../engine/scope.js";
import { stack, type Tensor } from "../../engine/tensor.js";
import { Rng } from "../../music/rng.js";
import { AudioExpert } from "../../model/audio-expert.js";
import { expertInput } from "../../model/audio-input.js";
import { expertTokensPerSecond, expertTokensPerWindow, type GammaConfig } from "../../model/config.js";
import { expertState, loadExpertTensors } from "../../model/rebuild.js";
import { GlobalHeads, TemporalHeads } from "../expert-heads.js";
import type { StepResult, TrainTask } from "../loop.js";
import { type Song, SongSampler, type SamplerState } from "../songs.js";
import { type GlobalTargets, globalTargets, type TemporalTargets, temporalTargets } from "../targets.js";
import { expertMetrics } from "./expert-metrics.js";

const SAMPLE_RATE = 16000;

/** The checkpointed module: both experts and their heads, under names that say which is which. */
export class ExpertsWithHeads extends Module {
  readonly temporal_expert: AudioExpert;
  readonly global_expert: AudioExpert;
  readonly temporal_heads: TemporalHeads;
  readonly global_heads: GlobalHeads;
  readonly global_token_heads: TemporalHeads;
  constructor(config: GammaConfig, seed: number) {
    super();
    const o = { generator: new Generator(seed) };
    this.temporal_expert = this.registerModule("temporal_expert", new AudioExpert(config.temporalExpert, o));
    this.global_expert = this.registerModule("global_expert", new AudioExpert(config.globalExpert, o));
    this.temporal_heads = this.registerModule("temporal_heads", new TemporalHeads(config.temporalExpert.dModel, o));
    this.global_heads = this.registerModule("global_heads", new GlobalHeads(config.globalExpert.dModel, o));
    this.global_token_heads = this.registerModule("global_token_heads", new TemporalHeads(config.globalExpert.dModel, o));
  }
}

export interface ExpertsStageOptions {
  config: GammaConfig;
  /** Experts (an experts.safetensors) to start from instead of random weights; the heads start fresh. */
  init?: string;
  train: Song[];
  heldOut: Song[];
  /** Songs per micro-batch. */
  batchSize: number;
  seed: number;
  augment: AugmentConfig;
  /** Held-out songs used by each evaluation (fixed crops, no augmentation). */
  evalSongs: number;
}

export interface ExpertsBatch {
  temporalMels: Tensor;
  temporalStarts: number[];
  temporalTargets: TemporalTargets[];
  globalMels: Tensor;
  globalStarts: number[];
  globalTargets: GlobalTargets[];
  /** The per-token targets at the global expert's token rate. */
  globalTokenTargets: TemporalTargets[];
}

/** Weight of the global expert's per-token loss in the total (an auxiliary: the clip facts are its job). */
const GLOBAL_TOKEN_WEIGHT = 0.5;

/** `seconds` of audio from `start` (zero-padded past the end). */
function crop(samples: Float32Array, start: number, seconds: number): Float32Array {
  const from = Math.round(start * SAMPLE_RATE), n = Math.round(seconds * SAMPLE_RATE);
  const out = new Float32Array(n);
  out.set(samples.subarray(from, Math.min(samples.length, from + n)));
  return out;
}

export class ExpertsStage implements TrainTask<ExpertsBatch> {
  readonly module: ExpertsWithHeads;
  private sampler: SongSampler;

  constructor(private readonly o: ExpertsStageOptions) {
    this.module = new ExpertsWithHeads(o.config, o.seed);
    if (o.init) this.loadExperts(o.init);
    this.sampler = new SongSampler(o.train, o.seed);
  }

  /** Loads an earlier run's experts (every expert tensor must be there, with this config's shapes). */
  private loadExperts(file: string): void {
    const { tensors } = loadSafetensors(file);
    try {
      loadExpertTensors(this.module, tensors, file);
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
  }


  trainable(): [string, Tensor][] {
    return [...this.module.namedParameters()];
  }
  dataState(): SamplerState { return this.sampler.current; }
  restoreData(state: unknown): void {
    this.sampler = new SongSampler(this.o.train, this.o.seed, state as SamplerState);
  }

  async prepare(step: number, micro: number): Promise<ExpertsBatch> {
    const songs = this.sampler.next(this.o.batchSize);
    const rng = new Rng(this.o.seed * 7919 + step * 131 + micro);
    return this.batch(songs, rng, true);
  }

  /** Crops, augments and labels a batch; rng decides the crops (and the augmentation when augmenting). */
  async batch(songs: Song[], rng: Rng, augmenting: boolean): Promise<ExpertsBatch> {
    const { temporalExpert: te, globalExpert: ge } = this.o.config;
    const tMels: Tensor[] = [], gMels: Tensor[] = [];
    const out: Omit<ExpertsBatch, "temporalMels" | "globalMels"> = { temporalStarts: [], temporalTargets: [], globalStarts: [], globalTargets: [], globalTokenTargets: [] };
    const tTokens = expertTokensPerWindow(te), tTokenSeconds = 1 / expertTokensPerSecond(te);
    const gTokens = expertTokensPerWindow(ge), gTokenSeconds = 1 / expertTokensPerSecond(ge);
    for (const song of songs) {
      const audio = (await loadAudio(song.audio, { sampleRate: SAMPLE_RATE })).samples;
      const duration = audio.length / SAMPLE_RATE;
      for (const [expert, mels, starts] of [[te, tMels, out.temporalStarts], [ge, gMels, out.globalStarts]] as const) {
        const start = rng.uniform(0, Math.max(0, duration - expert.windowSeconds));
        let clip = crop(audio, start, expert.windowSeconds);
        if (augmenting && rng.chance(this.o.augment.probability)) clip = (await augment(clip, SAMPLE_RATE, this.o.augment, rng.fork("augment"))).audio;
        mels.push(expertInput(clip, expert));
        starts.push(start);
      }
      out.temporalTargets.push(temporalTargets(song.annotation, out.temporalStarts.at(-1)!, tTokens, tTokenSeconds));
      const gStart = out.globalStarts.at(-1)!;
      out.globalTargets.push(globalTargets(song.annotation, gStart, Math.min(duration, gStart + ge.windowSeconds)));
      out.globalTokenTargets.push(temporalTargets(song.annotation, gStart, gTokens, gTokenSeconds));
    }
    const result = { ...out, temporalMels: stack(tMels), globalMels: stack(gMels) };
    for (const m of [...tMels, ...gMels]) m.dispose();
    return result;
  }

  loss(b: ExpertsBatch): StepResult {
    try {
      const m = this.module;
      const t = m.temporal_heads.loss(m.temporal_heads.forward(m.temporal_expert.forward(b.temporalMels, b.temporalStarts)), b.temporalTargets);
      const globalTokens = m.global_expert.forward(b.globalMels, b.globalStarts);
      const g = m.global_heads.loss(m.global_heads.forward(globalTokens), b.globalTargets);
      const gt = m.global_token_heads.loss(m.global_token_heads.forward(globalTokens), b.globalTokenTargets);
      const metrics = {
        temporal_loss: t.total.item(), global_loss: g.total.item(), global_token_loss: gt.total.item(),
        ...Object.fromEntries(Object.entries(t.parts).map(([k, v]) => [`t_${k}`, v])),
        ...Object.fromEntries(Object.entries(g.parts).map(([k, v]) => [`g_${k}`, v])),
        ...Object.fromEntries(Object.entries(gt.parts).map(([k, v]) => [`gt_${k}`, v])),
      };
      const tokens = b.temporalMels.size(0) * m.temporal_expert.tokensPerWindow + b.globalMels.size(0) * m.global_expert.tokensPerWindow;
      return { loss: t.total.add(g.total).add(gt.total.mul(GLOBAL_TOKEN_WEIGHT)), metrics, samples: b.temporalMels.size(0), tokens };
    } finally {
      b.temporalMels.dispose();
      b.globalMels.dispose();
    }
  }

  /** Held-out accuracies on fixed crops (the same songs and crops at every evaluation). */
  async evaluate(): Promise<Record<string, number>> {
    const songs = this.o.heldOut.slice(0, this.o.evalSongs);
    if (songs.length === 0) return {};
    this.module.eval();
    try {
      const collected: Parameters<typeof expertMetrics>[0] = [];
      for (let i = 0; i < songs.length; i += this.o.batchSize) {
        const b = await this.batch(songs.slice(i, i + this.o.batchSize), new Rng(12345 + i), false);
        collected.push(noGrad(() => tidy(() => {
          const m = this.module;
          const tLogits = m.temporal_heads.forward(m.temporal_expert.forward(b.temporalMels, b.temporalStarts));
          const gLogits = m.global_heads.forward(m.global_expert.forward(b.globalMels, b.globalStarts));
          const loss = m.temporal_heads.loss(tLogits, b.temporalTargets).total.add(m.global_heads.loss(gLogits, b.globalTargets).total).item();
          b.temporalMels.dispose();
          b.globalMels.dispose();
          const arrays = (r: Record<string, Tensor>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { data: v.toFloat32Array(), shape: v.shape }]));
          return { loss, temporal: arrays(tLogits), global: arrays(gLogits), temporalTargets: b.temporalTargets, globalTargets: b.globalTargets };
        })));
      }
      return expertMetrics(collected);
    } finally {
      this.module.train();
    }
  }

  /** Writes the trained experts (heads dropped) as experts.safetensors in the run directory. */
  async finish(runDir: string): Promise<string[]> {
    const file = path.join(runDir, "experts.safetensors");
    const state = expertState(this.module);
    saveSafetensors(file, state, { stage: "experts", config: JSON.stringify(this.o.config) });
    return [file];
  }
}
