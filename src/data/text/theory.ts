// Music-theory words for text: key names and key relations, metres, chord qualities, tempo classes. Keys are
// always written with one spelling per pitch class and mode, so no option or caption gives a key away by how it
// is spelled (the composer may write "A#" where a distractor would say "Bb").
import type { Key, Metre, Mode } from "../../music/score.js";
import type { TempoClass } from "../schema.js";

import { pitchClass } from "../../music/theory.js";
import { METRE_IDS, metreOf } from "../../music/rhythm.js";

export { pitchClass };

// Conventional tonic spellings: flat keys for the major-like modes, sharp keys for the minor-like ones where
// that is what musicians write (C# minor, not Db minor; but Eb minor and Bb minor).
const MAJOR_LIKE_SPELLING = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const MINOR_LIKE_SPELLING = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"];

function isMajorLike(mode: Mode): boolean {
  return mode === "major" || mode === "mixolydian" || mode === "lydian";
}

export function spellTonic(pc: number, mode: Mode): string {
  const table = isMajorLike(mode) ? MAJOR_LIKE_SPELLING : MINOR_LIKE_SPELLING;
  return table[((pc % 12) + 12) % 12]!;
}

/** "major", "minor", "Dorian", ...: church-mode names are proper nouns. */
export function modeName(mode: Mode): string {
  return mode === "major" || mode === "minor" ? mode : mode[0]!.toUpperCase() + mode.slice(1);
}

/** "F# minor", "Bb major", "D Dorian". */
export function keyName(key: Key): string {
  return `${spellTonic(pitchClass(key.tonic), key.mode)} ${modeName(key.mode)}`;
}

export function sameKey(a: Key, b: Key): boolean {
  return a.mode === b.mode && pitchClass(a.tonic) === pitchClass(b.tonic);
}

/** The key a number of semitones away, in the same mode. */
export function transposeKey(key: Key, semitones: number): Key {
  const pc = pitchClass(key.tonic) + semitones;
  return { tonic: spellTonic(pc, key.mode), mode: key.mode };
}

/** Semitones from the mode's tonic up to the tonic of the major scale that has the same notes. */
const MODE_OFFSET_FROM_MAJOR: Readonly<Record<Mode, number>> = {
  major: 0, dorian: 2, phrygian: 4, lydian: 5, mixolydian: 7, minor: 9,
};

/** The key in `mode` that uses the same notes as `key` (C major -> A minor; D Dorian -> C major). */
export function relativeKey(key: Key, mode: Mode): Key {
  const majorPc = pitchClass(key.tonic) - MODE_OFFSET_FROM_MAJOR[key.mode];
  const pc = majorPc + MODE_OFFSET_FROM_MAJOR[mode];
  return { tonic: spellTonic(pc, mode), mode };
}

/**
 * How often each other mode is paired with a mode as a near miss. Symmetric, and every row sums to 8, so the
 * chance of drawing mode B as the partner of A equals that of drawing A as the partner of B: an option set of
 * keys built from a pair of modes then says nothing about which of its members is the answer.
 */
export const MODE_PARTNER_WEIGHTS: Readonly<Record<Mode, Readonly<Partial<Record<Mode, number>>>>> = {
  major: { minor: 6, mixolydian: 1, lydian: 1 },
  minor: { major: 6, dorian: 1, phrygian: 1 },
  dorian: { minor: 1, mixolydian: 3, phrygian: 2, lydian: 2 },
  mixolydian: { major: 1, dorian: 3, lydian: 2, phrygian: 2 },
  lydian: { major: 1, dorian: 2, mixolydian: 2, phrygian: 3 },
  phrygian: { minor: 1, dorian: 2, mixolydian: 2, lydian: 3 },
};

/** "4/4". */
export function metreName(m: Metre): string {
  return `${m.numerator}/${m.denominator}`;
}

export function sameMetre(a: Metre, b: Metre): boolean {
  return a.numerator === b.numerator && a.denominator === b.denominator;
}

/**
 * Metres the world uses (the composer's; POP909 songs are in 4/4 or 3/4), for near-miss options. Only metres that
 * can be answers: a metre offered but never true (9/8 here) would mark the others as likelier answers.
 */
export const METRES: readonly Metre[] = METRE_IDS.map(metreOf);

/** Ways to say a metre in prose, "4/4" always first. */
export function metrePhrases(m: Metre): string[] {
  const name = metreName(m);
  const extra: Readonly<Record<string, string[]>> = {
    "4/4": ["common time", "four-four time"],
    "3/4": ["three-four time", "waltz time", "triple metre"],
    "2/4": ["two-four time", "duple metre"],
    "6/8": ["six-eight time", "compound duple metre"],
    "12/8": ["twelve-eight time", "compound quadruple metre"],
    "9/8": ["nine-eight time", "compound triple metre"],
    "5/4": ["five-four time", "quintuple metre"],
    "7/8": ["seven-eight time", "an odd metre of seven"],
  };
  return [name, ...(extra[name] ?? [])];
}

/** Seconds per bar at a tempo (BPM counts quarter notes, as the schema's beats do). */
export function barSeconds(m: Metre, bpm: number): number {
  return (m.numerator * (4 / m.denominator) * 60) / bpm;
}

export const TEMPO_CLASSES: readonly TempoClass[] = ["very slow", "slow", "moderate", "fast", "very fast"];

/** Adjectives for a tempo class in prose (the class name itself first). */
export const TEMPO_CLASS_WORDS: Readonly<Record<TempoClass, readonly string[]>> = {
  "very slow": ["very slow", "glacial", "very unhurried"],
  slow: ["slow", "unhurried", "relaxed"],
  moderate: ["moderate", "mid-tempo", "medium-paced"],
  fast: ["fast", "quick", "brisk", "upbeat"],
  "very fast": ["very fast", "rapid", "breakneck"],
};

/** Chord quality (schema code) -> words. */
export const QUALITY_NAMES: Readonly<Record<string, string>> = {
  maj: "major", min: "minor", "7": "dominant seventh", maj7: "major seventh", min7: "minor seventh",
  dim: "diminished", aug: "augmented", sus2: "suspended second", sus4: "suspended fourth",
  m7b5: "half-diminished", dim7: "diminished seventh", "6": "major sixth", min6: "minor sixth", "9": "dominant ninth",
  min9: "minor ninth", maj9: "major ninth", "5": "power chord",
};

/** Chord-symbol suffix for a quality code, as the schema writes symbols ("Am7", "G7sus4" aside). */
export const QUALITY_SUFFIX: Readonly<Record<string, string>> = {
  maj: "", min: "m", "7": "7", maj7: "maj7", min7: "m7", dim: "dim", aug: "aug", sus2: "sus2", sus4: "sus4",
  m7b5: "m7b5", dim7: "dim7", "6": "6", min6: "m6", "9": "9", min9: "m9", maj9: "maj9", "5": "5",
};

export function qualityName(quality: string): string {
  return QUALITY_NAMES[quality] ?? quality;
}
