// Training building blocks: stage-0 targets from an annotation, the song sampler's exact resume, atomic
// checkpoints, and config errors that name the field.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { SongAnnotation } from "../src/data/schema.js";
import { Linear, Module } from "../src/engine/module.js";
import { AdamW } from "../src/engine/optim.js";
import { Generator } from "../src/engine/random.js";
import { randn } from "../src/engine/tensor.js";
import { Checkpoints } from "../src/train/checkpoint.js";
import { loadTrainConfig } from "../src/train/config.js";
import { type Song, SongSampler } from "../src/train/songs.js";
import { EVENT_CLASSES, FAMILY_CLASSES, globalTargets, IGNORE, INSTRUMENT_CLASSES, SECTION_CLASSES, temporalTargets } from "../src/train/targets.js";

const annotation = {
  schema: 1, id: "t", source: "synthetic", audio: "a.wav",
  global: {
    style: "rock", key: { tonic: "A", mode: "minor" }, tempo: 120, tempoClass: "moderate", metre: { numerator: 4, denominator: 4 },
    instruments: [], leadInstrument: "electric guitar", mood: ["energetic", "tense"], duration: 20, loudness: { peakDb: -1, rmsDb: -12 }, soundfont: "fluidr3", augmentation: { steps: [] },
  },
  temporal: {
    beats: [0, 0.5, 1, 1.5, 2], downbeats: [0, 2],
    sections: [{ start: 0, end: 8, label: "intro", bars: 4, occurrence: 1 }, { start: 8, end: 20, label: "chorus", bars: 6, occurrence: 1 }],
    chords: [{ start: 0, end: 2, symbol: "Am", root: "A", quality: "min" }, { start: 2, end: 3, symbol: "N", root: "N", quality: "" }, { start: 3, end: 4, symbol: "N", root: "", quality: "" }],
    instruments: [{ instrument: "electric guitar", intervals: [{ start: 0, end: 20 }] }, { instrument: "drum kit", intervals: [{ start: 10, end: 20 }] }],
    keys: [{ start: 0, end: 12, key: { tonic: "A", mode: "minor" } }, { start: 12, end: 20, key: { tonic: "C", mode: "major" } }],
    tempos: [{ start: 0, end: 20, bpm: 120 }], metres: [{ start: 0, end: 20, metre: { numerator: 4, denominator: 4 } }],
    events: [{ start: 9, end: 10, type: "drum-fill" }],
    melody: [{ start: 0, end: 1, pitch: 69, velocity: 90 }],
  },
} as unknown as SongAnnotation;

test("stage-0 targets: global facts of the crop, per-token beats, sections, chords, families and events", () => {
  const early = globalTargets(annotation, 0, 8);
  assert.equal(early.tonic, 9);
  assert.deepEqual(early.instruments, [INSTRUMENT_CLASSES.indexOf("electric guitar")]); // the drums enter at 10 s
  const late = globalTargets(annotation, 12, 20);
  assert.equal(late.tonic, 0); // the key changed to C major at 12 s
  assert.equal(late.instruments.length, 2);
  assert.equal(late.logTempo, 0);

  const t = temporalTargets(annotation, 0, 250, 0.04); // 10 s at 25 tokens/s
  assert.equal(t.beat[0], 1);
  assert.equal(t.beat[12], 1); // 0.5 s / 0.04 = token 12
  assert.equal(t.beat[13], 0);
  assert.equal(t.boundary[199], 1); // section boundary at 8 s, +-1 token
  assert.equal(t.section[10], SECTION_CLASSES.indexOf("intro"));
  assert.equal(t.section[210], SECTION_CLASSES.indexOf("chorus"));
  assert.equal(t.chordRoot[10], 9);
  assert.equal(t.chordRoot[60], 12); // "N" is no chord
  assert.equal(t.chordQuality[60], IGNORE);
  assert.equal(t.chordRoot[80], 12); // POP909's no-chord has an empty root
  assert.equal(t.melody[10], 9);
  assert.equal(t.melody[40], 12);
  const drums = FAMILY_CLASSES.indexOf("drums"), fill = EVENT_CLASSES.indexOf("drum-fill");
  assert.equal(t.families[240 * FAMILY_CLASSES.length + drums], 0);
  assert.equal(t.events[230 * EVENT_CLASSES.length + fill], 1);
  // Past the end of the audio there are no targets.
  const tail = temporalTargets(annotation, 15, 250, 0.04);
  assert.equal(tail.section[200], IGNORE);
});

test("the song sampler's order is a function of (seed, epoch) and resumes exactly from its state", () => {
  const songs = Array.from({ length: 7 }, (_, i) => ({ id: `s${i}` }) as Song);
  const a = new SongSampler(songs, 3);
  const first = [...a.next(5), ...a.next(5)].map((s) => s.id);
  const state = a.current;
  const rest = a.next(6).map((s) => s.id);
  assert.deepEqual(new SongSampler(songs, 3, state).next(6).map((s) => s.id), rest);
  assert.deepEqual(new Set(first.slice(0, 7)).size, 7, "an epoch visits every song once");
  assert.notDeepEqual(new SongSampler(songs, 4).next(7).map((s) => s.id), first.slice(0, 7));
});

class Tiny extends Module {
  readonly lin = this.registerModule("lin", new Linear(4, 3, { generator: new Generator(1) }));
}

test("checkpoints: save, restore, keep the newest three, and point at the latest atomically", () => {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-ckpt-"));
  const m = new Tiny();
  const opt = new AdamW(m.parameters(), { lr: 0.1 });
  const ck = new Checkpoints(run, 3);
  for (let step = 1; step <= 5; step++) {
    m.lin.forward(randn([2, 4])).sum().backward();
    opt.step();
    opt.zeroGrad();
    ck.save(m, opt, { step, data: { epoch: 0, position: step * 2 } });
  }
  assert.deepEqual(fs.readdirSync(ck.dir).sort(), ["latest.json", "step-00000003", "step-00000004", "step-00000005"]);
  const fresh = new Tiny();
  const freshOpt = new AdamW(fresh.parameters(), { lr: 0.1 });
  const pos = ck.restore(fresh, freshOpt)!;
  assert.equal(pos.step, 5);
  assert.deepEqual(pos.data, { epoch: 0, position: 10 });
  assert.deepEqual(fresh.lin.weight.toList(), m.lin.weight.toList());
  assert.equal(freshOpt.stepCount, 5);
  assert.deepEqual(freshOpt.stateDict().tensors.get("0.0.exp_avg")!.toList(), opt.stateDict().tensors.get("0.0.exp_avg")!.toList());
  assert.equal(new Checkpoints(fs.mkdtempSync(path.join(os.tmpdir(), "gamma-none-"))).restore(fresh, freshOpt), undefined);
});

test("train configs: paths resolve against the file, wrong fields are named", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-cfg-"));
  const write = (obj: object) => { const f = path.join(dir, "c.json"); fs.writeFileSync(f, JSON.stringify(obj)); return f; };
  const ok = loadTrainConfig(write({ stage: "experts", model: "gamma-tiny", datasets: ["data"], run: "runs/x", optim: { steps: 5 } }), "experts");
  assert.equal(ok.datasets[0], path.join(dir, "data"));
  assert.equal(ok.run, path.join(dir, "runs/x"));
  assert.equal(ok.loop.steps, 5);
  assert.equal(ok.model.name, "gamma-tiny");
  assert.throws(() => loadTrainConfig(write({ stage: "sft" }), "experts"), /c\.json: this config is for stage "sft"/);
  assert.throws(() => loadTrainConfig(write({ stage: "experts", datasets: ["d"], run: "r", optim: { lr: 5 } }), "experts"), /"lr" must be a learning rate/);
  assert.throws(() => loadTrainConfig(write({ stage: "experts", datasets: [], run: "r" }), "experts"), /"datasets" must be a list/);
  assert.throws(() => loadTrainConfig(write({ stage: "experts", datasets: ["d"], run: "r", augment: { wobble: 1 } }), "experts"), /unknown augmentation "wobble"/);
  assert.throws(() => loadTrainConfig(path.join(dir, "missing.json"), "experts"), /missing\.json: no such config file/);
});
