// SynthBench, the frozen held-out benchmark: its own seed, styles and a soundfont that training sets never use,
// and songs chosen so that the facts it asks about are spread evenly (see spread.ts). Always the same content.
import { beatToSeconds } from "../music/score.js";
import { Rng } from "../music/rng.js";
import { STYLES } from "../music/styles.js";
import { annotate } from "./annotate.js";
import { makeScore, type SongSpec } from "./build-song.js";
import { chooseSpread, type SpreadFacts } from "./spread.js";
import { keyChanges, metreChanges, tempoChanges } from "./text/facts.js";
import { metreAnswer, modeAnswer, tempoClassAnswer } from "./text/mcq-global.js";
import type { SongAnnotation } from "./schema.js";

/** Styles only SynthBench contains. */
export const HELD_OUT_STYLES = ["reggae", "bossa nova"];
export const SYNTHBENCH_SEED = 9092026;
export const SYNTHBENCH_SONGS = 200;
/** SynthBench's questions per split (temporal, global), drawn after balancing from ~24 candidates per song. */
export const SYNTHBENCH_MCQ_PER_SPLIT = 800;
/** Songs composed per slot to choose from. */
const CANDIDATES = 8;
/** A held-out style gets this many times a training style's songs, so its questions are enough to measure. */
const HELD_OUT_WEIGHT = 1.5;

export function songSeed(seed: number, label: string): number {
  return Math.floor(new Rng(seed).fork(label).next() * 2 ** 31);
}

/**
 * The style of each slot: every style about equally often (the genre question's answers are then as uniform as
 * its options), held-out styles HELD_OUT_WEIGHT times as often, in a fixed random order.
 */
function slotStyles(rng: Rng): string[] {
  const weight = (s: string) => (HELD_OUT_STYLES.includes(s) ? HELD_OUT_WEIGHT : 1);
  const total = STYLES.reduce((sum, s) => sum + weight(s), 0);
  // Largest remainders: whole shares first, the leftover slots to the styles with the largest fractions.
  const shares = STYLES.map((s) => ({ s, exact: (SYNTHBENCH_SONGS * weight(s)) / total }));
  const slots = shares.map((x) => ({ s: x.s, n: Math.floor(x.exact), rest: x.exact - Math.floor(x.exact) }));
  let left = SYNTHBENCH_SONGS - slots.reduce((sum, x) => sum + x.n, 0);
  for (const x of rng.shuffle(slots).sort((p, q) => q.rest - p.rest)) if (left-- > 0) x.n++;
  return rng.shuffle(slots.flatMap((x) => Array<string>(x.n).fill(x.s)));
}

/** The facts a SynthBench song is chosen by: the answers of the questions about closed sets of values. */
export function spreadFacts(a: SongAnnotation): SpreadFacts {
  return {
    metre: metreAnswer(a),
    mode: modeAnswer(a),
    tempoClass: tempoClassAnswer(a),
    mood: a.global.mood[0],
    lead: a.global.leadInstrument,
    keyChange: keyChanges(a).length > 0 ? "yes" : undefined,
    tempoChange: tempoChanges(a).length === 1 ? "yes" : undefined,
    metreChange: metreChanges(a).length === 1 ? "yes" : undefined,
  };
}

/** A spec's annotation as it would be without rendering (times move only by the renderer's few milliseconds). */
export function unrenderedAnnotation(spec: SongSpec): SongAnnotation {
  const score = makeScore(spec);
  return annotate(score, {
    audio: `${spec.id}.wav`, duration: beatToSeconds(score.tempos, score.lengthBeats) + 0.005, latency: 0.005,
    loudness: { peakDb: -3, rmsDb: -20 }, soundfont: "fluidr3", augmentation: { steps: [] }, renderer: "none", sampleRate: 16000,
  });
}

let memo: SongSpec[] | undefined;

/**
 * SynthBench's 200 songs: a style per slot, CANDIDATES songs of that style per slot (60-150 s), and the
 * candidates chosen to spread metre, mode, tempo class, mood, lead instrument and key/tempo/metre changes.
 * Composes 1,600 songs (no audio): some seconds, so the result is kept for the process.
 */
export function synthbenchSpecs(): SongSpec[] {
  if (memo) return memo.map((s) => ({ ...s }));
  const rng = new Rng(SYNTHBENCH_SEED);
  const slots = slotStyles(rng.fork("styles")).map((style, i) => {
    const id = `synthbench-${String(i).padStart(4, "0")}`;
    return Array.from({ length: CANDIDATES }, (_, k): SongSpec => ({
      kind: "synthetic", id, seed: songSeed(SYNTHBENCH_SEED, `song-${i}-candidate-${k}`), style, minSeconds: 60, maxSeconds: 150, excludeStyles: [],
    }));
  });
  const picks = chooseSpread(slots.map((candidates) => candidates.map((c) => spreadFacts(unrenderedAnnotation(c)))));
  memo = slots.map((candidates, i) => candidates[picks[i]!]!);
  return memo.map((s) => ({ ...s }));
}
