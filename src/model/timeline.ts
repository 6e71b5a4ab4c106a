// The timeline head: reads a whole song and says where sections start and which section plays where. Temporal
// questions ("when does the second verse start?", "how many sections?", "which part is playing at 0:24.7?") need
// the song's form to within a second, and a linear read-out of single tokens does not give it (`gamma model
// probe-time`: boundary F1 0.25 from the shipped temporal expert). A boundary is a change between what came before
// and what follows, and a chorus is a section that sounds like the other choruses: the first is local (the
// convolutions see a few seconds either side), the second a comparison across the song (self-attention over all of it).
//
//   inputs, each [1, rows, width] -> mean over `pool` rows -> [1, P, width] (5 positions/s with pool 5):
//     "tokens":   the fused tokens (25/s)
//     "spectrum": the spectrum rows (audio-input.ts spectrumRows, 25/s), each channel standardised over the song
//   -- concatenated -- linear to d (or, with `kernel`, two convolutions over `kernel` positions with GELU between)
//   -- + sinusoidal position -- L pre-LN transformer layers (full attention over the song) -- LN
//   -- boundary: one logit per position (a section starts within `BOUNDARY_TARGET_SECONDS`)
//   -- section:  one logit per section label per position
//
// `readTimeline()` turns the outputs into sections (start, end, label): peaks of the boundary probability at
// least `minGapSeconds` apart, each section labelled by its positions' mean label probabilities.
import { noGrad } from "../engine/autograd.js";
import { Conv1d, LayerNorm, Linear, Module, ModuleList, type InitOptions } from "../engine/module.js";
import { tidy } from "../engine/scope.js";
import * as F from "../engine/functional.js";
import { cat, type Tensor } from "../engine/tensor.js";
import type { SectionLabel } from "../music/score.js";
import { FeedForward, MultiHeadAttention } from "./attention.js";
import { sinusoids } from "./time-embedding.js";
import { type TimelineConfig, type TimelineInput, validateTimelineConfig } from "./config.js";

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

/** What a head reads of one song (each [1, rows, width], 25 rows/s with the shipped experts): the inputs its config names. */
export interface TimelineInputs {
  tokens?: Tensor;
  spectrum?: Tensor;
}

/** What a model's timeline head may need of one clip: the expert tokens (fused for "tokens") and the spectrum rows. */
export interface TimelineAudio {
  temporal?: Tensor;
  global?: Tensor;
  spectrum?: Tensor;
}

export class TimelineHead extends Module {
  readonly in_proj?: Linear;
  readonly conv1?: Conv1d;
  readonly conv2?: Conv1d;
  readonly layers: ModuleList<TimelineLayer>;
  readonly norm: LayerNorm;
  readonly boundary: Linear;
  readonly section: Linear;
  /** The section label of each of `section`'s outputs. */
  readonly labels = TIMELINE_SECTIONS;
  /** What the head reads, in the order it concatenates them. */
  readonly inputs: readonly TimelineInput[];

  /** `tokenDim`: width of the fused tokens; `spectrumDim`: of the spectrum rows (audio-input.ts spectrumWidth). */
  constructor(readonly config: TimelineConfig, tokenDim: number, spectrumDim: number, o: InitOptions = {}) {
    super();
    validateTimelineConfig(config);
    this.inputs = config.inputs ?? ["tokens"];
    const inputDim = this.inputs.reduce((n, i) => n + (i === "tokens" ? tokenDim : spectrumDim), 0);
    if (config.kernel === undefined) this.in_proj = this.registerModule("in_proj", new Linear(inputDim, config.dModel, o));
    else {
      const padding = (config.kernel - 1) / 2;
      this.conv1 = this.registerModule("conv1", new Conv1d(inputDim, config.dModel, config.kernel, { ...o, padding }));
      this.conv2 = this.registerModule("conv2", new Conv1d(config.dModel, config.dModel, config.kernel, { ...o, padding }));
    }
    this.layers = this.registerModule("layers", new ModuleList(Array.from({ length: config.nLayers }, () => new TimelineLayer(config, o))));
    this.norm = this.registerModule("norm", new LayerNorm(config.dModel, 1e-5, o));
    this.boundary = this.registerModule("boundary", new Linear(config.dModel, 1, o));
    this.section = this.registerModule("section", new Linear(config.dModel, TIMELINE_SECTIONS.length, o));
  }

  /** Whether the head reads this input. */
  reads(input: TimelineInput): boolean {
    return this.inputs.includes(input);
  }

  /** Rows [1, N, D] -> pooled positions [1, ceil(N / pool), D] (the last position averages what is left). */
  pool(rows: Tensor): Tensor {
    const p = this.config.pool;
    return F.avgPool1d(toRows(rows, Math.ceil(rows.size(1) / p) * p).transpose(1, 2), p).transpose(1, 2);
  }

  /**
   * One song's inputs -> the head's positions [1, P, width]: each input pooled, the spectrum standardised per
   * channel over the song (loudness and EQ differ from recording to recording; what changes within the song is
   * what marks its sections), the second cut or stretched to the first's positions (the experts pad their last
   * window, so the tokens may run a little past the spectrum).
   */
  positions(x: TimelineInputs): Tensor {
    return tidy(() => {
      const parts = this.inputs.map((name) => {
        const rows = x[name];
        if (!rows) throw new Error(`the timeline head reads the ${name} but none were given`);
        const pooled = this.pool(rows.to("float32"));
        if (name === "tokens") return pooled;
        const centred = pooled.sub(pooled.mean([1], true));
        return centred.div(centred.square().mean([1], true).sqrt().add(1e-3));
      });
      const p = parts[0]!.size(1);
      return cat(parts.map((t) => toRows(t, p)), 2);
    });
  }

  /** One song's inputs; `rowSeconds`: seconds per input row (0.04 with the shipped experts). */
  forward(x: TimelineInputs, rowSeconds: number): TimelineOutput {
    return this.forwardPooled(this.positions(x), rowSeconds * this.config.pool);
  }

  /** Positions already made [1, P, width] (positions(); training keeps them), `positionSeconds` apart. */
  forwardPooled(pooled: Tensor, positionSeconds: number): TimelineOutput {
    let x = this.in_proj ? this.in_proj.forward(pooled) : this.conv2!.forward(this.conv1!.forward(pooled.transpose(1, 2)).gelu()).transpose(1, 2);
    x = x.add(sinusoids(x.size(1), this.config.dModel).unsqueeze(0));
    for (const layer of this.layers) x = layer.forward(x);
    x = this.norm.forward(x);
    return { boundary: this.boundary.forward(x).squeeze(2), section: this.section.forward(x), positionSeconds };
  }

  /** The head's probabilities at a song's positions [1, P, width]: boundary [P] and section labels [P * sections], row-major. */
  probabilities(pooled: Tensor, positionSeconds: number): { boundary: Float32Array; section: Float32Array } {
    return noGrad(() => tidy(() => {
      const out = this.forwardPooled(pooled, positionSeconds);
      return { boundary: out.boundary.sigmoid().squeeze(0).toFloat32Array(), section: out.section.softmax(2).squeeze(0).toFloat32Array() };
    }));
  }

  /** The boundary probability a peak must pass (config.threshold, 0.5 when absent). */
  get threshold(): number {
    return this.config.threshold ?? 0.5;
  }

  /** The sections of a song of `seconds` from its positions [1, P, width] (readTimeline of the head's probabilities). */
  sections(pooled: Tensor, positionSeconds: number, seconds: number, minGapSeconds = 2): TimelineSection[] {
    const { boundary, section } = this.probabilities(pooled, positionSeconds);
    return readTimeline(boundary, section, positionSeconds, seconds, minGapSeconds, this.threshold);
  }
}

/** Rows [1, N, D] cut to `n` rows, or stretched to them by repeating the last. */
function toRows(t: Tensor, n: number): Tensor {
  const have = t.size(1);
  if (have === n) return t;
  return have > n ? t.narrow(1, 0, n) : F.pad(t.transpose(1, 2), [0, n - have], "replicate").transpose(1, 2);
}

export interface TimelineSection {
  start: number;
  end: number;
  label: SectionLabel;
}

/**
 * A song's predicted sections from the head's probabilities: boundary peaks above `threshold` at least
 * `minGapSeconds` apart (ties to the earliest) cut the song; each part gets the label of highest mean probability over its positions.
 * `boundaryProb` [P], `sectionProb` [P * sections] row-major, `seconds`: the song's length.
 */
export function readTimeline(boundaryProb: Float32Array, sectionProb: Float32Array, positionSeconds: number, seconds: number, minGapSeconds = 2, threshold = 0.5): TimelineSection[] {
  const starts = [0, ...peakTimes(boundaryProb, positionSeconds, minGapSeconds, threshold).filter((t) => t > minGapSeconds / 2 && t < seconds - minGapSeconds / 2)];
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

/** Probabilities per position -> the centre times of positions above `threshold` that are the largest within `minGap` seconds either side. */
export function peakTimes(prob: Float32Array, positionSeconds: number, minGapSeconds: number, threshold = 0.5): number[] {
  const reach = Math.max(1, Math.round(minGapSeconds / positionSeconds));
  const out: number[] = [];
  for (let k = 0; k < prob.length; k++) {
    const p = prob[k]!;
    if (p <= threshold) continue;
    let isPeak = true;
    for (let j = Math.max(0, k - reach); j <= Math.min(prob.length - 1, k + reach) && isPeak; j++) {
      if (prob[j]! > p || (prob[j] === p && j < k)) isPeak = false;
    }
    if (isPeak) out.push((k + 0.5) * positionSeconds);
  }
  return out;
}
