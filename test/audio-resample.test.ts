// Resampling checked against continuous signals: tones must survive, content above the new Nyquist must go.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resample, resampledLength, StreamingResampler } from "../src/audio/resample.js";
import { melWindow, planWindows } from "../src/audio/window.js";
import { zeros } from "../src/engine/tensor.js";

function tone(n: number, rate: number, hz: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}
function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / (to - from));
}

test("44.1 kHz -> 16 kHz keeps a 1 kHz tone to 1e-5 and removes a 10 kHz tone to -90 dB", () => {
  const n = 44100 * 2;
  const low = tone(n, 44100, 1000), high = tone(n, 44100, 10000);
  const mixed = Float32Array.from(low, (v, i) => v + high[i]!);
  const y = resample(mixed, 44100, 16000);
  assert.equal(y.length, resampledLength(n, 44100, 16000));
  assert.equal(y.length, 32000);
  const ideal = tone(y.length, 16000, 1000);
  let worst = 0;
  for (let i = 2000; i < y.length - 2000; i++) worst = Math.max(worst, Math.abs(y[i]! - ideal[i]!));
  assert.ok(worst < 1e-5, `max error ${worst}`);
  const alias = resample(high, 44100, 16000);
  assert.ok(rms(alias, 2000, alias.length - 2000) < 0.5 * 10 ** (-90 / 20), `10 kHz leaks at ${20 * Math.log10(rms(alias, 2000, alias.length - 2000) / 0.35)} dB`);
});

test("upsampling 8 kHz -> 16 kHz and other common rates keep a tone; DC gain is 1", () => {
  for (const rate of [8000, 11025, 22050, 24000, 32000, 48000, 96000]) {
    const y = resample(tone(rate, rate, 440), rate, 16000);
    const ideal = tone(y.length, 16000, 440);
    let worst = 0;
    for (let i = 1000; i < y.length - 1000; i++) worst = Math.max(worst, Math.abs(y[i]! - ideal[i]!));
    assert.ok(worst < 1e-4, `${rate} Hz: max error ${worst}`);
  }
  const dc = resample(new Float32Array(44100).fill(0.25), 44100, 16000);
  assert.ok(Math.abs(dc[8000]! - 0.25) < 1e-5);
});

test("streaming in uneven pieces gives exactly the one-shot result", () => {
  const x = tone(44100 * 3 + 17, 44100, 523.25);
  const whole = resample(x, 44100, 16000, { blockSeconds: 0.5 });
  const r = new StreamingResampler(44100, 16000, { blockSeconds: 0.5 });
  const parts: Float32Array[] = [];
  let at = 0, step = 1;
  while (at < x.length) {
    const n = Math.min(step, x.length - at);
    parts.push(r.push(x.subarray(at, at + n)));
    at += n;
    step = (step * 7 + 3) % 20000 + 1;
  }
  parts.push(r.flush());
  const streamed = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { streamed.set(p, o); o += p.length; }
  assert.equal(streamed.length, whole.length);
  assert.deepEqual(streamed, whole);
  // Block size does not change the result beyond float rounding.
  const big = resample(x, 44100, 16000, { blockSeconds: 10 });
  let worst = 0;
  for (let i = 0; i < big.length; i++) worst = Math.max(worst, Math.abs(big[i]! - whole[i]!));
  assert.ok(worst < 1e-6, `block-size dependence ${worst}`);
});

test("same rate copies; bad rates are refused with a clear message", () => {
  const x = tone(100, 16000, 100);
  const y = resample(x, 16000, 16000);
  assert.deepEqual(y, x);
  assert.notEqual(y, x);
  assert.throws(() => new StreamingResampler(0, 16000), /positive integers/);
  assert.throws(() => new StreamingResampler(44101, 16000), /too many filter phases/);
});

test("windows keep absolute time; the last one is shorter; hops overlap", () => {
  const w = planWindows(9512, { seconds: 30 });
  assert.deepEqual(w.map((x) => [x.start, x.end, x.startFrame, x.frames]), [[0, 30, 0, 3000], [30, 60, 3000, 3000], [60, 90, 6000, 3000], [90, 95.12, 9000, 512]]);
  const o = planWindows(6000, { seconds: 30, hopSeconds: 20 });
  assert.deepEqual(o.map((x) => x.start), [0, 20, 40]);
  assert.equal(o.at(-1)!.end, 60);
  const mel = zeros([80, 9512]);
  assert.deepEqual(melWindow(mel, w[3]!).shape, [80, 512]);
  assert.throws(() => planWindows(10, { seconds: 0 }), /positive/);
});
