// Multiple-choice questions from facts: the benchmark's format (four options, one true). Each category lives in
// mcq-temporal.ts or mcq-global.ts as a function that returns a draft or nothing (the facts don't support it).
// This file picks categories for a song, checks each draft and shuffles its options.
import type { Rng } from "../../music/rng.js";
import type { SongAnnotation } from "../schema.js";
import { namedSections, type NamedSection } from "./facts.js";
import { GLOBAL_CATEGORIES } from "./mcq-global.js";
import { TEMPORAL_CATEGORIES } from "./mcq-temporal.js";

/**
 * MCQ categories whose answer is a fact of the whole song, true at every moment of it: answerable from the
 * summary tokens alone ("mcq-summary" conversations, grounded pretraining documents). A chord "at 0:31.3" is not, however global its split.
 */
export const TIME_FREE_CATEGORIES: ReadonlySet<string> = new Set(["key", "mode", "tempo-class", "tempo-value", "genre", "metre", "mood", "lead", "instrumentation"]);

export interface Mcq {
  id: string;
  question: string;
  choices: [string, string, string, string];
  /** One of choices. */
  answer: string;
  split: "temporal" | "global";
  category: string;
}

/** What a category function returns: the question, the true option and three false ones. */
export interface McqDraft {
  question: string;
  answer: string;
  distractors: string[];
}

/** What category functions read. */
export interface McqContext {
  a: SongAnnotation;
  rng: Rng;
  sections: NamedSection[];
}

export interface McqCategory {
  category: string;
  split: Mcq["split"];
  make(ctx: McqContext): McqDraft | undefined;
}

export const MCQ_CATEGORIES: readonly McqCategory[] = [...TEMPORAL_CATEGORIES, ...GLOBAL_CATEGORIES];

export interface McqOptions {
  /** Questions per song at most (default 12); fewer when the facts support fewer. */
  perSong?: number;
}

/**
 * Up to perSong questions about one song. Temporal and global categories take turns, each in random order and
 * asked at most once per pass, until enough questions are made or a pass adds none. A category that declines
 * gets a few fresh draws: option sets that would have to move the answer are declined rather than bent (see
 * options.ts), and redrawing keeps every accepted set as unbiased as a first draw.
 */
export function mcqs(a: SongAnnotation, rng: Rng, options: McqOptions = {}): Mcq[] {
  const perSong = options.perSong ?? 12;
  const ctx: McqContext = { a, rng, sections: namedSections(a) };
  const out: Mcq[] = [];
  // A question text, or a category's answer, once per song: two wordings of "what key is it in?" add nothing.
  const asked = new Set<string>();
  for (let pass = 0; pass < 3 && out.length < perSong; pass++) {
    const before = out.length;
    for (const cat of interleave(rng.shuffle(TEMPORAL_CATEGORIES), rng.shuffle(GLOBAL_CATEGORIES), rng.chance(0.5))) {
      if (out.length >= perSong) break;
      for (let attempt = 0; attempt < 4; attempt++) {
        const draft = cat.make(ctx);
        const answerKey = `${cat.category}\u0000${draft?.answer}`;
        if (!draft || asked.has(draft.question) || asked.has(answerKey) || !validDraft(draft)) continue;
        asked.add(draft.question).add(answerKey);
        out.push(finish(draft, cat, `${a.id}-q${out.length}`, rng));
        break;
      }
    }
    if (out.length === before) break;
  }
  return out;
}

/** x0 y0 x1 y1 ... (or y0 x0 ...), then the rest of the longer list. */
function interleave<T>(xs: readonly T[], ys: readonly T[], yFirst: boolean): T[] {
  const [p, q] = yFirst ? [ys, xs] : [xs, ys];
  const out: T[] = [];
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    if (i < p.length) out.push(p[i]!);
    if (i < q.length) out.push(q[i]!);
  }
  return out;
}

/** Four distinct options (ignoring case and spacing), the answer not among the wrong ones. */
function validDraft(d: McqDraft): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");
  const all = [d.answer, ...d.distractors].map(norm);
  return d.distractors.length === 3 && new Set(all).size === 4 && all.every((s) => s.length > 0);
}

function finish(d: McqDraft, cat: McqCategory, id: string, rng: Rng): Mcq {
  const choices = rng.shuffle([d.answer, ...d.distractors]) as Mcq["choices"];
  return { id, question: d.question, choices, answer: d.answer, split: cat.split, category: cat.category };
}
