// Which questions a song's written timeline (model/timeline-text.ts) answers: those about its sections alone.
// Section timing, order and count always are; a duration only when it asks for a section's length (some ask
// for a solo's or a break's, which the timeline does not hold); "what is playing at 1:20" only when it asks for
// the section (others ask for an instrument).
import type { SongAnnotation } from "../data/schema.js";
import { namedSections } from "../data/text/facts.js";
import { TEMPORAL_CATEGORIES } from "../data/text/mcq-temporal.js";
import { formatTime } from "../data/timefmt.js";
import type { Rng } from "../music/rng.js";

/** The categories of which some questions are about sections alone. */
export const TIMELINE_CATEGORIES: ReadonlySet<string> = new Set(["section-timing", "section-order", "section-count", "duration", "at-time"]);

/** Whether a question's answer is found in the song's written timeline. */
export function answerableFromTimeline(q: { category: string; question: string; answer: string }, annotation: SongAnnotation): boolean {
  if (!TIMELINE_CATEGORIES.has(q.category)) return false;
  if (q.category === "section-timing" || q.category === "section-order" || q.category === "section-count") return true;
  const sections = namedSections(annotation);
  if (q.category === "at-time") return sections.some((s) => s.name === q.answer);
  // A section's length: its name in the question ("the second verse") and its length the answer.
  return sections.some((s) => new RegExp(`\\b${s.name}\\b`).test(q.question) && formatTime(s.end - s.start) === q.answer);
}

/** The question categories a drill draws from (those with questions a timeline answers). */
const DRILL_CATEGORIES = TEMPORAL_CATEGORIES.filter((c) => TIMELINE_CATEGORIES.has(c.category));

/** A question a song's timeline answers, in the benchmark's words, answered with its true option's text. */
export interface TimelineQuestion {
  question: string;
  answer: string;
  category: string;
}

/**
 * Up to `count` questions that the song's timeline answers, drawn afresh from the benchmark's own generators
 * (mcq-temporal.ts), each question and each category's answer once: a reading drill. A dataset's mcq.jsonl
 * holds three or four such questions a song among its dozen; a decoder that must learn to find a time in what it
 * reads needs many more of them per token it trains on.
 */
export function timelineDrill(a: SongAnnotation, rng: Rng, count: number): TimelineQuestion[] {
  const ctx = { a, rng, sections: namedSections(a) };
  const out: TimelineQuestion[] = [];
  const asked = new Set<string>();
  for (let attempt = 0; attempt < count * 8 && out.length < count; attempt++) {
    const cat = DRILL_CATEGORIES[rng.int(0, DRILL_CATEGORIES.length - 1)]!;
    const draft = cat.make(ctx);
    if (!draft) continue;
    const q = { question: draft.question, answer: draft.answer, category: cat.category };
    const answerKey = `${q.category}\u0000${q.answer}`;
    if (asked.has(q.question) || asked.has(answerKey) || !answerableFromTimeline(q, a)) continue;
    asked.add(q.question).add(answerKey);
    out.push(q);
  }
  return out;
}

/**
 * The song with its sections moved to random times: the same labels in the same order, each 4 to 40 s long in
 * tenths of a second, the song as long as they are. In a synthetic song every boundary falls on a bar line, so a
 * decoder can guess a time's digits from the tempo and the section's place and be nearly right without reading;
 * with random times the digits can only come from the timeline written before the question.
 */
export function withRandomSectionTimes(a: SongAnnotation, rng: Rng): SongAnnotation {
  let t = 0;
  const sections = a.temporal.sections.map((s) => {
    const start = t;
    t = Math.round((t + rng.int(40, 400) / 10) * 10) / 10;
    return { ...s, start, end: t };
  });
  return { ...a, global: { ...a.global, duration: t }, temporal: { ...a.temporal, sections } };
}
