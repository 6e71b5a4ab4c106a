// The POP909 importer: unit checks of its parts, a small hand-made song folder (so the whole path runs without the
// data set), and, when the shared data is present, real songs checked against their own files.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tonejsMidi from "@tonejs/midi";
import { repoRoot } from "../src/cli/paths.js";
import { importPop909Song, listPop909, type Pop909Score, secondsToBeat } from "../src/data/pop909.js";
import { parseChordLabel, romanNumeral } from "../src/data/pop909/chords.js";
import { barGrid, placeSections, sectionLabel } from "../src/data/pop909/structure.js";
import { tempoMapFromMidi } from "../src/data/pop909/tempo.js";
import { Rng } from "../src/music/rng.js";
import { beatToSeconds, type Score, type TempoChange } from "../src/music/score.js";

// ---------------------------------------------------------------------------------------------------------------
// Parts

test("secondsToBeat inverts beatToSeconds across tempo changes, at their boundaries and before zero", () => {
  const tempos: TempoChange[] = [{ beat: 0, bpm: 90.0002250005625 }, { beat: 7.25, bpm: 61.5 }, { beat: 8, bpm: 140 }, { beat: 30, bpm: 75 }];
  for (const beat of [-1.5, 0, 0.3, 7.25, 7.6, 8, 8.000001, 29.999, 30, 31, 400]) {
    assert.ok(Math.abs(secondsToBeat(tempos, beatToSeconds(tempos, beat)) - beat) < 1e-9, `beat ${beat}`);
  }
  for (const seconds of [0, 1, 4.8, 5.5, 100]) {
    assert.ok(Math.abs(beatToSeconds(tempos, secondsToBeat(tempos, seconds)) - seconds) < 1e-9, `seconds ${seconds}`);
  }
  assert.throws(() => secondsToBeat([], 1), /no tempo/);
});

test("tempoMapFromMidi keeps the last of events sharing a tick, starts at 120 BPM and merges repeats", () => {
  assert.deepEqual(tempoMapFromMidi([{ ticks: 960, bpm: 87 }, { ticks: 960, bpm: 106 }, { ticks: 1920, bpm: 106 }], 480), [
    { beat: 0, bpm: 120 }, { beat: 2, bpm: 106 },
  ]);
  assert.deepEqual(tempoMapFromMidi([], 480), [{ beat: 0, bpm: 120 }]);
});

test("chord labels become symbols, roots, quality codes and numerals", () => {
  const cases: [string, string, string, string][] = [
    ["B:maj", "B", "B", "maj"], ["C#:min7", "C#m7", "C#", "min7"], ["Bb:sus4(b7)", "Bb7sus4", "Bb", "sus4"],
    ["E:maj/3", "E/G#", "E", "maj"], ["Bb:min/b3", "Bbm/Db", "Bb", "min"], ["A:hdim7", "Am7b5", "A", "m7b5"],
    ["F:maj6", "F6", "F", "6"], ["G:7/b7", "G7/F", "G", "7"], ["C:maj7/7", "Cmaj7/B", "C", "maj7"], ["D:dim7", "Ddim7", "D", "dim7"],
    ["N", "N", "", ""],
  ];
  for (const [label, symbol, root, quality] of cases) {
    const c = parseChordLabel(label);
    assert.ok(c, label);
    assert.deepEqual([c.symbol, c.root, c.quality], [symbol, root, quality], label);
  }
  for (const bad of ["H:maj", "C:foo", "C", "C:maj/x", ""]) assert.equal(parseChordLabel(bad), undefined, bad);

  const gb = { tonic: "Gb", mode: "major" } as const, a = { tonic: "A", mode: "minor" } as const;
  const roman = (label: string, key: typeof gb | typeof a) => romanNumeral(parseChordLabel(label)!, key);
  assert.deepEqual(["B:maj", "C#:maj", "Bb:min", "Eb:min7", "Db:sus4(b7)"].map((l) => roman(l, gb)), ["IV", "V", "iii", "vi7", "Vsus4"]);
  assert.deepEqual(["A:min", "F:maj", "G:maj", "E:7", "B:dim", "C:maj7"].map((l) => roman(l, a)), ["i", "bVI", "bVII", "V7", "ii°", "bIIImaj7"]);
  assert.equal(roman("N", a), undefined);
});

test("phrase letters map to section labels", () => {
  assert.deepEqual(["i", "o", "A", "B", "C", "X", "D", "b", "x", "a"].map(sectionLabel),
    ["intro", "outro", "verse", "chorus", "bridge", "bridge", "bridge", "interlude", "interlude", "interlude"]);
});

test("sections tile the bars; a short label's last section runs on, a long one is cut", () => {
  const bars = [1, 5, 9, 13, 17, 21];
  const exact = placeSections([{ letter: "i", bars: 2 }, { letter: "A", bars: 3 }, { letter: "o", bars: 1 }], bars, 24);
  assert.equal(exact.mismatch, undefined);
  assert.deepEqual(exact.sections.map((s) => [s.startBeat, s.endBeat, s.label, s.bars, s.sourceLabel]),
    [[1, 9, "intro", 2, "i"], [9, 21, "verse", 3, "A"], [21, 24, "outro", 1, "o"]]);

  const short = placeSections([{ letter: "i", bars: 2 }, { letter: "B", bars: 2 }], bars, 24);
  assert.deepEqual(short.mismatch, { labelBars: 4, songBars: 6 });
  assert.deepEqual(short.sections.map((s) => [s.startBeat, s.endBeat, s.bars]), [[1, 9, 2], [9, 24, 4]]);

  const pickup = placeSections([{ letter: "A", bars: 6 }], bars, 24, 0.5);
  assert.deepEqual(pickup.sections.map((s) => [s.startBeat, s.endBeat, s.bars]), [[0.5, 24, 6]]);

  const long = placeSections([{ letter: "i", bars: 4 }, { letter: "A", bars: 4 }, { letter: "b", bars: 4 }], bars, 24);
  assert.deepEqual(long.mismatch, { labelBars: 12, songBars: 6 });
  assert.deepEqual(long.sections.map((s) => [s.startBeat, s.endBeat, s.bars, s.sourceLabel]), [[1, 17, 4, "i"], [17, 24, 2, "A"]]);
});

test("the bar level follows the labels: downbeat flags, or both flags in triple-metre songs", () => {
  // Twelve beats, downbeat flags every six, beat flags every three (a 3/4 song whose downbeat flags skip bars).
  const rows = Array.from({ length: 12 }, (_, i) => ({ time: i / 2, beatFlag: i % 3 === 0, downbeat: i % 6 === 0 }));
  assert.deepEqual(barGrid(rows, [4, 4]), { rows: [0, 3, 6, 9], level: "beat" });
  assert.deepEqual(barGrid(rows, [2, 2]), { rows: [0, 6], level: "downbeat" });
});

// ---------------------------------------------------------------------------------------------------------------
// A hand-made song folder: 100 then 80 BPM, a pickup beat, ten bars with one of two beats, every file POP909 has.

const FIXTURE_TEMPOS: TempoChange[] = [{ beat: 0, bpm: 100 }, { beat: 20, bpm: 80 }];
// Beat rows from beat 0.5; bars start at these rows (the third bar is two beats long).
const FIXTURE_BAR_ROWS = [1, 5, 9, 11, 15, 19, 23, 27, 31, 35];
const FIXTURE_ROWS = 39;

function fixtureSong(root: string, replace: Record<string, string | Uint8Array | null> = {}): string {
  const dir = path.join(root, "POP909", "001");
  fs.mkdirSync(dir, { recursive: true });
  const sec = (beat: number) => beatToSeconds(FIXTURE_TEMPOS, beat).toFixed(6);
  const rowBeat = (i: number) => 0.5 + i;

  const midi = new tonejsMidi.Midi();
  midi.header.tempos = FIXTURE_TEMPOS.map((t) => ({ ticks: t.beat * 480, bpm: t.bpm }));
  midi.header.update();
  const part = (name: string, notes: [beat: number, duration: number, pitch: number][]) => {
    const t = midi.addTrack();
    t.name = name;
    for (const [beat, duration, pitch] of notes) t.addNote({ midi: pitch, ticks: beat * 480, durationTicks: duration * 480, velocity: 0.8 });
  };
  const barBeats = FIXTURE_BAR_ROWS.map(rowBeat);
  part("MELODY", [[0.5, 1, 72], ...barBeats.map((b): [number, number, number] => [b, 1, 74])]);
  part("BRIDGE", [[5.5, 2, 67], [13.5, 2, 69]]);
  part("PIANO", barBeats.flatMap((b): [number, number, number][] => [[b, 1.5, 48], [b, 1.5, 55], [b + 1, 1, 60]]).concat([[35.5, 3, 48]]));

  const beatLines = Array.from({ length: FIXTURE_ROWS }, (_, i) => {
    const bar = FIXTURE_BAR_ROWS.includes(i);
    const half = FIXTURE_BAR_ROWS.some((r) => i === r + 2 && !FIXTURE_BAR_ROWS.includes(i));
    return `${sec(rowBeat(i))} ${bar || half ? "1.0" : "0.0"} ${bar ? "1.0" : "0.0"}`;
  });
  // Chords: no chord on the pickup, C split over two rows (one chord), then one chord per bar, C to the end.
  const chordSpans: [number, number, string][] = [
    [0.5, 1.5, "N"], [1.5, 3.5, "C:maj"], [3.5, 5.5, "C:maj"], [5.5, 9.5, "A:min7"], [9.5, 11.5, "F:maj/3"],
    [11.5, 15.5, "G:sus4(b7)"], [15.5, 39.5, "C:maj"],
  ];
  const files: Record<string, string | Uint8Array> = {
    "001.mid": midi.toArray(),
    "beat_midi.txt": beatLines.join("\n") + "\n",
    "chord_midi.txt": chordSpans.map(([a, b, l]) => `${sec(a)}\t${sec(b)}\t${l}`).join("\n") + "\n",
    "key_audio.txt": `0.4\t${sec(19.5)}\tC:maj\n${sec(19.5)}\t${sec(39)}\tA:min\n`,
    "analyzed_key.txt": "C:maj\n",
    "tempo.txt": "100",
    "human_label1.txt": "i2A4b1o3\n",
    "human_label2.txt": "i2A2B2o2\n",
  };
  for (const [name, content] of Object.entries({ ...files, ...replace })) {
    if (content !== null) fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "gamma-pop909-"));
}

test("a hand-made song folder imports with its beats, bars, metre changes, sections, chords and keys", () => {
  const root = tempRoot();
  try {
    fixtureSong(root);
    assert.deepEqual(listPop909(root), ["001"]);
    const warnings: string[] = [];
    const s = importPop909Song(root, "1", new Rng(7), { onWarning: (w) => warnings.push(w) });
    assert.equal(s.id, "pop909-001");
    assert.equal(s.source, "pop909");
    assert.equal(s.style, "pop");
    assert.deepEqual(s.tempos, FIXTURE_TEMPOS);
    assert.equal(warnings.length, 0, warnings.join("; "));

    // Beats come back to the file's seconds; the metre map changes for the two-beat bar.
    assert.equal(s.pop909.beats.length, FIXTURE_ROWS);
    s.pop909.beats.forEach((b, i) => assert.ok(Math.abs(b - (0.5 + i)) < 1e-5, `beat ${i}: ${b}`));
    assert.deepEqual(s.pop909.barStarts.map((b) => Math.round(b * 1000) / 1000), FIXTURE_BAR_ROWS.map((r) => r + 0.5));
    assert.deepEqual(s.metres.map((m) => [Math.round(m.beat * 1000) / 1000, `${m.metre.numerator}/${m.metre.denominator}`]),
      [[1.5, "4/4"], [9.5, "2/4"], [11.5, "4/4"]]);

    // Sections: label 1 fits exactly and ends with the Score.
    assert.deepEqual(s.sections.map((x) => [x.label, x.bars, x.sourceLabel]), [["intro", 2, "i"], ["verse", 4, "A"], ["interlude", 1, "b"], ["outro", 3, "o"]]);
    assert.equal(s.sections[0]!.startBeat, 0.5, "the intro takes the pickup note before the first downbeat");
    assert.ok(Math.abs(s.sections[1]!.startBeat - 9.5) < 1e-5);
    assert.equal(s.sections.at(-1)!.endBeat, s.lengthBeats);
    assert.equal(s.lengthBeats, 38.5 + 2);

    // Chords: the split C is one chord; numerals follow the key change at beat 19.5.
    assert.deepEqual(s.chords.map((c) => [c.symbol, c.roman ?? "-"]), [["N", "-"], ["C", "I"], ["Am7", "vi7"], ["F/A", "IV"], ["G7sus4", "Vsus4"], ["C", "I"]]);
    assert.deepEqual(s.keys.map((k) => [Math.round(k.beat * 1000) / 1000, k.key.tonic, k.key.mode]), [[0, "C", "major"], [19.5, "A", "minor"]]);
    assert.deepEqual(s.events.map((e) => [e.type, e.detail]), [["key-change", "to A minor"]]);

    // Notes: all of them, on the lead, counter and accompaniment; names unique.
    const original = s.tracks.filter((t) => ["lead", "counter", "comping"].includes(t.instrument.role));
    assert.deepEqual(original.map((t) => t.notes.length), [11, 2, 31]);
    assert.equal(s.lead, original[0]!.instrument.name);
    assert.equal(new Set(s.tracks.map((t) => t.instrument.name)).size, s.tracks.length);

    // Label 2 counts two bars short: its outro runs on to the end, and the importer says so.
    const two = importPop909Song(root, "001", new Rng(7), { structure: 2, onWarning: (w) => warnings.push(w) });
    assert.deepEqual(two.sections.map((x) => [x.sourceLabel, x.bars]), [["i", 2], ["A", 2], ["B", 2], ["o", 4]]);
    assert.deepEqual(two.pop909.structureMismatch, { labelBars: 8, songBars: 10 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /human_label2\.txt counts 8 bars, the song has 10/);
    assert.deepEqual(two.metres, s.metres, "the metre does not depend on the label chosen");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a missing or garbled file is an error naming the file and the problem", () => {
  const cases: [Record<string, string | Uint8Array | null>, RegExp][] = [
    [{ "tempo.txt": null }, /001[/\\]tempo\.txt: file is missing/],
    [{ "tempo.txt": "fast" }, /tempo\.txt: expected one tempo in BPM, got "fast"/],
    [{ "001.mid": "not a midi file" }, /001\.mid: not a readable MIDI file/],
    [{ "001.mid": null }, /001\.mid: file is missing/],
    [{ "chord_midi.txt": "0.1\t0.5\tH:maj\n" }, /chord_midi\.txt: line 1: unknown chord label "H:maj"/],
    [{ "chord_midi.txt": "0.1\t0.5\n" }, /chord_midi\.txt: line 1: expected "start end label"/],
    [{ "beat_midi.txt": "0.1 1.0 1.0\n0.6 0.0 0.0\n0.5 1.0 0.0\n" }, /beat_midi\.txt: line 3: time 0.5 does not come after 0.6/],
    [{ "beat_midi.txt": "0.1 1.0 0.0\n0.6 0.0 0.0\n" }, /beat_midi\.txt: no downbeat/],
    [{ "key_audio.txt": "0 10 C:dorian\n" }, /key_audio\.txt: line 1: expected "start end Key:maj\|min"/],
    [{ "human_label1.txt": "i4A\n" }, /human_label1\.txt: expected phrases like/],
    [{ "human_label2.txt": null }, /human_label2\.txt: file is missing/],
  ];
  for (const [replace, message] of cases) {
    const root = tempRoot();
    try {
      fixtureSong(root, replace);
      assert.throws(() => importPop909Song(root, "001", new Rng(1)), message);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
});

test("a folder that is not a POP909 checkout is an error naming the path", () => {
  const root = tempRoot();
  try {
    assert.throws(() => listPop909(root), (e: Error) => e.message.includes(path.join(root, "POP909")) && /not a POP909 checkout/.test(e.message));
    assert.throws(() => importPop909Song(root, "001", new Rng(1)), /not a POP909 checkout/);
    fs.mkdirSync(path.join(root, "POP909", "notes"), { recursive: true });
    assert.throws(() => listPop909(root), /no song folders/);
    fixtureSong(root);
    assert.throws(() => importPop909Song(root, "002", new Rng(1)), /002: no such POP909 song folder/);
    assert.throws(() => importPop909Song(root, "song", new Rng(1)), /"song" is not a POP909 song id/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The real data set, when it is there.

const dataDir = process.env.GAMMA_SHARED_DATA || path.join(repoRoot(), "../shared/data");
const POP909_ROOT = path.join(dataDir, "pop909");
const haveData = fs.existsSync(path.join(POP909_ROOT, "POP909"));
const skip = haveData ? false : `no POP909 data at ${POP909_ROOT} (set GAMMA_SHARED_DATA)`;

// 22 songs spread over the set, plus a triple-metre song (034), one whose labels count half bars (746) and one
// whose tempo map repeats events at a tick (418).
const SAMPLE = [...Array.from({ length: 22 }, (_, k) => String(1 + Math.floor((k * 909) / 22)).padStart(3, "0")), "034", "746", "418"];

function lines(file: string): string[][] {
  return fs.readFileSync(file, "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/));
}

const imported = new Map<string, Pop909Score>();
function song(id: string): Pop909Score {
  let s = imported.get(id);
  if (!s) imported.set(id, (s = importPop909Song(POP909_ROOT, id, new Rng(Number(id)))));
  return s;
}

test("POP909: all 909 songs are listed, in order", { skip }, () => {
  const ids = listPop909(POP909_ROOT);
  assert.equal(ids.length, 909);
  assert.equal(ids[0], "001");
  assert.equal(ids.at(-1), "909");
  assert.deepEqual(ids, [...ids].sort());
});

test("POP909: the files' beats and downbeats map back to their seconds within 5 ms, and the metre map lands on the bars", { skip }, () => {
  for (const id of SAMPLE) {
    const s = song(id);
    const rows = lines(path.join(POP909_ROOT, "POP909", id, "beat_midi.txt")).map((r) => r.map(Number));
    assert.equal(s.pop909.beats.length, rows.length, id);
    rows.forEach((r, i) => assert.ok(Math.abs(beatToSeconds(s.tempos, s.pop909.beats[i]!) - r[0]!) < 0.005, `${id} beat ${i}`));
    const downbeats = rows.filter((r) => r[2] === 1).map((r) => r[0]!);
    assert.equal(s.pop909.downbeats.length, downbeats.length, id);
    downbeats.forEach((t, i) => assert.ok(Math.abs(beatToSeconds(s.tempos, s.pop909.downbeats[i]!) - t) < 0.005, `${id} downbeat ${i}`));

    // Bar after bar from each metre change gives the bar starts again (what an annotator derives downbeats from).
    const grid: number[] = [];
    s.metres.forEach((m, i) => {
      const until = s.metres[i + 1]?.beat ?? s.lengthBeats;
      for (let b = m.beat; b < until - 1e-6; b += (m.metre.numerator * 4) / m.metre.denominator) grid.push(b);
    });
    const sec = (b: number) => beatToSeconds(s.tempos, b);
    s.pop909.barStarts.forEach((b, k) => assert.ok(Math.abs(sec(grid[k]!) - sec(b)) < 0.005, `${id} bar ${k}: ${grid[k]} vs ${b}`));
  }
});

test("POP909: sections are contiguous from the first downbeat to the end and count the label's bars", { skip }, () => {
  for (const id of SAMPLE) {
    const s = song(id);
    const phrases = [...s.pop909.label.matchAll(/([A-Za-z])(\d+)/g)].map((m) => ({ letter: m[1]!, bars: Number(m[2]) }));
    assert.equal(s.pop909.label, fs.readFileSync(path.join(POP909_ROOT, "POP909", id, "human_label1.txt"), "utf8").trim());
    // The first section starts at the first downbeat, or with the music when a pickup comes before it.
    const first = s.sections[0]!;
    const original = s.tracks.filter((t) => ["lead", "counter", "comping"].includes(t.instrument.role));
    const firstNote = Math.min(...original.flatMap((t) => t.notes.map((n) => n.beat)));
    assert.equal(first.startBeat, Math.min(s.pop909.downbeats[0]!, firstNote), id);
    for (const t of s.tracks) assert.ok(t.notes.every((n) => n.beat >= first.startBeat), `${id}: ${t.instrument.name} starts in a section`);
    assert.ok(first.startBeat > s.pop909.downbeats[0]! - 6, `${id}: the pickup is at most a bar and a half`);
    assert.equal(s.sections.at(-1)!.endBeat, s.lengthBeats, id);
    s.sections.forEach((x, i) => {
      assert.ok(x.endBeat > x.startBeat, `${id} section ${i} is not empty`);
      if (i > 0) assert.equal(x.startBeat, s.sections[i - 1]!.endBeat, `${id} section ${i} follows the previous one`);
      if (i > 0) assert.ok(s.pop909.barStarts.includes(x.startBeat), `${id} section ${i} starts on a bar`);
      assert.equal(x.sourceLabel, phrases[i]!.letter, `${id} section ${i}`);
      if (i < s.sections.length - 1) assert.equal(x.bars, phrases[i]!.bars, `${id} section ${i} bars`);
    });
    // Every bar belongs to exactly one section, so the bar counts add up to the song's bars.
    assert.equal(s.sections.reduce((n, x) => n + x.bars, 0), s.pop909.barStarts.length, id);
    const labelBars = phrases.reduce((n, p) => n + p.bars, 0);
    assert.deepEqual(s.pop909.structureMismatch, labelBars === s.pop909.barStarts.length ? undefined : { labelBars, songBars: s.pop909.barStarts.length }, id);
  }
  assert.equal(song("034").pop909.barLevel, "beat");
  assert.deepEqual(song("034").metres[0]!.metre, { numerator: 3, denominator: 4 });
  assert.equal(song("001").pop909.barLevel, "downbeat");
});

test("POP909: chords match chord_midi.txt", { skip }, () => {
  for (const id of SAMPLE) {
    const s = song(id);
    const rows = lines(path.join(POP909_ROOT, "POP909", id, "chord_midi.txt"));
    // Consecutive rows with one label are one chord.
    const merged = rows.filter((r, i) => i === 0 || r[2] !== rows[i - 1]![2]);
    const end = beatToSeconds(s.tempos, s.lengthBeats);
    assert.equal(s.chords.length, merged.filter((r) => Number(r[0]) < end).length, id);
    s.chords.forEach((c, i) => {
      const [start, , label] = merged[i]!;
      assert.ok(Math.abs(beatToSeconds(s.tempos, c.startBeat) - Number(start)) < 0.005, `${id} chord ${i} time`);
      const [root = "", quality = ""] = label!.split(":");
      if (label === "N") assert.deepEqual([c.symbol, c.root], ["N", ""]);
      else assert.equal(c.root, root, `${id} chord ${i} ${label}`);
      if (quality === "maj") assert.equal(c.symbol, root);
      if (quality === "min") assert.equal(c.symbol, `${root}m`);
      if (quality === "min7") assert.equal(c.symbol, `${root}m7`);
      if (i > 0) assert.equal(c.startBeat, s.chords[i - 1]!.endBeat, `${id} chord ${i} follows the previous one`);
      assert.ok(s.pop909.beats.includes(c.startBeat), `${id} chord ${i} starts on a beat`);
    });
    const key = lines(path.join(POP909_ROOT, "POP909", id, "key_audio.txt"))[0]![2]!.split(":");
    assert.deepEqual([s.keys[0]!.key.tonic, s.keys[0]!.key.mode], [key[0], key[1] === "maj" ? "major" : "minor"], id);
  }
});

test("POP909: every MIDI note is imported, on named, unique instruments", { skip }, () => {
  for (const id of SAMPLE) {
    const s = song(id);
    const midi = new tonejsMidi.Midi(fs.readFileSync(path.join(POP909_ROOT, "POP909", id, `${id}.mid`)));
    const original = s.tracks.filter((t) => ["lead", "counter", "comping"].includes(t.instrument.role));
    assert.equal(original.reduce((n, t) => n + t.notes.length, 0), midi.tracks.reduce((n, t) => n + t.notes.length, 0), id);
    assert.equal(s.ppq, midi.header.ppq);
    assert.equal(new Set(s.tracks.map((t) => t.instrument.name)).size, s.tracks.length, id);
    assert.equal(s.tracks[0]!.instrument.name, s.lead);
    assert.equal(s.pop909.addedBass, s.tracks.some((t) => t.instrument.role === "bass"), id);
    assert.equal(s.pop909.addedDrums, s.tracks.some((t) => t.instrument.isDrums), id);
    const lastEnd = Math.max(...s.tracks.flatMap((t) => t.notes.map((n) => n.beat + n.duration)));
    assert.ok(s.lengthBeats > lastEnd && s.lengthBeats <= lastEnd + 4, id);
    for (const t of s.tracks) {
      for (const n of t.notes) assert.ok(n.velocity >= 1 && n.velocity <= 127 && n.duration >= 0 && n.beat >= 0, `${id} ${t.instrument.name}`);
    }
    assert.ok(s.mood.length >= 1);
  }
  // Over the sample, the added parts and the instruments vary.
  const all = SAMPLE.map(song);
  assert.ok(all.some((s) => s.pop909.addedDrums) && all.some((s) => !s.pop909.addedDrums));
  assert.ok(all.some((s) => s.pop909.addedBass) && all.some((s) => !s.pop909.addedBass));
  assert.ok(new Set(all.map((s) => s.lead)).size >= 4);
  for (const s of all.filter((x) => x.pop909.addedDrums)) {
    const kit = s.tracks.find((t) => t.instrument.isDrums)!;
    assert.deepEqual([kit.instrument.name, kit.instrument.program, kit.instrument.role], ["drum kit", 0, "drums"]);
    // Drum hits sit on the file's beats or halfway between them.
    const onGrid = new Set(s.pop909.beats.map((b) => b.toFixed(6)));
    const pb = s.pop909.beats;
    for (let i = 0; i + 1 < pb.length; i++) onGrid.add(((pb[i]! + pb[i + 1]!) / 2).toFixed(6));
    assert.ok(kit.notes.every((n) => onGrid.has(n.beat.toFixed(6))), s.id);
  }
});

test("POP909: the same seed gives the same Score; structure 1 and 2 may differ", { skip }, () => {
  const a: Score = importPop909Song(POP909_ROOT, "001", new Rng(42));
  const b: Score = importPop909Song(POP909_ROOT, "001", new Rng(42));
  assert.deepEqual(a, b);
  const others = [1, 2, 3, 4, 5, 6].map((seed) => importPop909Song(POP909_ROOT, "001", new Rng(seed)));
  assert.ok(others.some((o) => o.lead !== a.lead || o.tracks.length !== a.tracks.length), "seeds change the orchestration");
  for (const o of others) {
    assert.deepEqual(o.sections, a.sections);
    assert.deepEqual(o.chords, a.chords);
  }
  // One generator used twice moves on: the second import is arranged anew.
  const shared = new Rng(42);
  const firstTake = importPop909Song(POP909_ROOT, "001", shared);
  assert.deepEqual(firstTake, a);
  const takes = [1, 2, 3, 4].map(() => importPop909Song(POP909_ROOT, "001", shared));
  assert.ok(takes.some((t) => t.lead !== a.lead || t.tracks.length !== a.tracks.length));

  const two = importPop909Song(POP909_ROOT, "001", new Rng(42), { structure: 2 });
  assert.equal(two.pop909.structure, 2);
  assert.notDeepEqual(two.sections, a.sections);
  assert.deepEqual(two.metres, a.metres);
  assert.equal(two.sections.reduce((n, x) => n + x.bars, 0), two.pop909.barStarts.length);
});
