// Text-only baselines, as Answerers that never listen: they show what a benchmark gives away without audio
// (chance is 1/options; picking the longest option beats chance by far on sets that leak the answer).
import type { Answerer, AnswerRequest } from "./answerer.js";
import { optionLetter } from "./prompt.js";
import { questionRng } from "./shuffle.js";

export const BASELINES = ["random", "longest", "first"] as const;
export type BaselineKind = (typeof BASELINES)[number];

/** Answers "(X)": a seeded random option, the longest option text (the first of equals), or the first option. */
export function baselineAnswerer(kind: BaselineKind, seed: number, batchSize = 256): Answerer {
  const pick: Record<BaselineKind, (r: AnswerRequest) => number> = {
    random: (r) => Math.floor(questionRng(seed, `random baseline\u0000${r.id}`).next() * r.choices.length),
    longest: (r) => r.choices.reduce((best, c, i) => (c.length > r.choices[best]!.length ? i : best), 0),
    first: () => 0,
  };
  return {
    name: `baseline:${kind}`,
    batchSize,
    answer: (requests) => Promise.resolve(requests.map((r) => `(${optionLetter(pick[kind](r))})`)),
  };
}
