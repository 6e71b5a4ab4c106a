// Sinusoids: Whisper's positional table, and the absolute-time features that let every audio token say where
// in the song it is (a question about 2:40 of a 4-minute song needs to find 2:40 among the tokens).
import { noGrad } from "../engine/autograd.js";
import { type Tensor, tensor } from "../engine/tensor.js";

/** Whisper's positional table [length, channels]: sin then cos over geometric timescales up to maxTimescale. */
export function sinusoids(length: number, channels: number, maxTimescale = 10000): Tensor {
  if (channels % 2 !== 0) throw new RangeError(`sinusoids: channels must be even, got ${channels}`);
  const half = channels / 2;
  const step = Math.log(maxTimescale) / (half - 1);
  const out = new Float32Array(length * channels);
  for (let p = 0; p < length; p++)
    for (let i = 0; i < half; i++) {
      const angle = p * Math.exp(-step * i);
      out[p * channels + i] = Math.sin(angle);
      out[p * channels + half + i] = Math.cos(angle);
    }
  return tensor(out, { shape: [length, channels] });
}

/** Number of absolute-time features (sin and cos of each period). */
export const TIME_FEATURES = 32;
const MIN_PERIOD_SECONDS = 1;
const MAX_PERIOD_SECONDS = 4000;

/**
 * Features of absolute times in seconds [n] -> [n, TIME_FEATURES]: sin/cos of 2 pi t / P for periods P from 1 s
 * to 4000 s (geometric), so nearby times look alike and every time up to an hour is distinct.
 */
export function timeFeatures(seconds: ArrayLike<number>): Tensor {
  const half = TIME_FEATURES / 2;
  const out = new Float32Array(seconds.length * TIME_FEATURES);
  for (let n = 0; n < seconds.length; n++)
    for (let i = 0; i < half; i++) {
      const period = MIN_PERIOD_SECONDS * (MAX_PERIOD_SECONDS / MIN_PERIOD_SECONDS) ** (i / (half - 1));
      const angle = (2 * Math.PI * seconds[n]!) / period;
      out[n * TIME_FEATURES + i] = Math.sin(angle);
      out[n * TIME_FEATURES + half + i] = Math.cos(angle);
    }
  return noGrad(() => tensor(out, { shape: [seconds.length, TIME_FEATURES] }));
}
