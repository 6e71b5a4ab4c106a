// Music theory the composer needs and nothing more: pitch classes and their spelling, keys and modes, chords
// named by Roman numeral, chord scales for melody, and voicings chosen by voice leading.
//
// Roman numerals are always relative to the MAJOR scale on the key's tonic (the usual pop/rock/jazz analysis
// convention): in C minor the chord on A-flat is "bVI", the minor tonic is "i", the subtonic is "bVII". That way a
// numeral means the same interval in every mode, and "bVII" in C mixolydian and in C minor is the same chord.
import type { Key, Mode } from "./score.js";

const LETTERS = ["C", "D", "E", "F", "G", "A", "B"] as const;
const LETTER_PC = [0, 2, 4, 5, 7, 9, 11] as const;
const SHARP_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"] as const;
const FLAT_NAMES = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"] as const;

export function mod12(n: number): number {
  return ((n % 12) + 12) % 12;
}

const pcCache = new Map<string, number>();

/** Pitch class 0-11 of a note name ("C", "F#", "Bb", "Cb", "E#"). */
export function pitchClass(name: string): number {
  const known = pcCache.get(name);
  if (known !== undefined) return known;
  const m = /^([A-G])(#{0,2}|b{0,2})$/.exec(name);
  if (!m) throw new Error(`not a pitch class name: ${name}`);
  const letter = LETTERS.indexOf(m[1] as (typeof LETTERS)[number]);
  const acc = m[2] ?? "";
  const shift = acc.startsWith("#") ? acc.length : -acc.length;
  const pc = mod12(LETTER_PC[letter]! + shift);
  pcCache.set(name, pc);
  return pc;
}

/** A bounded memo for pure functions called with the same arguments over and over (chord scales, voicings). */
function memo<V>(cache: Map<string, V>, key: string, make: () => V): V {
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (cache.size > 20000) cache.clear();
  const v = make();
  cache.set(key, v);
  return v;
}

/** A plain name for a pitch class, with flats or sharps. */
export function pcName(pc: number, flats: boolean): string {
  return (flats ? FLAT_NAMES : SHARP_NAMES)[mod12(pc)]!;
}

/**
 * Spells the note `semitones` above `from`, on the letter `letterSteps` letters above (so the 3rd of D is F#,
 * not Gb). Spellings nobody reads easily (double accidentals, Cb, Fb, E#, B#) fall back to a plain name.
 */
export function spellAbove(from: string, letterSteps: number, semitones: number): string {
  const fromLetter = LETTERS.indexOf(from[0] as (typeof LETTERS)[number]);
  const letter = mod12(fromLetter + letterSteps) % 7;
  const targetPc = mod12(pitchClass(from) + semitones);
  let shift = mod12(targetPc - LETTER_PC[letter]!);
  if (shift > 6) shift -= 12;
  const name = LETTERS[letter]! + (shift > 0 ? "#".repeat(shift) : "b".repeat(-shift));
  if (Math.abs(shift) > 1 || ["Cb", "Fb", "E#", "B#"].includes(name)) return pcName(targetPc, shift < 0);
  return name;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and modes

export const MODE_INTERVALS: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  phrygian: [0, 1, 3, 5, 7, 8, 10],
};

/** Which degree of its parent major scale each mode starts on (dorian on the 2nd, minor on the 6th, ...). */
const MODE_DEGREE: Record<Mode, number> = { major: 0, dorian: 1, phrygian: 2, lydian: 3, mixolydian: 4, minor: 5 };
/** Major keys as musicians write them (at most six accidentals). */
const MAJOR_KEY_NAMES = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"] as const;
/** Tonic names seen in real key signatures; D# and A# tonics are spelled Eb and Bb instead. */
const COMMON_TONICS = new Set(["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "Bb", "B"]);

/** A key with its tonic spelled as its key signature spells it (F# minor, Eb minor, Bb dorian). */
export function makeKey(tonicPc: number, mode: Mode): Key {
  const degree = MODE_DEGREE[mode];
  const offset = MODE_INTERVALS.major[degree]!;
  const parentPc = mod12(tonicPc - offset);
  const parents = parentPc === 6 ? ["F#", "Gb"] : [MAJOR_KEY_NAMES[parentPc]!];
  const tonics = parents.map((p) => spellAbove(p, degree, offset));
  return { tonic: tonics.find((t) => COMMON_TONICS.has(t)) ?? tonics[0]!, mode };
}

export function keyName(key: Key): string {
  return `${key.tonic} ${key.mode}`;
}

export function tonicPc(key: Key): number {
  return pitchClass(key.tonic);
}

/** The seven pitch classes of the key's scale, tonic first. */
export function scalePcs(key: Key): number[] {
  const t = tonicPc(key);
  return MODE_INTERVALS[key.mode].map((i) => mod12(t + i));
}

export function transposeKey(key: Key, semitones: number): Key {
  return makeKey(tonicPc(key) + semitones, key.mode);
}

/** Relative minor of a major key and relative major of a minor key; other modes have none here. */
export function relativeKey(key: Key): Key | undefined {
  if (key.mode === "major") return makeKey(tonicPc(key) - 3, "minor");
  if (key.mode === "minor") return makeKey(tonicPc(key) + 3, "major");
  return undefined;
}

/** Whether a mode sounds "minor" (its third is minor): decides tonic chords and the mood's valence. */
export function isMinorMode(mode: Mode): boolean {
  return MODE_INTERVALS[mode][2] === 3;
}

// ---------------------------------------------------------------------------------------------------------------
// Chords

export type Quality =
  | "maj" | "min" | "7" | "maj7" | "min7" | "dim" | "aug" | "sus2" | "sus4" | "m7b5" | "dim7" | "6" | "min6"
  | "9" | "min9" | "maj9" | "5";

/** Intervals above the root, ordered root, third, fifth, seventh, ninth (power chords: root, fifth). */
export const QUALITY_INTERVALS: Record<Quality, readonly number[]> = {
  maj: [0, 4, 7], min: [0, 3, 7], "7": [0, 4, 7, 10], maj7: [0, 4, 7, 11], min7: [0, 3, 7, 10],
  dim: [0, 3, 6], aug: [0, 4, 8], sus2: [0, 2, 7], sus4: [0, 5, 7], m7b5: [0, 3, 6, 10], dim7: [0, 3, 6, 9],
  "6": [0, 4, 7, 9], min6: [0, 3, 7, 9], "9": [0, 4, 7, 10, 14], min9: [0, 3, 7, 10, 14], maj9: [0, 4, 7, 11, 14],
  "5": [0, 7],
};

/** How each quality is written after the root in a chord symbol (the notation tonal's Chord.get reads too). */
const QUALITY_SUFFIX: Record<Quality, string> = {
  maj: "", min: "m", "7": "7", maj7: "maj7", min7: "m7", dim: "dim", aug: "aug", sus2: "sus2", sus4: "sus4",
  m7b5: "m7b5", dim7: "dim7", "6": "6", min6: "m6", "9": "9", min9: "m9", maj9: "maj9", "5": "5",
};

export interface Chord {
  /** Root spelled in the key ("Bb" in F major, "A#" never there). */
  root: string;
  rootPc: number;
  quality: Quality;
  /** "Bbmaj7", "F#m7b5", "E5". */
  symbol: string;
  /** Numeral relative to the key it was built in ("bVII", "ii7", "V7"). */
  roman: string;
}

/** Pitch classes of a chord, root first. */
export function chordPcs(chord: Chord): number[] {
  return QUALITY_INTERVALS[chord.quality].map((i) => mod12(chord.rootPc + i));
}

export function chordSymbol(root: string, quality: Quality): string {
  return root + QUALITY_SUFFIX[quality];
}

const NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII"] as const;
const ROMAN_RE = /^(b|#)?(VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)(.*)$/;
/** Suffixes after an upper-case (major) numeral. */
const UPPER_SUFFIX: Record<string, Quality> = {
  "": "maj", "7": "7", maj7: "maj7", "9": "9", maj9: "maj9", "6": "6", sus2: "sus2", sus4: "sus4", "5": "5", "+": "aug",
};
/** Suffixes after a lower-case (minor) numeral. */
const LOWER_SUFFIX: Record<string, Quality> = {
  "": "min", "7": "min7", "9": "min9", "6": "min6", "°": "dim", "°7": "dim7", "ø7": "m7b5", "5": "5",
};

/** Builds the chord a Roman numeral names in a key: chordFromRoman("bVII", C major) is B-flat major. */
export function chordFromRoman(roman: string, key: Key): Chord {
  const m = ROMAN_RE.exec(roman);
  if (!m) throw new Error(`not a Roman numeral: ${roman}`);
  const [, accidental = "", numeral = "", suffix = ""] = m;
  const upper = numeral === numeral.toUpperCase();
  const quality = (upper ? UPPER_SUFFIX : LOWER_SUFFIX)[suffix];
  if (!quality) throw new Error(`unknown chord suffix in ${roman}`);
  const degree = NUMERALS.indexOf(numeral.toUpperCase() as (typeof NUMERALS)[number]);
  const semitones = MODE_INTERVALS.major[degree]! + (accidental === "b" ? -1 : accidental === "#" ? 1 : 0);
  const root = spellAbove(key.tonic, degree, semitones);
  return { root, rootPc: pitchClass(root), quality, symbol: chordSymbol(root, quality), roman };
}

/** The tonic chord of a key in its plainest form (I or i). */
export function tonicRoman(mode: Mode): string {
  return isMinorMode(mode) ? "i" : "I";
}

const chordScaleCache = new Map<string, number[]>();

/**
 * The scale a melody uses over a chord: the key's scale, with any chord tone outside it replacing the scale
 * tones a semitone away (over bVII in C major, Bb replaces B), so passing notes never rub against the chord.
 */
export function chordScale(key: Key, chord: Chord): number[] {
  return memo(chordScaleCache, `${key.tonic} ${key.mode} ${chord.symbol}`, () => makeChordScale(key, chord));
}

function makeChordScale(key: Key, chord: Chord): number[] {
  const tones = chordPcs(chord);
  let scale = scalePcs(key);
  for (const t of tones) {
    if (scale.includes(t)) continue;
    scale = scale.filter((s) => mod12(s - t) !== 1 && mod12(t - s) !== 1);
    scale.push(t);
  }
  return scale.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------------
// Pitches

/** The pitch with pitch class `pc` nearest `target` (ties go down). */
export function nearestWithPc(target: number, pc: number): number {
  const below = target - mod12(target - pc);
  return target - below <= below + 12 - target ? below : below + 12;
}

/** The pitch nearest `target` whose class is in `pcs`, kept within [low, high] when possible (ties go down). */
export function nearestInSet(target: number, pcs: readonly number[], low = 0, high = 127): number {
  const t = Math.round(target);
  for (let d = 0; d <= 127; d++) {
    for (const p of [t - d, t + d]) {
      if (p >= Math.max(0, low) && p <= Math.min(127, high) && pcs.includes(mod12(p))) return p;
    }
  }
  return nearestWithPc(t, pcs[0] ?? 0);
}

/** Moves `steps` scale steps from `pitch` (which should be in the scale) along `pcs`. */
export function stepInSet(pitch: number, steps: number, pcs: readonly number[]): number {
  let p = pitch;
  const dir = Math.sign(steps);
  for (let n = Math.abs(steps); n > 0; ) {
    p += dir;
    if (pcs.includes(mod12(p))) n--;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Voicings

export interface VoicingOptions {
  low: number;
  high: number;
  /** Number of notes wanted (the root is doubled or the fifth dropped to fit). */
  voices: number;
  /** Leave the root to the bass (jazz "rootless" voicings). */
  rootless?: boolean;
}

/**
 * The chord-tone sets a voicing of `voices` notes may use, each with a small cost: rich chords drop the fifth
 * first, then the highest extension; thin chords double a tone (the root freely, the fifth nearly so, the third
 * reluctantly), so voice leading can choose which note to double.
 */
function voicingTones(chord: Chord, voices: number, rootless: boolean): { tones: number[]; cost: number }[] {
  let intervals = QUALITY_INTERVALS[chord.quality].slice();
  if (rootless && intervals.length >= 4) intervals = intervals.slice(1);
  while (intervals.length > voices) {
    const fifth = intervals.indexOf(7);
    intervals.splice(fifth >= 0 ? fifth : intervals.length - 1, 1);
  }
  const base = intervals.map((i) => mod12(chord.rootPc + i));
  const extra = voices - base.length;
  if (extra <= 0) return [{ tones: base, cost: 0 }];
  return base.map((_, d) => {
    const doubled = Array.from({ length: extra }, (_, k) => base[(d + k) % base.length]!);
    const iv = intervals[d]!;
    return { tones: [...base, ...doubled], cost: iv === 0 ? 0 : iv === 7 ? 0.5 : iv === 3 || iv === 4 ? 2 : 1 };
  });
}

const voicingCache = new Map<string, number[]>();

/**
 * Chooses a close- or open-position voicing within [low, high] that moves the least from `prev` (smooth voice
 * leading); with no previous voicing, the one nearest the middle of the range. Callers must not modify the
 * returned array (it is shared through a memo).
 */
export function voiceLead(chord: Chord, prev: readonly number[] | undefined, opts: VoicingOptions): number[] {
  const id = `${chord.symbol}|${prev?.join(",") ?? ""}|${opts.low},${opts.high},${opts.voices},${opts.rootless ?? false}`;
  return memo(voicingCache, id, () => makeVoicing(chord, prev, opts));
}

function makeVoicing(chord: Chord, prev: readonly number[] | undefined, opts: VoicingOptions): number[] {
  const candidates: { notes: number[]; cost: number }[] = [];
  for (const { tones, cost } of voicingTones(chord, opts.voices, opts.rootless ?? false)) {
    for (let r = 0; r < tones.length; r++) {
      const order = [...tones.slice(r), ...tones.slice(0, r)];
      for (let start = opts.low; start < opts.low + 12; start++) {
        if (mod12(start) !== order[0]) continue;
        for (let octave = 0; start + octave <= opts.high; octave += 12) {
          const close: number[] = [start + octave];
          for (const pc of order.slice(1)) {
            const last = close[close.length - 1]!;
            close.push(last + (mod12(pc - last) || 12));
          }
          candidates.push({ notes: close, cost });
          // Open ("drop 2") voicing: the second note from the top down an octave.
          if (close.length >= 4) {
            const open = close.slice();
            open[open.length - 2]! -= 12;
            candidates.push({ notes: open.sort((a, b) => a - b), cost });
          }
        }
      }
    }
  }
  const inRange = candidates.filter((c) => c.notes[0]! >= opts.low && c.notes[c.notes.length - 1]! <= opts.high && new Set(c.notes).size === c.notes.length);
  const pool = inRange.length > 0 ? inRange : candidates;
  const centre = (opts.low + opts.high) / 2;
  let best = pool[0]!.notes;
  let bestCost = Infinity;
  for (const { notes: c, cost: doubling } of pool) {
    let cost = doubling;
    // Holes between upper voices sound thin: anything wider than a sixth costs (the bass may sit apart).
    for (let i = 2; i < c.length; i++) cost += 0.5 * Math.max(0, c[i]! - c[i - 1]! - 9);
    if (prev && prev.length > 0) {
      // Voice i moves from the old voice i (both low to high); with a different number of voices, each new note
      // pays its distance to the nearest old one. Common tones stay put and the top line moves least.
      cost += c.length === prev.length
        ? c.reduce((s, p, i) => s + Math.abs(p - prev[i]!), 0)
        : c.reduce((s, p) => s + Math.min(...prev.map((q) => Math.abs(p - q))), 0);
      cost += 0.5 * Math.abs(c[c.length - 1]! - prev[prev.length - 1]!);
    } else {
      cost += Math.abs(c.reduce((s, p) => s + p, 0) / c.length - centre);
    }
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * A guitar chord shape: root on a low string (E2-Eb3), then fifth, octave or seventh, third, fifth (the shape of an
 * open E or a barre chord), up to `voices` strings. Power chords are root, fifth and octave.
 */
export function guitarVoicing(chord: Chord, voices = 5): number[] {
  const iv = QUALITY_INTERVALS[chord.quality];
  const root = 40 + mod12(chord.rootPc - 4); // E2 .. D#3
  if (chord.quality === "5") return [root, root + 7, root + 12];
  const third = iv[1]!;
  const fifth = iv[2]!;
  const upper = iv[3] !== undefined ? iv[3] : 12;
  const shape = [0, fifth, upper, third + 12, fifth + 12, iv[4] !== undefined ? iv[4] + 12 : 24];
  return shape.slice(0, voices).map((i) => root + i).sort((a, b) => a - b);
}

/** Power-chord voicing for metal and punk: root, fifth, octave, low. */
export function powerVoicing(chord: Chord): number[] {
  const root = 40 + mod12(chord.rootPc - 4);
  return [root, root + 7, root + 12];
}
