// The timeline stage: fits the timeline head (src/model/timeline.ts) to where sections start and which section
// plays, from the annotations, on what the head reads of whole songs: the frozen experts' and fusion's tokens
// and/or the spectrum rows. The experts' tokens come from the feature cache (variant 0, the audio as rendered) and
// the fusion runs once per song without gradients; the spectrum rows come from their own cache (spectrum-cache.ts).
// The head's input positions are kept in memory, so after the first epoch a step costs only the head.
// Each micro-batch is one whole song: songs differ in length and the head attends over all of one.
import path from "node:path";
import { noGrad } from "../../engine/autograd.js";
import * as F from "../../engine/functional.js";
import { Module } from "../../engine/module.js";
import { keep, tidy } from "../../engine/scope.js";
import { type Tensor, tensor } from "../../engine/tensor.js";
import type { GammaModel } from "../../model/gamma.js";
import { TOKENIZER_FILE, saveModel } from "../../model/io.js";
import { rebuildModel } from "../../model/rebuild.js";
import { BOUNDARY_TARGET_SECONDS, readTimeline, type TimelineHead } from "../../model/timeline.js";
import { emptyTimelineTally, tallySections, timelineMetrics } from "../../eval/timeline-score.js";
import { TimelineAudioCache } from "../spectrum-cache.js";
import type { StepResult, TrainTask } from "../loop.js";
import { type SamplerState, type Song, SongSampler } from "../songs.js";
import { IGNORE, timelineTargets } from "../targets.js";

export interface TimelineStageOptions {
  /** The model whose experts and fusion feed the head; it has a timeline head (rebuild.ts withTimeline). */
  model: GammaModel;
  /** The init model directory (its tokenizer goes into the written model). */
  initDir: string;
  train: Song[];
  heldOut: Song[];
  featureDir: string;
  seed: number;
  /** Held-out songs scored at each evaluation. */
  evalSongs: number;
  /** Weight of a boundary position in the loss against a non-boundary one (boundaries are a few percent of positions). */
  boundaryWeight: number;
  /** Predicted boundaries closer than this are merged when reading a timeline. */
  minGapSeconds: number;
}

interface TimelineBatch {
  pooled: Tensor;
  boundary: Tensor;
  section: Tensor;
}

/** A training song as the stage keeps it: its pooled positions and their targets. */
interface SongData {
  pooled: Tensor;
  boundary: Float32Array;
  section: BigInt64Array;
}

/** What the checkpoint holds: the head alone (the rest of the model is frozen and comes from "init"). */
class HeadOnly extends Module {
  constructor(head: TimelineHead) {
    super();
    this.registerModule("timeline", head);
  }
}

export class TimelineStage implements TrainTask<TimelineBatch> {
  readonly module: Module;
  private readonly head: TimelineHead;
  private readonly cache: TimelineAudioCache;
  private readonly songs = new Map<string, SongData>();
  private sampler: SongSampler;

  constructor(private readonly o: TimelineStageOptions) {
    if (!o.model.timeline) throw new Error("timeline stage: the model has no timeline head");
    this.head = o.model.timeline;
    this.module = new HeadOnly(this.head);
    this.cache = new TimelineAudioCache(o.featureDir, o.model);
    this.sampler = new SongSampler(o.train, o.seed);
  }

  trainable(): [string, Tensor][] {
    return [...this.module.namedParameters()];
  }
  dataState(): SamplerState { return this.sampler.current; }
  restoreData(state: unknown): void {
    this.sampler = new SongSampler(this.o.train, this.o.seed, state as SamplerState);
  }

  private get positionSeconds(): number {
    return this.o.model.temporal_expert.tokenSeconds * this.head.config.pool;
  }

  /**
   * A song's input positions [1, P, width] (TimelineHead.positions) and its targets at those positions, computed
   * once and kept: after the first epoch a step reads them from memory.
   */
  private async songData(song: Song): Promise<SongData> {
    const kept = this.songs.get(song.audio);
    if (kept) return kept;
    const cached = await this.cache.get(song.audio);
    const pooled = noGrad(() => tidy(() => keep(this.o.model.timelinePositions(cached.audio))));
    cached.dispose();
    const t = timelineTargets(song.annotation, pooled.size(1), this.positionSeconds, BOUNDARY_TARGET_SECONDS);
    const data = { pooled, boundary: t.boundary, section: BigInt64Array.from(t.section, (v) => BigInt(v)) };
    this.songs.set(song.audio, data);
    return data;
  }

  async prepare(): Promise<TimelineBatch> {
    const [song] = this.sampler.next(1);
    const { pooled, boundary, section } = await this.songData(song!);
    return {
      pooled,
      boundary: tensor(boundary, { shape: [1, pooled.size(1)] }),
      section: tensor(section, { dtype: "int64" }),
    };
  }

  loss(batch: TimelineBatch): StepResult {
    const out = this.head.forwardPooled(batch.pooled, this.positionSeconds);
    const boundaryLoss = F.binaryCrossEntropyWithLogits(out.boundary, batch.boundary, tensor([this.o.boundaryWeight]));
    const sectionLoss = F.crossEntropy(out.section.squeeze(0), batch.section, { ignoreIndex: IGNORE });
    const loss = boundaryLoss.add(sectionLoss);
    batch.boundary.dispose();
    batch.section.dispose();
    return { loss, metrics: { loss_boundary: boundaryLoss.item(), loss_section: sectionLoss.item() }, samples: 1, tokens: out.boundary.size(1) };
  }

  /** Held-out songs at the head's boundary threshold: boundaries within 1 s (precision, recall, F1), section count, section label per position. */
  async evaluate(): Promise<Record<string, number>> {
    return this.score(await this.heldOutProbabilities(), this.head.threshold);
  }

  /** The head's probabilities on each held-out song scored, computed once for every threshold tried. */
  private async heldOutProbabilities(): Promise<{ song: Song; boundary: Float32Array; section: Float32Array }[]> {
    const out = [];
    for (const song of this.o.heldOut.slice(0, this.o.evalSongs)) {
      const { pooled } = await this.songData(song);
      out.push({ song, ...this.head.probabilities(pooled, this.positionSeconds) });
    }
    return out;
  }

  private score(songs: { song: Song; boundary: Float32Array; section: Float32Array }[], threshold: number): ReturnType<typeof timelineMetrics> {
    const tally = emptyTimelineTally();
    for (const { song, boundary, section } of songs) {
      const sections = readTimeline(boundary, section, this.positionSeconds, song.annotation.global.duration, this.o.minGapSeconds, threshold);
      tallySections(tally, sections, song.annotation, this.positionSeconds);
    }
    return timelineMetrics(tally);
  }

  /** The boundary threshold (0.30 to 0.95 in steps of 0.05) whose timelines find the held-out songs' boundaries best (F1; 0.5 unless another beats it). */
  private async calibrate(): Promise<number> {
    const songs = await this.heldOutProbabilities();
    const atHalf = this.score(songs, 0.5).boundary_f1;
    let best = { threshold: 0.5, f1: atHalf };
    for (let i = 0; i <= 13; i++) {
      const threshold = Math.round((0.3 + 0.05 * i) * 100) / 100, f1 = this.score(songs, threshold).boundary_f1;
      if (f1 > best.f1) best = { threshold, f1 };
    }
    console.error(`timeline: boundary threshold ${best.threshold} (held-out boundary F1 ${best.f1.toFixed(3)}; ${atHalf.toFixed(3)} at 0.5)`);
    return best.threshold;
  }

  /** Writes the init model with the trained head, its boundary threshold calibrated on the held-out songs, as model/ in the run directory. */
  async finish(runDir: string): Promise<string[]> {
    const dir = path.join(runDir, "model");
    const threshold = await this.calibrate();
    const model = rebuildModel(this.o.model, { ...this.o.model.config, timeline: { ...this.head.config, threshold } });
    saveModel(dir, model, path.join(this.o.initDir, TOKENIZER_FILE));
    return [dir];
  }
}
