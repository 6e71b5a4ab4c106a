// Scoring a predicted song form against the annotation: section boundaries found within a tolerance (SynthBench
// asks for times to within a second), the number of sections, and the section label position by position.
// Shared by the time probes (time-probe.ts) and the timeline head's evaluation (train/stages/timeline.ts).
import type { SongAnnotation } from "../data/schema.js";
import type { TimelineSection } from "../model/timeline.js";
import { IGNORE, innerBoundaries, SECTION_CLASSES, timelineTargets } from "../train/targets.js";

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

/** A timeline head's running totals: the form's (boundaries, counts) and the section label heard at fixed instants. */
export interface TimelineTally extends FormTally {
  labelRight: number;
  labelTotal: number;
}

export function emptyTimelineTally(): TimelineTally {
  return { ...emptyTally(), labelRight: 0, labelTotal: 0 };
}

/**
 * Adds one song's predicted sections: their inner boundaries (tallyForm), and at every `step` seconds of the
 * song that lies in an annotated section, whether the predicted section there has its label.
 */
export function tallySections(tally: TimelineTally, sections: readonly TimelineSection[], a: SongAnnotation, step: number): void {
  tallyForm(tally, sections.slice(1).map((s) => s.start), a);
  const truth = timelineTargets(a, Math.ceil(a.global.duration / step), step, 0).section;
  truth.forEach((label, k) => {
    if (label === IGNORE) return;
    tally.labelTotal++;
    const t = (k + 0.5) * step;
    if (sections.find((s) => s.start <= t && t < s.end)?.label === SECTION_CLASSES[label]) tally.labelRight++;
  });
}

/** A timeline head's scores under the names the training log and `gamma timeline --data` use. */
export function timelineMetrics(t: TimelineTally): { boundary_precision: number; boundary_recall: number; boundary_f1: number; accuracy_section_count: number; accuracy_section_label: number } {
  const s = formScores(t);
  return {
    boundary_precision: s.boundaryPrecision, boundary_recall: s.boundaryRecall, boundary_f1: s.boundaryF1,
    accuracy_section_count: s.sectionCountAccuracy, accuracy_section_label: t.labelTotal ? t.labelRight / t.labelTotal : 0,
  };
}
