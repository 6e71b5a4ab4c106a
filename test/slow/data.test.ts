// Slow: a small dataset built end to end (compose, render with fluidsynth, augment, annotate, text), its file
// formats, resuming after an interruption, determinism, and the annotations checked against the audio.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { loadAudio } from "../../src/audio/load.js";
import { type BuildConfig, type SongSpec, songPaths } from "../../src/data/build-song.js";
import { assembleJsonl, runDataset } from "../../src/data/dataset.js";
import { NO_AUGMENT, DEFAULT_AUGMENT } from "../../src/data/augment.js";
import type { SongAnnotation } from "../../src/data/schema.js";
import { analyse, chordAccuracy, meanChroma, meanRms, onsetHitRate, scaleFit, sectionNovelty } from "../../src/data/verify.js";
import { parseTime } from "../../src/data/timefmt.js";

const haveFluidsynth = spawnSync("fluidsynth", ["--version"]).status === 0 && fs.existsSync("/usr/share/sounds/sf2/FluidR3_GM.sf2");
const skip = haveFluidsynth ? false : "fluidsynth or FluidR3_GM not installed (./setup.sh)";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-data-test-"));
const styles = ["pop", "rock", "jazz swing", "waltz", "house", "folk"];
const specs: SongSpec[] = styles.map((style, i) => ({ kind: "synthetic", id: `t${i}`, seed: 100 + i, style, minSeconds: 25, maxSeconds: 40, excludeStyles: [] }));
const config = (out: string, augment = NO_AUGMENT): BuildConfig => ({ out, soundfonts: ["fluidr3"], augment, captionsPerSong: 3, mcqPerSong: 10, dialogueTurns: 4 });
const clean = path.join(root, "clean");
const annotations: SongAnnotation[] = [];

before(async () => {
  if (!haveFluidsynth) return;
  const r = await runDataset(specs, config(clean), { workers: 2, label: "test" });
  assert.deepEqual(r.failed, []);
  assembleJsonl(clean, specs.map((s) => s.id));
  for (const s of specs) annotations.push(JSON.parse(fs.readFileSync(songPaths(clean, s.id).annotation, "utf8")) as SongAnnotation);
});

test("dataset files: audio, annotations and jsonl lines in the documented formats", { skip, timeout: 600_000 }, () => {
  const mcq = fs.readFileSync(path.join(clean, "mcq.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(mcq.length >= specs.length * 5);
  for (const q of mcq) {
    assert.deepEqual(Object.keys(q).sort(), ["answer", "audio", "category", "choices", "id", "question", "split"]);
    const choices = q.choices as string[];
    assert.equal(choices.length, 4);
    assert.equal(new Set(choices).size, 4);
    assert.ok(choices.includes(q.answer as string));
    assert.ok(q.split === "temporal" || q.split === "global");
    assert.ok(fs.existsSync(path.join(clean, q.audio as string)), `audio ${String(q.audio)} relative to the jsonl's folder`);
  }
  const sft = fs.readFileSync(path.join(clean, "sft.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
  assert.equal(sft.length, specs.length * 2);
  for (const s of sft) assert.match(s.messages[0]!.content, /<audio>/);
  const captions = fs.readFileSync(path.join(clean, "captions.jsonl"), "utf8").trim().split("\n");
  assert.equal(captions.length, specs.length * 3);
  for (const a of annotations) {
    assert.equal(a.schema, 1);
    assert.ok(a.render.latency > 0 && a.render.latency < 0.05, `latency ${a.render.latency}`);
    assert.ok(fs.existsSync(path.join(clean, "songs", a.audio)));
    assert.ok(a.global.duration >= 24 && a.global.duration <= 48, `${a.id} lasts ${a.global.duration}`);
    assert.ok(a.temporal.sections.length >= 2);
    // Every time in a report parses back in the documented format.
  }
  const report = sft[0]!.messages[1]!.content;
  for (const m of report.matchAll(/\b(\d+:\d{2}\.\d)\b/g)) assert.notEqual(parseTime(m[1]!), undefined);
});

test("ground truth agrees with the audio: beats, chords, key, instrument entries, section boundaries", { skip, timeout: 600_000 }, async () => {
  let beatHits = 0, beatShifted = 0, chordAcc = 0, chordSegs = 0, keyWins = 0, entryRatio = 0, entries = 0;
  let noveltyAtBoundaries = 0, noveltyInMiddles = 0, boundaries = 0;
  for (const a of annotations) {
    const audio = await loadAudio(path.join(clean, "songs", a.audio));
    const s = analyse(audio.samples);
    const beats = a.temporal.beats.filter((t) => t > 0.5 && t < a.global.duration - 1);
    const period = 60 / a.global.tempo;
    beatHits += onsetHitRate(s, beats);
    beatShifted += onsetHitRate(s, beats.map((t) => t + period * 0.37));
    const c = chordAccuracy(a, s);
    chordAcc += c.accuracy * c.segments;
    chordSegs += c.segments;
    const fit = scaleFit(meanChroma(s, 0, a.global.duration), a.global.key.tonic, a.global.key.mode);
    if (fit.truth >= fit.bestOther) keyWins++;
    const nov = sectionNovelty(a, s);
    noveltyAtBoundaries += nov.boundaries * nov.count;
    noveltyInMiddles += nov.middles * nov.count;
    boundaries += nov.count;
    for (const inst of a.temporal.instruments) {
      const first = inst.intervals[0];
      if (!first || first.start < 2 || first.end - first.start < 2) continue;
      entryRatio += Math.log((meanRms(s, first.start, first.start + 1) + 1e-9) / (meanRms(s, first.start - 1, first.start) + 1e-9));
      entries++;
    }
  }
  const n = annotations.length;
  console.log(`beats with an onset within 50 ms: ${(beatHits / n).toFixed(2)} (shifted control ${(beatShifted / n).toFixed(2)}); chords ranked first among 12 roots: ${(chordAcc / chordSegs).toFixed(2)} of ${chordSegs}; key scale fits best: ${keyWins}/${n}; mean log energy rise at ${entries} instrument entries: ${(entryRatio / Math.max(1, entries)).toFixed(2)}; novelty at ${boundaries} section boundaries ${(noveltyAtBoundaries / boundaries).toFixed(3)} vs section middles ${(noveltyInMiddles / boundaries).toFixed(3)}`);
  assert.ok(beatHits / n > 0.7, "annotated beats sit on onsets");
  assert.ok(beatHits / n > beatShifted / n + 0.15, "and clearly better than beats shifted off the grid");
  assert.ok(chordAcc / chordSegs > 0.6, "annotated chords match the chroma (chance 1/12)");
  assert.ok(keyWins >= n - 1, "the annotated key's scale fits the audio best");
  assert.ok(entries === 0 || entryRatio / entries > 0.1, "energy rises when an instrument enters");
  assert.ok(noveltyAtBoundaries > 1.2 * noveltyInMiddles, "the music changes more at section boundaries than inside sections");
});

test("resume after an interruption rebuilds only what is missing, with identical results", { skip, timeout: 600_000 }, async () => {
  const before = fs.readFileSync(path.join(clean, "mcq.jsonl"), "utf8");
  const audioHash = createHash("sha256").update(fs.readFileSync(songPaths(clean, "t2").audio)).digest("hex");
  fs.rmSync(songPaths(clean, "t2").text); // as if the run was killed before song t2 finished
  fs.rmSync(songPaths(clean, "t2").audio);
  const r = await runDataset(specs, config(clean), { workers: 2, label: "test" });
  assert.equal(r.built, 1);
  assert.equal(r.skipped, specs.length - 1);
  assembleJsonl(clean, specs.map((s) => s.id));
  assert.equal(fs.readFileSync(path.join(clean, "mcq.jsonl"), "utf8"), before);
  assert.equal(createHash("sha256").update(fs.readFileSync(songPaths(clean, "t2").audio)).digest("hex"), audioHash, "the same seed renders the same audio");
});

test("augmented renders record their chain and keep the same facts", { skip, timeout: 600_000 }, async () => {
  const out = path.join(root, "augmented");
  const aug = { ...DEFAULT_AUGMENT, probability: 1, codec: 1, noise: 1 };
  const r = await runDataset(specs.slice(0, 2), config(out, aug), { workers: 2, label: "test" });
  assert.deepEqual(r.failed, []);
  for (const s of specs.slice(0, 2)) {
    const a = JSON.parse(fs.readFileSync(songPaths(out, s.id).annotation, "utf8")) as SongAnnotation;
    const kinds = a.global.augmentation.steps.map((x) => x.kind);
    assert.ok(kinds.includes("noise"));
    const base = annotations.find((b) => b.id === s.id)!;
    assert.deepEqual(a.temporal.sections, base.temporal.sections);
    assert.deepEqual(a.global.key, base.global.key);
  }
  fs.rmSync(root, { recursive: true, force: true });
});
