// The annotation of one rendered song: every fact the text generators may use, in seconds as heard in the
// rendered audio file (the renderer's measured latency is already added). One JSON file per song.
// Documented for users in docs/annotation-schema.md.
import type { EventType, Instrument, Key, Metre, Mood, SectionLabel } from "../music/score.js";

export const ANNOTATION_SCHEMA_VERSION = 1;

export type TempoClass = "very slow" | "slow" | "moderate" | "fast" | "very fast";

/** Tempo classes by BPM: < 66 very slow, < 90 slow, < 120 moderate, < 150 fast, else very fast. */
export function tempoClass(bpm: number): TempoClass {
  return bpm < 66 ? "very slow" : bpm < 90 ? "slow" : bpm < 120 ? "moderate" : bpm < 150 ? "fast" : "very fast";
}

export interface Interval {
  start: number;
  end: number;
}

export interface AugmentationRecord {
  /** Each step applied, in order, with its parameters (empty: the clean render). */
  steps: { kind: "reverb" | "eq" | "lowpass" | "highpass" | "gain" | "noise" | "compression" | "resample" | "codec"; params: Record<string, number | string> }[];
}

export interface SongAnnotation {
  schema: typeof ANNOTATION_SCHEMA_VERSION;
  id: string;
  source: "synthetic" | "pop909";
  seed?: number;
  /** The audio file, relative to this annotation's folder. */
  audio: string;
  global: {
    style: string;
    /** The key at the start of the song. */
    key: Key;
    /** The tempo (BPM) that holds for most of the song. */
    tempo: number;
    tempoClass: TempoClass;
    /** The metre that holds for most of the song. */
    metre: Metre;
    instruments: Instrument[];
    leadInstrument: string;
    /** Primary mood first. */
    mood: Mood[];
    /** Seconds of audio. */
    duration: number;
    /** Measured on the rendered (augmented) audio. */
    loudness: { peakDb: number; rmsDb: number };
    soundfont: string;
    augmentation: AugmentationRecord;
    /** Swing ratio of eighth notes (0.5 straight, ~0.67 triplet swing), when the style swings. */
    swing?: number;
  };
  temporal: {
    beats: number[];
    downbeats: number[];
    sections: (Interval & { label: SectionLabel; bars: number; /** 1-based occurrence of this label */ occurrence: number; sourceLabel?: string })[];
    chords: (Interval & { symbol: string; root: string; quality: string; roman?: string })[];
    /** When each instrument sounds (notes merged across gaps shorter than two beats). */
    instruments: { instrument: string; intervals: Interval[] }[];
    keys: (Interval & { key: Key })[];
    tempos: (Interval & { bpm: number })[];
    metres: (Interval & { metre: Metre })[];
    events: (Interval & { type: EventType; instrument?: string; detail?: string })[];
    /** The lead instrument's notes. */
    melody: (Interval & { pitch: number; velocity: number })[];
  };
  render: {
    renderer: string;
    sampleRate: number;
    /** Seconds from a note's scheduled time to its onset in the audio (measured; added to every time above). */
    latency: number;
  };
}
