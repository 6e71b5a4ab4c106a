// Building option sets that give nothing away from the text alone. The rule throughout: build a set in which
// every member was equally likely to be the answer, then put the answer at a random place. Where a construction
// would have to move the answer to fit (a time ladder that runs past the song's end), the question is skipped
// instead: moving the answer would make the set's end members likelier answers.
import type { Rng } from "../../music/rng.js";
import type { Key, Metre, Mode } from "../../music/score.js";
import type { SongAnnotation } from "../schema.js";
import {
  METRES, MODE_PARTNER_WEIGHTS, barSeconds, keyName, metreName, relativeKey, sameMetre, transposeKey,
} from "./theory.js";
import { INSTRUMENTS, isEnsemble, type VocabInstrument } from "./vocab.js";

/**
 * Four values `step` apart with the answer on a uniformly random rung; undefined when a rung falls outside
 * [min, max].
 */
export function ladder(rng: Rng, answer: number, step: number, min: number, max: number): number[] | undefined {
  const rung = rng.int(0, 3);
  const values = [0, 1, 2, 3].map((k) => answer + (k - rung) * step);
  return values.every((v) => v >= min && v <= max) ? values : undefined;
}

/**
 * A window of four consecutive items of `items` that holds `items[answerIndex]` at a uniformly random place;
 * undefined when the window would run off either end (see the file comment).
 */
export function window4<T>(rng: Rng, items: readonly T[], answerIndex: number): T[] | undefined {
  const start = answerIndex - rng.int(0, 3);
  if (start < 0 || start + 4 > items.length) return undefined;
  return items.slice(start, start + 4);
}

/** n distinct random items of a pool (undefined when it has fewer). */
export function sample<T>(rng: Rng, pool: readonly T[], n: number): T[] | undefined {
  if (pool.length < n) return undefined;
  return rng.shuffle(pool).slice(0, n);
}

/**
 * The step between time options: a whole number of bars of the song's main metre and tempo, the fewest that make
 * at least `min` seconds (doubled three times in ten when `vary`), so wrong times fall where a section or an
 * entry could plausibly be (on the bar grid) yet are clearly off given the stated one-second tolerance.
 */
export function timeStep(a: SongAnnotation, rng: Rng, min = 3.5, vary = true): number {
  const bar = barSeconds(a.global.metre, a.global.tempo);
  let bars = 1;
  while (bars * bar < min) bars *= 2;
  return vary && rng.chance(0.3) ? bars * 2 * bar : bars * bar;
}

/** Phrases that state how exact a time answer is; the option ladders keep wrong times at least 3.5 s away. */
export const TIME_TOLERANCE = ["", "", " (to within a second)", " (give or take a second)", " (±1 second)"];

/** The same for tempo; tempo ladders step by at least 5 BPM. */
export const BPM_TOLERANCE = ["", "", " (to within 2 BPM)", " (±2 BPM)"];

/** A question with a randomly chosen note (one of `notes`, maybe "") put before its question mark. */
export function withNote(rng: Rng, question: string, notes: readonly string[]): string {
  const note = rng.pick(notes);
  return question.endsWith("?") ? `${question.slice(0, -1)}${note}?` : `${question}${note}`;
}

/**
 * A key question's options: a rectangle of two tonics a fifth or a whole tone apart, each in two modes, either
 * parallel (C major, C minor, G major, G minor) or relative (C major, A minor, G major, E minor). Each member
 * stands in the same relation to the other three, and the shifts and mode partners are drawn symmetrically
 * (MODE_PARTNER_WEIGHTS), so any member of a rectangle is equally likely to be its answer.
 */
export function keyOptions(rng: Rng, key: Key): { answer: string; distractors: string[] } {
  const shift = rng.pick([7, 5, 2, 10]);
  const partners = Object.entries(MODE_PARTNER_WEIGHTS[key.mode]) as [Mode, number][];
  const partner = rng.weighted(partners);
  const other = transposeKey(key, shift);
  const set = rng.chance(0.5)
    ? [{ tonic: key.tonic, mode: partner }, other, { tonic: other.tonic, mode: partner }]
    : [relativeKey(key, partner), other, relativeKey(other, partner)];
  return { answer: keyName(key), distractors: set.map(keyName) };
}

/**
 * Keys for "what key does the song move to": the answer and three other tonics in the same mode, a semitone, a
 * tone, a fourth or a fifth away. The mode stays out of the options: modulations mostly go to major keys (the
 * last chorus up a tone), so a mix of modes would let "major" answer it.
 */
export function tonicOptions(rng: Rng, key: Key): { answer: string; distractors: string[] } {
  const shifts = rng.shuffle([1, 2, 5, 7, 10, 11]).slice(0, 3);
  return { answer: keyName(key), distractors: shifts.map((s) => keyName(transposeKey(key, s))) };
}

/** Three metres other than the answer, uniformly from the world's metres. */
export function metreOptions(rng: Rng, metre: Metre): string[] {
  return rng.shuffle(METRES.filter((m) => !sameMetre(m, metre))).slice(0, 3).map(metreName);
}

/**
 * Whether naming `v` as absent could be wrong: the song has it, has a name inside it or inside which it sits
 * ("trumpet" / "muted trumpet"), or has an ensemble of its family (a string ensemble has violins in it).
 */
export function mightBeInSong(a: SongAnnotation, v: VocabInstrument): boolean {
  return a.global.instruments.some((i) => {
    const n = i.name.toLowerCase();
    if (n.includes(v.name) || v.name.includes(n)) return true;
    const ensemble = v.ensemble === true || isEnsemble(n);
    return i.family === v.family && ensemble;
  });
}

/**
 * Up to n instruments that are certainly not in the song, from the family of `near` (an instrument of the song)
 * first: near misses a listener has to hear to rule out.
 */
export function unrelatedInstruments(a: SongAnnotation, rng: Rng, n: number, near?: string): string[] {
  if (n <= 0) return [];
  const family = a.global.instruments.find((i) => i.name === near)?.family;
  const absent = rng.shuffle(INSTRUMENTS.filter((v) => !mightBeInSong(a, v)));
  const ordered = [...absent.filter((v) => v.family === family), ...absent.filter((v) => v.family !== family)];
  return ordered.slice(0, n).map((v) => v.name);
}
