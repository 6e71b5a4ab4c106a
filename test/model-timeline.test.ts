// The timeline head: its shapes, reading a timeline from its outputs, its config, its place in a model directory,
// and the stage that fits it, on real WAV files whose two sections sound different.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { writeWav } from "../src/audio/wav-write.js";
import { noGrad } from "../src/engine/autograd.js";
import { Generator } from "../src/engine/random.js";
import { randn, tensor } from "../src/engine/tensor.js";
import type { SongAnnotation } from "../src/data/schema.js";
import { spectrumRows, spectrumWidth } from "../src/model/audio-input.js";
import { type AudioExpertConfig, DEFAULT_TIMELINE, type TimelineConfig, validateConfig } from "../src/model/config.js";
import { loadModel, saveModel } from "../src/model/io.js";
import { Gamma } from "../src/model/pipeline.js";
import { withAudioView, withTimeline, withTimelineAsText } from "../src/model/rebuild.js";
import { timelineWords } from "../src/model/timeline-text.js";
import { readTimeline, TIMELINE_SECTIONS, TimelineHead } from "../src/model/timeline.js";
import { runLoop } from "../src/train/loop.js";
import { TimelineStage } from "../src/train/stages/timeline.js";
import { readSongs, type Song } from "../src/train/songs.js";
import { tinyConfig, tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const SMALL = { pool: 5, dModel: 32, nLayers: 1, nHeads: 2, ffnDim: 64 };

/** A head that reads the spectrum rows alone through two convolutions over 3 positions. */
const SPECTRAL = { ...SMALL, inputs: ["spectrum" as const], kernel: 3 };

test("timeline head: tokens pooled into positions, one boundary logit and a label distribution per position", () => {
  const head = new TimelineHead(SMALL, 64, 16, { generator: new Generator(1) });
  const out = noGrad(() => head.forward({ tokens: randn([1, 23, 64], { generator: new Generator(2) }) }, 0.04));
  assert.deepEqual(out.boundary.shape, [1, 5]); // 23 tokens -> 5 positions (the last averages 3 tokens, padded by repeating)
  assert.deepEqual(out.section.shape, [1, 5, TIMELINE_SECTIONS.length]);
  assert.ok(Math.abs(out.positionSeconds - 0.2) < 1e-9);
  // Pooling is a mean: constant tokens give the same constant.
  const pooled = noGrad(() => head.pool(randn([1, 1, 64], { generator: new Generator(3) }).expand(1, 10, 64)));
  assert.deepEqual(pooled.shape, [1, 2, 64]);
  assert.throws(() => head.positions({ spectrum: randn([1, 23, 16]) }), /reads the tokens but none were given/);
});

test("timeline head: the spectrum standardised per channel over the song, beside the tokens, through convolutions", () => {
  const both = new TimelineHead({ ...SMALL, inputs: ["tokens", "spectrum"], kernel: 3 }, 64, 16, { generator: new Generator(1) });
  assert.deepEqual([...both.namedParameters()].map(([n]) => n).filter((n) => n.startsWith("conv") || n.startsWith("in_proj")), ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]);
  assert.deepEqual(both.stateDict().get("conv1.weight")!.shape, [32, 64 + 16, 3]);
  // The experts pad their last window, so the tokens may outlast the spectrum: the spectrum is stretched to them.
  const spectrum = randn([1, 20, 16], { generator: new Generator(2) }).mul(3).add(5);
  const positions = noGrad(() => both.positions({ tokens: randn([1, 23, 64], { generator: new Generator(3) }), spectrum }));
  assert.deepEqual(positions.shape, [1, 5, 80]);
  const spectral = new TimelineHead(SPECTRAL, 64, 16, { generator: new Generator(1) });
  const own = noGrad(() => spectral.positions({ spectrum })); // [1, 4, 16]: 20 rows in fives
  assert.deepEqual(own.shape, [1, 4, 16]);
  const v = own.toFloat32Array();
  for (let c = 0; c < 16; c++) { // sd just under 1: the standardisation divides by the sd plus 1e-3
    const xs = [0, 1, 2, 3].map((p) => v[p * 16 + c]!);
    const mean = xs.reduce((a, b) => a + b) / 4, sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    assert.ok(Math.abs(mean) < 1e-4 && Math.abs(sd - 1) < 5e-3, `channel ${c}: mean ${mean}, sd ${sd}`);
  }
  const out = noGrad(() => spectral.forward({ spectrum }, 0.04));
  assert.deepEqual(out.section.shape, [1, 4, TIMELINE_SECTIONS.length]);
  assert.throws(() => spectral.positions({ tokens: randn([1, 20, 64]) }), /reads the spectrum but none were given/);
});

test("spectrum rows: mel band means and pitch-class shares every token's 4 frames", () => {
  const e = { nMels: 3, pitchBins: 24, pool: 2 } as AudioExpertConfig; // rows of 4 frames: one token of an expert that pools 2
  assert.equal(spectrumWidth(e), 15);
  assert.equal(spectrumWidth({ ...e, pitchBins: 0 }), 3);
  // 10 frames: mel band b at b + frame / 10; all the semitone energy in band 14 (pitch class 2, second octave).
  const frames = 10, data = new Float32Array((3 + 24) * frames).fill(-1.5);
  for (let b = 0; b < 3; b++) for (let f = 0; f < frames; f++) data[b * frames + f] = b + f / 10;
  for (let f = 0; f < frames; f++) data[(3 + 14) * frames + f] = 0.5;
  const rows = spectrumRows(tensor(data, { shape: [27, frames] }), e);
  assert.deepEqual(rows.shape, [1, 3, 15]); // ceil(10 / 4): the last row averages frames 8, 9 (replicated)
  const r = rows.toFloat32Array();
  assert.ok(Math.abs(r[0]! - 0.15) < 1e-5 && Math.abs(r[15 + 1]! - 1.55) < 1e-5 && Math.abs(r[30 + 2]! - (2 + 0.875)) < 1e-5, "mel means");
  assert.deepEqual(spectrumRows(tensor(data, { shape: [27, frames] }), { ...e, pool: 4 }).shape, [1, 2, 15], "an expert that pools 4: rows of 8 frames");
  const classes = Array.from(r.slice(3, 15));
  assert.equal(classes.indexOf(Math.max(...classes)), 2, "the sounding pitch class has the largest share");
  assert.ok(Math.abs(Math.exp(classes[2]!) - 1e-3 - (10 + 1e-3) / (10 + 24e-3)) < 1e-4, "log share of the class: bands 2 and 14 over all 24");
});

test("readTimeline: boundary peaks cut the song, each part named by its mean label probabilities", () => {
  const positions = 50, ns = TIMELINE_SECTIONS.length, at = 0.2; // 10 s
  const boundary = new Float32Array(positions), section = new Float32Array(positions * ns);
  boundary[19] = 0.7; boundary[20] = 0.9; boundary[21] = 0.6; // one peak near 4 s
  boundary[35] = 0.4; // below 0.5: no boundary
  const verse = TIMELINE_SECTIONS.indexOf("verse"), chorus = TIMELINE_SECTIONS.indexOf("chorus");
  for (let p = 0; p < positions; p++) section[p * ns + (p < 20 ? verse : chorus)] = 1;
  section[5 * ns + verse] = 0; section[5 * ns + chorus] = 1; // one stray position does not rename its section
  const sections = readTimeline(boundary, section, at, 10);
  assert.deepEqual(sections.map((s) => [Math.round(s.start * 10) / 10, Math.round(s.end * 10) / 10, s.label]), [[0, 4.1, "verse"], [4.1, 10, "chorus"]]);
  // A higher threshold drops the peak: one section.
  assert.equal(readTimeline(boundary, section, at, 10, 2, 0.95).length, 1);
  // A peak within the first second is the song's own start, not a boundary.
  const early = new Float32Array(positions);
  early[2] = 0.9;
  assert.equal(readTimeline(early, section, at, 10).length, 1);
});

test("timeline config: wrong fields are named; a model with one saves and loads it", () => {
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, nLayers: 0 }; })), /timeline\.nLayers must be a positive integer/);
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, dModel: 30, nHeads: 4 }; })), /timeline\.dModel \(30\) must be even and divisible by nHeads/);
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, inputs: ["mel"] } as unknown as TimelineConfig; })), /timeline\.inputs must list one or both of "tokens", "spectrum" once each \(got \["mel"\]\)/);
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, inputs: [] }; })), /timeline\.inputs must list/);
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, kernel: 4 }; })), /timeline\.kernel must be an odd positive integer \(got 4\)/);
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, threshold: 1 }; })), /timeline\.threshold must be a probability between 0 and 1 \(got 1\)/);
  const base = tinyModel(1);
  const before = base.stateDict().get("fusion.norm.weight")!.toFloat32Array();
  const model = withTimeline(base, SMALL);
  assert.ok(model.timeline, "the model has a timeline head");
  assert.deepEqual(Array.from(model.stateDict().get("fusion.norm.weight")!.toFloat32Array()), Array.from(before), "the rest of the model is kept");
  assert.equal(withTimeline(model, SMALL), model, "a head of the same config is kept");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-timeline-model-"));
  saveModel(dir, model, tinyTokenizerFile());
  const loaded = loadModel(dir).model;
  assert.deepEqual(loaded.config.timeline, SMALL);
  const name = "timeline.layers.0.attn.q_proj.weight";
  assert.deepEqual(Array.from(loaded.stateDict().get(name)!.toFloat32Array()), Array.from(model.stateDict().get(name)!.toFloat32Array()));
  assert.equal(DEFAULT_TIMELINE.pool, 5);
});

const RATE = 16000;

/** A song of two 6 s sections, a verse of one tone and a chorus of a louder, higher chord, as a dataset entry. */
function writeSong(dir: string, id: string, verseMidi: number): void {
  const seconds = 12, samples = new Float32Array(RATE * seconds);
  for (let i = 0; i < samples.length; i++) {
    const t = i / RATE, chorus = t >= 6;
    const notes = chorus ? [verseMidi + 12, verseMidi + 16, verseMidi + 19] : [verseMidi];
    for (const m of notes) samples[i]! += (chorus ? 0.2 : 0.3) * Math.sin(2 * Math.PI * 440 * 2 ** ((m - 69) / 12) * t);
  }
  writeWav(path.join(dir, "audio", `${id}.wav`), samples, RATE);
  const annotation = {
    schema: 1, id, source: "synthetic", audio: `../audio/${id}.wav`,
    global: { duration: seconds },
    temporal: {
      sections: [{ start: 0, end: 6, label: "verse", bars: 4, occurrence: 1 }, { start: 6, end: 12, label: "chorus", bars: 4, occurrence: 1 }],
      beats: [], downbeats: [], chords: [], instruments: [], events: [], melody: [], keys: [], tempos: [], metres: [],
    },
  };
  fs.writeFileSync(path.join(dir, "songs", `${id}.json`), JSON.stringify(annotation as unknown as SongAnnotation));
}

/** Four two-section songs written as a dataset, and a tiny init model saved beside them. */
function stageFixture(prefix: string): { dir: string; songs: Song[]; initDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "audio"));
  fs.mkdirSync(path.join(dir, "songs"));
  [57, 60, 62, 64].forEach((midi, i) => writeSong(dir, `tl-${i}`, midi));
  const { train, heldOut } = readSongs([dir]);
  const initDir = path.join(dir, "init");
  saveModel(initDir, tinyModel(1), tinyTokenizerFile());
  return { dir, songs: [...train, ...heldOut], initDir };
}

function timelineStage(f: { dir: string; songs: Song[]; initDir: string }, config: TimelineConfig): TimelineStage {
  return new TimelineStage({
    model: withTimeline(loadModel(f.initDir).model, config), initDir: f.initDir, train: f.songs, heldOut: f.songs,
    featureDir: path.join(f.dir, "features"), seed: 0, evalSongs: 4, boundaryWeight: 4, minGapSeconds: 2,
  });
}

const STAGE_LOOP = { steps: 40, gradAccum: 2, lr: 3e-3, minLrRatio: 0.1, warmupSteps: 0, weightDecay: 0, clipNorm: 1, seed: 0, logEvery: 10, evalEvery: 40, checkpointEvery: 10, keepCheckpoints: 2 };

test("timeline stage: fits the head on whole songs' cached tokens, resumes from its checkpoint, writes a model that has it", async () => {
  const fixture = stageFixture("gamma-timeline-stage-");
  const { dir, songs, initDir } = fixture;
  assert.equal(songs.length, 4);
  const stage = () => timelineStage(fixture, SMALL);
  const loop = STAGE_LOOP;
  const runDir = path.join(dir, "run");
  const first = await runLoop(stage(), loop, runDir, "timeline", { stopAfter: 20 });
  assert.equal(first.step, 20);
  assert.ok(first.stopped);
  const second = await runLoop(stage(), loop, runDir, "timeline");
  assert.equal(second.resumedFrom, 20);
  assert.equal(second.step, 40);
  const evalAt40 = second.lastEval!;
  assert.ok(evalAt40.accuracy_section_label! > 0.9, `section labels ${JSON.stringify(evalAt40)}`);
  assert.ok(evalAt40.boundary_f1! >= 0.75, `boundaries ${JSON.stringify(evalAt40)}`);
  const written = loadModel(path.join(runDir, "model")).model;
  const { threshold, ...sized } = written.config.timeline!;
  assert.deepEqual(sized, SMALL);
  assert.ok(threshold! >= 0.3 && threshold! <= 0.95, `the boundary threshold is calibrated on the held-out songs (${threshold})`);
  // What `gamma timeline song.wav` prints: the written model hears a song's two sections from its audio file.
  const heard = await Gamma.load(path.join(runDir, "model")).timeline(songs[0]!.audio);
  assert.equal(heard.seconds, 12);
  assert.deepEqual(heard.sections.map((s) => s.label), ["verse", "chorus"]);
  assert.ok(Math.abs(heard.sections[1]!.start - 6) <= 1, `chorus heard at ${heard.sections[1]!.start}`);
  await assert.rejects(Gamma.load(initDir).timeline(songs[0]!.audio), /has no timeline head; fit one with `gamma train timeline`/);
  const records = fs.readFileSync(path.join(runDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(records.some((r) => typeof r.loss_boundary === "number" && typeof r.loss_section === "number"), "both losses are logged");
  for (const chart of ["loss.svg", "accuracy.svg", "boundaries.svg"]) assert.ok(fs.existsSync(path.join(runDir, "plots", chart)), `plots/${chart}`);
});

test("timeline stage: a head that reads the spectrum alone hears the two sections, from rows cached once", async () => {
  const fixture = stageFixture("gamma-timeline-spectral-");
  const runDir = path.join(fixture.dir, "run");
  const result = await runLoop(timelineStage(fixture, SPECTRAL), STAGE_LOOP, runDir, "timeline");
  const scores = result.lastEval!;
  assert.ok(scores.accuracy_section_label! > 0.9 && scores.boundary_f1! >= 0.75, JSON.stringify(scores));
  const cached = fs.readdirSync(path.join(fixture.dir, "features", "spectrum"), { recursive: true }).filter((f) => String(f).endsWith(".safetensors"));
  assert.equal(cached.length, 4, "one spectrum file a song");
  const heard = await Gamma.load(path.join(runDir, "model")).timeline(fixture.songs[1]!.audio);
  assert.deepEqual(heard.sections.map((s) => s.label), ["verse", "chorus"]);
  assert.ok(Math.abs(heard.sections[1]!.start - 6) <= 1, `chorus heard at ${heard.sections[1]!.start}`);

  // A decoder that reads the timeline (timeline.asText): the sections the head finds are written after the
  // summary words of every clip the model hears, and asking goes through them.
  const fitted = loadModel(path.join(runDir, "model")).model;
  assert.throws(() => withTimelineAsText(fitted, true), /timeline\.asText writes the timeline as words after the summary words, which needs projector\.summaryAsWords/);
  const reader = withTimelineAsText(withAudioView(fitted, { summaryAsWords: true, summaryOnly: true }), true);
  const readerDir = path.join(fixture.dir, "reader");
  saveModel(readerDir, reader, tinyTokenizerFile());
  const gamma = Gamma.load(readerDir);
  assert.equal(gamma.loaded.config.timeline!.asText, true);
  const clip = (await gamma.hear(fixture.songs[1]!.audio)).encoding;
  assert.deepEqual(clip.sections, heard.sections, "the sections it writes are the ones `gamma timeline` prints");
  const words = timelineWords(gamma.loaded.tokenizer, heard.sections);
  const summaryTokens = gamma.loaded.config.projector.summaryTokens ?? 0;
  assert.equal(clip.summary!.size(0), summaryTokens + words.length);
  const written = noGrad(() => gamma.loaded.model.llm.embed(tensor(words, { dtype: "int64" })).toFloat32Array());
  assert.deepEqual(Array.from(clip.summary!.narrow(0, summaryTokens, words.length).toFloat32Array()), Array.from(written), "the timeline's own word embeddings");
  const asked = await gamma.ask(fixture.songs[1]!.audio, "When does the chorus start?", { maxNewTokens: 4 });
  assert.equal(asked.audioTokens, summaryTokens + words.length);
  assert.equal(gamma.hearSilence(12).sections!.length, 1, "silence is one section");
});

test("timeline.asText: a boolean, for a model whose decoder hears summary words; a model without a head cannot read one", () => {
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, asText: "yes" } as unknown as TimelineConfig; })), /timeline\.asText must be true or false \(got "yes"\)/);
  assert.throws(() => validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, asText: true }; })), /needs projector\.summaryAsWords/);
  validateConfig(tinyConfig((c) => { c.timeline = { ...SMALL, asText: true }; c.projector.summaryAsWords = true; }));
  assert.throws(() => withTimelineAsText(tinyModel(1), true), /has no timeline head to read as text; fit one with `gamma train timeline` first/);
});
