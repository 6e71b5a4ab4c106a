// Text-only baselines: how well a set of multiple-choice questions can be answered without the audio. Chance is
// 0.25; a baseline well above it means the wording or the options leak the answer. Ties are scored as expected
// accuracy (1/k when the answer is among k tied best options), so no baseline gains from a fixed tie order.
import { Rng } from "../../music/rng.js";
import type { Mcq } from "./mcq.js";

/** Accuracy of always picking the longest option (in characters). */
export function longestOptionAccuracy(mcqs: readonly Mcq[]): number {
  return meanCredit(mcqs, (q) => q.choices.map((c) => c.length));
}

/** Accuracy of always picking the shortest option: an answer prior of short names ("major") shows up here. */
export function shortestOptionAccuracy(mcqs: readonly Mcq[]): number {
  return meanCredit(mcqs, (q) => q.choices.map((c) => -c.length));
}

/** How often the answer is at each position 0-3. */
export function positionHistogram(mcqs: readonly Mcq[]): [number, number, number, number] {
  const h: [number, number, number, number] = [0, 0, 0, 0];
  for (const q of mcqs) h[q.choices.indexOf(q.answer) as 0 | 1 | 2 | 3]++;
  return h;
}

/**
 * Accuracy of picking, per category, the option that was most often the answer in `train` (an answer prior:
 * "4/4" for metre, "major" for mode).
 */
export function mostFrequentAnswerPerCategoryAccuracy(train: readonly Mcq[], test: readonly Mcq[]): number {
  const counts = new Map<string, Map<string, number>>();
  for (const q of train) {
    const c = counts.get(q.category) ?? new Map<string, number>();
    c.set(q.answer, (c.get(q.answer) ?? 0) + 1);
    counts.set(q.category, c);
  }
  return meanCredit(test, (q) => q.choices.map((c) => counts.get(q.category)?.get(c) ?? 0));
}

/**
 * A bag-of-words option scorer trained on `train` and evaluated on `test`: a conditional logit (softmax over a
 * question's four options) on hashed features of each option's words, crossed with the question's category and
 * with each of the question's words. It learns answer priors ("major" is often right), wording cues ("NOT" x
 * "drum kit") and question-option word associations ("after the first verse" x "chorus").
 */
export function bagOfWordsAccuracy(train: readonly Mcq[], test: readonly Mcq[], options: BowOptions = {}): number {
  const model = trainBagOfWords(train, options);
  return meanCredit(test, (q) => q.choices.map((c) => model.score(q, c)));
}

export interface BowOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per update. */
  l2?: number;
  /** log2 of the hashed feature space. */
  bits?: number;
}

export interface BowModel {
  score(q: Mcq, option: string): number;
}

/** Lower-cased words and numbers; "1:20.5" gives "1", "20", "5"; "F#" stays one word. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9#&]+/).filter((t) => t.length > 0);
}

function features(q: Mcq, option: string): string[] {
  const opt = [...new Set(tokenize(option))];
  const question = [...new Set(tokenize(q.question))];
  const out: string[] = [];
  for (const o of opt) {
    out.push(`o:${o}`, `c:${q.category}|${o}`);
    for (const w of question) out.push(`q:${w}|${o}`);
  }
  // The whole option as one token: catches answers that recur verbatim ("4/4", "the bridge").
  out.push(`w:${q.category}|${option.toLowerCase()}`);
  return out;
}

/** FNV-1a, for feature hashing. */
function hash(s: string, mask: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) & mask;
}

export function trainBagOfWords(train: readonly Mcq[], options: BowOptions = {}): BowModel {
  const { epochs = 8, learningRate = 0.2, l2 = 1e-5, bits = 20 } = options;
  const mask = (1 << bits) - 1;
  const w = new Float64Array(1 << bits);
  const encode = (q: Mcq) => q.choices.map((c) => features(q, c).map((f) => hash(f, mask)));
  const data = train.map((q) => ({ feats: encode(q), answer: q.choices.indexOf(q.answer) }));
  const rng = new Rng(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = learningRate / (1 + epoch);
    for (const { feats, answer } of rng.shuffle(data)) {
      const scores = feats.map((fs) => fs.reduce((s, i) => s + w[i]!, 0));
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      const z = exp.reduce((s, e) => s + e, 0);
      feats.forEach((fs, k) => {
        // Gradient of -log softmax[answer] for option k's features: p_k - [k is the answer].
        const g = exp[k]! / z - (k === answer ? 1 : 0);
        for (const i of fs) w[i] = w[i]! - lr * (g + l2 * w[i]!);
      });
    }
  }
  return { score: (q, option) => features(q, option).reduce((s, f) => s + w[hash(f, mask)]!, 0) };
}

/** Mean expected accuracy of picking the highest-scoring option, ties split evenly. */
function meanCredit(mcqs: readonly Mcq[], scores: (q: Mcq) => number[]): number {
  if (mcqs.length === 0) return NaN;
  let total = 0;
  for (const q of mcqs) {
    const s = scores(q);
    const best = Math.max(...s);
    const tied = s.filter((x) => Math.abs(x - best) < 1e-12).length;
    if (Math.abs(s[q.choices.indexOf(q.answer)]! - best) < 1e-12) total += 1 / tied;
  }
  return total / mcqs.length;
}

export interface BiasReport {
  count: number;
  positions: [number, number, number, number];
  longestOption: number;
  shortestOption: number;
  mostFrequentAnswer: number;
  bagOfWords: number;
  /** The same baselines per category, on the test set. */
  byCategory: Record<string, { count: number; longestOption: number; shortestOption: number; mostFrequentAnswer: number; bagOfWords: number }>;
}

/** Every baseline on one train/test split, overall and per category. */
export function biasReport(train: readonly Mcq[], test: readonly Mcq[]): BiasReport {
  const model = trainBagOfWords(train);
  const bow = (qs: readonly Mcq[]) => meanCredit(qs, (q) => q.choices.map((c) => model.score(q, c)));
  const byCategory: BiasReport["byCategory"] = {};
  for (const category of [...new Set(test.map((q) => q.category))].sort()) {
    const qs = test.filter((q) => q.category === category);
    byCategory[category] = {
      count: qs.length,
      longestOption: longestOptionAccuracy(qs),
      shortestOption: shortestOptionAccuracy(qs),
      mostFrequentAnswer: mostFrequentAnswerPerCategoryAccuracy(train, qs),
      bagOfWords: bow(qs),
    };
  }
  return {
    count: test.length,
    positions: positionHistogram(test),
    longestOption: longestOptionAccuracy(test),
    shortestOption: shortestOptionAccuracy(test),
    mostFrequentAnswer: mostFrequentAnswerPerCategoryAccuracy(train, test),
    bagOfWords: bow(test),
    byCategory,
  };
}

export interface BalanceOptions {
  /** The largest share of its appearances an option may be the answer in (default 0.3; chance is 0.25). */
  maxShare?: number;
  /** Options seen fewer times than this in a category are left alone (times, rare names). */
  minCount?: number;
}

/**
 * Drops questions so that, within each category, no option text is the answer in more than maxShare of the
 * questions it appears in. This removes what no single song can: the world's answer priors (most songs are in
 * 4/4, most are major, a style list that differs from the distractor vocabulary), which let a text-only model
 * pick "4/4" whenever it is offered. Run it over a whole data set before splitting it; it keeps the order of
 * the questions it keeps.
 *
 * How many to keep: each (category, answer) keeps a fraction p of its questions, the largest fractions that meet
 * p * A <= maxShare * (p * A + D), where A counts the questions with that answer and D the times the option is
 * offered as a wrong one, itself the sum of the keep fractions of those questions' answers. Lowering one fraction
 * only lowers the others' D, so iterating from p = 1 settles on the largest feasible fractions. Then that many
 * questions of each answer are kept, drawn at random. (Cutting in random rounds instead overshoots: each round's
 * noise pushes some shares back over the limit and the next round cuts again.)
 */
export function balanceAnswers(mcqs: readonly Mcq[], rng: Rng, options: BalanceOptions = {}): Mcq[] {
  const { maxShare = 0.3, minCount = 20 } = options;
  const key = (q: Mcq, option: string) => `${q.category}\u0000${option}`;
  const answered = new Map<string, number>(), offered = new Map<string, number>();
  for (const q of mcqs) {
    answered.set(key(q, q.answer), (answered.get(key(q, q.answer)) ?? 0) + 1);
    for (const c of q.choices) offered.set(key(q, c), (offered.get(key(q, c)) ?? 0) + 1);
  }
  const keep = new Map<string, number>([...answered.keys()].map((k) => [k, 1]));
  const ratio = maxShare / (1 - maxShare);
  for (let round = 0; round < 200; round++) {
    const wrong = new Map<string, number>();
    for (const q of mcqs) {
      const p = keep.get(key(q, q.answer))!;
      for (const c of q.choices) if (c !== q.answer) wrong.set(key(q, c), (wrong.get(key(q, c)) ?? 0) + p);
    }
    let moved = 0;
    for (const [k, a] of answered) {
      if ((offered.get(k) ?? 0) < minCount) continue;
      const p = Math.min(1, (ratio * (wrong.get(k) ?? 0)) / a);
      moved = Math.max(moved, keep.get(k)! - p);
      keep.set(k, p);
    }
    if (moved < 1e-9) break;
  }
  // Keep that share of each answer's questions, chosen at random (a fractional question kept with that chance).
  const kept = new Set<Mcq>();
  const byAnswer = new Map<string, Mcq[]>();
  for (const q of mcqs) byAnswer.set(key(q, q.answer), [...(byAnswer.get(key(q, q.answer)) ?? []), q]);
  for (const [k, qs] of byAnswer) {
    const exact = keep.get(k)! * qs.length;
    const n = Math.floor(exact) + (rng.next() < exact - Math.floor(exact) ? 1 : 0);
    for (const q of rng.shuffle(qs).slice(0, n)) kept.add(q);
  }
  return mcqs.filter((q) => kept.has(q));
}
