// Band-limited resampling by polyphase windowed-sinc filtering, run as one strided conv1d in libtorch.
//
// With the rates reduced by their gcd (44100 -> 16000 is 441 -> 160), output sample j of each block of `to`
// outputs is a fixed filter (phase j) over the input around position j * from / to. The `to` phase filters
// become the output channels of a conv1d whose stride is `from`: one BLAS-backed call resamples a whole block.
// Filters are Kaiser-windowed sincs with a cutoff just under the lower Nyquist frequency ("kaiser best"
// quality: 64 zero crossings a side, about -100 dB stop band).
import { noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { keep, tidy } from "../engine/scope.js";
import { type Tensor, tensor } from "../engine/tensor.js";
import { concatFloat32 } from "./concat.js";

export interface ResampleQuality {
  /** Zero crossings of the sinc on each side of the centre. */
  zeroCrossings: number;
  /** Cutoff as a fraction of the lower Nyquist frequency. */
  rolloff: number;
  /** Kaiser window shape parameter. */
  beta: number;
}
export const KAISER_BEST: ResampleQuality = { zeroCrossings: 64, rolloff: 0.9475937167399596, beta: 14.769656459379492 };

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used). */
function besselI0(x: number): number {
  let sum = 1, term = 1;
  for (let k = 1; k < 200; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

interface Kernel {
  from: number;
  to: number;
  /** Input samples of context on each side of a block. */
  width: number;
  weights: Tensor; // [to, 1, 2 * width + from]
}

const kernels = new Map<string, Kernel>();

function kernelFor(fromRate: number, toRate: number, q: ResampleQuality): Kernel {
  const g = gcd(fromRate, toRate);
  const from = fromRate / g, to = toRate / g;
  const key = `${from}:${to}:${q.zeroCrossings}:${q.rolloff}:${q.beta}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  if (to > 4000) throw new RangeError(`resample: ${fromRate} -> ${toRate} Hz reduces to ${from}:${to}, too many filter phases (${to}); resample through a common rate`);
  const cutoff = Math.min(from, to) * q.rolloff; // in units where the input rate is `from`
  const width = Math.ceil((q.zeroCrossings * from) / cutoff);
  const taps = 2 * width + from;
  const w = new Float64Array(to * taps);
  const i0Beta = besselI0(q.beta);
  for (let phase = 0; phase < to; phase++) {
    for (let k = 0; k < taps; k++) {
      // Time of tap k relative to output `phase`, in units of the sinc's zero crossings.
      let t = ((k - width) / from - phase / to) * cutoff;
      t = Math.max(-q.zeroCrossings, Math.min(q.zeroCrossings, t));
      const r = t / q.zeroCrossings;
      const window = besselI0(q.beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      w[phase * taps + k] = sinc * window * (cutoff / from);
    }
  }
  const kernel = { from, to, width, weights: keep(tensor(Float32Array.from(w), { shape: [to, 1, taps] })) };
  kernels.set(key, kernel);
  return kernel;
}

/** Output length for n input samples: ceil(n * toRate / fromRate). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  return Math.ceil((n * toRate) / fromRate);
}

/**
 * Resamples a whole signal. Memory is bounded by `blockSeconds` of input at a time, whatever the length.
 */
export function resample(x: Float32Array, fromRate: number, toRate: number, o: { quality?: ResampleQuality; blockSeconds?: number } = {}): Float32Array {
  if (fromRate === toRate) return x.slice();
  const r = new StreamingResampler(fromRate, toRate, o);
  const out = new Float32Array(resampledLength(x.length, fromRate, toRate));
  let at = 0;
  for (const part of [r.push(x), r.flush()]) {
    out.set(part.subarray(0, out.length - at), at);
    at += Math.min(part.length, out.length - at);
  }
  return out;
}

/**
 * Resamples a signal that arrives in pieces (a decoder's output), keeping only one block of input and the
 * filter's context in memory. push() returns what can be computed so far; flush() the rest.
 */
export class StreamingResampler {
  private readonly kernel: Kernel;
  private readonly blockFrames: number; // conv output frames per block (each frame is `to` samples)
  private pending: Float32Array; // input not yet consumed, starting `width` samples before the next frame
  private pendingLength: number;
  private inputSeen = 0;
  private outputGiven = 0;

  constructor(readonly fromRate: number, readonly toRate: number, o: { quality?: ResampleQuality; blockSeconds?: number } = {}) {
    if (!(fromRate > 0 && toRate > 0 && Number.isInteger(fromRate) && Number.isInteger(toRate)))
      throw new RangeError(`resample: rates must be positive integers, got ${fromRate} -> ${toRate}`);
    this.kernel = kernelFor(fromRate, toRate, o.quality ?? KAISER_BEST);
    this.blockFrames = Math.max(1, Math.round(((o.blockSeconds ?? 10) * fromRate) / this.kernel.from));
    // The first frame's context reaches `width` samples before the signal: zeros.
    this.pending = new Float32Array(this.kernel.width + this.blockFrames * this.kernel.from + this.kernel.width);
    this.pendingLength = this.kernel.width;
  }

  push(chunk: Float32Array): Float32Array {
    this.inputSeen += chunk.length;
    const outputs: Float32Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const room = this.pending.length - this.pendingLength;
      const take = Math.min(room, chunk.length - offset);
      this.pending.set(chunk.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === this.pending.length) outputs.push(this.runBlock(this.blockFrames));
    }
    return concatFloat32(outputs);
  }

  /** Computes the remaining output (the signal is taken as zero after its end). */
  flush(): Float32Array {
    const { from, to, width } = this.kernel;
    const total = resampledLength(this.inputSeen, this.fromRate, this.toRate);
    const remaining = total - this.outputGiven;
    if (remaining <= 0) return new Float32Array(0);
    const frames = Math.ceil(remaining / to);
    const needed = width + frames * from + width;
    if (needed > this.pending.length) {
      const grown = new Float32Array(needed);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    } else this.pending.fill(0, this.pendingLength);
    this.pendingLength = needed;
    return this.runBlock(frames).subarray(0, remaining);
  }

  private runBlock(frames: number): Float32Array {
    const { from, width, weights } = this.kernel;
    const span = width + frames * from + width;
    const out = noGrad(() => tidy(() => {
      const x = tensor(this.pending.subarray(0, span), { shape: [1, 1, span] });
      // [1, to, frames] -> frames of `to` consecutive output samples
      return F.conv1d(x, weights, undefined, { stride: from }).narrow(2, 0, frames).squeeze(0).transpose(0, 1).contiguous().toFloat32Array();
    }));
    // Keep the context for the next block: the last 2 * width samples before the next frame's window.
    const consumed = frames * from;
    this.pending.copyWithin(0, consumed, this.pendingLength);
    this.pendingLength -= consumed;
    this.outputGiven += out.length;
    return out;
  }
}
