// The summary's pitch view (ProjectorConfig.summaryPitch): a clip's pitch-class profile from the experts' semitone
// input, read by the summary layers of the tokens that do not read the rhythm (the tonic, the mode).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { writeWav } from "../src/audio/wav-write.js";
import { noGrad } from "../src/engine/autograd.js";
import { loadSafetensors, saveSafetensors } from "../src/engine/safetensors.js";
import { type Tensor } from "../src/engine/tensor.js";
import { DEFAULT_AUGMENT } from "../src/data/augment.js";
import { expertInput, PITCH_VIEW_WIDTH, pitchView, silentExpertInput } from "../src/model/audio-input.js";
import { validateConfig } from "../src/model/config.js";
import { withSummaryPitch } from "../src/model/rebuild.js";
import { encodeCachedClip } from "../src/train/chat-inputs.js";
import { FeatureCache } from "../src/train/feature-cache.js";
import { randomMel, tinyModel } from "./model-helpers.js";

const RATE = 16000;

/** `seconds` of the sum of sines at these MIDI notes, each at amplitude 0.2. */
function chord(midis: number[], seconds = 2): Float32Array {
  const out = new Float32Array(RATE * seconds);
  for (const m of midis) {
    const hz = 440 * 2 ** ((m - 69) / 12);
    for (let i = 0; i < out.length; i++) out[i]! += 0.2 * Math.sin((2 * Math.PI * hz * i) / RATE);
  }
  return out;
}

const expert = tinyModel().config.temporalExpert; // 24 semitone bands from C2: two octaves, both "bass"
const wide = { ...expert, pitchBins: 72 }; // the shipped model's C2-B7

/** The pitch classes (0 = C) of the `n` largest values among 12. */
function top(values: Float32Array, n: number): number[] {
  return [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, n).sort((a, b) => a - b);
}

test("pitchView: a tone's pitch class stands out; a triad's three classes lead; the bass part hears only the lowest two octaves", () => noGrad(() => {
  const a4 = pitchView(expertInput(chord([69]), wide), wide).toFloat32Array(); // A4, 440 Hz
  assert.equal(a4.length, PITCH_VIEW_WIDTH);
  assert.deepEqual(top(a4.subarray(0, 12), 1), [9], "A is pitch class 9");
  const triad = pitchView(expertInput(chord([60, 64, 67]), wide), wide).toFloat32Array(); // C4 E4 G4
  assert.deepEqual(top(triad.subarray(0, 12), 3), [0, 4, 7]);
  const bassAndTreble = pitchView(expertInput(chord([45, 76]), wide), wide).toFloat32Array(); // A2 and E5
  assert.deepEqual(top(bassAndTreble.subarray(12), 1), [9], "the bass part hears A2, not E5");
  assert.deepEqual(top(bassAndTreble.subarray(0, 12), 2), [4, 9], "the whole profile hears both");
  for (const part of [triad.subarray(0, 12), triad.subarray(12)]) {
    const mean = part.reduce((s, v) => s + v, 0) / 12;
    assert.ok(Math.abs(mean) < 1e-4, "each part is centred");
  }
}));

test("pitchView: silence gives zeros; fewer than 24 semitone bands is refused with the reason", () => noGrad(() => {
  const silent = pitchView(silentExpertInput(300, wide), wide).toFloat32Array();
  assert.ok(silent.every((v) => Math.abs(v) < 1e-3), `silence: ${[...silent].join(", ")}`);
  assert.throws(() => pitchView(silentExpertInput(300, { ...wide, pitchBins: 12 }), { ...wide, pitchBins: 12 }), /needs at least 24 semitone bands.*pitchBins is 12/);
}));

test("summaryPitch: fresh summary layers read mean, max and the pitch view; a clip's summary follows its pitch", () => noGrad(() => {
  const model = withSummaryPitch(tinyModel(1, (c) => { c.projector.summaryTokens = 3; c.projector.summaryRhythmSlots = [2]; }));
  const dim = model.config.fusion.dModel;
  assert.equal(model.config.projector.summaryPitch, true);
  assert.deepEqual(model.projector.summary_1!.weight.shape, [model.config.llm.hiddenSize, 2 * dim + PITCH_VIEW_WIDTH], "the base layers read the pitch view");
  assert.equal(withSummaryPitch(model), model, "a model that has it is returned as it is");
  const mel = randomMel(12, 3);
  const tokens = model.fusion.forward(...experts(model, mel)).tokens;
  assert.throws(() => model.projector.pool(tokens), /reads the clip's pitch view/);
  const summary = (input: Tensor) => model.encodeExpertTokens(...experts(model, mel), 12, pitchView(input, model.config.temporalExpert)).summary!.toFloat32Array();
  const a = summary(expertInput(chord([57, 61, 64]), model.config.temporalExpert)), c = summary(expertInput(chord([48, 52, 55]), model.config.temporalExpert));
  const hidden = model.config.llm.hiddenSize;
  assert.ok(a.subarray(0, hidden).some((v, i) => Math.abs(v - c[i]!) > 1e-4), "a base token differs with the pitch view");
  const rhythmSlot = (x: Float32Array) => x.subarray(2 * hidden, 3 * hidden);
  assert.ok(rhythmSlot(a).some((v, i) => Math.abs(v - rhythmSlot(c)[i]!) > 1e-4), "the rhythm slot's layers read the whole pooled view, the pitch too");
  const encoded = model.encodeAudio([mel])[0]!.summary!;
  assert.equal(encoded.size(0), 3, "encodeAudio computes the pitch view from its own input");
  assert.throws(() => validateConfig({ ...model.config, temporalExpert: { ...model.config.temporalExpert, pitchBins: 0 }, globalExpert: { ...model.config.globalExpert, pitchBins: 0 } }), /summaryPitch needs the semitone channels/);
}));

function experts(model: ReturnType<typeof tinyModel>, mel: Tensor): [Tensor, Tensor] {
  return [model.expertTokens(model.temporal_expert, [mel])[0]!, model.expertTokens(model.global_expert, [mel])[0]!];
}

test("feature cache: each file holds the rendering's pitch view; a file from before it gets it added when the model reads it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-pitch-cache-"));
  const audio = path.join(dir, "song.wav");
  writeWav(audio, chord([45, 49, 52], 3), RATE); // A2 C#3 E3: inside the tiny experts' C2-B3
  const model = withSummaryPitch(tinyModel(1, (c) => { c.projector.summaryTokens = 2; }));
  const cache = new FeatureCache(path.join(dir, "features"), model, DEFAULT_AUGMENT);
  const fresh = await cache.get(audio, 0);
  assert.ok(fresh.pitch, "a new file holds the pitch view");
  assert.deepEqual(top(fresh.pitch.toFloat32Array().subarray(0, 12), 3), [1, 4, 9], "A major: A, C#, E");
  const file = cacheFiles(path.join(dir, "features"))[0]!;
  const { tensors, metadata } = loadSafetensors(file);
  saveSafetensors(file, new Map([["temporal", tensors.get("temporal")!], ["global", tensors.get("global")!]]), metadata); // as written before
  const plain = new FeatureCache(path.join(dir, "features"), tinyModel(1, (c) => { c.projector.summaryTokens = 2; }), DEFAULT_AUGMENT);
  assert.equal((await plain.get(audio, 0)).pitch, undefined, "a model without the pitch view leaves the file as it is");
  const again = await cache.get(audio, 0);
  assert.deepEqual(again.pitch!.toFloat32Array(), fresh.pitch.toFloat32Array(), "added to the old file, the same view");
  assert.deepEqual(again.temporal.toFloat32Array(), fresh.temporal.toFloat32Array(), "the expert tokens kept");
  assert.ok(loadSafetensors(file).tensors.has("pitch"), "and written to the file");
  const clip = noGrad(() => encodeCachedClip(model, again));
  assert.equal(clip.summary!.size(0), 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

function cacheFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".safetensors")).map((f) => path.join(dir, f));
}
