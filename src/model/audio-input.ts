// What the experts hear: Whisper's log-mel and, when the config asks for it, the semitone spectrogram as extra
// input channels (audio/pitch.ts says why). Every path that feeds audio to a model (gamma ask, the feature
// cache, expert training) builds its input here, so training and inference can never hear different things.
import { logMelSpectrogram } from "../audio/mel.js";
import { logSemitoneSpectrogram } from "../audio/pitch.js";
import { noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { tidy } from "../engine/scope.js";
import { cat, full, type Tensor } from "../engine/tensor.js";
import { type AudioExpertConfig, PITCH_VIEW_MIN_BINS } from "./config.js";

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

/**
 * Each frame's amplitude share of each of the whole octaves of semitone bands in an expert input [channels,
 * frames] -> [octaves * 12, frames], band 0 at C. The channels are (log10(power) + 4) / 4, so amplitude is
 * 10^(2 x), up to a factor the shares cancel.
 */
function semitoneShares(input: Tensor, e: AudioExpertConfig, octaves: number): Tensor {
  const amplitude = input.narrow(0, e.nMels, octaves * 12).mul(2 * Math.LN10).exp();
  return amplitude.div(amplitude.sum([0], true));
}

/** Width of pitchView(): a pitch-class profile of all the semitone bands, then one of the lowest two octaves. */
export const PITCH_VIEW_WIDTH = 24;

/**
 * A clip's pitch-class profile from its expert input [channels, frames] (the semitone channels, band 0 at C): in
 * each frame each band's share of the frame's amplitude, averaged over the clip, folded into 12 pitch classes
 * over every octave and, separately, over the lowest two (the bass, where the roots are), each as log shares
 * standardised over its 12 classes -> [1, 24]. Key and mode are which pitch classes a song dwells on; a mean or
 * max over the experts' tokens keeps that only as far as the experts learnt to (ProjectorConfig.summaryPitch).
 * Silence gives (nearly) zeros: every class alike.
 */
export function pitchView(input: Tensor, e: AudioExpertConfig): Tensor {
  const bins = e.pitchBins ?? 0;
  if (bins < PITCH_VIEW_MIN_BINS) throw new Error(`the pitch view needs at least ${PITCH_VIEW_MIN_BINS} semitone bands in the experts' input (pitchBins is ${bins})`);
  return noGrad(() => tidy(() => {
    const octaves = Math.floor(bins / 12);
    const shares = semitoneShares(input, e, octaves).mean([1]); // [bands]
    const profile = (t: Tensor, n: number) => {
      const classes = t.view(n, 12).sum([0]);
      const logShare = classes.div(classes.sum()).add(1e-3).log();
      const centred = logShare.sub(logShare.mean());
      return centred.div(centred.square().mean().sqrt().add(1e-3));
    };
    return cat([profile(shares, octaves), profile(shares.narrow(0, 0, PITCH_VIEW_MIN_BINS), 2)], 0).view(1, PITCH_VIEW_WIDTH);
  }));
}

/** Mel frames (100 a second) per row of spectrumRows(): one of the expert's tokens' time (its stem halves the frames, then it pools), 4 for the shipped experts. */
export function spectrumRowFrames(e: AudioExpertConfig): number {
  return 2 * e.pool;
}

/** Width of spectrumRows(): the mel bands, then 12 pitch classes when the input has at least an octave of semitone bands. */
export function spectrumWidth(e: AudioExpertConfig): number {
  return e.nMels + ((e.pitchBins ?? 0) >= 12 ? 12 : 0);
}

/**
 * The spectrum as a timeline head reads it (timeline.ts), from an expert input [channels, frames]: every
 * spectrumRowFrames(e) frames (so that its rows and the expert's tokens keep time together), each mel band's mean
 * and, from the semitone bands folded over their octaves, the log share of each pitch class ->
 * [1, ceil(frames / spectrumRowFrames(e)), spectrumWidth(e)]. Sections differ in
 * who plays, how loud and which chords: the mel bands carry the first two and the pitch classes the harmony, at
 * every instant, where the experts' tokens keep them only as far as their own training needed (a section
 * boundary read from ±4 s of these rows beat the same read from the temporal expert's tokens, F1 0.57 against
 * 0.45 on SynthBench in session 21's numpy study).
 */
export function spectrumRows(input: Tensor, e: AudioExpertConfig): Tensor {
  return noGrad(() => tidy(() => {
    const per = spectrumRowFrames(e), frames = input.size(1), rows = Math.ceil(frames / per);
    // The last row averages the frames left (replicated to a whole row).
    const whole = rows * per === frames ? input : F.pad(input.unsqueeze(0), [0, rows * per - frames], "replicate").squeeze(0);
    const rowMean = (t: Tensor) => F.avgPool1d(t.unsqueeze(0), per).squeeze(0); // [c, rows]
    const parts = [rowMean(whole.narrow(0, 0, e.nMels))];
    const octaves = Math.floor((e.pitchBins ?? 0) / 12);
    if (octaves > 0) {
      const classes = semitoneShares(whole, e, octaves).view(octaves, 12, rows * per).sum([0]);
      parts.push(rowMean(classes).add(1e-3).log());
    }
    return cat(parts, 0).transpose(0, 1).unsqueeze(0).contiguous();
  }));
}
