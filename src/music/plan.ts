// The song plan the part writers share: bars on a timeline, sections with their harmony, energy and active
// instruments, and the chosen tracks. compose() builds it; bass, comping, melody and drums read it.
import type { InstrumentRole, Key, Metre, Note, SectionLabel } from "./score.js";
import type { CatalogueEntry } from "./instruments.js";
import { type MetreInfo, STEP, patternEvents, patternForBar } from "./rhythm.js";
import type { CompOption, StyleDef } from "./styles.js";
import type { Chord } from "./theory.js";

export interface BarPlan {
  index: number;
  /** Beat where the bar starts. */
  start: number;
  /** Length in beats. */
  beats: number;
  metre: Metre;
  info: MetreInfo;
  section: number;
  /** Bar number within its section, from 0. */
  inSection: number;
  key: Key;
}

export interface ChordSpan {
  start: number;
  end: number;
  chord: Chord;
  key: Key;
}

export interface SectionPlan {
  index: number;
  label: SectionLabel;
  /** 1-based occurrence of this label in the song. */
  occurrence: number;
  bars: BarPlan[];
  start: number;
  end: number;
  /** 0 (quiet, sparse) .. 1 (loudest): drives velocities, drum variants and arrangement. */
  energy: number;
  /** Names of the instruments that play in this section. */
  active: Set<string>;
  chords: ChordSpan[];
  /** The instrument taking a solo here. */
  soloist?: string;
  /** Bars at the end of the section given to an EDM build-up (snare roll, rising pads). */
  buildBars: number;
  /** The section whose melody this one repeats (its label, e.g. "verse"): same tune, new words. */
  theme: string;
}

export interface TrackPlan {
  name: string;
  role: InstrumentRole;
  entry: CatalogueEntry;
  /** How a comping or pad track plays. */
  comp?: CompOption;
  notes: Note[];
}

export interface SongPlan {
  style: StyleDef;
  homeKey: Key;
  bars: BarPlan[];
  sections: SectionPlan[];
  tracks: TrackPlan[];
  /** Swing ratio for swung styles. */
  swing?: number;
  /** Lead instrument (carries the melody). */
  lead: string;
  /** Main tempo in BPM (before any section tempo change). */
  bpm: number;
}

/** The chord sounding at a beat within a section (the last one when past the end). */
export function chordAt(section: SectionPlan, beat: number): ChordSpan {
  for (const c of section.chords) if (beat >= c.start - 1e-9 && beat < c.end - 1e-9) return c;
  return section.chords[section.chords.length - 1]!;
}

/** The chord after the one sounding at `beat` (across sections), for anticipations and approach notes. */
export function nextChord(song: SongPlan, section: SectionPlan, beat: number): ChordSpan {
  const here = chordAt(section, beat);
  const i = section.chords.indexOf(here);
  if (i + 1 < section.chords.length) return section.chords[i + 1]!;
  const next = song.sections[section.index + 1];
  return next?.chords[0] ?? here;
}

/** Base velocity of a role in a section: louder sections play louder; leads sit above the accompaniment. */
export function baseVelocity(section: SectionPlan, role: InstrumentRole): number {
  const offset: Record<InstrumentRole, number> = { lead: 8, counter: -2, comping: -8, pad: -14, bass: 0, drums: 4, percussion: -10 };
  return Math.max(20, Math.min(120, Math.round(48 + 58 * section.energy + offset[role])));
}

export function clampVelocity(v: number): number {
  return Math.max(1, Math.min(127, Math.round(v)));
}

export interface TimedEvent {
  start: number;
  end: number;
  /** The pattern character that made it ("x", "D", "3", "R", ...). */
  char: string;
  chord: ChordSpan;
  /** Whether this is the note's own onset (false: re-struck because the chord changed under it). */
  onset: boolean;
  /** Step of the onset within the bar. */
  step: number;
}

/**
 * One bar of a pattern as timed events, each split where the chord changes so no note holds across a change.
 * Undefined when the pattern does not fit the bar's metre.
 */
export function timedEvents(pattern: string, bar: BarPlan, section: SectionPlan): TimedEvent[] | undefined {
  const p = patternForBar(pattern, bar.info.steps, bar.inSection);
  if (!p) return undefined;
  const out: TimedEvent[] = [];
  for (const ev of patternEvents(p)) {
    let start = bar.start + ev.step * STEP;
    const end = bar.start + ev.endStep * STEP;
    let onset = true;
    while (start < end - 1e-9) {
      const chord = chordAt(section, start);
      const stop = chord.end > start + 1e-9 ? Math.min(end, chord.end) : end;
      out.push({ start, end: stop, char: ev.char, chord, onset, step: ev.step });
      start = stop;
      onset = false;
    }
  }
  return out;
}
