// The timeline head: reads a whole song's fused tokens and says where sections start and which section plays
// where. Temporal questions ("when does the second verse start?", "how many sections?", "which part is playing at
// 0:24.7?") need the song's form to within a second, and a linear read-out of single tokens does not give it
// (`gamma model probe-time`: boundary F1 0.25 from the shipped temporal expert). A boundary is a change between
// what came before and what follows, and a chorus is a section that sounds like the other choruses: both are
// comparisons across the song, which self-attention over the whole song can make.
//
//   fused tokens [1, N, D] (25/s) -- mean over `pool` -- [1, P, D] (5/s with pool 5)
//   -- linear to d, + sinusoidal position -- L pre-LN transformer layers (full attention over the song) -- LN
//   -- boundary: one logit per position (a section starts within `BOUNDARY_TARGET_SECONDS`)
//   -- section:  one logit per section label per position
//
// `readTimeline()` turns the outputs into sections (start, end, label): peaks of the boundary probability at
// least `minGapSeconds` apart, each section labelled by its positions' mean label probabilities.
import { noGrad } from "../engine/autograd.js";
import { LayerNorm, Linear, Module, ModuleList, type InitOptions } from "../engine/module.js";
import { tidy } from "../engine/scope.js";
import * as F from "../engine/functional.js";
import type { Tensor } from "../engine/tensor.js";
import type { SectionLabel } from "../music/score.js";
import { FeedForward, MultiHeadAttention } from "./attention.js";
import { sinusoids } from "./time-embedding.js";
import { type TimelineConfig, validateTimelineConfig } from "./config.js";

/** The section labels a timeline head names, in the order of its outputs (the annotation schema's). */
export const TIMELINE_SECTIONS: readonly SectionLabel[] = ["intro", "verse", "pre-chorus", "chorus", "bridge", "solo", "breakdown", "drop", "interlude", "outro"];

/** A position is a boundary target when a section starts within this many seconds of its centre. */
export const BOUNDARY_TARGET_SECONDS = 0.4;

class TimelineLayer extends Module {
  readonly attn_norm: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly ffn_norm: LayerNorm;
  readonly ffn: FeedForward;
  constructor(c: TimelineConfig, o: InitOptions) {
    super();
    this.attn_norm = this.registerModule("attn_norm", new LayerNorm(c.dModel, 1e-5, o));
    this.attn = this.registerModule("attn", new MultiHeadAttention(c.dModel, c.nHeads, o));
    this.ffn_norm = this.registerModule("ffn_norm", new LayerNorm(c.dModel, 1e-5, o));
    this.ffn = this.registerModule("ffn", new FeedForward(c.dModel, c.ffnDim, o));
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.attn_norm.forward(x)));
    return x.add(this.ffn.forward(this.ffn_norm.forward(x)));
  }
}

export interface TimelineOutput {
  /** [1, P] logits: a section starts near this position. */
  boundary: Tensor;
  /** [1, P, sections] logits of the section label. */
  section: Tensor;
  /** Seconds per position. */
  positionSeconds: number;
}

export class TimelineHead extends Module {
  readonly in_proj: Linear;
  readonly layers: ModuleList<TimelineLayer>;
  readonly norm: LayerNorm;
  readonly boundary: Linear;
  readonly section: Linear;
  /** The section label of each of `section`'s outputs. */
  readonly labels = TIMELINE_SECTIONS;

  constructor(readonly config: TimelineConfig, inputDim: number, o: InitOptions = {}) {
    super();
    validateTimelineConfig(config);
    this.in_proj = this.registerModule("in_proj", new Linear(inputDim, config.dModel, o));
    this.layers = this.registerModule("layers", new ModuleList(Array.from({ length: config.nLayers }, () => new TimelineLayer(config, o))));
    this.norm = this.registerModule("norm", new LayerNorm(config.dModel, 1e-5, o));
    this.boundary = this.registerModule("boundary", new Linear(config.dModel, 1, o));
    this.section = this.registerModule("section", new Linear(config.dModel, TIMELINE_SECTIONS.length, o));
  }

  /** Fused tokens [1, N, D] -> pooled positions [1, ceil(N / pool), D] (the last position averages what is left). */
  pool(tokens: Tensor): Tensor {
    const p = this.config.pool, n = tokens.size(1);
    const padded = n % p === 0 ? tokens : F.pad(tokens.transpose(1, 2), [0, p - (n % p)], "replicate").transpose(1, 2);
    return F.avgPool1d(padded.transpose(1, 2), p).transpose(1, 2);
  }

  /** Fused tokens [1, N, D]; `tokenSeconds`: seconds per fused token (0.04 with the shipped experts). */
  forward(tokens: Tensor, tokenSeconds: number): TimelineOutput {
    return this.forwardPooled(this.pool(tokens), tokenSeconds * this.config.pool);
  }

  /** Positions already pooled [1, P, D] (training keeps them), `positionSeconds` apart. */
  forwardPooled(pooled: Tensor, positionSeconds: number): TimelineOutput {
    let x = this.in_proj.forward(pooled);
    x = x.add(sinusoids(x.size(1), this.config.dModel).unsqueeze(0));
    for (const layer of this.layers) x = layer.forward(x);
    x = this.norm.forward(x);
    return { boundary: this.boundary.forward(x).squeeze(2), section: this.section.forward(x), positionSeconds };
  }

  /** The sections of a song of `seconds` from its pooled positions [1, P, D] (readTimeline of the head's probabilities). */
  sections(pooled: Tensor, positionSeconds: number, seconds: number, minGapSeconds = 2): TimelineSection[] {
    const { boundary, section } = noGrad(() => tidy(() => {
      const out = this.forwardPooled(pooled, positionSeconds);
      return { boundary: out.boundary.sigmoid().squeeze(0).toFloat32Array(), section: out.section.softmax(2).squeeze(0).toFloat32Array() };
    }));
    return readTimeline(boundary, section, positionSeconds, seconds, minGapSeconds);
  }
}

export interface TimelineSection {
  start: number;
  end: number;
  label: SectionLabel;
}

/**
 * A song's predicted sections from the head's probabilities: boundary peaks above 0.5 at least `minGapSeconds`
 * apart (ties to the earliest) cut the song; each part gets the label of highest mean probability over its positions.
 * `boundaryProb` [P], `sectionProb` [P * sections] row-major, `seconds`: the song's length.
 */
export function readTimeline(boundaryProb: Float32Array, sectionProb: Float32Array, positionSeconds: number, seconds: number, minGapSeconds = 2): TimelineSection[] {
  const starts = [0, ...peakTimes(boundaryProb, positionSeconds, minGapSeconds).filter((t) => t > minGapSeconds / 2 && t < seconds - minGapSeconds / 2)];
  const ns = TIMELINE_SECTIONS.length, positions = boundaryProb.length;
  return starts.map((start, i) => {
    const end = starts[i + 1] ?? seconds;
    const from = Math.min(positions - 1, Math.floor(start / positionSeconds)), to = Math.max(from + 1, Math.min(positions, Math.floor(end / positionSeconds)));
    const mean = new Float64Array(ns);
    for (let p = from; p < to; p++) for (let c = 0; c < ns; c++) mean[c]! += sectionProb[p * ns + c]!;
    let best = 0;
    for (let c = 1; c < ns; c++) if (mean[c]! > mean[best]!) best = c;
    return { start, end, label: TIMELINE_SECTIONS[best]! };
  });
}

/** Probabilities per position -> the centre times of positions above 0.5 that are the largest within `minGap` seconds either side. */
export function peakTimes(prob: Float32Array, positionSeconds: number, minGapSeconds: number): number[] {
  const reach = Math.max(1, Math.round(minGapSeconds / positionSeconds));
  const out: number[] = [];
  for (let k = 0; k < prob.length; k++) {
    const p = prob[k]!;
    if (p <= 0.5) continue;
    let isPeak = true;
    for (let j = Math.max(0, k - reach); j <= Math.min(prob.length - 1, k + reach) && isPeak; j++) {
      if (prob[j]! > p || (prob[j] === p && j < k)) isPeak = false;
    }
    if (isPeak) out.push((k + 0.5) * positionSeconds);
  }
  return out;
}
