// Checks of annotations against the rendered audio — ground truth is measured, not assumed. Each check
// returns a score and the same score for a control (the annotation shifted in time, or a wrong chord/key), so
// a test can demand that the truth beats the control by a margin.
import { noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { tidy } from "../engine/scope.js";
import { tensor } from "../engine/tensor.js";
import type { Mode } from "../music/score.js";
import { MODE_INTERVALS, mod12, pcName, pitchClass, type Quality, QUALITY_INTERVALS } from "../music/theory.js";
import type { SongAnnotation } from "./schema.js";

export interface Spectra {
  /** Frames per second. */
  rate: number;
  /** Onset strength (half-wave rectified spectral flux of the log magnitude), one value per frame. */
  onset: Float32Array;
  /** RMS per frame. */
  rms: Float32Array;
  /** 12-bin chroma per frame (frame-major: [frame * 12 + pc]), each frame summing to 1 where not silent. */
  chroma: Float32Array;
  frames: number;
}

/** Onset strength, RMS and chroma of 16 kHz mono audio at 100 frames per second (n_fft 2048 for pitch resolution). */
export function analyse(audio: Float32Array, sampleRate = 16000): Spectra {
  const hop = sampleRate / 100, nFft = 2048;
  return noGrad(() => tidy(() => {
    const x = tensor(audio);
    const spec = F.stft(x, nFft, { hopLength: hop, window: F.hannWindow(nFft), center: true }).abs(); // [1025, frames]
    const frames = spec.size(1);
    const logMag = spec.add(1e-6).log();
    const diff = logMag.narrow(1, 1, frames - 1).sub(logMag.narrow(1, 0, frames - 1)).relu().mean(0);
    const onset = new Float32Array(frames);
    onset.set(diff.toFloat32Array(), 1);
    const power = spec.square();
    const rms = power.mean(0).sqrt().toFloat32Array();
    // Chroma: bins from 55 Hz to 4 kHz folded onto pitch classes by their nearest equal-tempered pitch.
    const weights = new Float32Array(12 * (nFft / 2 + 1));
    for (let k = 1; k <= nFft / 2; k++) {
      const hz = (k * sampleRate) / nFft;
      if (hz < 55 || hz > 4000) continue;
      const midi = 69 + 12 * Math.log2(hz / 440);
      weights[(((Math.round(midi) % 12) + 12) % 12) * (nFft / 2 + 1) + k] = 1;
    }
    const chromaT = tensor(weights, { shape: [12, nFft / 2 + 1] }).matmul(power); // [12, frames]
    const norm = chromaT.sum(0, true).add(1e-12);
    const chroma = chromaT.div(norm).transpose(0, 1).contiguous().toFloat32Array();
    return { rate: 100, onset, rms, chroma, frames };
  }));
}

/** Fraction of times that have an onset-strength peak (local max above the median) within ±tolerance seconds. */
export function onsetHitRate(s: Spectra, times: number[], tolerance = 0.05): number {
  if (times.length === 0) return 0;
  const sorted = Array.from(s.onset).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const isPeak = (i: number) => i > 0 && i < s.frames - 1 && s.onset[i]! > median * 2 && s.onset[i]! >= s.onset[i - 1]! && s.onset[i]! >= s.onset[i + 1]!;
  const w = Math.round(tolerance * s.rate);
  let hits = 0;
  for (const t of times) {
    const c = Math.round(t * s.rate);
    for (let i = c - w; i <= c + w; i++) if (isPeak(i)) { hits++; break; }
  }
  return hits / times.length;
}

/** Mean RMS in [a, b) seconds. */
export function meanRms(s: Spectra, a: number, b: number): number {
  const i0 = Math.max(0, Math.floor(a * s.rate)), i1 = Math.min(s.frames, Math.ceil(b * s.rate));
  let sum = 0;
  for (let i = i0; i < i1; i++) sum += s.rms[i]!;
  return i1 > i0 ? sum / (i1 - i0) : 0;
}

/** Mean chroma over [a, b) seconds. */
export function meanChroma(s: Spectra, a: number, b: number): number[] {
  const out = new Array<number>(12).fill(0);
  const i0 = Math.max(0, Math.floor(a * s.rate)), i1 = Math.min(s.frames, Math.ceil(b * s.rate));
  for (let i = i0; i < i1; i++) for (let p = 0; p < 12; p++) out[p]! += s.chroma[i * 12 + p]!;
  const total = out.reduce((x, y) => x + y, 0) || 1;
  return out.map((v) => v / total);
}

/** Pitch classes of a chord (root + quality); unknown qualities fall back to the triad their name suggests. */
export function chordPitchClasses(root: string, quality: string): number[] {
  const r = pitchClass(root);
  const iv = QUALITY_INTERVALS[quality as Quality] ?? (quality.startsWith("m") ? QUALITY_INTERVALS.min : QUALITY_INTERVALS.maj);
  return iv.map((i) => mod12(r + i));
}

/** Share of chroma energy on the chord's pitch classes. */
export function chordFit(chroma: number[], pcs: number[]): number {
  return pcs.reduce((s, p) => s + chroma[p]!, 0) / Math.max(1, pcs.length);
}

/**
 * For each chord segment (≥ 0.5 s): does the annotated chord fit the audio's chroma better than the same
 * quality on each of the other 11 roots? Returns the fraction of segments where it ranks first.
 */
export function chordAccuracy(a: SongAnnotation, s: Spectra): { accuracy: number; segments: number } {
  let right = 0, n = 0;
  for (const c of a.temporal.chords) {
    if (c.symbol === "N" || c.end - c.start < 0.5) continue;
    const chroma = meanChroma(s, c.start + 0.05, c.end - 0.05);
    const truth = chordFit(chroma, chordPitchClasses(c.root, c.quality));
    const root = pitchClass(c.root);
    let beaten = false;
    for (let shift = 1; shift < 12; shift++) {
      const other = chordPitchClasses(pcName(root + shift, false), c.quality);
      if (chordFit(chroma, other) > truth) { beaten = true; break; }
    }
    if (!beaten) right++;
    n++;
  }
  return { accuracy: n ? right / n : 0, segments: n };
}

// Krumhansl-Kessler key profiles.
const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((x, y) => x + y, 0) / a.length, mb = b.reduce((x, y) => x + y, 0) / b.length;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db || 1);
}

/** Key estimate (Krumhansl-Schmuckler) from mean chroma: tonic pitch class and major/minor. */
export function estimateKey(chroma: number[]): { tonic: number; minor: boolean } {
  let best = { tonic: 0, minor: false, r: -Infinity };
  for (let t = 0; t < 12; t++) {
    const rotated = chroma.map((_, i) => chroma[(i + t) % 12]!);
    const rMaj = correlation(rotated, MAJOR_PROFILE), rMin = correlation(rotated, MINOR_PROFILE);
    if (rMaj > best.r) best = { tonic: t, minor: false, r: rMaj };
    if (rMin > best.r) best = { tonic: t, minor: true, r: rMin };
  }
  return { tonic: best.tonic, minor: best.minor };
}

/** The pitch class set of a key's scale (unknown modes count as major). */
export function scalePitchClasses(tonic: string, mode: string): number[] {
  const t = pitchClass(tonic);
  return (MODE_INTERVALS[mode as Mode] ?? MODE_INTERVALS.major).map((i) => mod12(t + i));
}

/** Share of the audio's chroma inside the annotated key's scale, and the best share among the other 11 transpositions. */
export function scaleFit(chroma: number[], tonic: string, mode: string): { truth: number; bestOther: number } {
  const truth = scalePitchClasses(tonic, mode).reduce((s, p) => s + chroma[p]!, 0);
  let bestOther = 0;
  for (let shift = 1; shift < 12; shift++) {
    const other = pcName(pitchClass(tonic) + shift, false);
    bestOther = Math.max(bestOther, scalePitchClasses(other, mode).reduce((s, p) => s + chroma[p]!, 0));
  }
  return { truth, bestOther };
}

/**
 * How much the music changes at time t: distance between the mean features (chroma and log energy) of the two
 * seconds before and the two seconds after. Section boundaries should score higher than the middles of sections.
 */
export function novelty(s: Spectra, t: number, span = 2): number {
  const before = meanChroma(s, t - span, t), after = meanChroma(s, t, t + span);
  const energy = Math.log((meanRms(s, t, t + span) + 1e-9) / (meanRms(s, t - span, t) + 1e-9));
  let d = 0;
  for (let p = 0; p < 12; p++) d += (before[p]! - after[p]!) ** 2;
  return Math.sqrt(d) + Math.abs(energy) * 0.1;
}

/** Mean novelty at the inner section boundaries, and at the middles of the sections (the control). */
export function sectionNovelty(a: SongAnnotation, s: Spectra): { boundaries: number; middles: number; count: number } {
  const inner = a.temporal.sections.slice(1).filter((x) => x.start > 2.5 && x.start < a.global.duration - 2.5);
  const mids = a.temporal.sections.filter((x) => x.end - x.start > 6).map((x) => (x.start + x.end) / 2);
  const mean = (ts: number[]) => (ts.length ? ts.reduce((sum, t) => sum + novelty(s, t), 0) / ts.length : 0);
  return { boundaries: mean(inner.map((x) => x.start)), middles: mean(mids), count: inner.length };
}
