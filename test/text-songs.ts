// Song annotations for the text-generator tests: a small builder that turns a compact song description (form,
// key, tempo, who plays where, which events) into a consistent SongAnnotation, a handful of hand-made songs,
// and a seeded random generator of many varied ones.
import { CATALOGUE } from "../src/music/instruments.js";
import { Rng } from "../src/music/rng.js";
import { STYLE_DEFS, STYLES } from "../src/music/styles.js";
import type { EventType, InstrumentFamily, InstrumentRole, Key, Metre, Mode, Mood, SectionLabel } from "../src/music/score.js";
import { ANNOTATION_SCHEMA_VERSION, tempoClass, type Interval, type SongAnnotation } from "../src/data/schema.js";

export interface PartSpec {
  name: string;
  family: InstrumentFamily;
  role: InstrumentRole;
  /** Which sections (by index) it plays in; default all. */
  plays?: (index: number, label: SectionLabel) => boolean;
}

export interface SongSpec {
  id: string;
  style: string;
  key: Key;
  tempo: number;
  metre: Metre;
  form: [SectionLabel, number][];
  parts: PartSpec[];
  lead: string;
  mood: Mood[];
  keyChange?: { section: number; key: Key };
  tempoChange?: { section: number; bpm: number };
  metreChange?: { section: number; metre: Metre };
  /** A drum fill in the last beat of every section that leads into a chorus (when drums play there). */
  drumFills?: boolean;
  /** Sections (by index) whose last bar is a break: everything but the drums stops. */
  breaks?: number[];
  /** Soloist of the "solo" sections. */
  soloist?: string;
  fadeOut?: boolean;
  latency?: number;
}

const MODE_STEPS: Record<Mode, number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10], dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10], lydian: [0, 2, 4, 6, 7, 9, 11], phrygian: [0, 1, 3, 5, 7, 8, 10],
};
const NAMES = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const LETTERS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

function pc(name: string): number {
  let p = LETTERS[name[0]!]!;
  for (const c of name.slice(1)) p += c === "#" ? 1 : -1;
  return ((p % 12) + 12) % 12;
}

/** The diatonic chord on a scale degree (0-based) of a key: root name, quality code, symbol. */
function triad(key: Key, degree: number, seventh: boolean): { root: string; quality: string; symbol: string } {
  const steps = MODE_STEPS[key.mode];
  const at = (d: number) => steps[d % 7]! + 12 * Math.floor(d / 7);
  const third = at(degree + 2) - at(degree), fifth = at(degree + 4) - at(degree);
  let quality = third === 4 ? (fifth === 8 ? "aug" : "maj") : fifth === 6 ? "dim" : "min";
  if (seventh && quality === "maj" && at(degree + 6) - at(degree) === 10) quality = "7";
  const root = NAMES[(pc(key.tonic) + steps[degree % 7]!) % 12]!;
  const suffix: Record<string, string> = { maj: "", min: "m", "7": "7", dim: "dim", aug: "aug" };
  return { root, quality, symbol: root + suffix[quality]! };
}

const PROGRESSIONS: Record<string, number[]> = {
  intro: [0, 4], verse: [0, 5, 3, 4], "pre-chorus": [3, 4], chorus: [3, 4, 0, 5], bridge: [5, 3, 0, 4],
  solo: [0, 3, 4, 0], breakdown: [5, 3], drop: [0, 5, 3, 4], interlude: [3, 0], outro: [3, 4, 0, 0],
};

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Merges intervals that touch or overlap (within 0.01 s). */
function merge(list: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const iv of [...list].sort((x, y) => x.start - y.start)) {
    const last = out[out.length - 1];
    if (last && iv.start <= last.end + 0.01) last.end = Math.max(last.end, iv.end);
    else out.push({ ...iv });
  }
  return out;
}

/** Builds the annotation a renderer would write for the described song. */
export function buildSong(spec: SongSpec): SongAnnotation {
  const latency = spec.latency ?? 0.012;
  let t = latency, bpm = spec.tempo, metre = spec.metre, key = spec.key;
  const sections: SongAnnotation["temporal"]["sections"] = [];
  const chords: SongAnnotation["temporal"]["chords"] = [];
  const keys: SongAnnotation["temporal"]["keys"] = [];
  const tempos: SongAnnotation["temporal"]["tempos"] = [];
  const metres: SongAnnotation["temporal"]["metres"] = [];
  const events: SongAnnotation["temporal"]["events"] = [];
  const beats: number[] = [], downbeats: number[] = [];
  const occurrences = new Map<string, number>();
  const barLengths: number[] = [], beatsPerBar: number[] = [];
  spec.form.forEach(([label, bars], i) => {
    if (spec.keyChange?.section === i) {
      events.push({ type: "key-change", start: round(t), end: round(t), detail: `to ${spec.keyChange.key.tonic} ${spec.keyChange.key.mode}` });
      key = spec.keyChange.key;
    }
    if (spec.tempoChange?.section === i) {
      events.push({ type: "tempo-change", start: round(t), end: round(t), detail: `from ${bpm} to ${spec.tempoChange.bpm} BPM` });
      bpm = spec.tempoChange.bpm;
    }
    if (spec.metreChange?.section === i) {
      events.push({ type: "metre-change", start: round(t), end: round(t) });
      metre = spec.metreChange.metre;
    }
    pushSpan(keys, t, { key }, (a, b) => a.key === b.key);
    pushSpan(tempos, t, { bpm }, (a, b) => a.bpm === b.bpm);
    pushSpan(metres, t, { metre }, (a, b) => a.metre === b.metre);
    const bar = (metre.numerator * (4 / metre.denominator) * 60) / bpm;
    barLengths.push(bar);
    beatsPerBar.push(metre.numerator);
    const occurrence = (occurrences.get(label) ?? 0) + 1;
    occurrences.set(label, occurrence);
    const start = t;
    const prog = PROGRESSIONS[label]!;
    for (let b = 0; b < bars; b++) {
      downbeats.push(round(t));
      for (let k = 0; k < metre.numerator; k++) beats.push(round(t + (k * bar) / metre.numerator));
      const c = triad(key, prog[b % prog.length]!, (b + i) % 3 === 1);
      const prev = chords[chords.length - 1];
      if (prev && prev.symbol === c.symbol && Math.abs(prev.end - t) < 1e-6) prev.end = round(t + bar);
      else chords.push({ start: round(t), end: round(t + bar), ...c });
      t += bar;
    }
    sections.push({ label, bars, occurrence, start: round(start), end: round(t) });
  });
  const duration = round(t + (spec.fadeOut ? 0.5 : 1.2));
  for (const list of [keys, tempos, metres]) list[list.length - 1]!.end = round(t);

  // Who plays where: whole sections, minus the break bars for everything but the drums.
  const breakBars = (spec.breaks ?? []).map((i) => ({ start: round(sections[i]!.end - barLengths[i]!), end: sections[i]!.end }));
  const temporalInstruments = spec.parts.map((p) => {
    let ivs = merge(sections.filter((s, i) => (p.plays ?? (() => true))(i, s.label)).map((s) => ({ start: s.start, end: s.end })));
    if (p.role !== "drums") ivs = ivs.flatMap((iv) => cut(iv, breakBars));
    return { instrument: p.name, intervals: ivs.filter((iv) => iv.end - iv.start > 0.05) };
  });
  const drums = spec.parts.find((p) => p.role === "drums");
  const plays = (name: string, at: number) => temporalInstruments.find((x) => x.instrument === name)?.intervals.some((iv) => iv.start <= at && iv.end >= at) ?? false;
  sections.forEach((s, i) => {
    const next = sections[i + 1];
    const beatLen = barLengths[i]! / beatsPerBar[i]!;
    if (spec.drumFills && drums && next?.label === "chorus" && plays(drums.name, s.end - 0.1)) {
      events.push({ type: "drum-fill", start: round(s.end - beatLen), end: s.end, instrument: drums.name });
    }
    if (s.label === "solo" && spec.soloist) events.push({ type: "solo", start: s.start, end: s.end, instrument: spec.soloist });
    if (s.label === "drop") events.push({ type: "drop", start: s.start, end: s.start });
  });
  for (const b of breakBars) events.push({ type: "break", start: b.start, end: b.end });
  if (spec.fadeOut) {
    const last = sections[sections.length - 1]!;
    events.push({ type: "fade-out", start: round(Math.max(last.start, last.end - 4 * barLengths[barLengths.length - 1]!)), end: last.end });
  }
  events.sort((x, y) => x.start - y.start);

  return {
    schema: ANNOTATION_SCHEMA_VERSION,
    id: spec.id,
    source: "synthetic",
    audio: `${spec.id}.flac`,
    global: {
      style: spec.style,
      key: spec.key,
      tempo: spec.tempo,
      tempoClass: tempoClass(spec.tempo),
      metre: spec.metre,
      instruments: spec.parts.map((p, i) => ({ name: p.name, family: p.family, program: i, isDrums: p.role === "drums", role: p.role })),
      leadInstrument: spec.lead,
      mood: spec.mood,
      duration,
      loudness: { peakDb: -1, rmsDb: -14 },
      soundfont: "test",
      augmentation: { steps: [] },
    },
    temporal: { beats, downbeats, sections, chords, instruments: temporalInstruments, keys, tempos, metres, events, melody: [] },
    render: { renderer: "test", sampleRate: 22050, latency },
  };
}

function pushSpan<T extends object>(list: (Interval & T)[], t: number, value: T, same: (a: T, b: T) => boolean): void {
  const last = list[list.length - 1];
  if (last && same(last, value)) return;
  if (last) last.end = round(t);
  list.push({ start: round(t), end: round(t), ...value });
}

/** An interval with the given holes cut out. */
function cut(iv: Interval, holes: Interval[]): Interval[] {
  let parts = [iv];
  for (const h of holes) {
    parts = parts.flatMap((p) => (h.end <= p.start || h.start >= p.end ? [p] : [
      ...(h.start > p.start ? [{ start: p.start, end: h.start }] : []),
      ...(h.end < p.end ? [{ start: h.end, end: p.end }] : []),
    ]));
  }
  return parts;
}

const all = () => true;
const from = (k: number) => (i: number) => i >= k;
const only = (...labels: SectionLabel[]) => (_: number, l: SectionLabel) => labels.includes(l);
const except = (...labels: SectionLabel[]) => (_: number, l: SectionLabel) => !labels.includes(l);

/** Hand-made songs: different styles, keys, modes, forms, events and changes. */
export function handMadeSongs(): SongAnnotation[] {
  return [
    buildSong({
      id: "pop-ballad", style: "pop", key: { tonic: "Eb", mode: "major" }, tempo: 76, metre: { numerator: 4, denominator: 4 },
      form: [["intro", 4], ["verse", 8], ["pre-chorus", 4], ["chorus", 8], ["verse", 8], ["pre-chorus", 4], ["chorus", 8], ["bridge", 8], ["chorus", 8], ["outro", 4]],
      parts: [
        { name: "grand piano", family: "piano", role: "comping" },
        { name: "fingered bass", family: "bass", role: "bass", plays: from(1) },
        { name: "drum kit", family: "drums", role: "drums", plays: from(2) },
        { name: "string ensemble", family: "strings", role: "pad", plays: only("chorus", "bridge") },
        { name: "flute", family: "woodwind", role: "lead", plays: except("intro") },
      ],
      lead: "flute", mood: ["romantic", "calm"],
      keyChange: { section: 8, key: { tonic: "F", mode: "major" } }, drumFills: true, fadeOut: true,
    }),
    buildSong({
      id: "bossa", style: "bossa nova", key: { tonic: "A", mode: "minor" }, tempo: 132, metre: { numerator: 4, denominator: 4 },
      form: [["intro", 4], ["verse", 16], ["chorus", 8], ["solo", 16], ["verse", 16], ["chorus", 8], ["outro", 4]],
      parts: [
        { name: "nylon guitar", family: "guitar", role: "comping" },
        { name: "acoustic bass", family: "bass", role: "bass" },
        { name: "brush kit", family: "drums", role: "drums", plays: from(1) },
        { name: "tenor sax", family: "woodwind", role: "lead", plays: only("verse", "chorus", "solo") },
        { name: "vibraphone", family: "mallet", role: "counter", plays: only("solo", "outro") },
      ],
      lead: "tenor sax", mood: ["romantic", "dreamy"], soloist: "vibraphone", breaks: [2],
    }),
    buildSong({
      id: "waltz", style: "waltz", key: { tonic: "D", mode: "major" }, tempo: 150, metre: { numerator: 3, denominator: 4 },
      form: [["intro", 8], ["verse", 16], ["chorus", 16], ["interlude", 8], ["verse", 16], ["chorus", 16], ["outro", 8]],
      parts: [
        { name: "accordion", family: "organ", role: "lead", plays: except("interlude") },
        { name: "tuba", family: "brass", role: "bass" },
        { name: "violin", family: "strings", role: "counter", plays: only("chorus", "interlude") },
        { name: "glockenspiel", family: "mallet", role: "counter", plays: only("interlude", "outro") },
      ],
      lead: "accordion", mood: ["playful", "happy"], tempoChange: { section: 6, bpm: 120 },
    }),
    buildSong({
      id: "edm", style: "trance", key: { tonic: "F#", mode: "minor" }, tempo: 138, metre: { numerator: 4, denominator: 4 },
      form: [["intro", 16], ["breakdown", 8], ["drop", 16], ["breakdown", 8], ["drop", 16], ["outro", 8]],
      parts: [
        { name: "electronic drum kit", family: "drums", role: "drums", plays: except("breakdown") },
        { name: "synth bass", family: "bass", role: "bass", plays: only("drop", "outro") },
        { name: "saw lead", family: "synth", role: "lead", plays: only("drop", "breakdown") },
        { name: "warm pad", family: "synth", role: "pad" },
      ],
      lead: "saw lead", mood: ["energetic", "tense"], fadeOut: true,
    }),
    buildSong({
      id: "jazz-dorian", style: "cool jazz", key: { tonic: "D", mode: "dorian" }, tempo: 104, metre: { numerator: 5, denominator: 4 },
      form: [["intro", 4], ["verse", 8], ["solo", 8], ["bridge", 8], ["verse", 8], ["outro", 4]],
      parts: [
        { name: "jazz guitar", family: "guitar", role: "comping" },
        { name: "acoustic bass", family: "bass", role: "bass" },
        { name: "jazz kit", family: "drums", role: "drums", plays: from(1) },
        { name: "muted trumpet", family: "brass", role: "lead", plays: except("intro", "solo") },
        { name: "alto sax", family: "woodwind", role: "counter", plays: only("solo", "bridge") },
      ],
      lead: "muted trumpet", mood: ["calm", "dreamy"], soloist: "alto sax", breaks: [3],
      metreChange: { section: 3, metre: { numerator: 4, denominator: 4 } }, keyChange: { section: 3, key: { tonic: "E", mode: "dorian" } },
    }),
    buildSong({
      id: "punk", style: "punk", key: { tonic: "A#", mode: "mixolydian" }, tempo: 178, metre: { numerator: 4, denominator: 4 },
      form: [["intro", 4], ["verse", 8], ["chorus", 8], ["verse", 8], ["chorus", 8], ["solo", 8], ["chorus", 8], ["chorus", 8], ["outro", 2]],
      parts: [
        { name: "distortion guitar", family: "guitar", role: "comping" },
        { name: "picked bass", family: "bass", role: "bass", plays: from(1) },
        { name: "drum kit", family: "drums", role: "drums" },
        { name: "overdriven guitar", family: "guitar", role: "lead", plays: only("chorus", "solo") },
      ],
      lead: "overdriven guitar", mood: ["aggressive", "energetic"], soloist: "overdriven guitar", drumFills: true, breaks: [4],
    }),
  ];
}

// The random generator draws from the world's own vocabularies: styles, and instruments as the composer names
// them.
// Instruments as the composer names them.
const CAT = [...CATALOGUE.values()];
const BASSES = CAT.filter((e) => e.family === "bass").map((e) => e.name);
const MELODIC: [string, InstrumentFamily][] = CAT.filter((e) => !["bass", "drums", "percussion"].includes(e.family)).map((e) => [e.name, e.family]);
const PERCUSSION = CAT.filter((e) => e.family === "percussion" && e.name !== "latin percussion").map((e) => e.name);
const MODES_W: [Mode, number][] = [["major", 45], ["minor", 35], ["dorian", 6], ["mixolydian", 6], ["lydian", 4], ["phrygian", 4]];
const METRES_W: [Metre, number][] = [
  [{ numerator: 4, denominator: 4 }, 60], [{ numerator: 3, denominator: 4 }, 15], [{ numerator: 6, denominator: 8 }, 12],
  [{ numerator: 2, denominator: 4 }, 4], [{ numerator: 5, denominator: 4 }, 3], [{ numerator: 7, denominator: 8 }, 3],
  [{ numerator: 12, denominator: 8 }, 3],
];
const SPELLINGS = ["C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B"];
const MOODS: Mood[] = ["happy", "sad", "energetic", "calm", "tense", "romantic", "dark", "playful", "triumphant", "melancholic", "dreamy", "aggressive"];
const FORMS: SectionLabel[][] = [
  ["intro", "verse", "chorus", "verse", "chorus", "bridge", "chorus", "outro"],
  ["intro", "verse", "pre-chorus", "chorus", "verse", "pre-chorus", "chorus", "outro"],
  ["intro", "verse", "chorus", "verse", "chorus", "solo", "chorus", "outro"],
  ["verse", "chorus", "verse", "chorus", "bridge", "chorus"],
  ["intro", "verse", "verse", "bridge", "verse", "outro"],
  ["intro", "breakdown", "drop", "breakdown", "drop", "outro"],
  ["intro", "verse", "chorus", "interlude", "verse", "chorus", "solo", "chorus", "chorus", "outro"],
  ["intro", "verse", "pre-chorus", "chorus", "verse", "chorus", "bridge", "solo", "chorus", "outro"],
];

/** A random but consistent song (seeded). */
export function randomSong(rng: Rng, id: string): SongAnnotation {
  const mode = rng.weighted(MODES_W);
  const key: Key = { tonic: rng.pick(SPELLINGS), mode };
  const metre = rng.weighted(METRES_W);
  const tempo = rng.chance(0.2) ? Math.round(rng.uniform(55, 190) * 10) / 10 : rng.int(55, 190);
  const labels = rng.pick(FORMS);
  const form = labels.map((l): [SectionLabel, number] => [l, l === "intro" || l === "outro" ? rng.pick([2, 4, 8]) : rng.pick([4, 8, 8, 16])]);
  const parts: PartSpec[] = [];
  const pickPlays = (): PartSpec["plays"] => rng.weighted<PartSpec["plays"]>([
    [all, 3], [from(rng.int(1, 3)), 2], [only(...rng.shuffle(labels).slice(0, 2)), 2], [except(rng.pick(labels)), 2],
  ]);
  if (rng.chance(0.85)) parts.push({ name: "drum kit", family: "drums", role: "drums", plays: pickPlays() });
  parts.push({ name: rng.pick(BASSES), family: "bass", role: "bass", plays: pickPlays() });
  // As the composer does: the style picks the lead from its own list, the other parts from the catalogue.
  const style = rng.pick(STYLES);
  const leadName = rng.pick(STYLE_DEFS.get(style)!.lead);
  const leadEntry: [string, InstrumentFamily] = [leadName, CATALOGUE.get(leadName)!.family];
  const melodic = [leadEntry, ...rng.shuffle(MELODIC.filter(([n]) => n !== leadName)).slice(0, rng.int(1, 4))];
  melodic.forEach(([name, family], i) => parts.push({ name, family, role: i === 0 ? "lead" : rng.pick(["comping", "pad", "counter"] as const), plays: i === 0 ? except("intro") : pickPlays() }));
  if (rng.chance(0.3)) parts.push({ name: rng.pick(PERCUSSION), family: "percussion", role: "percussion", plays: pickPlays() });
  const lead = melodic[0]![0];
  const lastChorus = labels.lastIndexOf("chorus");
  const steps = [1, 2, 5, -2];
  const spec: SongSpec = {
    id, style, key, tempo, metre, form, parts, lead,
    mood: rng.shuffle(MOODS).slice(0, rng.int(1, 2)),
    drumFills: rng.chance(0.6),
    fadeOut: rng.chance(0.3),
    soloist: rng.pick(melodic)[0],
    breaks: rng.chance(0.4) ? [rng.int(1, labels.length - 2)] : [],
    latency: rng.uniform(0, 0.03),
  };
  if (lastChorus > 2 && rng.chance(0.35)) {
    const s = rng.pick(steps);
    spec.keyChange = { section: lastChorus, key: { tonic: NAMES[(pc(key.tonic) + s + 12) % 12]!, mode: rng.chance(0.8) ? mode : mode === "major" ? "minor" : "major" } };
  }
  if (rng.chance(0.15)) spec.tempoChange = { section: rng.int(2, labels.length - 1), bpm: Math.round(tempo * rng.pick([0.75, 0.85, 1.15, 1.25])) };
  if (rng.chance(0.1)) spec.metreChange = { section: rng.int(2, labels.length - 1), metre: metre.numerator === 3 ? { numerator: 4, denominator: 4 } : { numerator: 3, denominator: 4 } };
  return buildSong(spec);
}

/** n random songs from one seed. */
export function randomSongs(n: number, seed = 1): SongAnnotation[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => randomSong(rng.fork(`song${i}`), `rand${i}`));
}

/** Event types the hand-made songs cover, for a coverage check. */
export const COVERED_EVENTS: EventType[] = ["drum-fill", "solo", "break", "drop", "fade-out", "key-change", "tempo-change", "metre-change"];
