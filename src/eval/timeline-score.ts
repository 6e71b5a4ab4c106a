// Scoring a predicted song form against the annotation: section boundaries found within a tolerance (SynthBench
// asks for times to within a second), the number of sections, and the section label position by position.
// Shared by the time probes (time-probe.ts) and the timeline head's evaluation (train/stages/timeline.ts).
import type { SongAnnotation } from "../data/schema.js";
import { innerBoundaries } from "../train/targets.js";

/** Predicted and true times -> hits, each true time matched at most once (nearest pairs first, within `tolerance`). */
export function matchTimes(predicted: readonly number[], truth: readonly number[], tolerance: number): number {
  const pairs = predicted.flatMap((p, i) => truth.map((t, j) => ({ i, j, d: Math.abs(p - t) }))).filter((x) => x.d <= tolerance).sort((a, b) => a.d - b.d);
  const usedP = new Set<number>(), usedT = new Set<number>();
  for (const { i, j } of pairs) {
    if (usedP.has(i) || usedT.has(j)) continue;
    usedP.add(i);
    usedT.add(j);
  }
  return usedP.size;
}

/** Running totals over songs; `formScores()` turns them into rates. */
export interface FormTally {
  songs: number;
  hits: number;
  predicted: number;
  truth: number;
  countRight: number;
}

export function emptyTally(): FormTally {
  return { songs: 0, hits: 0, predicted: 0, truth: 0, countRight: 0 };
}

/** Adds one song: its predicted inner boundaries (every section start but the first) against the annotation's. */
export function tallyForm(tally: FormTally, predictedBoundaries: readonly number[], a: SongAnnotation, tolerance = 1): void {
  const truth = innerBoundaries(a);
  tally.songs++;
  tally.hits += matchTimes(predictedBoundaries, truth, tolerance);
  tally.predicted += predictedBoundaries.length;
  tally.truth += truth.length;
  if (predictedBoundaries.length === truth.length) tally.countRight++;
}

export interface FormScores {
  boundaryPrecision: number;
  boundaryRecall: number;
  boundaryF1: number;
  /** Songs whose predicted section count is exactly right. */
  sectionCountAccuracy: number;
}

export function formScores(t: FormTally): FormScores {
  const precision = t.predicted ? t.hits / t.predicted : 0, recall = t.truth ? t.hits / t.truth : 0;
  return {
    boundaryPrecision: precision,
    boundaryRecall: recall,
    boundaryF1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    sectionCountAccuracy: t.songs ? t.countRight / t.songs : 0,
  };
}
