// The summary's rhythm view (ProjectorConfig.summaryRhythm): the periodicity of a clip's fused tokens, which no
// mean or max over time shows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { noGrad } from "../src/engine/autograd.js";
import { tensor, type Tensor } from "../src/engine/tensor.js";
import { validateConfig } from "../src/model/config.js";
import { autocorrelation, RHYTHM_LAGS, rhythm } from "../src/model/projector.js";
import { withFreshSummary, withSummaryRhythm, withSummaryRhythmSlots } from "../src/model/rebuild.js";
import { factSlots } from "../src/train/summary-words.js";
import { tinyModel } from "./model-helpers.js";

/** Tokens [1, n, dim]: a pulse (every channel at 1) every `period` tokens, 0 elsewhere. */
function pulses(n: number, period: number, dim: number): Tensor {
  const values = Array.from({ length: n }, (_, t) => Array.from({ length: dim }, () => (t % period === 0 ? 1 : 0)));
  return tensor(values.flat(), { dtype: "float32" }).view(1, n, dim);
}

test("autocorrelation: 1 at the period of a repeating sequence and its multiples, low between, 0 past the clip", () => noGrad(() => {
  const ac = autocorrelation(pulses(240, 12, 3), 30).toFloat32Array();
  assert.ok(ac[11]! > 0.9 && ac[23]! > 0.9, `lags 12 and 24: ${ac[11]}, ${ac[23]}`);
  assert.ok(ac[5]! < 0 && ac[16]! < 0, "half a period off: below zero");
  const short = autocorrelation(pulses(20, 4, 2), 30).toFloat32Array();
  assert.deepEqual([...short.slice(20)], Array(10).fill(0), "lags the clip is too short for");
}));

test("rhythm: two clips with the same mean and max but different tempi differ only in the rhythm view", () => noGrad(() => {
  const model = withSummaryRhythm(tinyModel());
  const dim = model.config.fusion.dModel;
  // 300 tokens with 20 pulses each: the same values in another order.
  const slow = pulses(300, 15, dim);
  const fastTwenty = pulses(300, 10, dim).mul(tensor(Array.from({ length: 300 }, (_, t) => (t < 200 ? 1 : 0)), { dtype: "float32" }).view(1, 300, 1));
  const a = model.projector.pool(slow).toFloat32Array(), b = model.projector.pool(fastTwenty).toFloat32Array();
  assert.equal(a.length, 2 * dim + 2 * RHYTHM_LAGS);
  assert.deepEqual([...a.slice(0, 2 * dim)], [...b.slice(0, 2 * dim)], "mean and max are the same");
  const r = rhythm(slow).toFloat32Array();
  assert.ok(r[14]! > r[9]!, "the slow clip repeats at 15 tokens, not 10");
  assert.ok(rhythm(fastTwenty).toFloat32Array()[9]! > rhythm(fastTwenty).toFloat32Array()[14]!, "the fast one at 10");
  const summaries = [slow, fastTwenty].map((t) => model.projector.summarize(t)!.toFloat32Array());
  assert.ok(summaries[0]!.some((v, i) => Math.abs(v - summaries[1]![i]!) > 1e-4), "so their summaries differ");
}));

test("withSummaryRhythm: fresh, wider summary layers; everything else kept; the config says so", () => noGrad(() => {
  const model = tinyModel(), config = model.config;
  const before = model.projector.linear_1.weight.toFloat32Array();
  const rhythmic = withSummaryRhythm(model); // takes the model's tensors
  assert.equal(rhythmic.config.projector.summaryRhythm, true);
  assert.deepEqual(rhythmic.projector.summary_1!.weight.shape, [config.llm.hiddenSize, 2 * config.fusion.dModel + 2 * RHYTHM_LAGS]);
  assert.deepEqual(rhythmic.projector.linear_1.weight.toFloat32Array(), before, "the rest of the model kept");
  assert.equal(withSummaryRhythm(rhythmic), rhythmic, "a model that has it is returned as it is");
  assert.throws(() => withSummaryRhythm(tinyModel(1, (c) => { c.projector.summaryTokens = 0; })), /summaryRhythm needs summary tokens/);
  assert.throws(() => validateConfig({ ...config, projector: { ...config.projector, summaryRhythm: "yes" as unknown as boolean } }), /projector.summaryRhythm must be true or false/);
}));

test("rhythm slots: those tokens are written from the rhythm view by layers of their own, the others from mean and max alone", () => noGrad(() => {
  const model = withSummaryRhythmSlots(tinyModel(1, (c) => { c.projector.summaryTokens = 5; }), [1, 3]);
  const dim = model.config.fusion.dModel, hidden = model.config.llm.hiddenSize;
  assert.deepEqual(model.config.projector.summaryRhythmSlots, [1, 3]);
  assert.deepEqual(model.projector.summary_1!.weight.shape, [hidden, 2 * dim], "the base layers read mean and max");
  assert.deepEqual(model.projector.summary_2!.weight.shape, [3 * hidden, hidden], "and write the three other tokens");
  assert.deepEqual(model.projector.summary_rhythm_1!.weight.shape, [hidden, 2 * dim + 2 * RHYTHM_LAGS]);
  assert.deepEqual(model.projector.summary_rhythm_2!.weight.shape, [2 * hidden, hidden]);
  // Two clips with the same mean and max and different tempi: only tokens 1 and 3 differ.
  const slow = pulses(300, 15, dim);
  const fast = pulses(300, 10, dim).mul(tensor(Array.from({ length: 300 }, (_, t) => (t < 200 ? 1 : 0)), { dtype: "float32" }).view(1, 300, 1));
  const [a, b] = [slow, fast].map((t) => model.projector.summarize(t)!);
  assert.deepEqual(a!.shape, [1, 5, hidden]);
  const differs = [0, 1, 2, 3, 4].map((i) => a!.select(1, i).sub(b!.select(1, i)).abs().max().item() > 1e-5);
  assert.deepEqual(differs, [false, true, false, true, false]);
  // Tokens 0, 2, 4 are summary_2's rows in order, tokens 1, 3 summary_rhythm_2's.
  const pooled = model.projector.pool(slow);
  const base = model.projector.summary_2!.forward(model.projector.summary_1!.forward(pooled.narrow(1, 0, 2 * dim)).gelu()).view(1, 3, hidden);
  const norm = (x: Tensor) => (model.projector.norm ? model.projector.norm.forward(x) : x);
  assert.deepEqual(a!.select(1, 2).toFloat32Array(), norm(base).select(1, 1).toFloat32Array());
  assert.equal(withSummaryRhythmSlots(model, [3, 1]), model, "the same slots: returned as it is");
  const rhythmic = withSummaryRhythm(model);
  assert.equal(rhythmic.config.projector.summaryRhythmSlots, undefined, "summaryRhythm replaces the slots");
  const config = model.config;
  for (const slots of [[5], [1, 1], [0, 1, 2, 3, 4], [-1]])
    assert.throws(() => validateConfig({ ...config, projector: { ...config.projector, summaryRhythmSlots: slots } }), /summaryRhythmSlots must list distinct summary-token indices below 5/);
  assert.throws(() => validateConfig({ ...config, projector: { ...config.projector, summaryRhythm: true } }), /exclude each other/);
}));

test("factSlots: the summary tokens of named facts; a fact that does not fit is an error naming what fits", () => {
  assert.deepEqual(factSlots(["tempo", "metre", "bpm"], 19), [6, 7, 10, 11, 14, 15, 16]);
  assert.deepEqual(factSlots(["tonic"], 2), [0, 1]);
  assert.throws(() => factSlots(["bpm"], 10), /summary fact "bpm" does not fit in 10 summary tokens \(they hold tonic, mode, style, tempo, mood\)/);
});

test("withFreshSummary: the same layout, the summary layers drawn anew, every other tensor kept", () => noGrad(() => {
  const model = withSummaryRhythmSlots(tinyModel(1, (c) => { c.projector.summaryTokens = 5; }), [1, 3]);
  const summaryBefore = model.projector.summary_1!.weight.toFloat32Array(), rhythmBefore = model.projector.summary_rhythm_1!.weight.toFloat32Array();
  const projectorBefore = model.projector.linear_1.weight.toFloat32Array();
  const fresh = withFreshSummary(model);
  assert.deepEqual(fresh.config.projector, model.config.projector, "the layout is unchanged");
  assert.notDeepEqual(fresh.projector.summary_1!.weight.toFloat32Array(), summaryBefore, "the base summary layers start afresh");
  assert.notDeepEqual(fresh.projector.summary_rhythm_1!.weight.toFloat32Array(), rhythmBefore, "so do the rhythm slots' layers");
  assert.deepEqual(fresh.projector.linear_1.weight.toFloat32Array(), projectorBefore, "the rest of the model kept");
  assert.throws(() => withFreshSummary(tinyModel(1, (c) => { c.projector.summaryTokens = 0; })), /freshSummaryLayers needs summary tokens/);
}));
