// Melodies, solos and counter-melodies.
//
// A tune is made once per theme (verse, chorus, ...) as phrases of rhythm and contour, and sung again whenever that
// section returns, fitted to the chords and key in force: the second verse has the first verse's melody, and a
// chorus a step higher is the same chorus a step higher. Notes on strong beats and long notes are chord tones;
// the notes between move by step through the chord's scale; phrases end on a long chord tone and a breath.
// Solos are freer: denser lines that wander over a wider range, with blue notes or chromatic approaches where
// the style has them.
import type { Key, Note } from "./score.js";
import type { Rng } from "./rng.js";
import { type SectionPlan, type SongPlan, type TrackPlan, baseVelocity, chordAt, clampVelocity } from "./plan.js";
import { type MetreInfo, STEP, stepWeight } from "./rhythm.js";
import type { MelodySpec } from "./styles.js";
import { chordPcs, chordScale, mod12, nearestInSet, nearestWithPc, stepInSet, tonicPc } from "./theory.js";

interface TemplateNote {
  bar: number;
  step: number;
  steps: number;
  /** Scale steps above (or below) the tune's centre. */
  contour: number;
  cadence: boolean;
}

interface Phrase {
  notes: TemplateNote[];
}

interface Tune {
  phraseBars: number;
  /** Phrase templates, indexed by letter (A = 0) and variant. */
  phrases: Map<string, Phrase>;
  /** Order of phrases in a section: letter and variant (A A' B A''). */
  order: [number, number][];
  density: number;
  info: MetreInfo;
}

type Shape = (x: number) => number;
const SHAPES: Shape[] = [
  (x) => Math.sin(Math.PI * x), // arch
  (x) => 1 - x, // falling
  (x) => x, // rising
  (x) => 0.5 + 0.5 * Math.sin(2 * Math.PI * x), // wave
  (x) => 1 - Math.sin(Math.PI * x), // valley
];

/** Onsets (steps) and lengths for one bar of melody, denser on strong beats. */
function barRhythm(info: MetreInfo, spec: MelodySpec, density: number, rng: Rng, ending: boolean): { step: number; steps: number }[] {
  const beats = info.steps / 4;
  const weights: number[] = [];
  for (let s = 0; s < info.steps; s++) weights.push(!spec.sixteenths && s % 2 === 1 ? 0 : stepWeight(info, s) ** 1.5);
  const scale = (density * beats) / weights.reduce((a, b) => a + b, 0);
  let limit = info.steps;
  let longAt = -1;
  if (ending) {
    // A phrase ends on a long note at a strong pulse near the middle of its last bar, then breathes.
    longAt = rng.chance(0.3) ? 0 : info.pulses[Math.floor(info.pulses.length / 2)] ?? 0;
    limit = longAt;
  }
  const onsets = new Set<number>();
  for (let s = 0; s < limit; s++) if (rng.chance(Math.min(0.95, weights[s]! * scale))) onsets.add(s);
  // Syncopation: a note on a pulse moves an eighth earlier (an anticipation).
  for (const p of info.pulses) {
    if (p > 0 && onsets.has(p) && !onsets.has(p - 2) && p - 2 < limit && rng.chance(spec.syncopation)) {
      onsets.delete(p);
      onsets.add(p - 2);
    }
  }
  if (ending) onsets.add(longAt);
  if (onsets.size === 0) onsets.add(rng.pick(info.pulses));
  const sorted = [...onsets].sort((a, b) => a - b);
  const rest = ending ? Math.min(info.steps - longAt - 2, rng.pick([2, 4, 4, 6])) : 0;
  return sorted.map((step, i) => ({ step, steps: (i + 1 < sorted.length ? sorted[i + 1]! : info.steps - Math.max(0, rest)) - step }));
}

function makePhrase(tune: Omit<Tune, "phrases" | "order">, spec: MelodySpec, letter: number, rng: Rng, base?: Phrase): Phrase {
  const bars = tune.phraseBars;
  const notes: TemplateNote[] = [];
  if (base) {
    // A variant keeps the phrase's opening bars and answers with a new last bar.
    notes.push(...base.notes.filter((n) => n.bar < bars - 1).map((n) => ({ ...n })));
  } else {
    for (let b = 0; b < bars - 1; b++) {
      let r = barRhythm(tune.info, spec, tune.density, rng, false);
      // Phrases often start after the downbeat, like a singer taking a breath.
      if (b === 0 && r.length > 1 && rng.chance(0.3)) r = r.slice(1);
      for (const n of r) notes.push({ bar: b, step: n.step, steps: n.steps, contour: 0, cadence: false });
    }
  }
  for (const n of barRhythm(tune.info, spec, tune.density, rng, true)) notes.push({ bar: bars - 1, step: n.step, steps: n.steps, contour: 0, cadence: false });
  notes[notes.length - 1]!.cadence = true;
  // Contour: a shape over the phrase, higher for the contrasting B phrase, with a little wandering.
  const shape = rng.pick(SHAPES);
  const amp = rng.int(2, 5);
  const lift = letter === 1 ? 1 : 0;
  notes.forEach((n, i) => {
    const x = notes.length > 1 ? i / (notes.length - 1) : 0;
    n.contour = Math.round(amp * shape(x) - amp / 3 + lift + rng.normal(0, 0.6));
  });
  return { notes };
}

function makeTune(spec: MelodySpec, info: MetreInfo, rng: Rng): Tune {
  const phraseBars = rng.pick(spec.phraseBars);
  const density = rng.uniform(spec.density[0], spec.density[1]);
  const order = rng.pick<[number, number][]>([
    [[0, 0], [0, 1], [1, 0], [0, 2]],
    [[0, 0], [1, 0], [0, 0], [2, 0]],
    [[0, 0], [0, 1], [1, 0], [2, 0]],
    [[0, 0], [1, 0], [0, 1], [1, 1]],
  ]);
  const tune: Tune = { phraseBars, phrases: new Map(), order, density, info };
  for (const [letter, variant] of order) {
    const id = `${letter}:${variant}`;
    if (tune.phrases.has(id)) continue;
    const base = variant > 0 ? tune.phrases.get(`${letter}:0`) : undefined;
    tune.phrases.set(id, makePhrase(tune, spec, letter, rng.fork(id), base));
  }
  return tune;
}

/** Where a melody sits: its centre pitch in the key in force, and its allowed range. */
interface Register {
  centre: number;
  low: number;
  high: number;
}

function registerFor(range: [number, number], home: Key, key: Key, span: number): Register {
  const width = Math.min(span, range[1] - range[0]);
  // The tonic sits about a third of the way up the tune's window; the window sits in the middle of the range.
  const ideal = range[0] + (range[1] - range[0] - width) / 2 + width * 0.35;
  const homeCentre = nearestWithPc(ideal, tonicPc(home));
  let shift = mod12(tonicPc(key) - tonicPc(home));
  if (shift > 6) shift -= 12;
  const centre = homeCentre + shift;
  const low = Math.max(range[0], centre - Math.round(width * 0.35));
  const high = Math.min(range[1], low + width);
  return { centre, low, high };
}

/** Folds a target back into the window (a line that would climb past the top turns down instead). */
function fold(target: number, reg: Register): number {
  if (target > reg.high) return Math.max(reg.low, 2 * reg.high - target);
  if (target < reg.low) return Math.min(reg.high, 2 * reg.low - target);
  return target;
}

/**
 * The pitch for one note: chord tones on strong beats, long notes and phrase ends; otherwise the chord scale. The
 * cost mixes closeness to the contour target with closeness to the previous note (stepwise motion), and makes a
 * third repetition of the same pitch expensive.
 */
function choosePitch(rawTarget: number, prev: number | undefined, repeats: number, pcs: readonly number[], reg: Register, stepWeightPrev: number, cadenceRoot?: number): number {
  const target = fold(rawTarget, reg);
  let best = -1;
  let bestCost = Infinity;
  for (let p = reg.low; p <= reg.high; p++) {
    if (!pcs.includes(mod12(p))) continue;
    let cost = Math.abs(p - target);
    if (prev !== undefined) {
      cost += stepWeightPrev * Math.abs(p - prev) + (Math.abs(p - prev) > 7 ? 4 : 0);
      if (p === prev) cost += repeats >= 1 ? 4 : 0.8;
    }
    if (cadenceRoot !== undefined && mod12(p) === cadenceRoot) cost -= 2;
    if (cost < bestCost) {
      best = p;
      bestCost = cost;
    }
  }
  return best >= 0 ? best : nearestInSet(target, pcs);
}

const THEME_LIFT: Record<string, number> = { chorus: 2, pre: 1, bridge: 1, drop: 2 };

function realiseTune(tune: Tune, song: SongPlan, section: SectionPlan, range: [number, number], spec: MelodySpec, rng: Rng, role: "lead" | "counter"): Note[] {
  const notes: Note[] = [];
  const phrases = Math.ceil(section.bars.length / tune.phraseBars);
  const lift = THEME_LIFT[section.theme] ?? 0;
  let prev: number | undefined;
  let repeats = 0;
  for (let p = 0; p < phrases; p++) {
    const [letter, variant] = tune.order[p % tune.order.length]!;
    const phrase = tune.phrases.get(`${letter}:${variant}`)!;
    const lastPhrase = p === phrases - 1;
    for (const n of phrase.notes) {
      const bar = section.bars[p * tune.phraseBars + n.bar];
      if (!bar || n.step >= bar.info.steps) continue;
      const beat = bar.start + n.step * STEP;
      const length = Math.min(n.steps * STEP, bar.start + bar.beats - beat);
      const span = chordAt(section, beat);
      const reg = registerFor(range, song.homeKey, span.key, spec.span);
      const scale = chordScale(span.key, span.chord);
      const tones = chordPcs(span.chord);
      const centre = nearestInSet(reg.centre, scale);
      const contour = n.cadence ? (lastPhrase ? 0 : 2) : n.contour;
      const target = stepInSet(centre, contour + lift, scale);
      const strong = n.cadence || stepWeight(bar.info, n.step) >= 0.65 || length >= 1;
      const pitch = choosePitch(target, prev, repeats, strong ? tones : scale, reg, strong ? 0.35 : 0.6, n.cadence && lastPhrase ? span.chord.rootPc : undefined);
      repeats = pitch === prev ? repeats + 1 : 0;
      const accent = 10 * stepWeight(bar.info, n.step) - 5;
      notes.push({ beat, duration: Math.max(0.15, length * spec.legato), pitch, velocity: clampVelocity(baseVelocity(section, role) + accent + rng.normal(0, 4)) });
      prev = pitch;
    }
  }
  return notes;
}

/** Styles whose solos bend the minor third over major chords (blue notes). */
const BLUE_NOTE_STYLES = new Set(["blues", "rock", "country", "soul", "funk"]);
/** Styles whose solos approach chord tones chromatically from a semitone below. */
const CHROMATIC_STYLES = new Set(["jazz swing", "bossa nova", "latin", "ska"]);

/** An improvised solo over a section: denser, wider, wandering, with the style's idiomatic outside notes. */
function soloLine(song: SongPlan, section: SectionPlan, range: [number, number], spec: MelodySpec, rng: Rng): Note[] {
  const notes: Note[] = [];
  const soloSpec: MelodySpec = { ...spec, sixteenths: spec.sixteenths || song.bpm < 110, syncopation: Math.min(0.6, spec.syncopation + 0.15) };
  const density = Math.min(3, spec.density[1] * 1.5);
  let walk = 0;
  let prev: number | undefined;
  let repeats = 0;
  section.bars.forEach((bar, bi) => {
    const ending = bi % 4 === 3;
    for (const r of barRhythm(bar.info, soloSpec, density, rng, ending)) {
      const beat = bar.start + r.step * STEP;
      const length = Math.min(r.steps * STEP, bar.start + bar.beats - beat);
      const span = chordAt(section, beat);
      const reg = registerFor(range, song.homeKey, span.key, spec.span + 6);
      const scale = chordScale(span.key, span.chord);
      walk = Math.max(-4, Math.min(9, walk + rng.int(-2, 2)));
      const target = stepInSet(nearestInSet(reg.centre, scale), walk, scale);
      const strong = stepWeight(bar.info, r.step) >= 0.65 || length >= 1;
      let pitch = choosePitch(target, prev, repeats, strong ? chordPcs(span.chord) : scale, reg, 0.4);
      repeats = pitch === prev ? repeats + 1 : 0;
      const major = !/minor|dorian|phrygian/.test(span.key.mode);
      if (!strong && major && BLUE_NOTE_STYLES.has(song.style.id) && rng.chance(0.1)) pitch = nearestWithPc(pitch, tonicPc(span.key) + 3);
      notes.push({ beat, duration: Math.max(0.12, length * 0.85), pitch, velocity: clampVelocity(baseVelocity(section, "lead") + 6 * stepWeight(bar.info, r.step) + rng.normal(0, 5)) });
      prev = pitch;
    }
  });
  // Chromatic approach: a weak note just before a strong one slides in from a semitone below it.
  if (CHROMATIC_STYLES.has(song.style.id)) {
    for (let i = 0; i + 1 < notes.length; i++) {
      const a = notes[i]!, b = notes[i + 1]!;
      if (b.beat - a.beat <= 0.5 + 1e-9 && b.beat % 1 === 0 && a.beat % 1 !== 0 && rng.chance(0.25)) a.pitch = b.pitch - 1;
    }
  }
  return notes;
}

/** The lead's tunes in its sections, and its solos where it is the soloist. */
export function writeMelody(song: SongPlan, track: TrackPlan, rng: Rng, spec: MelodySpec): Note[] {
  const tunes = new Map<string, Tune>();
  const notes: Note[] = [];
  const range = track.entry.range;
  for (const section of song.sections) {
    if (!section.active.has(track.name)) continue;
    if (section.soloist === track.name) {
      notes.push(...soloLine(song, section, range, spec, rng.fork(`solo${section.index}`)));
      continue;
    }
    if (section.soloist) continue;
    const info = section.bars[0]!.info;
    const id = `${section.theme}:${info.steps}`;
    if (!tunes.has(id)) tunes.set(id, makeTune(spec, info, rng.fork(`tune:${id}`)));
    notes.push(...realiseTune(tunes.get(id)!, song, section, range, spec, rng, "lead"));
  }
  return notes;
}

/** A solo by an instrument other than the lead (a comping guitar or piano taking a chorus). */
export function writeSolos(song: SongPlan, track: TrackPlan, rng: Rng, spec: MelodySpec): Note[] {
  const notes: Note[] = [];
  const range: [number, number] = [Math.max(track.entry.range[0], 52), Math.min(track.entry.range[1], 91)];
  for (const section of song.sections) {
    if (section.soloist === track.name && section.active.has(track.name)) notes.push(...soloLine(song, section, range, spec, rng.fork(`solo${section.index}`)));
  }
  return notes;
}

/**
 * A counter-melody: long guide tones (thirds and sevenths) moving to the nearest tone of each new chord, below the
 * lead, one or two notes a bar.
 */
export function writeCounter(song: SongPlan, track: TrackPlan, rng: Rng): Note[] {
  const notes: Note[] = [];
  const [lo, hi] = track.entry.range;
  const low = Math.max(lo, 48);
  const high = Math.min(hi, low + 19);
  let prev = Math.round((low + high) / 2);
  for (const section of song.sections) {
    if (!section.active.has(track.name) || section.soloist) continue;
    const vel = baseVelocity(section, "counter");
    for (const bar of section.bars) {
      const halves = bar.info.halves && rng.chance(0.4) ? 2 : 1;
      for (let h = 0; h < halves; h++) {
        const beat = bar.start + (h * bar.beats) / halves;
        const span = chordAt(section, beat);
        const tones = chordPcs(span.chord);
        const guide = tones.length >= 4 ? [tones[1]!, tones[3]!] : [tones[1] ?? tones[0]!, tones[0]!];
        const pitch = choosePitch(prev, prev, 0, guide, { centre: prev, low, high }, 0.2);
        const length = Math.min(bar.beats / halves, span.end - beat);
        notes.push({ beat, duration: length * 0.95, pitch, velocity: clampVelocity(vel + rng.normal(0, 3)) });
        prev = pitch;
      }
    }
  }
  return notes;
}
