// POP909 chord labels (Harte-style "root:quality/bass": "B:maj", "C#:min7", "Bb:sus4(b7)", "E:maj/3", "N") as
// the Score writes chords: a symbol ("B", "C#m7", "Bb7sus4", "E/G#"), the root, a quality code from the
// schema's vocabulary and a Roman numeral relative to the key. Symbols, quality codes and numerals follow the
// synthetic world's conventions (suffix "m", "m7", "maj7", "m7b5"...; numerals relative to the major scale on
// the tonic, so bVII and bIII in minor keys too).
import type { Key } from "../../music/score.js";

const LETTERS = ["C", "D", "E", "F", "G", "A", "B"] as const;
const LETTER_PC = [0, 2, 4, 5, 7, 9, 11] as const;

function mod12(n: number): number {
  return ((n % 12) + 12) % 12;
}

/** Pitch class of a note name with any number of sharps or flats ("C#", "Bb", "Fbb"); undefined if none. */
export function notePc(name: string): number | undefined {
  const m = /^([A-G])([#b]*)$/.exec(name);
  if (!m) return undefined;
  const base = LETTER_PC[LETTERS.indexOf(m[1] as (typeof LETTERS)[number])]!;
  let pc = base;
  for (const c of m[2]!) pc += c === "#" ? 1 : -1;
  return mod12(pc);
}

/**
 * The note a scale degree above a root ("3", "b3", "5", "b7", "9"), spelled by letter: the third of B is D#,
 * the minor third of Bb is Db. Degrees count the major scale; each "b" lowers and each "#" raises a semitone.
 */
export function spellDegree(root: string, degree: string): string | undefined {
  const rootPc = notePc(root);
  const m = /^([#b]*)(\d+)$/.exec(degree);
  if (rootPc === undefined || !m || Number(m[2]) < 1) return undefined;
  const steps = Number(m[2]) - 1;
  const letterIndex = (LETTERS.indexOf(root[0] as (typeof LETTERS)[number]) + steps) % 7;
  let semitones = LETTER_PC[steps % 7]!;
  for (const c of m[1]!) semitones += c === "#" ? 1 : -1;
  const offset = mod12(rootPc + semitones - LETTER_PC[letterIndex]!);
  const accidental = offset === 0 ? "" : offset <= 2 ? "#".repeat(offset) : offset >= 10 ? "b".repeat(12 - offset) : undefined;
  return accidental === undefined ? undefined : LETTERS[letterIndex] + accidental;
}

/**
 * The 15 qualities POP909 uses -> the schema's quality code, the symbol suffix and whether the Roman numeral is upper case.
 * sus4(b7) is a seventh-suspended chord: its symbol says "7sus4" (as the schema's "G7sus4") while its code
 * stays the nearest one in the vocabulary, "sus4"; minmaj7 likewise keeps "min" with the symbol "mMaj7".
 */
const QUALITIES: Readonly<Record<string, { quality: string; suffix: string; romanSuffix: string; upper: boolean }>> = {
  maj: { quality: "maj", suffix: "", romanSuffix: "", upper: true },
  min: { quality: "min", suffix: "m", romanSuffix: "", upper: false },
  "7": { quality: "7", suffix: "7", romanSuffix: "7", upper: true },
  maj7: { quality: "maj7", suffix: "maj7", romanSuffix: "maj7", upper: true },
  min7: { quality: "min7", suffix: "m7", romanSuffix: "7", upper: false },
  maj6: { quality: "6", suffix: "6", romanSuffix: "6", upper: true },
  min6: { quality: "min6", suffix: "m6", romanSuffix: "6", upper: false },
  dim: { quality: "dim", suffix: "dim", romanSuffix: "°", upper: false },
  dim7: { quality: "dim7", suffix: "dim7", romanSuffix: "°7", upper: false },
  hdim7: { quality: "m7b5", suffix: "m7b5", romanSuffix: "ø7", upper: false },
  aug: { quality: "aug", suffix: "aug", romanSuffix: "+", upper: true },
  sus2: { quality: "sus2", suffix: "sus2", romanSuffix: "sus2", upper: true },
  sus4: { quality: "sus4", suffix: "sus4", romanSuffix: "sus4", upper: true },
  "sus4(b7)": { quality: "sus4", suffix: "7sus4", romanSuffix: "sus4", upper: true },
  minmaj7: { quality: "min", suffix: "mMaj7", romanSuffix: "", upper: false },
};

export interface ParsedChord {
  /** "B", "C#m7", "Bb7sus4", "E/G#"; "N" for no chord. */
  symbol: string;
  /** Root spelled as the file spells it; "" for no chord. */
  root: string;
  /** Schema quality code; "" for no chord. */
  quality: string;
  /** The bass note of an inversion ("G#" in E/G#), when it is not the root. */
  bass?: string;
  /** Upper-case numeral and its suffix, for romanNumeral(). */
  upper: boolean;
  romanSuffix: string;
}

/** Parses one chord label; undefined when it is not one POP909 writes. */
export function parseChordLabel(label: string): ParsedChord | undefined {
  if (label === "N") return { symbol: "N", root: "", quality: "", upper: true, romanSuffix: "" };
  const m = /^([A-G][#b]?):([^/]+)(?:\/([#b]*\d+))?$/.exec(label);
  if (!m) return undefined;
  const [, root = "", name = "", bassDegree] = m;
  const q = QUALITIES[name];
  if (!q) return undefined;
  const bass = bassDegree === undefined ? undefined : spellDegree(root, bassDegree);
  if (bassDegree !== undefined && bass === undefined) return undefined;
  const slash = bass !== undefined && bassDegree !== "1" ? `/${bass}` : "";
  return {
    symbol: root + q.suffix + slash,
    root,
    quality: q.quality,
    ...(slash ? { bass } : {}),
    upper: q.upper,
    romanSuffix: q.romanSuffix,
  };
}

// Numerals by semitones above the tonic, relative to the major scale (the synthetic world's convention).
const NUMERALS = ["I", "bII", "II", "bIII", "III", "IV", "#IV", "V", "bVI", "VI", "bVII", "VII"] as const;

/** The chord's Roman numeral in a key ("IV", "vi7", "bVIIsus4", "vii°"); undefined for no chord. */
export function romanNumeral(chord: ParsedChord, key: Key): string | undefined {
  const rootPc = notePc(chord.root), tonicPc = notePc(key.tonic);
  if (rootPc === undefined || tonicPc === undefined) return undefined;
  const numeral = NUMERALS[mod12(rootPc - tonicPc)]!;
  // The accidental stays as written; only the numeral's letters change case.
  return (chord.upper ? numeral : numeral.replace(/[IV]+/, (n) => n.toLowerCase())) + chord.romanSuffix;
}
