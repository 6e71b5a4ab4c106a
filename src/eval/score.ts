// Accuracy with its uncertainty: the Wilson score interval, which stays inside [0, 1] and behaves at small n
// and at accuracies near 0 or 1 (where the normal approximation p +- 1.96 sqrt(p(1-p)/n) does not).

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Wilson score interval for `correct` successes in `n` trials; [0, 1] when n is 0. */
export function wilsonInterval(correct: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = correct / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface Scored {
  correct: boolean;
  /** The output could not be read (scored wrong). */
  unparsed: boolean;
}

export interface GroupScore {
  n: number;
  correct: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy. */
  ci95: [number, number];
  parse_failures: number;
}

export function scoreGroup(results: readonly Scored[]): GroupScore {
  const n = results.length;
  const correct = results.filter((r) => r.correct).length;
  return {
    n, correct,
    accuracy: n ? correct / n : NaN,
    ci95: wilsonInterval(correct, n),
    parse_failures: results.filter((r) => r.unparsed).length,
  };
}

/** Scores per label, labels sorted; a result counts once in each of its labels. */
export function scoreByLabel<T extends Scored>(results: readonly T[], labelsOf: (r: T) => readonly string[]): Record<string, GroupScore> {
  const groups = new Map<string, T[]>();
  for (const r of results) {
    for (const label of new Set(labelsOf(r))) {
      const group = groups.get(label);
      if (group) group.push(r);
      else groups.set(label, [r]);
    }
  }
  return Object.fromEntries([...groups.keys()].sort().map((label) => [label, scoreGroup(groups.get(label)!)]));
}
