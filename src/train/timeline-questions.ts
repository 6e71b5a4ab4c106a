// Which questions a song's written timeline (model/timeline-text.ts) answers: those about its sections alone.
// Section timing, order and count always are; a duration only when it asks for a section's length (some ask
// for a solo's or a break's, which the timeline does not hold); "what is playing at 1:20" only when it asks for
// the section (others ask for an instrument).
import type { SongAnnotation } from "../data/schema.js";
import { namedSections } from "../data/text/facts.js";
import { formatTime } from "../data/timefmt.js";

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
