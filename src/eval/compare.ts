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

/**
 * The question ids of a JSONL question file (a bench set, rl-select's output, any file with an "id" a line), to
 * compare runs on a subset of their questions, e.g. the held-out questions of moderate pass rate (RL-style).
 */
export function readQuestionIds(file: string): Set<string> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`${file}: no such file (--questions takes a JSONL file with an "id" on each line)`);
  const ids = new Set<string>();
  fs.readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const id = typeof value === "object" && value !== null ? (value as { id?: unknown }).id : undefined;
    if (typeof id !== "string" || id === "") throw new Error(`${file}:${i + 1}: no "id" (a string) on this line`);
    ids.add(id);
  });
  if (ids.size === 0) throw new Error(`${file}: no questions in it`);
  return ids;
}

/** A run's results restricted to the given question ids (all of them when `only` is absent). */
export function onlyQuestions(results: Map<string, QuestionResult>, only?: ReadonlySet<string>): Map<string, QuestionResult> {
  return only ? new Map([...results].filter(([id]) => only.has(id))) : results;
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
