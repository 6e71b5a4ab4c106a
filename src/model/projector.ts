// LLaVA-style projector: concatenate `stack` consecutive fused tokens, map them through a two-layer MLP into
// the LLM's width, and add the absolute time of each resulting token (so the LLM can read when it happens).
import { Linear, Module, type InitOptions } from "../engine/module.js";
import type { Tensor } from "../engine/tensor.js";
import { TIME_FEATURES, timeFeatures } from "./time-embedding.js";

export class Projector extends Module {
  readonly linear_1: Linear;
  readonly linear_2: Linear;
  readonly time_proj: Linear;

  constructor(readonly inDim: number, readonly outDim: number, readonly stack: number, o: InitOptions = {}) {
    super();
    this.linear_1 = this.registerModule("linear_1", new Linear(inDim * stack, outDim, o));
    this.linear_2 = this.registerModule("linear_2", new Linear(outDim, outDim, o));
    this.time_proj = this.registerModule("time_proj", new Linear(TIME_FEATURES, outDim, o));
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
    return x.add(this.time_proj.forward(timeFeatures(centres)));
  }
}
