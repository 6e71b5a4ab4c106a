// The log-mel against Whisper's definition computed here in float64 from first principles (a naive DFT, our
// own reflect padding and mel filters), on synthetic signals and on real recordings.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { HOP_LENGTH, logMelSpectrogram, melFilterbank, N_FFT } from "../src/audio/mel.js";
import { loadAudio } from "../src/audio/load.js";
import { tensor } from "../src/engine/tensor.js";
import { tidy } from "../src/engine/scope.js";
import { sharedDataDir } from "./helpers.js";

/** Slaney mel scale, written out from its definition (linear below 1 kHz, logarithmic above). */
function hzToMel(f: number): number {
  return f < 1000 ? (3 * f) / 200 : 15 + (27 * Math.log(f / 1000)) / Math.log(6.4);
}
function melToHz(m: number): number {
  return m < 15 ? (200 * m) / 3 : 1000 * Math.exp(((m - 15) * Math.log(6.4)) / 27);
}

function referenceFilters(nMels: number): number[][] {
  const edges = Array.from({ length: nMels + 2 }, (_, i) => melToHz((i * hzToMel(8000)) / (nMels + 1)));
  return Array.from({ length: nMels }, (_, m) => Array.from({ length: 201 }, (_, k) => {
    const f = (k * 16000) / 400;
    const rise = (f - edges[m]!) / (edges[m + 1]! - edges[m]!);
    const fall = (edges[m + 2]! - f) / (edges[m + 2]! - edges[m + 1]!);
    return Math.max(0, Math.min(rise, fall)) * (2 / (edges[m + 2]! - edges[m]!));
  }));
}

/** whisper.audio.log_mel_spectrogram(x, n_mels, padding=0), in float64, straight from the definition. */
function referenceLogMel(x: Float32Array, nMels: number): number[][] {
  const pad = N_FFT / 2;
  const n = x.length;
  const padded = new Float64Array(n + 2 * pad);
  for (let i = 0; i < padded.length; i++) {
    let j = i - pad;
    if (j < 0) j = -j; // reflect, excluding the edge sample
    if (j >= n) j = 2 * (n - 1) - j;
    padded[i] = x[j]!;
  }
  const frames = Math.floor(n / HOP_LENGTH);
  const window = Array.from({ length: N_FFT }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT));
  const cos = Array.from({ length: 201 * N_FFT }, (_, i) => Math.cos((2 * Math.PI * Math.floor(i / N_FFT) * (i % N_FFT)) / N_FFT));
  const sin = Array.from({ length: 201 * N_FFT }, (_, i) => Math.sin((2 * Math.PI * Math.floor(i / N_FFT) * (i % N_FFT)) / N_FFT));
  const filters = referenceFilters(nMels);
  const mel = Array.from({ length: nMels }, () => new Float64Array(frames));
  const power = new Float64Array(201);
  const seg = new Float64Array(N_FFT);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < N_FFT; i++) seg[i] = padded[t * HOP_LENGTH + i]! * window[i]!;
    for (let k = 0; k < 201; k++) {
      let re = 0, im = 0;
      for (let i = 0; i < N_FFT; i++) {
        re += seg[i]! * cos[k * N_FFT + i]!;
        im -= seg[i]! * sin[k * N_FFT + i]!;
      }
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < nMels; m++) {
      let s = 0;
      for (let k = 0; k < 201; k++) s += filters[m]![k]! * power[k]!;
      mel[m]![t] = Math.log10(Math.max(s, 1e-10));
    }
  }
  let max = -Infinity;
  for (const row of mel) for (const v of row) max = Math.max(max, v);
  return mel.map((row) => Array.from(row, (v) => (Math.max(v, max - 8) + 4) / 4));
}

function maxAbsDiff(ours: Float32Array, ref: number[][]): number {
  const frames = ref[0]!.length;
  let worst = 0;
  ref.forEach((row, m) => row.forEach((v, t) => { worst = Math.max(worst, Math.abs(ours[m * frames + t]! - v)); }));
  return worst;
}

test("mel filters: Slaney scale and area normalisation", () => {
  const f = melFilterbank(80);
  const ref = referenceFilters(80);
  for (let m = 0; m < 80; m++) for (let k = 0; k < 201; k++) assert.ok(Math.abs(f[m * 201 + k]! - ref[m]![k]!) < 1e-12);
  assert.ok(Math.abs(hzToMel(1000) - 15) < 1e-12);
  // Each triangle has unit area in Hz (height 2 / width); wide upper filters sum to ~1 / bin width.
  const top = Array.from({ length: 201 }, (_, k) => f[79 * 201 + k]!).reduce((a, b) => a + b, 0) * 40;
  assert.ok(Math.abs(top - 1) < 0.05, `area ${top}`);
});

test("log-mel equals the float64 definition within 1e-4 on synthetic audio (80 and 128 bins)", () => {
  const n = 16000 * 2 + 37;
  const x = new Float32Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    // Chirp + tones + quiet noise + a silent gap: a wide dynamic range across bins and frames.
    const t = i / 16000;
    x[i] = i > 20000 && i < 24000 ? 0 : 0.5 * Math.sin(2 * Math.PI * (200 + 1500 * t) * t) + 0.2 * Math.sin(2 * Math.PI * 3100 * t) + 1e-3 * (seed / 2147483648 - 0.5);
  }
  for (const bins of [80, 128]) {
    const ours = tidy(() => logMelSpectrogram(x, { nMels: bins }).toFloat32Array());
    assert.equal(ours.length, bins * Math.floor(n / 160));
    const diff = maxAbsDiff(ours, referenceLogMel(x, bins));
    assert.ok(diff < 1e-4, `${bins} bins: max difference ${diff}`);
  }
});

test("batched log-mel equals per-clip log-mel, each clip clamped to its own maximum", () => {
  const a = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 7));
  const b = Float32Array.from({ length: 8000 }, (_, i) => 0.01 * Math.sin(i / 3));
  tidy(() => {
    const batch = logMelSpectrogram(tensor(Float32Array.from([...a, ...b]), { shape: [2, 8000] }));
    assert.deepEqual(batch.shape, [2, 80, 50]);
    assert.deepEqual(batch.select(0, 0).toList(), logMelSpectrogram(a).toList());
    assert.deepEqual(batch.select(0, 1).toList(), logMelSpectrogram(b).toList());
  });
});

test("short clips: fewer samples than a hop give no frames; a few hops still work", () => {
  tidy(() => {
    assert.deepEqual(logMelSpectrogram(new Float32Array(100)).shape, [80, 0]);
    const x = Float32Array.from({ length: 350 }, (_, i) => Math.sin(i));
    const ours = logMelSpectrogram(x).toFloat32Array();
    assert.equal(ours.length, 80 * 2);
    assert.throws(() => logMelSpectrogram(new Float32Array(0)), /no samples/);
    assert.throws(() => logMelSpectrogram(x, { nMels: 64 }), /80 or 128/);
  });
});

const clips = sharedDataDir() ? path.join(sharedDataDir()!, "real-clips") : undefined;
test("log-mel of real recordings (resampled to 16 kHz) equals the float64 definition within 1e-4",
  { skip: clips && fs.existsSync(clips) ? false : "real clips not found (set GAMMA_SHARED_DATA)" }, async () => {
    const files = fs.readdirSync(clips!).filter((f) => f.endsWith(".ogg")).sort();
    assert.ok(files.length >= 5);
    for (const f of files) {
      const audio = await loadAudio(path.join(clips!, f));
      const x = audio.samples.subarray(0, Math.min(audio.samples.length, 16000 * 3));
      const ours = tidy(() => logMelSpectrogram(x, { nMels: 128 }).toFloat32Array());
      const diff = maxAbsDiff(ours, referenceLogMel(x, 128));
      assert.ok(diff < 1e-4, `${f}: max difference ${diff}`);
    }
  });
