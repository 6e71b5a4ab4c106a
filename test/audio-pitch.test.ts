// The semitone spectrogram (audio/pitch.ts) and the experts' input built from it (model/audio-input.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { logSemitoneSpectrogram, LOWEST_PITCH, semitoneFilterbank } from "../src/audio/pitch.js";
import { logMelSpectrogram } from "../src/audio/mel.js";
import { expertInput, inputChannels, silentExpertInput } from "../src/model/audio-input.js";
import { TINY_CONFIG, validateConfig } from "../src/model/config.js";

const RATE = 16000;
const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12);
function tones(midis: number[], seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) for (const m of midis) out[i]! += (0.3 / midis.length) * Math.sin((2 * Math.PI * midiHz(m) * i) / RATE);
  return out;
}
/** The band energies averaged over the frames of the middle of the clip. */
function meanBands(spec: number[][]): number[] {
  const frames = spec[0]!.length;
  return spec.map((row) => row.slice(Math.floor(frames / 4), Math.floor((3 * frames) / 4)).reduce((a, b) => a + b, 0) / Math.floor(frames / 2));
}
const top = (v: number[], k: number) => v.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i).sort((a, b) => a - b);

test("a pure tone lights the band of its semitone, from C2 to the top band", () => {
  for (const midi of [36, 45, 60, 69, 80, 100]) {
    const bands = meanBands(logSemitoneSpectrogram(tones([midi], 2), 72).toArray() as number[][]);
    assert.deepEqual(top(bands, 1), [midi - LOWEST_PITCH], `MIDI ${midi}`);
    // From C3 up its neighbours a semitone away are far below it (the log-mel cannot tell them apart at low
    // pitch); below C3 the FFT's main lobe is wider than a semitone, and the right band merely wins.
    if (midi >= 48) assert.ok(bands[midi - LOWEST_PITCH]! - Math.max(bands[midi - LOWEST_PITCH - 1] ?? -Infinity, bands[midi - LOWEST_PITCH + 1] ?? -Infinity) > 0.2, `MIDI ${midi}: ${bands.slice(midi - LOWEST_PITCH - 1, midi - LOWEST_PITCH + 2)}`);
  }
});

test("a C major triad shows C, E and G; C minor shows E flat instead of E", () => {
  const major = meanBands(logSemitoneSpectrogram(tones([60, 64, 67], 2), 72).toArray() as number[][]);
  assert.deepEqual(top(major, 3), [60, 64, 67].map((m) => m - LOWEST_PITCH));
  const minor = meanBands(logSemitoneSpectrogram(tones([60, 63, 67], 2), 72).toArray() as number[][]);
  assert.deepEqual(top(minor, 3), [60, 63, 67].map((m) => m - LOWEST_PITCH));
});

test("frames line up with the log-mel's, and chunking does not change the result", () => {
  const audio = tones([57, 64], 3.37);
  const whole = logSemitoneSpectrogram(audio, 24);
  assert.deepEqual(whole.shape, [24, logMelSpectrogram(audio).size(1)]);
  const chunked = logSemitoneSpectrogram(audio, 24, { framesPerChunk: 37 });
  assert.ok(whole.sub(chunked).abs().max().item() < 1e-4);
  // Values sit in the log-mel's normalised range: at most (log10 of full scale + 4) / 4, floor 8 decades below the peak.
  assert.ok(whole.max().item() <= 1.25 && whole.max().item() - whole.min().item() <= 2 + 1e-6);
});

test("the filterbank covers each semitone from C2 and refuses bands past Nyquist", () => {
  const bins = 72, nFreqs = 2049, f = semitoneFilterbank(bins);
  for (let b = 0; b < bins; b++) assert.ok(f.subarray(b * nFreqs, (b + 1) * nFreqs).some((w) => w > 0.5), `band ${b} has no FFT bin near its centre`);
  assert.throws(() => semitoneFilterbank(84), /bins must be 1\.\.83/);
  assert.throws(() => logSemitoneSpectrogram(new Float32Array(0), 12), /no samples/);
});

test("the experts' input stacks log-mel and semitone channels; silence is the floor everywhere", () => {
  const e = TINY_CONFIG.temporalExpert;
  const audio = tones([62], 1.5);
  const x = expertInput(audio, e);
  assert.deepEqual(x.shape, [inputChannels(e), 150]);
  assert.deepEqual(x.narrow(0, 0, 80).toList(), logMelSpectrogram(audio).toList());
  assert.deepEqual(expertInput(audio, { ...e, pitchBins: 0 }).toList(), logMelSpectrogram(audio).toList());
  const silent = silentExpertInput(120, e);
  assert.deepEqual(silent.shape, [104, 120]);
  assert.equal(silent.min().item(), -1.5);
  assert.equal(silent.max().item(), -1.5);
});

test("a config whose experts hear different inputs, or too many semitone bands, is refused by name", () => {
  const c = structuredClone(TINY_CONFIG);
  c.globalExpert.pitchBins = 12;
  assert.throws(() => validateConfig(c, "x.json"), /x\.json: temporalExpert and globalExpert must hear the same input/);
  c.globalExpert.pitchBins = 90;
  assert.throws(() => validateConfig(c, "x.json"), /globalExpert\.pitchBins must be an integer from 0 to 83/);
});
