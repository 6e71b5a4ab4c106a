// Choosing songs so that the facts a benchmark asks about are spread evenly. A benchmark's answers must not be
// guessable from priors, and the set-level answer balancing (balanceAnswers) can only remove questions: with most
// songs in 4/4 it throws most metre questions away. Choosing among a few candidate songs per slot (composing is
// cheap and deterministic; nothing is rendered) puts rare values (7/8, lydian, very slow) into the set instead.

/** The facts of one candidate song that the choice spreads: attribute -> value; undefined: not counted. */
export type SpreadFacts = Readonly<Record<string, string | undefined>>;

/**
 * One candidate per slot (its index), chosen so that every attribute's values are as evenly represented as the
 * candidates allow: maximises the sum over attributes and values of log(1 + count), which rewards every counted
 * fact (a song whose metre can be asked beats one whose cannot) and rare values most. Greedy over the slots in
 * order, then passes that revisit each slot with all others fixed until no choice changes. Deterministic; ties
 * go to the lower candidate index.
 */
export function chooseSpread(slots: readonly (readonly SpreadFacts[])[], maxPasses = 6): number[] {
  const counts = new Map<string, number>();
  const keys = (f: SpreadFacts) => Object.entries(f).flatMap(([attr, v]) => (v === undefined ? [] : [`${attr}\u0000${v}`]));
  const add = (f: SpreadFacts, d: number) => {
    for (const k of keys(f)) counts.set(k, (counts.get(k) ?? 0) + d);
  };
  const gain = (f: SpreadFacts) => keys(f).reduce((g, k) => g + Math.log1p(1 / (1 + (counts.get(k) ?? 0))), 0);
  const best = (candidates: readonly SpreadFacts[]) => {
    let pick = 0;
    candidates.forEach((f, i) => {
      if (gain(f) > gain(candidates[pick]!) + 1e-12) pick = i;
    });
    return pick;
  };
  const picks = slots.map((candidates) => {
    if (candidates.length === 0) throw new Error("chooseSpread: a slot has no candidates");
    const pick = best(candidates);
    add(candidates[pick]!, 1);
    return pick;
  });
  for (let pass = 0; pass < maxPasses; pass++) {
    let changed = false;
    slots.forEach((candidates, i) => {
      add(candidates[picks[i]!]!, -1);
      const pick = best(candidates);
      add(candidates[pick]!, 1);
      if (pick !== picks[i]) changed = true;
      picks[i] = pick;
    });
    if (!changed) break;
  }
  return picks;
}
