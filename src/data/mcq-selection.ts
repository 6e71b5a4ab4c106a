// The set-level choice of a dataset's multiple-choice questions, made when mcq.jsonl is assembled: answers are
// balanced over the whole set first; then, for a benchmark, questions that a text-only model answers with
// confidence are left out, and a fixed number of questions is drawn per split, spread evenly over the
// categories and, within a category, over the songs.
import { Rng } from "../music/rng.js";
import { balanceAnswers, trainBagOfWords, type Mcq } from "./text/index.js";

export interface SelectionOptions {
  /** Seed of the set-level question selection. */
  seed: number;
  /** Questions kept per split (temporal, global) over the whole set, after balancing; all when absent. */
  perSplit?: number;
}

/**
 * The largest share of the questions offering an option in which it may be the answer (chance: 0.25). Exactly
 * 0.25 cannot be met: every option would have to be the answer in exactly a quarter of the questions offering
 * it, and an option offered somewhat more often than it is right (a rare chord quality) leaves another over the
 * limit, so balancing would empty the category. A little slack keeps the categories whose options the world
 * does not make equally often.
 */
const MAX_ANSWER_SHARE = 0.28;

/**
 * Balanced answers (balanceAnswers: no option may be the answer much more often than chance where it is offered,
 * which removes the world's answer priors such as "most songs are in 4/4"). With perSplit (a benchmark): the
 * questions a text-only model answers confidently are left out (TEXT_ONLY_CONFIDENCE), then that many questions
 * are drawn per split. Categories take turns, so each gets an equal share and a category with fewer questions
 * than its share gives all it has (the others share the rest); within a category, songs take turns, so every
 * song contributes before any contributes twice. Keeps the pool's order.
 */
export function selectQuestions<Q extends Mcq & { audio: string }>(pool: readonly Q[], o: SelectionOptions): Q[] {
  const rng = new Rng(o.seed).fork("mcq-selection");
  const balanced = balanceAnswers(pool, rng.fork("balance"), { maxShare: MAX_ANSWER_SHARE, minCount: 8 }) as Q[];
  if (o.perSplit === undefined) return balanced;
  const confidence = textOnlyConfidence(balanced, rng.fork("text-only"));
  const needAudio = balanced.filter((q) => confidence.get(q.id)! < TEXT_ONLY_CONFIDENCE);
  const keep = new Set<string>();
  for (const split of ["temporal", "global"] as const) {
    const inSplit = needAudio.filter((q) => q.split === split);
    const categories = [...new Set(inSplit.map((q) => q.category))].sort();
    const queues = rng.shuffle(categories).map((c) => songTurns(inSplit.filter((q) => q.category === c), rng));
    for (const q of takeTurns(queues, o.perSplit)) keep.add(q.id);
  }
  return balanced.filter((q) => keep.has(q.id));
}

/**
 * A benchmark question whose answer a text-only model gives this much probability or more is left out. What the
 * generators cannot avoid is what the world's form implies: a time in the first half minute is the first verse,
 * an intro is short. Leaving out the questions a bag-of-words model answers confidently from their text alone
 * (as SWAG and WinoGrande filter theirs) keeps those priors from adding up in the benchmark's score.
 */
const TEXT_ONLY_CONFIDENCE = 0.4;
const FOLDS = 4;

/**
 * For each question, the probability a bag-of-words model gives its answer from the text alone, the model
 * trained on the questions of the other songs (songs dealt into FOLDS folds at random).
 */
function textOnlyConfidence<Q extends Mcq & { audio: string }>(qs: readonly Q[], rng: Rng): Map<string, number> {
  const songs = rng.shuffle([...new Set(qs.map((q) => q.audio))]);
  const fold = new Map(songs.map((s, i) => [s, i % FOLDS]));
  const out = new Map<string, number>();
  for (let f = 0; f < FOLDS; f++) {
    const model = trainBagOfWords(qs.filter((q) => fold.get(q.audio) !== f));
    for (const q of qs.filter((x) => fold.get(x.audio) === f)) {
      const scores = q.choices.map((c) => model.score(q, c));
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      out.set(q.id, exp[q.choices.indexOf(q.answer)]! / exp.reduce((a, b) => a + b, 0));
    }
  }
  return out;
}

/** Questions in an order where songs (in random order) take turns. */
function songTurns<Q extends Mcq & { audio: string }>(qs: readonly Q[], rng: Rng): Q[] {
  const bySong = new Map<string, Q[]>();
  for (const q of rng.shuffle(qs)) bySong.set(q.audio, [...(bySong.get(q.audio) ?? []), q]);
  return takeTurns([...bySong.values()], Infinity);
}

/** Up to n items, one from each queue in turn, skipping queues that have run out. */
function takeTurns<T>(queues: readonly (readonly T[])[], n: number): T[] {
  const out: T[] = [];
  for (let round = 0; out.length < n; round++) {
    const before = out.length;
    for (const q of queues) if (round < q.length && out.length < n) out.push(q[round]!);
    if (out.length === before) break;
  }
  return out;
}
