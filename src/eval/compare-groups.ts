// Comparison of two groups of training runs on one benchmark: several seeds of a base (an SFT model) against
// several seeds of a candidate (GRPO from it). A pair of runs says whether one model beats another on these
// questions; whether a *recipe* beats another needs the spread between runs of the same recipe too, because two
// seeds of one recipe can differ by as much as the recipes do. Each run is a `gamma bench --out` folder (or a
// `--seeds` folder, whose option orders are averaged question by question). The uncertainty of the difference
// of group means comes from a two-level bootstrap: each draw resamples the runs of each group (seed noise) and
// the questions (which questions the benchmark happened to ask), the same questions for both groups since both
// answered them. With few runs a plain bootstrap understates their spread, so the runs' deviation is scaled up
// (groupDrawer).
import { Rng } from "../music/rng.js";
import { onlyQuestions, readBenchResults } from "./compare.js";
import { mean, sampleSd } from "./report.js";
import type { QuestionResult } from "./run.js";
import { seedRuns } from "./seeds.js";

export interface RunScore {
  run: string;
  /** Mean over the questions of each question's correctness averaged over the option orders compared. */
  accuracy: number;
}

export interface GroupSummary {
  runs: RunScore[];
  /** Mean of the runs' accuracies. */
  mean: number;
  /** Sample standard deviation of the runs' accuracies: the run-to-run noise (null for one run). */
  sd: number | null;
}

export interface GroupComparison {
  /** Questions every run answered in every compared option order. */
  questions: number;
  /** The option orders compared (`gamma bench --seeds` seeds), or null for single-order runs. */
  orders: number[] | null;
  base: GroupSummary;
  candidate: GroupSummary;
  /** candidate mean - base mean, in accuracy. */
  difference: number;
  /** 2.5% and 97.5% quantiles of the difference over the bootstrap draws. */
  ci95: [number, number];
  /** Fraction of draws in which the candidate is not above the base (a one-sided bootstrap p). */
  p_not_above: number;
  draws: number;
  /** The 95% interval lies above zero and both groups have at least two runs. */
  beyond_noise: boolean;
}

/** A run's results by option order (-1 for a plain single-order folder), only the given questions where given. */
function readRunOrders(run: string, only?: ReadonlySet<string>): Map<number, Map<string, QuestionResult>> {
  const seeds = seedRuns(run);
  if (seeds.size === 0) return new Map([[-1, onlyQuestions(readBenchResults(run), only)]]);
  return new Map([...seeds].map(([s, dir]) => [s, onlyQuestions(readBenchResults(dir), only)]));
}

/** p-quantile of sorted values, linearly interpolated. */
function quantile(sorted: readonly number[], p: number): number {
  const at = p * (sorted.length - 1), lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Draws of a group's per-question mean over its runs resampled with replacement. The resampled mean's deviation
 * from the group's mean is scaled by sqrt(n / (n - 1)): a plain bootstrap of n runs spreads the mean by only
 * (n - 1) / n of the variance the runs' sample variance implies (half of it for two runs), and with a handful of
 * seeds that would understate the run-to-run noise. One run has no spread to draw: its scores are used as they are.
 */
export function groupDrawer(runs: readonly number[][], questions: number, rng: Rng): () => number[] {
  const n = runs.length;
  const groupMean = Array.from({ length: questions }, (_, i) => mean(runs.map((r) => r[i]!)));
  const scale = n > 1 ? Math.sqrt(n / (n - 1)) : 0;
  return () => {
    const drawn = runs.map(() => runs[rng.int(0, n - 1)]!);
    return groupMean.map((m, i) => m + scale * (mean(drawn.map((r) => r[i]!)) - m));
  };
}

/**
 * Compares groups of runs on the questions and option orders all of them hold (of those in `only`, where given).
 * Refuses mixed single-order and `--seeds` folders, and groups with no common question or order, naming the runs.
 */
export function compareGroups(baseRuns: readonly string[], candidateRuns: readonly string[], opts: { draws?: number; seed?: number; only?: ReadonlySet<string> } = {}): GroupComparison {
  if (baseRuns.length === 0 || candidateRuns.length === 0) throw new Error("give at least one run in each group (--base and --candidate)");
  const all = [...baseRuns, ...candidateRuns];
  const loaded = all.map((run) => readRunOrders(run, opts.only));
  const single = all.filter((_, i) => loaded[i]!.has(-1)), multi = all.filter((_, i) => !loaded[i]!.has(-1));
  if (single.length > 0 && multi.length > 0) {
    throw new Error(`${multi[0]} holds runs in several option orders (gamma bench --seeds) but ${single[0]} does not: compare like with like`);
  }
  const orders = [...loaded[0]!.keys()].filter((o) => loaded.every((m) => m.has(o))).sort((a, b) => a - b);
  if (orders.length === 0) throw new Error(`the runs share no option order (${all.map((r, i) => `${r}: ${[...loaded[i]!.keys()].join(",")}`).join("; ")})`);
  const ids = [...loaded[0]!.get(orders[0]!)!.keys()].filter((id) => loaded.every((m) => orders.every((o) => m.get(o)!.has(id))));
  if (ids.length === 0) {
    throw new Error(opts.only ? "the runs share no question among those of --questions" : "the runs share no question: compare runs of the same benchmark");
  }

  // scores[run][question]: that question's correctness averaged over the compared option orders.
  const scores = loaded.map((m) => ids.map((id) => mean(orders.map((o) => (m.get(o)!.get(id)!.correct ? 1 : 0)))));
  const summarise = (from: number, count: number): GroupSummary => {
    const runs = all.slice(from, from + count).map((run, i) => ({ run, accuracy: mean(scores[from + i]!) }));
    const accuracies = runs.map((r) => r.accuracy);
    return { runs, mean: mean(accuracies), sd: sampleSd(accuracies) };
  };
  const base = summarise(0, baseRuns.length), candidate = summarise(baseRuns.length, candidateRuns.length);

  const draws = opts.draws ?? 10000, rng = new Rng(opts.seed ?? 0);
  const q = ids.length;
  const drawBase = groupDrawer(scores.slice(0, baseRuns.length), q, rng), drawCandidate = groupDrawer(scores.slice(baseRuns.length), q, rng);
  const differences: number[] = [];
  for (let d = 0; d < draws; d++) {
    const b = drawBase(), c = drawCandidate();
    let sum = 0;
    for (let k = 0; k < q; k++) {
      const i = rng.int(0, q - 1);
      sum += c[i]! - b[i]!;
    }
    differences.push(sum / q);
  }
  differences.sort((x, y) => x - y);
  const ci95: [number, number] = [quantile(differences, 0.025), quantile(differences, 0.975)];
  return {
    questions: q, orders: orders[0] === -1 ? null : orders, base, candidate,
    difference: candidate.mean - base.mean, ci95,
    p_not_above: differences.filter((x) => x <= 0).length / draws, draws,
    beyond_noise: ci95[0] > 0 && base.runs.length >= 2 && candidate.runs.length >= 2,
  };
}
