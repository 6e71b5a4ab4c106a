// A semitone spectrogram: the pitch detail Whisper's log-mel cannot carry. At n_fft 400 (25 ms) FFT bins are
// 40 Hz apart and the 80 mel bands are about 60 Hz wide near 1 kHz, while semitones around middle C are 15 Hz
// apart: pitch classes, chords and keys blur together. A 4096-sample FFT (256 ms, 3.9 Hz bins) folded into one
// band per equal-tempered semitone (A4 = 440 Hz, triangles in log-frequency reaching the neighbouring
// semitones) resolves them from C3 upwards; from C2 to C3 a tone leaks into the bands beside it (the window's
// main lobe is wider than a semitone there) but still peaks in its own. The frame rate (hop 160, centred) and the log compression
// (log10, clamp to the clip's max - 8, then (x + 4) / 4) are the log-mel's, so the two stack as channels.
//
// Long audio is transformed in chunks of frames so that the complex spectrum of a whole song (2049 bins per
// frame) never sits in memory at once.
import { noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { keep, tidy } from "../engine/scope.js";
import { cat, type Tensor, tensor, zeros } from "../engine/tensor.js";
import { HOP_LENGTH, SAMPLE_RATE } from "./mel.js";
import { powerSpectrum } from "./power.js";

export const PITCH_N_FFT = 4096;
/** MIDI number of the lowest band: C2 (65.4 Hz). */
export const LOWEST_PITCH = 36;
/** Bands up to B8 (7.9 kHz) stay below the 8 kHz Nyquist frequency with their upper slope. */
export const MAX_PITCH_BINS = 83;
const FRAMES_PER_CHUNK = 3000;

const midiToHz = (m: number): number => 440 * 2 ** ((m - 69) / 12);

/**
 * Triangular semitone filters [bins, nFft / 2 + 1]: band b peaks (weight 1) at MIDI LOWEST_PITCH + b and falls
 * linearly in log-frequency to 0 at the semitones on either side.
 */
export function semitoneFilterbank(bins: number, sampleRate = SAMPLE_RATE, nFft = PITCH_N_FFT): Float64Array {
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_PITCH_BINS) throw new RangeError(`semitone spectrogram: bins must be 1..${MAX_PITCH_BINS}, got ${bins}`);
  const nFreqs = nFft / 2 + 1;
  const weights = new Float64Array(bins * nFreqs);
  for (let b = 0; b < bins; b++) {
    const centre = LOWEST_PITCH + b;
    const lo = Math.floor(midiToHz(centre - 1) * nFft / sampleRate), hi = Math.ceil(midiToHz(centre + 1) * nFft / sampleRate);
    for (let k = Math.max(1, lo); k <= Math.min(nFreqs - 1, hi); k++) {
      const semitones = 12 * Math.log2((k * sampleRate) / nFft / 440) + 69;
      weights[b * nFreqs + k] = Math.max(0, 1 - Math.abs(semitones - centre));
    }
  }
  return weights;
}

/** FFT bins the top band of `bins` reaches: the power spectrum above them is never computed. */
function usedFreqs(bins: number): number {
  return Math.min(PITCH_N_FFT / 2 + 1, Math.ceil((midiToHz(LOWEST_PITCH + bins) * PITCH_N_FFT) / SAMPLE_RATE) + 1);
}

const filterCache = new Map<number, Tensor>();
/** The filterbank's used columns, transposed: [usedFreqs, bins]. */
function filtersT(bins: number): Tensor {
  let f = filterCache.get(bins);
  if (!f) {
    f = keep(tidy(() => tensor(semitoneFilterbank(bins), { shape: [bins, PITCH_N_FFT / 2 + 1], dtype: "float32" }).narrow(1, 0, usedFreqs(bins)).transpose(0, 1).contiguous()));
    filterCache.set(bins, f);
  }
  return f;
}
let window: Tensor | undefined;
/** Power of a full-scale sine at a bin centre: (sum of the window / 2)^2 for a periodic Hann of 4096. */
const FULL_SCALE_POWER = (PITCH_N_FFT / 4) ** 2;

/** The signal with n_fft / 2 samples of reflection on each side (zeros where the signal is too short to reflect). */
function reflectPad(x: Float32Array, pad: number): Float32Array {
  const out = new Float32Array(x.length + 2 * pad);
  out.set(x, pad);
  for (let i = 1; i <= pad && i < x.length; i++) {
    out[pad - i] = x[i]!;
    out[pad + x.length - 1 + i] = x[x.length - 1 - i]!;
  }
  return out;
}

/**
 * Log-semitone spectrogram of 16 kHz mono audio -> float32 [bins, floor(N / 160)], frames aligned with the
 * log-mel's. `framesPerChunk` bounds memory (the result does not depend on it).
 */
export function logSemitoneSpectrogram(audio: Float32Array, bins: number, o: { framesPerChunk?: number } = {}): Tensor {
  const framesPerChunk = o.framesPerChunk ?? FRAMES_PER_CHUNK;
  const filters = filtersT(bins);
  return noGrad(() => tidy(() => {
    if (audio.length === 0) throw new RangeError("semitone spectrogram: audio has no samples");
    const frames = Math.floor(audio.length / HOP_LENGTH);
    if (frames === 0) return zeros([bins, 0]);
    const padded = reflectPad(audio, PITCH_N_FFT / 2);
    window ??= keep(F.hannWindow(PITCH_N_FFT));
    const chunks: Tensor[] = [];
    for (let f0 = 0; f0 < frames; f0 += framesPerChunk) {
      const n = Math.min(framesPerChunk, frames - f0);
      const from = f0 * HOP_LENGTH, to = (f0 + n - 1) * HOP_LENGTH + PITCH_N_FFT;
      const piece = tensor(padded.subarray(from, to));
      const spec = F.stft(piece, PITCH_N_FFT, { hopLength: HOP_LENGTH, window, center: false });
      const power = powerSpectrum(spec.narrow(-1, 0, n).narrow(0, 0, filters.size(0)), 1 / FULL_SCALE_POWER); // [n, usedFreqs]
      chunks.push(power.matmul(filters)); // [n, bins]
    }
    const semitones = chunks.length === 1 ? chunks[0]! : cat(chunks, 0);
    const logSpec = semitones.clamp(1e-10).log().mul(1 / Math.LN10);
    return logSpec.maximum(logSpec.max().sub(8)).add(4).div(4).transpose(0, 1).contiguous();
  }));
}
