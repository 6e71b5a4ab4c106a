// Metres and the step patterns every part is written in. A step is a sixteenth note (a quarter of a beat), so a
// 4/4 bar has 16 steps, 6/8 has 12, 7/8 has 14 and 5/4 has 20. Patterns are strings with one character per
// step ("X...x...X...x..."); spaces and bar lines "|" are ignored so long patterns stay readable.
import type { Metre } from "./score.js";

export const STEP = 0.25;

export type MetreId = "4/4" | "3/4" | "2/4" | "6/8" | "5/4" | "7/8";

/** Every metre the composer writes in. */
export const METRE_IDS: readonly MetreId[] = ["4/4", "3/4", "2/4", "6/8", "5/4", "7/8"];

export function metreOf(id: MetreId): Metre {
  const [n, d] = id.split("/").map(Number);
  return { numerator: n!, denominator: d! };
}

export function metreId(m: Metre): MetreId {
  return `${m.numerator}/${m.denominator}` as MetreId;
}

/** Length of a bar in beats (quarter notes). */
export function barBeats(m: Metre): number {
  return (m.numerator * 4) / m.denominator;
}

export function barSteps(m: Metre): number {
  return Math.round(barBeats(m) / STEP);
}

export interface MetreInfo {
  steps: number;
  /** Step positions of the felt pulses (quarters; dotted quarters in 6/8; the 2+2+3 groups of 7/8). */
  pulses: number[];
  /** Pulses that start a group (the downbeat first): where accents and kicks go. */
  groups: number[];
  /** Compound metres feel their eighths in threes and are never swung. */
  compound: boolean;
  /** Whether the bar splits into two equal halves (two chords a bar). */
  halves: boolean;
}

export function metreInfo(m: Metre): MetreInfo {
  const steps = barSteps(m);
  switch (metreId(m)) {
    case "6/8": return { steps, pulses: [0, 6], groups: [0, 6], compound: true, halves: true };
    case "7/8": return { steps, pulses: [0, 4, 8], groups: [0, 4, 8], compound: false, halves: false };
    case "5/4": return { steps, pulses: [0, 4, 8, 12, 16], groups: [0, 12], compound: false, halves: false };
    case "3/4": return { steps, pulses: [0, 4, 8], groups: [0], compound: false, halves: false };
    case "2/4": return { steps, pulses: [0, 4], groups: [0, 4], compound: false, halves: true };
    default: return { steps, pulses: [0, 4, 8, 12], groups: [0, 8], compound: false, halves: true };
  }
}

/**
 * Metric weight of a step, 0..1: the downbeat strongest, then group starts, pulses, eighths, sixteenths. Melodies
 * put their notes (and their chord tones) where the weight is high.
 */
export function stepWeight(info: MetreInfo, step: number): number {
  if (step === 0) return 1;
  if (info.groups.includes(step)) return 0.8;
  if (info.pulses.includes(step)) return 0.65;
  if (step % 2 === 0) return 0.4;
  return 0.15;
}

const cleaned = new Map<string, string>();

/** A pattern string without its readability separators. */
export function cleanPattern(p: string): string {
  let c = cleaned.get(p);
  if (c === undefined) {
    c = p.replace(/[\s|]/g, "");
    cleaned.set(p, c);
  }
  return c;
}

/**
 * The part of a pattern that applies to bar number `barIndex` of `steps` steps: a pattern may be one bar long,
 * several bars (cycled), or a divisor of the bar (repeated, e.g. one beat "x.x.").
 */
export function patternForBar(pattern: string, steps: number, barIndex: number): string | undefined {
  const p = cleanPattern(pattern);
  if (p.length === 0) return undefined;
  if (p.length % steps === 0) {
    const bars = p.length / steps;
    const i = barIndex % bars;
    return p.slice(i * steps, (i + 1) * steps);
  }
  if (steps % p.length === 0) return p.repeat(steps / p.length);
  return undefined;
}

/** Swing: eighth-note offbeats land at `ratio` of the beat instead of half way; everything in between scales. */
export function swingBeat(beat: number, ratio: number): number {
  const whole = Math.floor(beat + 1e-9);
  const frac = beat - whole;
  const swung = frac <= 0.5 ? (frac / 0.5) * ratio : ratio + ((frac - 0.5) / 0.5) * (1 - ratio);
  return whole + swung;
}

export interface PatternEvent {
  step: number;
  char: string;
  /** Step where the note stops: the next onset, a "_" release, or the end of the bar. */
  endStep: number;
}

/** The onsets of one bar of a pattern with how long each lasts. */
export function patternEvents(bar: string): PatternEvent[] {
  const events: PatternEvent[] = [];
  for (let s = 0; s < bar.length; s++) {
    const c = bar[s]!;
    if (c === "." || c === "_") continue;
    let e = s + 1;
    while (e < bar.length && bar[e] === ".") e++;
    events.push({ step: s, char: c, endStep: e });
  }
  return events;
}

/** The layers of a pattern written "a + b" (played together). */
export function patternLayers(pattern: string): string[] {
  return pattern.split("+").map((p) => p.trim()).filter((p) => p.length > 0);
}

/** A bar with `char` on each group start (or each pulse) and rests elsewhere: the fallback for any metre. */
export function pulsePattern(info: MetreInfo, char: string, at: "groups" | "pulses" = "groups"): string {
  const marks = at === "groups" ? info.groups : info.pulses;
  let p = "";
  for (let s = 0; s < info.steps; s++) p += marks.includes(s) ? char : ".";
  return p;
}
