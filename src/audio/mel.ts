// Whisper-compatible log-mel spectrogram (openai/whisper audio.py): 16 kHz mono, n_fft 400, hop 160, periodic
// Hann window, centred STFT with reflect padding, power spectrum, Slaney mel filterbank (librosa's default),
// log10(max(mel, 1e-10)), clamped to max - 8, then (x + 4) / 4. The last STFT frame is dropped, so N samples
// give floor(N / 160) frames.
//
// The STFT and the filterbank run in float64 in libtorch: bins 80 dB below a frame's peak lose float32's
// precision in an FFT (their log would be off by up to ~3e-4), and float64 costs a few ms per minute of audio.
import { noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { keep, tidy } from "../engine/scope.js";
import { type Tensor, tensor, zeros } from "../engine/tensor.js";
import { powerSpectrum } from "./power.js";

export const SAMPLE_RATE = 16000;
export const N_FFT = 400;
export const HOP_LENGTH = 160;
/** Mel frames per second of audio. */
export const FRAMES_PER_SECOND = SAMPLE_RATE / HOP_LENGTH;

function hzToMelSlaney(f: number): number {
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
  return f < minLogHz ? f / fSp : minLogMel + Math.log(f / minLogHz) / logStep;
}
function melToHzSlaney(m: number): number {
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
  return m < minLogMel ? m * fSp : minLogHz * Math.exp(logStep * (m - minLogMel));
}

/**
 * Slaney-normalised triangular mel filters [nMels, nFft / 2 + 1] from 0 Hz to sampleRate / 2, as
 * librosa.filters.mel(sr, n_fft, n_mels) (htk=False, norm="slaney"), which Whisper ships precomputed.
 */
export function melFilterbank(nMels: number, sampleRate = SAMPLE_RATE, nFft = N_FFT): Float64Array {
  const nFreqs = Math.floor(nFft / 2) + 1;
  const fftFreqs = Array.from({ length: nFreqs }, (_, i) => (i * sampleRate) / nFft);
  const maxMel = hzToMelSlaney(sampleRate / 2);
  const melF = Array.from({ length: nMels + 2 }, (_, i) => melToHzSlaney((i * maxMel) / (nMels + 1)));
  const weights = new Float64Array(nMels * nFreqs);
  for (let m = 0; m < nMels; m++) {
    const lowDiff = melF[m + 1]! - melF[m]!, highDiff = melF[m + 2]! - melF[m + 1]!;
    const norm = 2 / (melF[m + 2]! - melF[m]!);
    for (let k = 0; k < nFreqs; k++) {
      const lower = (fftFreqs[k]! - melF[m]!) / lowDiff;
      const upper = (melF[m + 2]! - fftFreqs[k]!) / highDiff;
      weights[m * nFreqs + k] = Math.max(0, Math.min(lower, upper)) * norm;
    }
  }
  return weights;
}

const filterCache = new Map<number, Tensor>();
/** The filterbank transposed, [201, nMels], float64. */
function filtersT(nMels: number): Tensor {
  let f = filterCache.get(nMels);
  if (!f) {
    f = keep(tidy(() => tensor(melFilterbank(nMels), { shape: [nMels, N_FFT / 2 + 1] }).transpose(0, 1).contiguous()));
    filterCache.set(nMels, f);
  }
  return f;
}
let hann: Tensor | undefined;

export interface LogMelOptions {
  /** 80 (Whisper v1/v2) or 128 (Whisper large-v3). */
  nMels?: number;
}

/**
 * Log-mel of 16 kHz mono audio: samples [N] or a batch [B, N] (a Float32Array is one clip) ->
 * float32 [nMels, floor(N / 160)] or [B, nMels, floor(N / 160)]. The clamp to max - 8 is per clip.
 */
export function logMelSpectrogram(audio: Float32Array | Tensor, o: LogMelOptions = {}): Tensor {
  const nMels = o.nMels ?? 80;
  if (nMels !== 80 && nMels !== 128) throw new RangeError(`log-mel: nMels must be 80 or 128, got ${nMels}`);
  return noGrad(() => tidy(() => {
    const x = audio instanceof Float32Array ? tensor(audio) : audio;
    const batched = x.ndim === 2;
    const n = x.size(-1);
    if (n === 0) throw new RangeError("log-mel: audio has no samples");
    const frames = Math.floor(n / HOP_LENGTH);
    if (frames === 0) return zeros(batched ? [x.size(0), nMels, 0] : [nMels, 0]);
    let signal = x.to("float64");
    // Reflect padding needs more than n_fft / 2 samples; shorter clips get zeros appended (the frames that
    // exist are unaffected beyond what the padding changes; such clips come with a warning from the loader).
    if (n <= N_FFT / 2) signal = signal.pad([0, N_FFT / 2 + 1 - n]);
    hann ??= keep(F.hannWindow(N_FFT, { dtype: "float64" }));
    const spec = F.stft(signal, N_FFT, { hopLength: HOP_LENGTH, window: hann, center: true, padMode: "reflect" });
    const power = powerSpectrum(spec.narrow(-1, 0, frames)); // [.., frames, 201]
    // From here float32 is exact enough (relative error 1e-7 on positive sums); the FFT was the fragile part.
    const mel = power.matmul(filtersT(nMels)).to("float32").transpose(-1, -2); // [.., nMels, frames]
    const logSpec = mel.clamp(1e-10).log().mul(1 / Math.LN10);
    const peak = batched ? logSpec.amax([1, 2], true) : logSpec.max();
    return logSpec.maximum(peak.sub(8)).add(4).div(4).contiguous();
  }));
}
