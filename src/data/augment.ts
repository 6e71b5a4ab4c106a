// Audio augmentation so the model hears many renderings of the same facts: equalisation, filters, gain, noise,
// compression, sample-rate and codec round trips. Each song draws its chain from a config with its own Rng;
// every step and its parameters is recorded in the annotation.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { collectBlocks } from "../audio/concat.js";
import { resample } from "../audio/resample.js";
import { openMp3 } from "../audio/mp3.js";
import { ffmpegAvailable } from "../audio/ffmpeg.js";
import type { Rng } from "../music/rng.js";
import type { AugmentationRecord } from "./schema.js";

export interface AugmentConfig {
  /** Probability that a song gets any augmentation at all. */
  probability: number;
  reverb: number;
  eq: number;
  lowpass: number;
  highpass: number;
  gain: number;
  noise: number;
  compression: number;
  resample: number;
  codec: number;
}

/** Default probabilities of each step (given that the song is augmented). */
export const DEFAULT_AUGMENT: AugmentConfig = {
  probability: 0.8, reverb: 0.5, eq: 0.5, lowpass: 0.25, highpass: 0.25, gain: 0.6, noise: 0.3, compression: 0.3, resample: 0.2, codec: 0.3,
};
export const NO_AUGMENT: AugmentConfig = {
  probability: 0, reverb: 0, eq: 0, lowpass: 0, highpass: 0, gain: 0, noise: 0, compression: 0, resample: 0, codec: 0,
};

export function parseAugmentConfig(text: string, source: string): AugmentConfig {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const out: AugmentConfig = { ...DEFAULT_AUGMENT };
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in out)) throw new Error(`${source}: unknown augmentation "${k}" (known: ${Object.keys(out).join(", ")})`);
    if (typeof v !== "number" || v < 0 || v > 1) throw new Error(`${source}: "${k}" must be a probability between 0 and 1`);
    (out as unknown as Record<string, number>)[k] = v;
  }
  return out;
}

/** What fluidsynth should do at render time (its reverb is the most natural one we have). */
export function drawRenderReverb(config: AugmentConfig, rng: Rng, augmented: boolean): { roomSize: number; level: number } | undefined {
  if (!augmented || !rng.chance(config.reverb)) return undefined;
  return { roomSize: rng.uniform(0.2, 0.95), level: rng.uniform(0.3, 0.9) };
}

// ---- biquad filters (RBJ audio EQ cookbook) -------------------------------------------------------------------
function biquad(x: Float32Array, b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): void {
  const nb0 = b0 / a0, nb1 = b1 / a0, nb2 = b2 / a0, na1 = a1 / a0, na2 = a2 / a0;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = nb0 * x0 + nb1 * x1 + nb2 * x2 - na1 * y1 - na2 * y2;
    x2 = x1; x1 = x0; y2 = y1; y1 = y0;
    x[i] = y0;
  }
}
function peaking(x: Float32Array, rate: number, f0: number, gainDb: number, q: number): void {
  const A = 10 ** (gainDb / 40), w = (2 * Math.PI * f0) / rate, alpha = Math.sin(w) / (2 * q);
  biquad(x, 1 + alpha * A, -2 * Math.cos(w), 1 - alpha * A, 1 + alpha / A, -2 * Math.cos(w), 1 - alpha / A);
}
function lowpass(x: Float32Array, rate: number, f0: number, q = Math.SQRT1_2): void {
  const w = (2 * Math.PI * f0) / rate, alpha = Math.sin(w) / (2 * q), c = Math.cos(w);
  biquad(x, (1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}
function highpass(x: Float32Array, rate: number, f0: number, q = Math.SQRT1_2): void {
  const w = (2 * Math.PI * f0) / rate, alpha = Math.sin(w) / (2 * q), c = Math.cos(w);
  biquad(x, (1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, x.length));
}

/**
 * Feed-forward compressor on a smoothed envelope, with make-up gain to the input's RMS. Above the threshold the
 * level is cut by (1 - 1/ratio) of its excess in dB, i.e. the sample is scaled by (envelope / threshold) to the
 * power -(1 - 1/ratio). The envelope moves smoothly, so the power is computed again only when it has moved by
 * more than 0.1% (a gain error under 0.01 dB): a logarithm and a power for every sample made this the slowest
 * augmentation step.
 */
function compress(x: Float32Array, rate: number, thresholdDb: number, ratio: number, attackMs: number, releaseMs: number): void {
  const before = rms(x);
  const att = Math.exp(-1 / ((attackMs / 1000) * rate)), rel = Math.exp(-1 / ((releaseMs / 1000) * rate));
  const threshold = 10 ** (thresholdDb / 20), exponent = -(1 - 1 / ratio);
  let env = 0, gainAt = -1, gain = 1;
  for (let i = 0; i < x.length; i++) {
    const level = Math.abs(x[i]!);
    env = level > env ? att * env + (1 - att) * level : rel * env + (1 - rel) * level;
    const e = env + 1e-9;
    if (e <= threshold) continue;
    if (Math.abs(e - gainAt) > 0.001 * gainAt) {
      gainAt = e;
      gain = (e / threshold) ** exponent;
    }
    x[i] = x[i]! * gain;
  }
  const after = rms(x);
  if (after > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! * (before / after);
}

/** Pink-ish noise (Paul Kellett's economy filter over white noise) at a signal-to-noise ratio. */
function addNoise(x: Float32Array, rng: Rng, snrDb: number, pink: boolean): void {
  const noise = new Float32Array(x.length);
  let b0 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < x.length; i++) {
    const w = rng.uniform(-1, 1);
    if (pink) {
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      noise[i] = b0 + b1 + b2 + w * 0.1848;
    } else noise[i] = w;
  }
  const scale = rms(x) / (rms(noise) * 10 ** (snrDb / 20));
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise[i]! * scale;
}

/**
 * Applies a random chain to mono audio in place (returns the possibly new array) and records it. The render
 * reverb, drawn before rendering, is recorded first.
 */
export async function augment(x: Float32Array, rate: number, config: AugmentConfig, rng: Rng, renderReverb?: { roomSize: number; level: number }): Promise<{ audio: Float32Array; record: AugmentationRecord }> {
  const steps: AugmentationRecord["steps"] = [];
  if (renderReverb) steps.push({ kind: "reverb", params: { roomSize: round(renderReverb.roomSize), level: round(renderReverb.level), engine: "fluidsynth" } });
  let y = x;
  if (rng.chance(config.eq)) {
    const f = Math.exp(rng.uniform(Math.log(100), Math.log(6000))), g = rng.uniform(-9, 9), q = rng.uniform(0.5, 2);
    peaking(y, rate, f, g, q);
    steps.push({ kind: "eq", params: { frequency: Math.round(f), gainDb: round(g), q: round(q) } });
  }
  if (rng.chance(config.lowpass)) {
    const f = rng.uniform(2500, Math.min(8000, rate * 0.45));
    lowpass(y, rate, f);
    steps.push({ kind: "lowpass", params: { frequency: Math.round(f) } });
  }
  if (rng.chance(config.highpass)) {
    const f = rng.uniform(60, 400);
    highpass(y, rate, f);
    steps.push({ kind: "highpass", params: { frequency: Math.round(f) } });
  }
  if (rng.chance(config.compression)) {
    const t = rng.uniform(-30, -12), ratio = rng.uniform(2, 8);
    compress(y, rate, t, ratio, 5, 80);
    steps.push({ kind: "compression", params: { thresholdDb: round(t), ratio: round(ratio) } });
  }
  if (rng.chance(config.noise)) {
    const snr = rng.uniform(15, 40), pink = rng.chance(0.5);
    addNoise(y, rng, snr, pink);
    steps.push({ kind: "noise", params: { snrDb: round(snr), color: pink ? "pink" : "white" } });
  }
  if (rng.chance(config.resample)) {
    const via = rng.pick([8000, 11025, 12000]);
    y = resample(resample(y, rate, via), via, rate).subarray(0, x.length);
    steps.push({ kind: "resample", params: { via } });
  }
  if (rng.chance(config.codec) && ffmpegAvailable()) {
    const kbps = rng.pick([48, 64, 96, 128]);
    y = await mp3Trip(y, rate, kbps);
    steps.push({ kind: "codec", params: { codec: "mp3", kbps } });
  }
  if (rng.chance(config.gain)) {
    const g = rng.uniform(-12, 6);
    const f = 10 ** (g / 20);
    for (let i = 0; i < y.length; i++) y[i] = y[i]! * f;
    steps.push({ kind: "gain", params: { gainDb: round(g) } });
  }
  // Keep within full scale: a limiter-free normalisation when a boost would clip (recorded as a gain step).
  let peak = 0;
  for (let i = 0; i < y.length; i++) peak = Math.max(peak, Math.abs(y[i]!));
  if (peak > 0.99) {
    const f = 0.99 / peak;
    for (let i = 0; i < y.length; i++) y[i] = y[i]! * f;
    steps.push({ kind: "gain", params: { gainDb: round(20 * Math.log10(f)), reason: "clip guard" } });
  }
  return { audio: y, record: { steps } };
}

/** Encodes with LAME (ffmpeg) and decodes with minimp3, without aligning. */
async function mp3Encoded(x: Float32Array, rate: number, kbps: number): Promise<Float32Array> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-codec-"));
  try {
    const raw = path.join(dir, "in.f32"), mp3 = path.join(dir, "out.mp3");
    fs.writeFileSync(raw, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
    // LAME's quality 7 (of 0 best .. 9 fastest) encodes in two thirds of the default's time; the artefacts of a
    // plain fast encoder are what the augmentation is after.
    const r = spawnSync("ffmpeg", ["-v", "error", "-y", "-f", "f32le", "-ar", String(rate), "-ac", "1", "-i", raw, "-c:a", "libmp3lame", "-b:a", `${kbps}k`, "-compression_level", "7", mp3]);
    if (r.status !== 0) throw new Error(`mp3 round trip: ffmpeg failed: ${r.stderr.toString().trim()}`);
    return await collectBlocks(openMp3(mp3).blocks());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const codecDelays = new Map<string, number>();
/**
 * Samples by which an MP3 round trip delays the signal (encoder delay, decoder delay, the info frame),
 * measured once per rate and bitrate by locating a known blip: subtracted so annotations stay aligned.
 */
async function mp3Delay(rate: number, kbps: number): Promise<number> {
  const key = `${rate}:${kbps}`;
  const known = codecDelays.get(key);
  if (known !== undefined) return known;
  const probe = new Float32Array(rate);
  const at = Math.floor(rate / 2);
  for (let i = 0; i < 256; i++) probe[at + i] = Math.sin(i / 2.5) * (1 - i / 256);
  const coded = await mp3Encoded(probe, rate, kbps);
  let best = 0, bestScore = -Infinity;
  for (let lag = 0; lag < 4096; lag++) {
    let s = 0;
    for (let i = 0; i < 256; i++) s += probe[at + i]! * (coded[at + i + lag] ?? 0);
    if (s > bestScore) { bestScore = s; best = lag; }
  }
  codecDelays.set(key, best);
  return best;
}

async function mp3Trip(x: Float32Array, rate: number, kbps: number): Promise<Float32Array> {
  const delay = await mp3Delay(rate, kbps);
  const coded = await mp3Encoded(x, rate, kbps);
  const out = new Float32Array(x.length);
  out.set(coded.subarray(delay, delay + x.length));
  return out;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
