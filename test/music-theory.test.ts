// The composer's building blocks: key spelling, Roman numerals, chord scales, voice leading, patterns, styles'
// data, and the mood rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Chord as TonalChord } from "tonal";
import { parseProgression, stretch } from "../src/music/harmony.js";
import { deriveMood } from "../src/music/mood.js";
import { barSteps, cleanPattern, metreOf, patternEvents, patternForBar, swingBeat } from "../src/music/rhythm.js";
import { MODES } from "../src/music/score.js";
import { STYLES, styleDef } from "../src/music/styles.js";
import { catalogue } from "../src/music/instruments.js";
import { chordFromRoman, chordPcs, chordScale, guitarVoicing, makeKey, mod12, pitchClass, scalePcs, voiceLead } from "../src/music/theory.js";

test("keys are spelled the way key signatures spell them", () => {
  assert.deepEqual(makeKey(6, "major"), { tonic: "F#", mode: "major" });
  assert.deepEqual(makeKey(3, "minor"), { tonic: "Eb", mode: "minor" });
  assert.deepEqual(makeKey(1, "minor"), { tonic: "C#", mode: "minor" });
  assert.deepEqual(makeKey(1, "major"), { tonic: "Db", mode: "major" });
  assert.deepEqual(makeKey(8, "minor"), { tonic: "G#", mode: "minor" });
  assert.deepEqual(makeKey(2, "dorian"), { tonic: "D", mode: "dorian" });
  assert.deepEqual(makeKey(10, "mixolydian"), { tonic: "Bb", mode: "mixolydian" });
  for (const mode of MODES) {
    for (let pc = 0; pc < 12; pc++) {
      const key = makeKey(pc, mode);
      assert.equal(pitchClass(key.tonic), pc);
      assert.equal(scalePcs(key).length, 7);
    }
  }
});

test("Roman numerals name chords relative to the major scale on the tonic", () => {
  const C = { tonic: "C", mode: "major" as const };
  const cases: [string, { tonic: string; mode: (typeof MODES)[number] }, string][] = [
    ["bVII", C, "Bb"], ["V7", { tonic: "A", mode: "minor" }, "E7"], ["iiø7", { tonic: "C", mode: "minor" }, "Dm7b5"],
    ["bII5", { tonic: "E", mode: "phrygian" }, "F5"], ["vii°", C, "Bdim"], ["IV9", { tonic: "D", mode: "dorian" }, "G9"],
    ["bVI", { tonic: "E", mode: "major" }, "C"], ["bVII", { tonic: "Db", mode: "major" }, "B"], ["ii7", { tonic: "F", mode: "major" }, "Gm7"],
    ["bIIImaj7", { tonic: "F#", mode: "minor" }, "Amaj7"], ["i9", { tonic: "E", mode: "dorian" }, "Em9"], ["Isus2", C, "Csus2"],
  ];
  for (const [roman, key, symbol] of cases) {
    const chord = chordFromRoman(roman, key);
    assert.equal(chord.symbol, symbol, `${roman} in ${key.tonic} ${key.mode}`);
    assert.equal(chord.roman, roman);
    const tonal = TonalChord.get(chord.symbol).notes.map(pitchClass).sort((a, b) => a - b);
    assert.deepEqual(tonal, chordPcs(chord).slice().sort((a, b) => a - b));
  }
  assert.throws(() => chordFromRoman("VIII", C));
});

test("chord scales take in the chord's own alterations", () => {
  const C = { tonic: "C", mode: "major" as const };
  const scale = chordScale(C, chordFromRoman("bVII", C));
  assert.ok(scale.includes(10) && !scale.includes(11));
  assert.deepEqual(chordScale(C, chordFromRoman("I", C)), scalePcs(C).slice().sort((a, b) => a - b));
});

test("voicings stay in range, use the chord's tones and move smoothly", () => {
  const C = { tonic: "C", mode: "major" as const };
  let prev: number[] | undefined;
  let total = 0;
  for (const roman of ["I", "vi", "IV", "V7", "I", "ii7", "V7", "Imaj7"]) {
    const chord = chordFromRoman(roman, C);
    const v = voiceLead(chord, prev, { low: 50, high: 79, voices: 4 });
    assert.equal(v.length, 4);
    for (const p of v) assert.ok(p >= 50 && p <= 79 && chordPcs(chord).includes(mod12(p)));
    if (prev) {
      const moved = v.reduce((s, p, i) => s + Math.abs(p - prev![i]!), 0);
      assert.ok(moved <= 12, `${roman}: voices moved ${moved} semitones`);
      total += moved;
    }
    assert.equal(new Set(v).size, v.length, "no unisons");
    prev = v;
  }
  assert.ok(total / 7 <= 6, `voices moved ${total / 7} semitones a change on average`);
  const g = guitarVoicing(chordFromRoman("I", { tonic: "E", mode: "major" }));
  assert.deepEqual(g, [40, 47, 52, 56, 59]);
});

test("patterns: separators, cycles, repeats, events and swing", () => {
  assert.equal(cleanPattern("x... x... | x..."), "x...x...x...");
  assert.equal(barSteps(metreOf("7/8")), 14);
  assert.equal(patternForBar("x...|....", 4, 1), "....");
  assert.equal(patternForBar("x.", 6, 0), "x.x.x.");
  assert.equal(patternForBar("x...", 6, 0), undefined);
  assert.deepEqual(patternEvents("x..x_.x."), [{ step: 0, char: "x", endStep: 3 }, { step: 3, char: "x", endStep: 4 }, { step: 6, char: "x", endStep: 8 }]);
  assert.equal(swingBeat(2.5, 0.66), 2.66);
  assert.equal(swingBeat(3, 0.66), 3);
  assert.deepEqual(stretch(parseProgression("I V"), 2), [["I"], ["-"], ["V"], ["-"]]);
  assert.deepEqual(stretch(parseProgression("I V vi IV"), 0.5), [["I", "V"], ["vi", "IV"]]);
});

test("every style's data is complete: progressions parse in every key, instruments exist, patterns fit", () => {
  for (const id of STYLES) {
    const style = styleDef(id);
    assert.ok(style.tempo[0] >= 50 && style.tempo[1] <= 200 && style.tempo[0] < style.tempo[1], id);
    for (const [mode] of style.modes) {
      const pools = style.progressions[mode];
      assert.ok(pools, `${id} has no progressions in ${mode}`);
      for (const text of [...pools.verse, ...pools.chorus, ...(pools.pre ?? []), ...(pools.bridge ?? [])]) {
        for (let pc = 0; pc < 12; pc++) {
          for (const bar of parseProgression(text)) for (const r of bar) if (r !== "-") chordFromRoman(r, makeKey(pc, mode));
        }
      }
    }
    const names = [...style.lead, ...style.comping.flatMap((c) => c.instruments), ...(style.pad?.instruments ?? []), ...(style.counter?.instruments ?? []), ...style.bass.instruments, ...(style.percussion?.instruments ?? [])];
    for (const n of names) catalogue(n);
    for (const comp of [...style.comping, ...(style.pad ? [style.pad] : [])]) {
      for (const [metre, patterns] of Object.entries(comp.patterns)) {
        const steps = barSteps(metreOf(metre as "4/4"));
        for (const p of patterns!) for (const layer of p.split("+")) assert.ok(patternForBar(layer, steps, 0), `${id}: "${layer}" does not fit ${metre}`);
      }
    }
    for (const [metre, patterns] of Object.entries(style.bass.patterns)) {
      for (const p of patterns!) assert.ok(patternForBar(p, barSteps(metreOf(metre as "4/4")), 0), `${id}: bass "${p}" does not fit ${metre}`);
    }
    for (const [metre, grooves] of Object.entries(style.drums?.grooves ?? {})) {
      for (const g of grooves!) for (const p of Object.values({ ...g.lanes, ...g.full })) {
        if (p) assert.ok(patternForBar(p, barSteps(metreOf(metre as "4/4")), 0), `${id}: groove "${p}" does not fit ${metre}`);
      }
    }
  }
});

test("mood follows the facts", () => {
  const happy = deriveMood({ style: "pop", mode: "major", bpm: 128, loudness: 0.75, minorChords: 0.25 });
  assert.ok(["happy", "energetic"].includes(happy[0]!), `${happy}`);
  const sad = deriveMood({ style: "ballad", mode: "minor", bpm: 62, loudness: 0.4, minorChords: 0.6 });
  assert.ok(["sad", "melancholic"].includes(sad[0]!), `${sad}`);
  assert.equal(deriveMood({ style: "metal", mode: "phrygian", bpm: 170, loudness: 0.85, minorChords: 0.5 })[0], "aggressive");
  assert.equal(deriveMood({ style: "march", mode: "major", bpm: 120, loudness: 0.8, minorChords: 0.1 })[0], "triumphant");
  assert.ok(deriveMood({ style: "ambient", mode: "lydian", bpm: 60, loudness: 0.3, minorChords: 0.1 }).includes("dreamy"));
});
