// The composer's contract: deterministic songs whose every recorded fact (sections, chords, keys, tempos,
// metres, events, who plays where) agrees with the notes, in every style, within the requested duration.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Chord as TonalChord } from "tonal";
import { STYLES, compose } from "../src/music/compose.js";
import { type Key, type Score, MODES, beatToSeconds } from "../src/music/score.js";
import { chordFromRoman, chordScale, mod12, pitchClass, scalePcs } from "../src/music/theory.js";
import { QUALITY_INTERVALS, type Quality } from "../src/music/theory.js";

const EPS = 1e-6;
const MOODS = new Set(["happy", "sad", "energetic", "calm", "tense", "romantic", "dark", "playful", "triumphant", "melancholic", "dreamy", "aggressive"]);

function at<T extends { beat: number }>(list: readonly T[], beat: number): T {
  let found = list[0]!;
  for (const x of list) if (x.beat <= beat + EPS) found = x;
  return found;
}

function keyAt(score: Score, beat: number): Key {
  return at(score.keys, beat).key;
}

function chordAt(score: Score, beat: number) {
  return score.chords.find((c) => beat >= c.startBeat - EPS && beat < c.endBeat - EPS);
}

function lastNoteEnd(score: Score): number {
  let end = 0;
  for (const t of score.tracks) for (const n of t.notes) end = Math.max(end, n.beat + n.duration);
  return end;
}

/** Share of lead notes that are tones of the chord sounding or of the key's scale (with the chord's alterations). */
function melodyFit(score: Score): { fit: number; total: number } {
  const lead = score.tracks.find((t) => t.instrument.name === score.lead)!;
  let fit = 0;
  for (const n of lead.notes) {
    const key = keyAt(score, n.beat);
    const chord = chordAt(score, n.beat);
    const pcs = new Set(scalePcs(key));
    if (chord && chord.symbol !== "N") {
      const root = pitchClass(chord.root);
      for (const i of QUALITY_INTERVALS[chord.quality as Quality]) pcs.add(mod12(root + i));
      if (chord.roman) for (const pc of chordScale(key, chordFromRoman(chord.roman, key))) pcs.add(pc);
    }
    if (pcs.has(mod12(n.pitch))) fit++;
  }
  return { fit, total: lead.notes.length };
}

/** Every structural promise a Score makes; throws with the song's id on the first broken one. */
function validate(score: Score, min = 60, max = 150): void {
  const id = score.id;
  const seconds = beatToSeconds(score.tempos, score.lengthBeats);
  assert.ok(seconds >= min && seconds <= max, `${id}: ${seconds.toFixed(1)} s outside [${min}, ${max}]`);
  assert.equal(score.ppq, 480);
  assert.equal(score.source, "synthetic");
  assert.ok(STYLES.includes(score.style), `${id}: style ${score.style}`);
  for (const list of [score.tempos, score.metres, score.keys]) assert.equal(list[0]!.beat, 0, `${id}: maps start at beat 0`);
  for (const t of score.tempos) assert.ok(t.bpm >= 50 && t.bpm <= 200, `${id}: tempo ${t.bpm}`);
  for (const k of score.keys) assert.ok(MODES.includes(k.key.mode) && /^[A-G][#b]?$/.test(k.key.tonic), `${id}: key ${JSON.stringify(k.key)}`);

  // Sections: contiguous from 0, bars agree with the metre map, the song ends 1-2 beats after the last note.
  const end = lastNoteEnd(score);
  let cursor = 0;
  for (const s of score.sections) {
    assert.ok(Math.abs(s.startBeat - cursor) < EPS, `${id}: section gap at ${cursor}`);
    let beats = 0;
    for (let b = 0, pos = s.startBeat; b < s.bars; b++) {
      const m = at(score.metres, pos).metre;
      const len = (m.numerator * 4) / m.denominator;
      beats += len;
      pos += len;
    }
    assert.ok(Math.abs(s.startBeat + beats - s.endBeat) < EPS, `${id}: ${s.label} has ${s.bars} bars but ${s.endBeat - s.startBeat} beats`);
    cursor = s.endBeat;
  }
  assert.ok(end <= cursor + 1e-3, `${id}: notes after the last section`);
  const tail = score.lengthBeats - end;
  assert.ok(tail >= 1 - 1e-3 && tail <= 2 + 1e-3, `${id}: tail of ${tail} beats`);

  // Chords: contiguous over the sections; symbols, roots and numerals agree (tonal reads our symbols the same way).
  cursor = 0;
  for (const c of score.chords) {
    assert.ok(Math.abs(c.startBeat - cursor) < EPS && c.endBeat > c.startBeat, `${id}: chord gap at ${cursor}`);
    cursor = c.endBeat;
    if (c.symbol === "N") continue;
    const ours = QUALITY_INTERVALS[c.quality as Quality].map((i) => mod12(pitchClass(c.root) + i)).sort((a, b) => a - b);
    const theirs = TonalChord.get(c.symbol).notes.map(pitchClass).sort((a, b) => a - b);
    assert.deepEqual(theirs, ours, `${id}: ${c.symbol} is not ${c.quality} on ${c.root}`);
    const fromRoman = chordFromRoman(c.roman!, keyAt(score, c.startBeat));
    assert.equal(fromRoman.symbol, c.symbol, `${id}: ${c.roman} in ${JSON.stringify(keyAt(score, c.startBeat))} is ${fromRoman.symbol}, not ${c.symbol}`);
  }
  assert.ok(Math.abs(cursor - score.sections[score.sections.length - 1]!.endBeat) < EPS, `${id}: chords stop at ${cursor}`);

  // Tracks and notes.
  const names = score.tracks.map((t) => t.instrument.name);
  assert.equal(new Set(names).size, names.length, `${id}: duplicate instrument names`);
  assert.ok(names.includes(score.lead), `${id}: lead ${score.lead} has no track`);
  assert.equal(score.tracks.find((t) => t.instrument.name === score.lead)!.instrument.role, "lead");
  for (const t of score.tracks) {
    assert.ok(t.notes.length > 0, `${id}: ${t.instrument.name} is silent`);
    for (const n of t.notes) {
      assert.ok(Number.isInteger(n.pitch) && n.pitch >= 0 && n.pitch <= 127, `${id}: pitch ${n.pitch}`);
      assert.ok(Number.isInteger(n.velocity) && n.velocity >= 1 && n.velocity <= 127, `${id}: velocity ${n.velocity}`);
      assert.ok(n.beat >= 0 && n.duration > 0 && n.beat + n.duration <= score.lengthBeats, `${id}: note outside the song`);
      if (t.instrument.isDrums) assert.ok(n.pitch >= 35 && n.pitch <= 81, `${id}: ${n.pitch} is no GM percussion key`);
    }
    if (t.instrument.isDrums) assert.equal(t.instrument.program, 0);
    for (const v of t.volume ?? []) assert.ok(v.value >= 0 && v.value <= 127 && v.beat >= 0 && v.beat <= score.lengthBeats);
  }
  // Drum keys only on drum tracks: pitched tracks are never isDrums, drum tracks are never lead/bass/comping.
  for (const t of score.tracks) {
    if (t.instrument.isDrums) assert.ok(t.instrument.role === "drums" || t.instrument.role === "percussion", `${id}: ${t.instrument.name}`);
  }

  // Who plays where: an instrument not listed in a section has no notes there; a listed one has.
  for (const s of score.sections) {
    const listed = new Set(s.instruments ?? []);
    for (const t of score.tracks) {
      const starts = t.notes.filter((n) => n.beat >= s.startBeat - EPS && n.beat < s.endBeat - EPS).length;
      const holds = t.notes.some((n) => n.beat < s.startBeat - EPS && n.beat + n.duration > s.startBeat + 1e-3);
      if (listed.has(t.instrument.name)) assert.ok(starts > 0, `${id}: ${t.instrument.name} listed in ${s.label} at ${s.startBeat} but silent`);
      else assert.ok(starts === 0 && !holds, `${id}: ${t.instrument.name} plays in ${s.label} at ${s.startBeat} but is not listed`);
    }
  }

  // Maps and their events agree.
  const events = (type: string) => score.events.filter((e) => e.type === type);
  const keyEvents = events("key-change");
  assert.equal(keyEvents.length, score.keys.length - 1, `${id}: key changes`);
  score.keys.slice(1).forEach((k, i) => {
    assert.equal(keyEvents[i]!.startBeat, k.beat);
    assert.equal(keyEvents[i]!.detail, `to ${k.key.tonic} ${k.key.mode}`);
  });
  const metreEvents = events("metre-change");
  assert.equal(metreEvents.length, score.metres.length - 1, `${id}: metre changes`);
  score.metres.slice(1).forEach((m, i) => {
    assert.equal(metreEvents[i]!.startBeat, m.beat);
    assert.ok(metreEvents[i]!.detail!.endsWith(`to ${m.metre.numerator}/${m.metre.denominator}`));
  });
  const tempoEvents = events("tempo-change");
  for (const t of score.tempos.slice(1)) {
    assert.ok(tempoEvents.some((e) => t.beat >= e.startBeat - EPS && t.beat <= e.endBeat + EPS), `${id}: tempo change at ${t.beat} has no event`);
  }
  for (const e of tempoEvents) assert.ok(score.tempos.some((t) => t.beat >= e.startBeat - EPS && t.beat <= e.endBeat + EPS), `${id}: tempo event without change`);
  for (const e of tempoEvents.filter((x) => x.startBeat === x.endBeat)) {
    const bpm = at(score.tempos, e.startBeat).bpm;
    assert.ok(e.detail!.endsWith(`to ${bpm} BPM`), `${id}: ${e.detail} vs ${bpm}`);
  }

  for (const e of score.events) {
    assert.ok(e.startBeat >= 0 && e.endBeat >= e.startBeat && e.endBeat <= score.lengthBeats, `${id}: ${e.type} outside the song`);
    if (e.instrument) assert.ok(names.includes(e.instrument), `${id}: ${e.type} names ${e.instrument}`);
  }
  for (const e of events("drum-fill")) {
    const kit = score.tracks.find((t) => t.instrument.name === e.instrument)!;
    assert.equal(kit.instrument.role, "drums");
    assert.ok(kit.notes.some((n) => n.beat >= e.startBeat - 0.01 && n.beat < e.endBeat), `${id}: empty fill`);
  }
  for (const e of [...events("stop"), ...events("break")]) {
    for (const t of score.tracks) {
      if (t.instrument.name === e.instrument) continue;
      const sounding = t.notes.some((n) => n.beat + n.duration > e.startBeat + 0.02 && n.beat < e.endBeat - 0.02);
      assert.ok(!sounding, `${id}: ${t.instrument.name} sounds during the ${e.type} at ${e.startBeat}`);
    }
  }
  for (const e of events("break")) {
    const alone = score.tracks.find((t) => t.instrument.name === e.instrument)!;
    assert.ok(alone.notes.some((n) => n.beat >= e.startBeat - 0.02 && n.beat < e.endBeat), `${id}: ${e.instrument} is silent in its break`);
  }
  for (const e of events("crescendo")) {
    for (const q of [...events("stop"), ...events("break")]) assert.ok(q.endBeat <= e.startBeat || q.startBeat >= e.endBeat, `${id}: crescendo over a ${q.type}`);
  }
  for (const e of events("solo")) {
    const section = score.sections.find((s) => s.startBeat === e.startBeat)!;
    assert.equal(section.label, "solo");
  }
  for (const e of events("fade-out")) {
    const last = score.tracks[0]!.volume!.at(-1)!;
    assert.equal(last.value, 0, `${id}: fade-out does not reach 0`);
    assert.ok(e.endBeat <= score.lengthBeats);
  }

  assert.ok(score.mood.length >= 1 && score.mood.every((m) => MOODS.has(m)), `${id}: mood ${score.mood}`);
  if (score.swing !== undefined) assert.ok(score.swing >= 0.5 && score.swing <= 0.7);
  const { fit, total } = melodyFit(score);
  assert.ok(total > 0 && fit / total >= 0.85, `${id}: only ${fit}/${total} melody notes fit the harmony`);
}

test("the same seed gives the same song; different seeds different songs", () => {
  for (const seed of [0, 7, 123456]) assert.deepEqual(compose(seed), compose(seed));
  assert.deepEqual(compose(5, { style: "jazz swing", minSeconds: 30, maxSeconds: 50 }), compose(5, { style: "jazz swing", minSeconds: 30, maxSeconds: 50 }));
  const a = compose(1), b = compose(2);
  assert.notDeepEqual(a.tracks, b.tracks);
});

test("every style composes valid songs for several seeds and durations", () => {
  assert.ok(STYLES.length >= 18);
  for (const style of STYLES) {
    const full = compose(11, { style });
    assert.equal(full.style, style);
    validate(full);
    for (const seed of [12, 13]) validate(compose(seed, { style, minSeconds: 20, maxSeconds: 45 }), 20, 45);
  }
});

test("long songs land inside their bounds", () => {
  for (const seed of [1, 2, 3]) validate(compose(seed, { minSeconds: 150, maxSeconds: 240 }), 150, 240);
});

test("excludeStyles holds styles out and style forces one", () => {
  const held = ["pop", "rock", "jazz swing", "metal"];
  for (let seed = 0; seed < 30; seed++) assert.ok(!held.includes(compose(seed, { excludeStyles: held, minSeconds: 20, maxSeconds: 40 }).style));
  assert.throws(() => compose(1, { style: "polka" }), /unknown style/);
  assert.throws(() => compose(1, { excludeStyles: STYLES }), /excluded/);
});

// COMPOSE_SEEDS=2000 runs a longer sweep by hand; the default keeps the suite fast.
const SWEEP = Number(process.env.COMPOSE_SEEDS ?? 100);

test("a hundred random songs: valid, and the world's variety shows", () => {
  const modes = new Set<string>();
  const metres = new Set<string>();
  const eventTypes = new Set<string>();
  const styles = new Set<string>();
  const progressions = new Set<string>();
  const instrumentSets = new Set<string>();
  let fit = 0, total = 0;
  for (let seed = 100; seed < 100 + SWEEP; seed++) {
    // Short songs keep the sweep fast; modes, metres, events and line-ups do not depend on length.
    const score = compose(seed, { minSeconds: 30, maxSeconds: 75 });
    validate(score, 30, 75);
    for (const k of score.keys) modes.add(k.key.mode);
    for (const m of score.metres) metres.add(`${m.metre.numerator}/${m.metre.denominator}`);
    for (const e of score.events) eventTypes.add(e.type);
    styles.add(score.style);
    progressions.add(score.chords.filter((c) => c.roman).slice(0, 6).map((c) => c.roman).join(" "));
    instrumentSets.add(score.tracks.map((t) => t.instrument.name).sort().join(","));
    const f = melodyFit(score);
    fit += f.fit;
    total += f.total;
  }
  for (const mode of ["major", "minor", "dorian", "mixolydian"]) assert.ok(modes.has(mode), `no ${mode} song`);
  assert.ok(metres.size >= 4 && (metres.has("5/4") || metres.has("7/8")), `metres: ${[...metres]}`);
  for (const type of ["drum-fill", "solo", "crescendo", "fade-out", "key-change", "tempo-change", "metre-change", "drop"]) assert.ok(eventTypes.has(type), `no ${type} event`);
  assert.ok(eventTypes.has("stop") || eventTypes.has("break"), "no stop or break");
  assert.ok(styles.size >= 15, `only ${styles.size} styles`);
  assert.ok(progressions.size >= Math.min(70, 0.7 * SWEEP), `only ${progressions.size} distinct progressions`);
  assert.ok(instrumentSets.size >= Math.min(80, 0.8 * SWEEP), `only ${instrumentSets.size} distinct line-ups`);
  assert.ok(fit / total >= 0.95, `melody fits the harmony only ${(100 * fit / total).toFixed(1)}%`);
});
