// What the experts hear: Whisper's log-mel and, when the config asks for it, the semitone spectrogram as extra
// input channels (audio/pitch.ts says why). Every path that feeds audio to a model (gamma ask, the feature
// cache, expert training) builds its input here, so training and inference can never hear different things.
import { logMelSpectrogram } from "../audio/mel.js";
import { logSemitoneSpectrogram } from "../audio/pitch.js";
import { noGrad } from "../engine/autograd.js";
import { tidy } from "../engine/scope.js";
import { cat, full, type Tensor } from "../engine/tensor.js";
import type { AudioExpertConfig } from "./config.js";

/** Input channels of an expert: mel bins, then semitone bins. */
export function inputChannels(e: AudioExpertConfig): number {
  return e.nMels + (e.pitchBins ?? 0);
}

/** 16 kHz mono audio -> the experts' input [channels, floor(N / 160)] (100 frames per second). */
export function expertInput(samples: Float32Array, e: AudioExpertConfig): Tensor {
  return noGrad(() => tidy(() => {
    const mel = logMelSpectrogram(samples, { nMels: e.nMels });
    if (!e.pitchBins) return mel;
    return cat([mel, logSemitoneSpectrogram(samples, e.pitchBins)], 0);
  }));
}

/** The input of `frames` frames of digital silence: every channel at the log floor, (log10(1e-10) + 4) / 4. */
export function silentExpertInput(frames: number, e: AudioExpertConfig): Tensor {
  return full([inputChannels(e), frames], -1.5);
}
