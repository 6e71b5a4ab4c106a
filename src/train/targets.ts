// Stage 0 targets: what the experts learn to hear before any text is involved, computed from a song's
// annotation for one crop of its audio. The global expert gets clip-level facts (style, key, mode, metre,
// tempo, instruments, mood); the temporal expert gets facts per token (40 ms at 25 tokens/s): beats,
// downbeats, section boundaries and labels, chord roots and qualities, which instrument families play,
// events, and the melody's pitch class. Everything here is a fixed vocabulary, so head sizes never change.
import { TIMELINE_SECTIONS } from "../model/timeline.js";
import { type SongAnnotation, tempoClass } from "../data/schema.js";
import { CATALOGUE } from "../music/instruments.js";
import { METRE_IDS } from "../music/rhythm.js";
import type { EventType, InstrumentFamily, Mood, SectionLabel } from "../music/score.js";
import { MODES } from "../music/score.js";
import { STYLES } from "../music/styles.js";
import { pitchClass } from "../music/theory.js";

export const IGNORE = -100;

export const STYLE_CLASSES: readonly string[] = STYLES;
export const MODE_CLASSES = MODES;
export const METRE_CLASSES = METRE_IDS;
export const TEMPO_CLASSES = ["very slow", "slow", "moderate", "fast", "very fast"] as const;
export const MOOD_CLASSES: readonly Mood[] = ["happy", "sad", "energetic", "calm", "tense", "romantic", "dark", "playful", "triumphant", "melancholic", "dreamy", "aggressive"];
export const INSTRUMENT_CLASSES: readonly string[] = [...CATALOGUE.keys()];
export const FAMILY_CLASSES: readonly InstrumentFamily[] = ["piano", "keys", "organ", "guitar", "bass", "strings", "brass", "woodwind", "synth", "voice", "drums", "percussion", "mallet"];
/** The section labels, in the order of every section head's outputs (the timeline head's too). */
export const SECTION_CLASSES: readonly SectionLabel[] = TIMELINE_SECTIONS;
/** Chord qualities folded into the families a listener tells apart. */
export const CHORD_QUALITY_CLASSES = ["major", "minor", "dominant 7", "major 7", "minor 7", "diminished", "augmented", "suspended", "power"] as const;
export const EVENT_CLASSES: readonly EventType[] = ["drum-fill", "solo", "break", "drop", "fade-in", "fade-out", "crescendo", "stop"];

const QUALITY_FAMILY: Record<string, (typeof CHORD_QUALITY_CLASSES)[number]> = {
  maj: "major", "6": "major", maj9: "major 7", min: "minor", min6: "minor", min9: "minor 7", "7": "dominant 7", "9": "dominant 7",
  maj7: "major 7", min7: "minor 7", dim: "diminished", dim7: "diminished", m7b5: "diminished", aug: "augmented", sus2: "suspended", sus4: "suspended", "5": "power",
};

/** Clip-level targets of one crop (class indices; IGNORE where the fact is unknown). */
export interface GlobalTargets {
  style: number;
  tonic: number;
  mode: number;
  metre: number;
  tempoClass: number;
  /** log2(bpm / 120): regression target. */
  logTempo: number;
  instruments: number[];
  families: number[];
  moods: number[];
}

/** Per-token targets of one crop: arrays of length `tokens` (multi-label ones flattened [tokens * classes]). */
export interface TemporalTargets {
  beat: Float32Array;
  downbeat: Float32Array;
  boundary: Float32Array;
  section: Int32Array;
  chordRoot: Int32Array;
  chordQuality: Int32Array;
  melody: Int32Array;
  families: Float32Array;
  events: Float32Array;
}

function indexOf<T>(list: readonly T[], value: T): number {
  const i = list.indexOf(value);
  return i < 0 ? IGNORE : i;
}

/** The value of a timed list at time t (the segment containing t), or undefined. */
function at<T extends { start: number; end: number }>(segments: readonly T[], t: number): T | undefined {
  return segments.find((s) => s.start <= t && t < s.end);
}

export function globalTargets(a: SongAnnotation, cropStart: number, cropEnd: number): GlobalTargets {
  const mid = (cropStart + cropEnd) / 2;
  const key = at(a.temporal.keys, mid)?.key ?? a.global.key;
  const bpm = at(a.temporal.tempos, mid)?.bpm ?? a.global.tempo;
  const metre = at(a.temporal.metres, mid)?.metre ?? a.global.metre;
  // Instruments count when they play inside the crop, not merely somewhere in the song.
  const playing = new Set(a.temporal.instruments.filter((i) => i.intervals.some((iv) => iv.start < cropEnd && iv.end > cropStart)).map((i) => i.instrument));
  const families = new Set([...playing].map((name) => CATALOGUE.get(name)?.family).filter((f): f is InstrumentFamily => f !== undefined));
  return {
    style: indexOf(STYLE_CLASSES, a.global.style),
    tonic: pitchClass(key.tonic),
    mode: indexOf(MODE_CLASSES, key.mode),
    metre: indexOf(METRE_CLASSES as readonly string[], `${metre.numerator}/${metre.denominator}`),
    tempoClass: indexOf(TEMPO_CLASSES as readonly string[], tempoClass(bpm)),
    logTempo: Math.log2(bpm / 120),
    instruments: [...playing].map((n) => INSTRUMENT_CLASSES.indexOf(n)).filter((i) => i >= 0),
    families: [...families].map((f) => FAMILY_CLASSES.indexOf(f)),
    moods: a.global.mood.map((m) => MOOD_CLASSES.indexOf(m)).filter((i) => i >= 0),
  };
}

/** Marks tokens within `radius` tokens of each time (beats, boundaries) with 1. */
function markTimes(times: Iterable<number>, cropStart: number, tokenSeconds: number, tokens: number, radius: number): Float32Array {
  const out = new Float32Array(tokens);
  for (const t of times) {
    const centre = Math.floor((t - cropStart) / tokenSeconds);
    for (let k = centre - radius; k <= centre + radius; k++) if (k >= 0 && k < tokens) out[k] = 1;
  }
  return out;
}

export function temporalTargets(a: SongAnnotation, cropStart: number, tokens: number, tokenSeconds: number): TemporalTargets {
  const t = a.temporal;
  const boundaries = t.sections.flatMap((s) => [s.start, s.end]);
  const out: TemporalTargets = {
    beat: markTimes(t.beats, cropStart, tokenSeconds, tokens, 0),
    downbeat: markTimes(t.downbeats, cropStart, tokenSeconds, tokens, 0),
    boundary: markTimes(boundaries, cropStart, tokenSeconds, tokens, 1),
    section: new Int32Array(tokens).fill(IGNORE),
    chordRoot: new Int32Array(tokens).fill(IGNORE),
    chordQuality: new Int32Array(tokens).fill(IGNORE),
    melody: new Int32Array(tokens).fill(IGNORE),
    families: new Float32Array(tokens * FAMILY_CLASSES.length),
    events: new Float32Array(tokens * EVENT_CLASSES.length),
  };
  const noChord = 12, noMelody = 12;
  for (let k = 0; k < tokens; k++) {
    const time = cropStart + (k + 0.5) * tokenSeconds;
    if (time > a.global.duration) break; // padding past the end of the audio: no targets
    const section = at(t.sections, time);
    out.section[k] = section ? indexOf(SECTION_CLASSES, section.label) : IGNORE;
    const chord = at(t.chords, time);
    // "No chord" is the symbol N (POP909 leaves the root empty, the composer writes N).
    const hasChord = chord !== undefined && chord.symbol !== "N" && chord.root !== "" && chord.root !== "N";
    out.chordRoot[k] = hasChord ? pitchClass(chord.root) : noChord;
    out.chordQuality[k] = hasChord ? indexOf(CHORD_QUALITY_CLASSES as readonly string[], QUALITY_FAMILY[chord.quality] ?? "") : IGNORE;
    const note = t.melody.find((n) => n.start <= time && time < n.end);
    out.melody[k] = note ? note.pitch % 12 : noMelody;
    for (const inst of t.instruments) {
      const family = CATALOGUE.get(inst.instrument)?.family;
      const f = family ? FAMILY_CLASSES.indexOf(family) : -1;
      if (f >= 0 && inst.intervals.some((iv) => iv.start <= time && time < iv.end)) out.families[k * FAMILY_CLASSES.length + f] = 1;
    }
    for (const e of t.events) {
      const ev = EVENT_CLASSES.indexOf(e.type);
      if (ev >= 0 && e.start <= time && time < e.end) out.events[k * EVENT_CLASSES.length + ev] = 1;
    }
  }
  return out;
}

/** The times where one section gives way to the next: every section start but the first. */
export function innerBoundaries(a: SongAnnotation): number[] {
  return a.temporal.sections.slice(1).map((s) => s.start);
}

/**
 * Targets of a whole song's timeline at `n` evenly spaced positions (a token or a pooled group of tokens):
 * section label index (IGNORE where none), whether a section starts within `boundaryTargetSeconds` of the
 * position's centre, and the instrument families sounding [n * families].
 */
export function timelineTargets(a: SongAnnotation, n: number, positionSeconds: number, boundaryTargetSeconds: number): { section: Int32Array; boundary: Float32Array; families: Float32Array } {
  const t = temporalTargets(a, 0, n, positionSeconds);
  const starts = innerBoundaries(a);
  const boundary = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const time = (k + 0.5) * positionSeconds;
    if (starts.some((s) => Math.abs(s - time) <= boundaryTargetSeconds)) boundary[k] = 1;
  }
  return { section: t.section, boundary, families: t.families };
}
