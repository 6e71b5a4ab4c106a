// LLaVA-style projector: concatenate `stack` consecutive fused tokens, map them through a two-layer MLP into
// the LLM's width, and add the absolute time of each resulting token (so the LLM can read when it happens).
// Optionally it also writes a few summary tokens for the whole clip (see summarize()), and normalises what it
// writes to the size of the LLM's words (outputNorm).
import { Linear, Module, RMSNorm, type InitOptions } from "../engine/module.js";
import { cat, stack, type Tensor, tensor, zeros } from "../engine/tensor.js";
import { PITCH_VIEW_WIDTH } from "./audio-input.js";
import { TIME_FEATURES, timeFeatures } from "./time-embedding.js";

/**
 * Lags (in fused tokens) of the summary's rhythm view (ProjectorConfig.summaryRhythm): 100 tokens of 40 ms are
 * 4 s, a bar of 4/4 at 60 BPM; the beat of 30-260 BPM falls at lags 6-50.
 */
export const RHYTHM_LAGS = 100;

/**
 * Autocorrelation [B, lags] of sequences x [B, N, C] at lags 1..lags: each channel standardised over time, the
 * products averaged over time and channels (1 = the sequence repeats at that lag). Lags the clip is too short
 * for are 0.
 */
export function autocorrelation(x: Tensor, lags: number): Tensor {
  const [b, n] = x.shape as [number, number];
  const centred = x.sub(x.mean(1, true));
  const z = centred.div(centred.square().mean(1, true).sqrt().add(1e-5));
  const at = (lag: number) => (lag < n ? z.narrow(1, 0, n - lag).mul(z.narrow(1, lag, n - lag)).mean([1, 2]) : zeros([b], { dtype: x.dtype, device: x.device }));
  return stack(Array.from({ length: lags }, (_, i) => at(i + 1)), -1);
}

/**
 * A clip's periodicity [B, 2 RHYTHM_LAGS] from its fused tokens [B, N, D]: the autocorrelation of the tokens
 * and of their onsets (how much the tokens rise from one to the next, averaged over channels, like spectral flux).
 */
export function rhythm(tokens: Tensor): Tensor {
  const n = tokens.size(1);
  const onsets = n > 1 ? tokens.narrow(1, 1, n - 1).sub(tokens.narrow(1, 0, n - 1)).relu().mean(-1, true) : tokens.mean(-1, true);
  return cat([autocorrelation(tokens, RHYTHM_LAGS), autocorrelation(onsets, RHYTHM_LAGS)], -1);
}

export class Projector extends Module {
  readonly linear_1: Linear;
  readonly linear_2: Linear;
  readonly time_proj: Linear;
  readonly summary_1?: Linear;
  readonly summary_2?: Linear;
  /** With rhythm slots: the layers that write them, from the mean, max and rhythm. */
  readonly summary_rhythm_1?: Linear;
  readonly summary_rhythm_2?: Linear;
  readonly norm?: RMSNorm;

  readonly summaryRhythm: boolean;
  /** The summary also reads the clip's pitch-class profile (audio-input.ts pitchView; ProjectorConfig.summaryPitch). */
  readonly summaryPitch: boolean;
  readonly rhythmSlots: readonly number[];
  /** For each summary token, its row in [summary_2's tokens; summary_rhythm_2's tokens]. */
  private readonly slotOrder: number[];

  constructor(readonly inDim: number, readonly outDim: number, readonly stack: number,
    o: InitOptions & { summaryTokens?: number; outputNorm?: boolean; summaryRhythm?: boolean; summaryRhythmSlots?: readonly number[]; summaryPitch?: boolean } = {}) {
    super();
    this.linear_1 = this.registerModule("linear_1", new Linear(inDim * stack, outDim, o));
    this.linear_2 = this.registerModule("linear_2", new Linear(outDim, outDim, o));
    this.time_proj = this.registerModule("time_proj", new Linear(TIME_FEATURES, outDim, o));
    const summaryTokens = o.summaryTokens ?? 0;
    this.summaryRhythm = o.summaryRhythm ?? false;
    this.summaryPitch = o.summaryPitch ?? false;
    this.rhythmSlots = [...(o.summaryRhythmSlots ?? [])].sort((a, b) => a - b);
    const rhythm = new Set(this.rhythmSlots);
    const baseCount = summaryTokens - rhythm.size;
    let nextBase = 0, nextRhythm = baseCount;
    this.slotOrder = Array.from({ length: summaryTokens }, (_, slot) => (rhythm.has(slot) ? nextRhythm++ : nextBase++));
    if (summaryTokens > 0) {
      // Registered only when used, so models made without summary tokens keep their exact state dict.
      this.summary_1 = this.registerModule("summary_1", new Linear(this.summaryRhythm ? this.pooledWidth : this.baseWidth, outDim, o));
      this.summary_2 = this.registerModule("summary_2", new Linear(outDim, baseCount * outDim, o));
      if (rhythm.size > 0) {
        this.summary_rhythm_1 = this.registerModule("summary_rhythm_1", new Linear(this.pooledWidth, outDim, o));
        this.summary_rhythm_2 = this.registerModule("summary_rhythm_2", new Linear(outDim, rhythm.size * outDim, o));
      }
    }
    if (o.outputNorm) this.norm = this.registerModule("norm", new RMSNorm(outDim, 1e-6, o));
  }

  /** Number of LLM tokens for n fused tokens (the last group is zero-padded). */
  outputLength(n: number): number {
    return Math.ceil(n / this.stack);
  }

  /**
   * Fused tokens [B, N, inDim], `tokenSeconds` apart and starting at startSeconds -> LLM embeddings
   * [B, ceil(N / stack), outDim].
   */
  forward(tokens: Tensor, tokenSeconds: number, startSeconds = 0): Tensor {
    const [b, n] = tokens.shape as [number, number];
    const m = this.outputLength(n);
    const padded = m * this.stack > n ? tokens.pad([0, 0, 0, m * this.stack - n]) : tokens;
    const grouped = padded.reshape(b, m, this.stack * this.inDim);
    const x = this.linear_2.forward(this.linear_1.forward(grouped).gelu());
    const groupSeconds = tokenSeconds * this.stack;
    const centres = Array.from({ length: m }, (_, j) => startSeconds + (j + 0.5) * groupSeconds);
    return this.normalised(x.add(this.time_proj.forward(timeFeatures(centres))));
  }

  /**
   * The whole clip in a few LLM embeddings [B, summaryTokens, outDim], or undefined when the projector has none.
   * Song-level facts (key, tempo, style) are spread over every time-marked token; a linear probe reads the key
   * from the mean of the fused tokens far better than the LLM learnt to gather it from ~900 of them
   * (docs/training.md), so the pooled view is handed to the LLM directly. Mean and max: the average sound and
   * what stands out anywhere in the clip.
   */
  summarize(tokens: Tensor, pitch?: Tensor): Tensor | undefined {
    return this.summaryFromPooled(this.pool(tokens, pitch));
  }

  /** Width of what the summary reads of a clip (pool()). */
  get pooledWidth(): number {
    return 2 * this.inDim + (this.readsRhythm ? 2 * RHYTHM_LAGS : 0) + this.pitchWidth;
  }

  /** What the layers of the summary tokens that do not read the rhythm read: mean, max and the pitch view if any. */
  private get baseWidth(): number {
    return 2 * this.inDim + this.pitchWidth;
  }

  private get pitchWidth(): number {
    return this.summaryPitch ? PITCH_VIEW_WIDTH : 0;
  }

  /** Whether any summary layer reads the rhythm view (all of them, or those of the rhythm slots). */
  get readsRhythm(): boolean {
    return this.summaryRhythm || this.rhythmSlots.length > 0;
  }

  /**
   * What the summary reads of a clip's fused tokens [B, N, inDim], [B, pooledWidth]: their mean and max over
   * time, with summaryRhythm (or rhythm slots) their periodicity (rhythm()), and with summaryPitch the clip's
   * pitch view [B, PITCH_VIEW_WIDTH] (audio-input.ts pitchView(), from the experts' input, not the tokens).
   */
  pool(tokens: Tensor, pitch?: Tensor): Tensor {
    if (this.summaryPitch && !pitch) throw new Error("this model's summary reads the clip's pitch view (projector.summaryPitch): pass pitchView() of the experts' input");
    return cat([tokens.mean(1), tokens.amax(1), ...(this.readsRhythm ? [rhythm(tokens)] : []), ...(this.summaryPitch ? [pitch!.to(tokens.dtype)] : [])], -1);
  }

  /**
   * The summary tokens [B, summaryTokens, outDim] from pooled fused tokens [B, pooledWidth]; undefined without
   * summary layers. With rhythm slots, two MLPs share the work: the rhythm slots' reads the whole pooled view, the
   * others' the mean and max alone (and the pitch view, with summaryPitch), so the facts of pitch and timbre (key,
   * style) are fitted from the inputs they were fitted from before the rhythm view existed and cannot fit the songs
   * by their rhythm instead.
   */
  summaryFromPooled(pooled: Tensor): Tensor | undefined {
    if (!this.summary_1 || !this.summary_2) return undefined;
    const b = pooled.size(0);
    const mlp = (first: Linear, second: Linear, input: Tensor) => second.forward(first.forward(input).gelu()).view(b, -1, this.outDim);
    if (!this.summary_rhythm_1 || !this.summary_rhythm_2) return this.normalised(mlp(this.summary_1, this.summary_2, pooled));
    const meanMax = pooled.narrow(1, 0, 2 * this.inDim);
    const base = mlp(this.summary_1, this.summary_2, this.summaryPitch ? cat([meanMax, pooled.narrow(1, this.pooledWidth - PITCH_VIEW_WIDTH, PITCH_VIEW_WIDTH)], 1) : meanMax);
    const beat = mlp(this.summary_rhythm_1, this.summary_rhythm_2, pooled);
    return this.normalised(cat([base, beat], 1).indexSelect(1, tensor(this.slotOrder, { dtype: "int64", device: pooled.device })));
  }

  private normalised(x: Tensor): Tensor {
    return this.norm ? this.norm.forward(x) : x;
  }
}
