// Questions a text generator asks of an annotation: which section is at a time, what plays when, what changes
// where. Every generator reads the facts through these, so they agree on names and edge rules.
import type { EventType, Key, Metre } from "../../music/score.js";
import type { Interval, SongAnnotation } from "../schema.js";
import { sameKey, sameMetre } from "./theory.js";
import { capitalize, ordinal } from "./words.js";

export type Section = SongAnnotation["temporal"]["sections"][number];
export type Chord = SongAnnotation["temporal"]["chords"][number];
export type SongEvent = SongAnnotation["temporal"]["events"][number];

/** A section with the names text uses for it. */
export interface NamedSection extends Section {
  index: number;
  /** "the second verse", or "the bridge" when the song has one bridge. */
  name: string;
  /** "Verse 2" / "Bridge". */
  title: string;
  /** How many sections of this label the song has. */
  labelCount: number;
}

const LABEL_NOUN: Readonly<Record<string, string>> = { solo: "solo section" };

/** The noun for a section label ("pre-chorus", "solo section"). */
export function labelNoun(label: string): string {
  return LABEL_NOUN[label] ?? label;
}

/** The first instrument that accompanies (comping, else pad; "" when none does): with the lead, what a listener names first. */
export function accompanimentOf(a: SongAnnotation): string {
  const of = (role: string) => a.global.instruments.find((i) => i.role === role)?.name;
  return of("comping") ?? of("pad") ?? "";
}

export function namedSections(a: SongAnnotation): NamedSection[] {
  const names = sectionNames(a.temporal.sections);
  return a.temporal.sections.map((s, index) => ({ ...s, index, ...names[index]! }));
}

/**
 * What text calls each of a song's sections, in order, from their labels alone: "the second verse" and "Verse 2"
 * when the song has several verses, "the bridge" and "Bridge" when it has one. The n-th section of a label is
 * its n-th occurrence. What the timeline head reads is named the same way (model/timeline-text.ts).
 */
export function sectionNames(sections: readonly { label: string }[]): { name: string; title: string; labelCount: number }[] {
  const counts = new Map<string, number>();
  for (const s of sections) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  const seen = new Map<string, number>();
  return sections.map((s) => {
    const labelCount = counts.get(s.label) ?? 1;
    const occurrence = (seen.get(s.label) ?? 0) + 1;
    seen.set(s.label, occurrence);
    const noun = labelNoun(s.label);
    return labelCount > 1
      ? { name: `the ${ordinal(occurrence)} ${noun}`, title: `${capitalize(noun)} ${occurrence}`, labelCount }
      : { name: `the ${noun}`, title: capitalize(noun), labelCount };
  });
}

/** Index of the section sounding at t (the last one whose start is <= t), or -1 before the first. */
export function sectionIndexAt(a: SongAnnotation, t: number): number {
  let found = -1;
  a.temporal.sections.forEach((s, i) => {
    if (s.start <= t) found = i;
  });
  return found;
}

/** The chord sounding at t, if any (an "N" chord counts as none). */
export function chordAt(a: SongAnnotation, t: number): Chord | undefined {
  const c = a.temporal.chords.find((x) => x.start <= t && t < x.end);
  return c && c.symbol !== "N" ? c : undefined;
}

/** Chords whose span comes within `tol` seconds of t. */
export function chordsNear(a: SongAnnotation, t: number, tol: number): Chord[] {
  return a.temporal.chords.filter((c) => c.start < t + tol && c.end > t - tol);
}

/**
 * Rests shorter than this (seconds) are a player breathing between phrases, not the instrument leaving: text
 * treats the instrument as playing through them. The annotation merges only gaps under two beats.
 */
export const REST_GAP = 2.5;

/** When an instrument sounds as the annotation has it (merged across gaps under two beats). */
export function rawIntervalsOf(a: SongAnnotation, instrument: string): Interval[] {
  return a.temporal.instruments.find((x) => x.instrument === instrument)?.intervals ?? [];
}

/** When an instrument plays, as text tells it: merged across rests shorter than REST_GAP. */
export function intervalsOf(a: SongAnnotation, instrument: string): Interval[] {
  const out: Interval[] = [];
  for (const iv of rawIntervalsOf(a, instrument)) {
    const last = out[out.length - 1];
    if (last && iv.start - last.end < REST_GAP) last.end = Math.max(last.end, iv.end);
    else out.push({ start: iv.start, end: iv.end });
  }
  return out;
}

/** Whether an instrument sounds through all of [from, to]. */
export function playsThroughout(a: SongAnnotation, instrument: string, from: number, to: number): boolean {
  return intervalsOf(a, instrument).some((iv) => iv.start <= from && iv.end >= to);
}

/** Whether an instrument sounds anywhere in [from, to]. */
export function playsDuring(a: SongAnnotation, instrument: string, from: number, to: number): boolean {
  return intervalsOf(a, instrument).some((iv) => iv.start < to && iv.end > from);
}

/** Seconds an instrument sounds inside [from, to]. */
export function overlapSeconds(a: SongAnnotation, instrument: string, from: number, to: number): number {
  return intervalsOf(a, instrument).reduce((s, iv) => s + Math.max(0, Math.min(iv.end, to) - Math.max(iv.start, from)), 0);
}

/** Instruments that sound for at least `share` of [from, to], in the song's instrument order. */
export function instrumentsIn(a: SongAnnotation, from: number, to: number, share = 0.25): string[] {
  return a.global.instruments.map((i) => i.name).filter((n) => overlapSeconds(a, n, from, to) >= share * (to - from));
}

/** An instrument starting or stopping. `first`: its first entry; `last`: its final exit. */
export interface InstrumentChange {
  instrument: string;
  time: number;
  kind: "enter" | "exit";
  first: boolean;
  last: boolean;
}

/**
 * Entries and exits, in time order. An entry within `edge` seconds of the music's start is "from the start" and
 * an exit within `edge` seconds of its end (the last section's end: the file may run on with a reverb tail) is
 * "to the end": neither is a change.
 */
export function instrumentChanges(a: SongAnnotation, edge = 0.5): InstrumentChange[] {
  const sections = a.temporal.sections;
  const musicStart = sections[0]?.start ?? 0;
  const musicEnd = sections[sections.length - 1]?.end ?? a.global.duration;
  const out: InstrumentChange[] = [];
  for (const { instrument } of a.temporal.instruments) {
    const intervals = intervalsOf(a, instrument);
    intervals.forEach((iv, i) => {
      if (iv.start > musicStart + edge) out.push({ instrument, time: iv.start, kind: "enter", first: i === 0, last: false });
      if (iv.end < musicEnd - edge) out.push({ instrument, time: iv.end, kind: "exit", first: false, last: i === intervals.length - 1 });
    });
  }
  return out.sort((x, y) => x.time - y.time || x.instrument.localeCompare(y.instrument));
}

/** Entries (or exits) at the same moment (within 50 ms), together. */
export function groupChanges(changes: readonly InstrumentChange[]): InstrumentChange[][] {
  const groups: InstrumentChange[][] = [];
  for (const c of changes) {
    const g = groups.find((x) => x[0]!.kind === c.kind && Math.abs(x[0]!.time - c.time) < 0.05);
    if (g) g.push(c);
    else groups.push([c]);
  }
  return groups;
}

export interface Change<T> {
  time: number;
  from: T;
  to: T;
}

/** Key changes (consecutive entries of temporal.keys that differ). */
export function keyChanges(a: SongAnnotation): Change<Key>[] {
  return changes(a.temporal.keys.map((k) => ({ start: k.start, value: k.key })), sameKey);
}

/** Tempo changes of at least `minDelta` BPM (smaller drifts are not something a listener names). */
export function tempoChanges(a: SongAnnotation, minDelta = 4): Change<number>[] {
  return changes(a.temporal.tempos.map((t) => ({ start: t.start, value: t.bpm })), (x, y) => Math.abs(x - y) < minDelta);
}

/**
 * Metre changes. None for POP909 songs: their metre map follows the beat file bar by bar, and its odd bars (2/4,
 * 5/4, 1/4 in 776 of the 909 songs) are pickups, held endings and beat-tracking slips rather than changes a
 * listener would name; only their prevailing metre (global.metre) is reliable.
 */
export function metreChanges(a: SongAnnotation): Change<Metre>[] {
  if (a.source === "pop909") return [];
  return changes(a.temporal.metres.map((m) => ({ start: m.start, value: m.metre })), sameMetre);
}

function changes<T>(entries: { start: number; value: T }[], same: (x: T, y: T) => boolean): Change<T>[] {
  const out: Change<T>[] = [];
  let current = entries[0]?.value;
  for (const e of entries.slice(1)) {
    if (current !== undefined && !same(current, e.value)) {
      out.push({ time: e.start, from: current, to: e.value });
      current = e.value;
    }
  }
  return out;
}

/** Words for an event type: the noun ("drum fill") and how one says it starts. */
const EVENT_NOUN: Readonly<Record<EventType, string>> = {
  "drum-fill": "drum fill", solo: "solo", break: "break", drop: "drop", "fade-in": "fade-in", "fade-out": "fade-out",
  crescendo: "crescendo", stop: "full stop", "key-change": "key change", "tempo-change": "tempo change",
  "metre-change": "metre change",
};

/** "the drum fill", "the trumpet solo". */
export function eventNoun(e: SongEvent): string {
  const noun = EVENT_NOUN[e.type];
  return e.type === "solo" && e.instrument ? `${e.instrument} solo` : noun;
}

/** A moment in the song that text can name uniquely ("the key change", "the return of the trumpet"). */
export interface Happening {
  time: number;
  name: string;
  /** The instrument it concerns, if any: two moments of one instrument are not offered together (it drops out before it returns). */
  instrument?: string;
}

/**
 * Moments that occur once and can be named without an ordinal (an ordinal would give the order away): events of
 * a type that occurs once, the first time an instrument drops out (not for good), and its first return after
 * that. First entrances and final exits are left out, like fades and the closing ritardando: they sit at the
 * start or the end of a song, so naming one gives the order away (and instrument-timing asks about them).
 * Section starts are left to the section questions. Moments closer than `gap` seconds to an earlier-listed one
 * are left out, so no two differ by less than a listener could tell.
 */
export function happenings(a: SongAnnotation, gap = 3): Happening[] {
  const candidates: Happening[] = [];
  const byNoun = new Map<string, SongEvent[]>();
  for (const e of a.temporal.events) {
    const noun = eventNoun(e);
    byNoun.set(noun, [...(byNoun.get(noun) ?? []), e]);
  }
  for (const [noun, events] of byNoun) {
    const e = events[0]!;
    const atAnEdge = noun.startsWith("fade") || (e.type === "tempo-change" && e.detail?.startsWith("ritardando"));
    if (events.length === 1 && !atAnEdge) candidates.push({ time: e.start, name: `the ${noun}`, ...(e.instrument ? { instrument: e.instrument } : {}) });
  }
  const named = new Set<string>();
  for (const c of instrumentChanges(a, 2)) {
    const kind = c.kind === "exit" ? (c.last ? undefined : "drop-out") : c.first ? undefined : "return";
    if (!kind || named.has(`${kind} ${c.instrument}`)) continue;
    named.add(`${kind} ${c.instrument}`);
    const name = kind === "drop-out" ? `the moment the ${c.instrument} first drops out` : `the return of the ${c.instrument}`;
    candidates.push({ time: c.time, name, instrument: c.instrument });
  }
  const kept: Happening[] = [];
  for (const h of candidates) {
    if (h.time > 1 && h.time < a.global.duration - 1 && kept.every((k) => Math.abs(k.time - h.time) >= gap)) kept.push(h);
  }
  return kept.sort((x, y) => x.time - y.time);
}

/** Total seconds per chord quality, "N" excluded. */
export function qualitySeconds(a: SongAnnotation): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of a.temporal.chords) {
    if (c.symbol !== "N") m.set(c.quality, (m.get(c.quality) ?? 0) + (c.end - c.start));
  }
  return m;
}
