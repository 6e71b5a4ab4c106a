// Whisper-style multi-head attention (q, k, v and out projections; k has no bias, as in Whisper and its
// Hugging Face layout), used as self-attention inside the experts and as cross-attention in the fusion.
import { isGradEnabled } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { Linear, Module, type InitOptions } from "../engine/module.js";
import { cat, type Tensor } from "../engine/tensor.js";

/** Without gradients, queries go in chunks of this many so a 30-minute song never builds a huge score matrix. */
const QUERY_CHUNK = 2048;

export class MultiHeadAttention extends Module {
  readonly q_proj: Linear;
  readonly k_proj: Linear;
  readonly v_proj: Linear;
  readonly out_proj: Linear;

  constructor(readonly dModel: number, readonly nHeads: number, o: InitOptions = {}) {
    super();
    this.q_proj = this.registerModule("q_proj", new Linear(dModel, dModel, o));
    this.k_proj = this.registerModule("k_proj", new Linear(dModel, dModel, { ...o, bias: false }));
    this.v_proj = this.registerModule("v_proj", new Linear(dModel, dModel, o));
    this.out_proj = this.registerModule("out_proj", new Linear(dModel, dModel, o));
  }

  /** x [B, Lq, d] attends to source [B, Lk, d] (x itself when source is omitted). */
  forward(x: Tensor, source: Tensor = x): Tensor {
    const k = this.heads(this.k_proj.forward(source));
    const v = this.heads(this.v_proj.forward(source));
    const lq = x.size(1);
    if (isGradEnabled() || lq <= QUERY_CHUNK) return this.out_proj.forward(this.merge(F.scaledDotProductAttention(this.heads(this.q_proj.forward(x)), k, v)));
    const parts: Tensor[] = [];
    for (let start = 0; start < lq; start += QUERY_CHUNK) {
      const q = this.heads(this.q_proj.forward(x.narrow(1, start, Math.min(QUERY_CHUNK, lq - start))));
      parts.push(F.scaledDotProductAttention(q, k, v));
    }
    return this.out_proj.forward(this.merge(cat(parts, 2)));
  }

  /** [B, L, d] -> [B, heads, L, d / heads]. */
  private heads(t: Tensor): Tensor {
    const [b, l] = t.shape as [number, number];
    return t.view(b, l, this.nHeads, this.dModel / this.nHeads).transpose(1, 2);
  }
  /** [B, heads, L, dh] -> [B, L, d]. */
  private merge(t: Tensor): Tensor {
    const [b, , l] = t.shape as [number, number, number];
    return t.transpose(1, 2).reshape(b, l, this.dModel);
  }
}

/** Whisper's feed-forward: fc1, GELU, fc2. */
export class FeedForward extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(dModel: number, ffnDim: number, o: InitOptions = {}) {
    super();
    this.fc1 = this.registerModule("fc1", new Linear(dModel, ffnDim, o));
    this.fc2 = this.registerModule("fc2", new Linear(ffnDim, dModel, o));
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).gelu());
  }
}
