// The decoder LLM in Qwen2/Llama shape (RMSNorm, rotary positions, SwiGLU, grouped-query attention), with
// Hugging Face's weight names ("model.layers.0.self_attn.q_proj.weight", "lm_head.weight") so that Qwen2 and
// Llama checkpoints load directly. Generation keeps keys and values in a preallocated KV cache.
import * as F from "../engine/functional.js";
import { Embedding, Linear, Module, ModuleList, RMSNorm, type InitOptions } from "../engine/module.js";
import { arange, cat, type Device, type DType, ones, type Tensor, tensor, zeros } from "../engine/tensor.js";
import { keep } from "../engine/scope.js";
import type { LlmConfig } from "./config.js";

/** Keys and values of every layer for a batch of rows, preallocated to a maximum length. */
export class KVCache {
  /** Tokens already stored (the same for every row; padded rows mark their padding in keyValid). */
  length = 0;
  private constructor(readonly keys: Tensor[], readonly values: Tensor[], readonly capacity: number) {}

  static create(c: LlmConfig, batch: number, capacity: number, o: { dtype?: DType; device?: Device } = {}): KVCache {
    const headDim = c.hiddenSize / c.numHeads;
    const make = () => Array.from({ length: c.numLayers }, () => keep(zeros([batch, c.numKvHeads, capacity, headDim], o)));
    return new KVCache(make(), make(), capacity);
  }

  /** Writes a layer's new keys/values [B, Hkv, T, dh] at the current length; returns all stored so far. */
  update(layer: number, k: Tensor, v: Tensor): { k: Tensor; v: Tensor } {
    const t = k.size(2);
    if (this.length + t > this.capacity) throw new RangeError(`KV cache full: ${this.length} + ${t} > capacity ${this.capacity}`);
    const keys = this.keys[layer]!, values = this.values[layer]!;
    keys.narrow(2, this.length, t).copy_(k);
    values.narrow(2, this.length, t).copy_(v);
    return { k: keys.narrow(2, 0, this.length + t), v: values.narrow(2, 0, this.length + t) };
  }

  /** A new cache holding the given rows (repeated rows allowed: one prompt, several samples). */
  selectRows(rows: number[]): KVCache {
    const index = tensor(rows, { dtype: "int64" });
    const pick = (ts: Tensor[]) => ts.map((t) => keep(t.indexSelect(0, index)));
    const out = new KVCache(pick(this.keys), pick(this.values), this.capacity);
    out.length = this.length;
    index.dispose();
    return out;
  }

  dispose(): void {
    for (const t of [...this.keys, ...this.values]) t.dispose();
  }
}

/** Rotary tables for integer positions [B, T] -> cos, sin [B, 1, T, headDim] (Hugging Face's half-split layout). */
function rotaryTables(positions: Tensor, headDim: number, theta: number): { cos: Tensor; sin: Tensor } {
  const invFreq = tensor(Array.from({ length: headDim / 2 }, (_, i) => theta ** (-(2 * i) / headDim)), { dtype: "float32", device: positions.device });
  const freqs = positions.to("float32").unsqueeze(-1).mul(invFreq); // [B, T, dh/2]
  const emb = cat([freqs, freqs], -1).unsqueeze(1);
  return { cos: emb.cos(), sin: emb.sin() };
}

function rotate(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const half = x.size(-1) / 2;
  const rotated = cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
  return x.mul(cos).add(rotated.mul(sin));
}

class Attention extends Module {
  readonly q_proj: Linear;
  readonly k_proj: Linear;
  readonly v_proj: Linear;
  readonly o_proj: Linear;
  private readonly headDim: number;

  constructor(private readonly c: LlmConfig, o: InitOptions) {
    super();
    this.headDim = c.hiddenSize / c.numHeads;
    const kvDim = c.numKvHeads * this.headDim;
    this.q_proj = this.registerModule("q_proj", new Linear(c.hiddenSize, c.hiddenSize, { ...o, bias: c.attentionBias }));
    this.k_proj = this.registerModule("k_proj", new Linear(c.hiddenSize, kvDim, { ...o, bias: c.attentionBias }));
    this.v_proj = this.registerModule("v_proj", new Linear(c.hiddenSize, kvDim, { ...o, bias: c.attentionBias }));
    this.o_proj = this.registerModule("o_proj", new Linear(c.hiddenSize, c.hiddenSize, { ...o, bias: false }));
  }

  forward(x: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | undefined, cache: KVCache | undefined, layer: number): Tensor {
    const [b, t] = x.shape as [number, number];
    const { numHeads: h, numKvHeads: hkv } = this.c;
    const split = (y: Tensor, heads: number) => y.view(b, t, heads, this.headDim).transpose(1, 2);
    const q = rotate(split(this.q_proj.forward(x), h), rope.cos, rope.sin);
    let k = rotate(split(this.k_proj.forward(x), hkv), rope.cos, rope.sin);
    let v = split(this.v_proj.forward(x), hkv);
    if (cache) ({ k, v } = cache.update(layer, k, v));
    if (t === 1 && cache) {
      // One new token (decoding): it may see every cached key, so no causal mask is needed, and the query heads
      // of each key/value group can share that group's keys without copying them h / hkv times.
      const rep = h / hkv;
      const grouped = F.scaledDotProductAttention(q.reshape(b, hkv, rep, this.headDim), k, v, mask ? { mask } : {});
      return this.o_proj.forward(grouped.reshape(b, 1, this.c.hiddenSize));
    }
    if (hkv !== h) {
      // Grouped-query attention: each key/value head serves h / hkv query heads.
      const tk = k.size(2), rep = h / hkv;
      k = k.unsqueeze(2).expand(b, hkv, rep, tk, this.headDim).reshape(b, h, tk, this.headDim);
      v = v.unsqueeze(2).expand(b, hkv, rep, tk, this.headDim).reshape(b, h, tk, this.headDim);
    }
    const out = F.scaledDotProductAttention(q, k, v, mask ? { mask } : { causal: true });
    return this.o_proj.forward(out.transpose(1, 2).reshape(b, t, this.c.hiddenSize));
  }
}

class Mlp extends Module {
  readonly gate_proj: Linear;
  readonly up_proj: Linear;
  readonly down_proj: Linear;
  constructor(c: LlmConfig, o: InitOptions) {
    super();
    this.gate_proj = this.registerModule("gate_proj", new Linear(c.hiddenSize, c.intermediateSize, { ...o, bias: false }));
    this.up_proj = this.registerModule("up_proj", new Linear(c.hiddenSize, c.intermediateSize, { ...o, bias: false }));
    this.down_proj = this.registerModule("down_proj", new Linear(c.intermediateSize, c.hiddenSize, { ...o, bias: false }));
  }
  forward(x: Tensor): Tensor {
    return this.down_proj.forward(this.gate_proj.forward(x).silu().mul(this.up_proj.forward(x)));
  }
}

class DecoderLayer extends Module {
  readonly self_attn: Attention;
  readonly mlp: Mlp;
  readonly input_layernorm: RMSNorm;
  readonly post_attention_layernorm: RMSNorm;
  constructor(c: LlmConfig, o: InitOptions) {
    super();
    this.self_attn = this.registerModule("self_attn", new Attention(c, o));
    this.mlp = this.registerModule("mlp", new Mlp(c, o));
    this.input_layernorm = this.registerModule("input_layernorm", new RMSNorm(c.hiddenSize, c.rmsNormEps, o));
    this.post_attention_layernorm = this.registerModule("post_attention_layernorm", new RMSNorm(c.hiddenSize, c.rmsNormEps, o));
  }
  forward(x: Tensor, rope: { cos: Tensor; sin: Tensor }, mask: Tensor | undefined, cache: KVCache | undefined, layer: number): Tensor {
    x = x.add(this.self_attn.forward(this.input_layernorm.forward(x), rope, mask, cache, layer));
    return x.add(this.mlp.forward(this.post_attention_layernorm.forward(x)));
  }
}

class DecoderBody extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: ModuleList<DecoderLayer>;
  readonly norm: RMSNorm;
  constructor(c: LlmConfig, o: InitOptions) {
    super();
    this.embed_tokens = this.registerModule("embed_tokens", new Embedding(c.vocabSize, c.hiddenSize, { ...o, std: 0.02 }));
    this.layers = this.registerModule("layers", new ModuleList(Array.from({ length: c.numLayers }, () => new DecoderLayer(c, o))));
    this.norm = this.registerModule("norm", new RMSNorm(c.hiddenSize, c.rmsNormEps, o));
  }
}

export interface DecoderInputs {
  /** Input embeddings [B, T, hidden] (text embeddings with audio embeddings spliced in). */
  embeds: Tensor;
  /** Positions [B, T] (int64); default 0..T-1 after what the cache holds. */
  positions?: Tensor;
  /**
   * Which keys are real [B, cacheLength + T] (bool); absent = all. Left-padded batches need it. Every query
   * also sees itself, so a padding row never has all keys masked (which would turn into NaN).
   */
  keyValid?: Tensor;
  cache?: KVCache;
}

export class DecoderLM extends Module {
  readonly model: DecoderBody;
  readonly lm_head: Linear | undefined;

  constructor(readonly config: LlmConfig, o: InitOptions = {}) {
    super();
    this.model = this.registerModule("model", new DecoderBody(config, o));
    this.lm_head = config.tieWordEmbeddings ? undefined : this.registerModule("lm_head", new Linear(config.hiddenSize, config.vocabSize, { ...o, bias: false }));
  }

  /** Token ids (int64 tensor, any shape) -> embeddings. */
  embed(ids: Tensor): Tensor {
    return this.model.embed_tokens.forward(ids);
  }

  /** Final hidden states [B, T, hidden]; with a cache, appends this call's keys and values to it. */
  forward(inputs: DecoderInputs): Tensor {
    const { embeds, cache } = inputs;
    const [b, t] = embeds.shape as [number, number];
    const past = cache?.length ?? 0;
    const positions = inputs.positions ?? arange(past, past + t, 1, { dtype: "int64", device: embeds.device }).unsqueeze(0).expand(b, t);
    const rope = rotaryTables(positions, this.config.hiddenSize / this.config.numHeads, this.config.ropeTheta);
    const mask = inputs.keyValid ? attentionMask(inputs.keyValid, t) : undefined;
    let x = embeds;
    this.model.layers.items.forEach((layer, i) => { x = layer.forward(x, rope, mask, cache, i); });
    if (cache) cache.length += t;
    return this.model.norm.forward(x);
  }

  /**
   * Cosine similarity of embeddings [N, hidden] to every input embedding of the vocabulary, [N, vocab]. The word
   * table is held fixed (no gradient reaches it); gradients flow to `x`. Where a summary token "reads as" a word.
   */
  wordCosines(x: Tensor): Tensor {
    const unit = (t: Tensor) => t.div(t.square().sum(-1, true).sqrt().add(1e-8));
    return unit(x).matmul(unit(this.model.embed_tokens.weight.detach()).transpose(0, 1));
  }

  /** Hidden states [.., hidden] -> logits [.., vocab]. */
  logits(hidden: Tensor): Tensor {
    return this.lm_head ? this.lm_head.forward(hidden) : F.linear(hidden, this.model.embed_tokens.weight);
  }
}

/** Boolean [B, 1, T, Tk] mask: causal (queries are the last T of Tk keys), valid keys only, and always itself. */
function attentionMask(keyValid: Tensor, t: number): Tensor {
  const [b, tk] = keyValid.shape as [number, number];
  if (t === 1) return keyValid.view(b, 1, 1, tk); // one query, the newest position: only padding to hide
  const causal = ones([t, tk], { dtype: "bool", device: keyValid.device }).tril(tk - t);
  const self = ones([t, tk], { dtype: "bool", device: keyValid.device }).triu(tk - t).logicalAnd(causal);
  return keyValid.view(b, 1, 1, tk).logicalAnd(causal).logicalOr(self);
}
