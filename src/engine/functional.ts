// Neural-network functions (torch.nn.functional's counterparts). Stateless: weights come in as arguments;
// modules (module.ts) own them.
import { countingFlops, needsGrad, recordProduct } from "./flops.js";
import { native } from "./native.js";
import { keep, tidy } from "./scope.js";
import { type Device, type DType, ones, type Tensor, tensor, wrap } from "./tensor.js";

export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  if (countingFlops()) recordProduct(2 * x.numel * weight.size(0), Number(needsGrad(x)) + Number(needsGrad(weight)));
  return wrap(native.linear(x.h, weight.h, bias?.h));
}

export interface ConvOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}
/** x [batch, channels, length], weight [out, in / groups, kernel]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor, o: ConvOptions = {}): Tensor {
  const y = wrap(native.conv1d(x.h, weight.h, bias?.h, o.stride ?? 1, o.padding ?? 0, o.dilation ?? 1, o.groups ?? 1));
  // Each output element is a dot product over (in / groups) x kernel weights.
  if (countingFlops()) recordProduct(2 * y.numel * weight.size(1) * weight.size(2), Number(needsGrad(x)) + Number(needsGrad(weight)));
  return y;
}
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, o: { stride?: number[]; padding?: number[]; dilation?: number[]; groups?: number } = {}): Tensor {
  return wrap(native.conv2d(x.h, weight.h, bias?.h, o.stride ?? [1, 1], o.padding ?? [0, 0], o.dilation ?? [1, 1], o.groups ?? 1));
}
export function avgPool1d(x: Tensor, kernel: number, stride = kernel, padding = 0): Tensor {
  return wrap(native.avgPool1d(x.h, kernel, stride, padding));
}
export function maxPool1d(x: Tensor, kernel: number, stride = kernel, padding = 0): Tensor {
  return wrap(native.maxPool1d(x.h, kernel, stride, padding));
}
export function avgPool2d(x: Tensor, kernel: number[], stride = kernel, padding = [0, 0]): Tensor {
  return wrap(native.avgPool2d(x.h, kernel, stride, padding));
}
export function maxPool2d(x: Tensor, kernel: number[], stride = kernel, padding = [0, 0]): Tensor {
  return wrap(native.maxPool2d(x.h, kernel, stride, padding));
}

/** Rows of weight picked by integer indices; rows at paddingIdx get no gradient. */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx = -1): Tensor {
  return wrap(native.embedding(weight.h, indices.h, paddingIdx));
}

export function layerNorm(x: Tensor, normalizedShape: number[], weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  return wrap(native.layerNorm(x.h, normalizedShape, weight?.h, bias?.h, eps));
}

/** RMSNorm (Qwen2/Llama): x / sqrt(mean(x^2) + eps) * weight, computed in float32 whatever x's dtype. */
export function rmsNorm(x: Tensor, weight: Tensor | undefined, eps = 1e-6): Tensor {
  return tidy(() => {
    const x32 = x.dtype === "float32" ? x : x.float();
    const y = x32.mul(x32.square().mean(-1, true).add(eps).rsqrt()).to(x.dtype);
    return weight ? y.mul(weight) : y;
  });
}

export function softmax(x: Tensor, dim: number, dtype?: DType): Tensor { return x.softmax(dim, dtype); }
export function logSoftmax(x: Tensor, dim: number, dtype?: DType): Tensor { return x.logSoftmax(dim, dtype); }
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor { return x.gelu(approximate); }
export function silu(x: Tensor): Tensor { return x.silu(); }
export function relu(x: Tensor): Tensor { return x.relu(); }
export function sigmoid(x: Tensor): Tensor { return x.sigmoid(); }
export function tanh(x: Tensor): Tensor { return x.tanh(); }

/** Inverted dropout: zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  if (p < 0 || p >= 1) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  return wrap(native.dropout(x.h, p, training));
}

export interface CrossEntropyOptions {
  /** Targets equal to this are ignored (no loss, no gradient). Default -100, as torch. */
  ignoreIndex?: number;
  /** Mixes the one-hot target with the uniform distribution: (1 - s) * onehot + s / classes. */
  labelSmoothing?: number;
  reduction?: "mean" | "sum" | "none";
  weight?: Tensor;
}
/** logits [N, C] (or [N, C, ...]) and integer targets [N] (or [N, ...]). */
export function crossEntropy(logits: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  return wrap(native.crossEntropy(logits.h, target.h, o.weight?.h, o.reduction ?? "mean", o.ignoreIndex ?? -100, o.labelSmoothing ?? 0));
}
export function mseLoss(input: Tensor, target: Tensor): Tensor { return wrap(native.mseLoss(input.h, target.h)); }
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, posWeight?: Tensor): Tensor {
  return wrap(native.bceWithLogits(logits.h, target.h, posWeight?.h));
}

export function pad(x: Tensor, pads: number[], mode: "constant" | "reflect" | "replicate" = "constant", value = 0): Tensor {
  return x.pad(pads, mode, value);
}

export interface StftOptions {
  hopLength?: number;
  winLength?: number;
  window?: Tensor;
  center?: boolean;
  padMode?: "reflect" | "constant";
  normalized?: boolean;
  onesided?: boolean;
}
/** Short-time Fourier transform of x [samples] or [batch, samples]: complex64 [(batch,) freqs, frames]. */
export function stft(x: Tensor, nFft: number, o: StftOptions = {}): Tensor {
  const hop = o.hopLength ?? Math.floor(nFft / 4);
  return wrap(native.stft(x.h, nFft, hop, o.winLength ?? nFft, o.window?.h, o.center ?? true, o.padMode ?? "reflect",
    o.normalized ?? false, o.onesided ?? true));
}

/** Periodic Hann window (torch.hann_window(n), periodic=True), as Whisper uses. */
export function hannWindow(n: number, o: { dtype?: DType } = {}): Tensor {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return tensor(w, { dtype: o.dtype ?? "float32" }); // on the default device, with the signal it windows
}

/**
 * Scaled dot-product attention: softmax(q k^T / sqrt(d) + mask) v over q [.., Lq, d], k, v [.., Lk, d].
 * causal masks keys after each query (aligned to the end when Lk > Lq, as with a KV cache); mask is added to
 * the scores (use -Infinity to exclude) or, when boolean, keeps positions where true.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, o: { causal?: boolean; mask?: Tensor; scale?: number } = {}): Tensor {
  return tidy(() => {
    const scale = o.scale ?? 1 / Math.sqrt(q.size(-1));
    if (countingFlops()) {
      // q k^T and (softmax) v: two products of (batch x heads x Lq x Lk x d).
      const product = 2 * q.numel * k.size(-2), scoresNeedGrad = needsGrad(q) || needsGrad(k);
      recordProduct(product, Number(needsGrad(q)) + Number(needsGrad(k)));
      recordProduct(product, Number(scoresNeedGrad) + Number(needsGrad(v)));
    }
    // Scaling q (L x d) costs less than scaling the scores (L x L).
    let scores = q.mul(scale).matmul(k.transpose(-2, -1));
    if (o.causal) scores = scores.maskedFill(causalBlock(q.size(-2), k.size(-2), q.device), -Infinity);
    if (o.mask) scores = o.mask.dtype === "bool" ? scores.maskedFill(o.mask.logicalNot(), -Infinity) : scores.add(o.mask);
    return scores.softmax(-1).matmul(v);
  });
}

// Boolean [lq, lk] masks of the keys each query may not see, cached: every layer of every step asks for the same.
const causalBlocks = new Map<string, Tensor>();
function causalBlock(lq: number, lk: number, device: Device): Tensor {
  const key = `${lq}:${lk}:${device}`;
  let block = causalBlocks.get(key);
  if (!block) {
    if (causalBlocks.size >= 64) {
      for (const t of causalBlocks.values()) t.dispose();
      causalBlocks.clear();
    }
    block = keep(ones([lq, lk], { dtype: "bool", device }).triu(lk - lq + 1));
    causalBlocks.set(key, block);
  }
  return block;
}
