// LLaVA-style projector: concatenate `stack` consecutive fused tokens, map them through a two-layer MLP into
// the LLM's width, and add the absolute time of each resulting token (so the LLM can read when it happens).
// Optionally it also writes a few summary tokens for the whole clip (see summarize()), and normalises what it
// writes to the size of the LLM's words (outputNorm).
import { Linear, Module, RMSNorm, type InitOptions } from "../engine/module.js";
import { cat, type Tensor } from "../engine/tensor.js";
import { TIME_FEATURES, timeFeatures } from "./time-embedding.js";

export class Projector extends Module {
  readonly linear_1: Linear;
  readonly linear_2: Linear;
  readonly time_proj: Linear;
  readonly summary_1?: Linear;
  readonly summary_2?: Linear;
  readonly norm?: RMSNorm;

  constructor(readonly inDim: number, readonly outDim: number, readonly stack: number, o: InitOptions & { summaryTokens?: number; outputNorm?: boolean } = {}) {
    super();
    this.linear_1 = this.registerModule("linear_1", new Linear(inDim * stack, outDim, o));
    this.linear_2 = this.registerModule("linear_2", new Linear(outDim, outDim, o));
    this.time_proj = this.registerModule("time_proj", new Linear(TIME_FEATURES, outDim, o));
    const summaryTokens = o.summaryTokens ?? 0;
    if (summaryTokens > 0) {
      // Registered only when used, so models made without summary tokens keep their exact state dict.
      this.summary_1 = this.registerModule("summary_1", new Linear(2 * inDim, outDim, o));
      this.summary_2 = this.registerModule("summary_2", new Linear(outDim, summaryTokens * outDim, o));
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
  summarize(tokens: Tensor): Tensor | undefined {
    return this.summaryFromPooled(Projector.pool(tokens));
  }

  /** What the summary reads of a clip's fused tokens [B, N, inDim]: their mean and max over time, [B, 2 inDim]. */
  static pool(tokens: Tensor): Tensor {
    return cat([tokens.mean(1), tokens.amax(1)], -1);
  }

  /** The summary tokens [B, summaryTokens, outDim] from pooled fused tokens [B, 2 inDim]; undefined without summary layers. */
  summaryFromPooled(pooled: Tensor): Tensor | undefined {
    if (!this.summary_1 || !this.summary_2) return undefined;
    return this.normalised(this.summary_2.forward(this.summary_1.forward(pooled).gelu()).view(pooled.size(0), -1, this.outDim));
  }

  private normalised(x: Tensor): Tensor {
    return this.norm ? this.norm.forward(x) : x;
  }
}
