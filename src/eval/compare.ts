// Paired comparison of bench runs on the same questions: is a new model better than its base beyond chance?
// Two runs' accuracies each carry a +-4-point interval on a hundred-odd questions, but the runs answer the same
// questions, so what counts is where they disagree: the questions only one of them gets right. Under "no
// difference" each such question is equally likely to go either way, and McNemar's exact test (a two-sided
// binomial test on the discordant questions) says how surprising the split is.
import fs from "node:fs";
import path from "node:path";
import { sampleSd } from "./report.js";
import { parseResultsFile, type QuestionResult } from "./run.js";

export interface PairComparison {
  base: string;
  candidate: string;
  /** Questions answered in both runs (the comparison is over these only). */
  n: number;
  base_accuracy: number;
  candidate_accuracy: number;
  /** candidate - base, in accuracy (0.015 = 1.5 points). */
  difference: number;
  /** Questions the candidate gets right and the base wrong, and the reverse. */
  candidate_only: number;
  base_only: number;
  /** McNemar's exact two-sided p-value of that split. */
  p_value: number;
}

export interface Comparison {
  pairs: PairComparison[];
  /** Over all pairs: the mean difference, its sample standard deviation across pairs (NaN for one pair), the discordant counts summed. */
  mean_difference: number;
  difference_sd: number;
  candidate_only: number;
  base_only: number;
  /**
   * McNemar's exact test on the summed counts. With several pairs over the same questions (seeds of one model
   * in several option orders) those are not independent: read it as a rough figure beside the per-pair ones.
   */
  pooled_p_value: number;
}

/** The results of a bench run's --out folder (or its results.jsonl), by question id; the file is only read. */
export function readBenchResults(runDirOrFile: string): Map<string, QuestionResult> {
  const file = fs.existsSync(runDirOrFile) && fs.statSync(runDirOrFile).isDirectory() ? path.join(runDirOrFile, "results.jsonl") : runDirOrFile;
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (give a \`gamma bench --out\` folder or its results.jsonl)`);
  const { results } = parseResultsFile(file, "not written by `gamma bench`?");
  if (results.size === 0) throw new Error(`${file}: no results yet`);
  return results;
}

/** ln C(n, k), exactly enough for the binomial tails of a few thousand questions. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** McNemar's exact test: two-sided p of a split at least as uneven as (a, b) when either way is equally likely. */
export function mcnemarExact(a: number, b: number): number {
  const n = a + b;
  if (n === 0) return 1;
  const low = Math.min(a, b);
  let tail = 0;
  for (let k = 0; k <= low; k++) tail += Math.exp(logChoose(n, k) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

export function comparePair(baseName: string, base: ReadonlyMap<string, QuestionResult>, candidateName: string, candidate: ReadonlyMap<string, QuestionResult>): PairComparison {
  const ids = [...base.keys()].filter((id) => candidate.has(id));
  if (ids.length === 0) throw new Error(`${baseName} and ${candidateName} share no question: compare runs of the same benchmark`);
  let baseRight = 0, candidateRight = 0, candidateOnly = 0, baseOnly = 0;
  for (const id of ids) {
    const b = base.get(id)!.correct, c = candidate.get(id)!.correct;
    if (b) baseRight++;
    if (c) candidateRight++;
    if (c && !b) candidateOnly++;
    if (b && !c) baseOnly++;
  }
  const n = ids.length;
  return {
    base: baseName, candidate: candidateName, n,
    base_accuracy: baseRight / n, candidate_accuracy: candidateRight / n, difference: (candidateRight - baseRight) / n,
    candidate_only: candidateOnly, base_only: baseOnly, p_value: mcnemarExact(candidateOnly, baseOnly),
  };
}

export function summarise(pairs: PairComparison[]): Comparison {
  const diffs = pairs.map((p) => p.difference);
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  const sd = sampleSd(diffs) ?? NaN;
  const candidateOnly = pairs.reduce((s, p) => s + p.candidate_only, 0), baseOnly = pairs.reduce((s, p) => s + p.base_only, 0);
  return { pairs, mean_difference: mean, difference_sd: sd, candidate_only: candidateOnly, base_only: baseOnly, pooled_p_value: mcnemarExact(candidateOnly, baseOnly) };
}
