// A song's sections written as words for the decoder to read after the summary words. The timeline head finds
// where sections start and what they are (timeline.ts); a model whose config says `timeline.asText` writes what
// it found as this text into the audio slot, and its decoder, trained on the same text made from annotations,
// answers "when does the second chorus start?", "how long is the bridge?" or "which section is playing at
// 1:20.3?" by finding the section in it. The text names sections exactly as the questions do ("the second verse",
// "the bridge"), writes times exactly as the options do ("1:21.9"), counts the sections first and numbers each
// with the ordinal the questions use ("fifth section"), so every answer is a few words the decoder can copy. Each
// time follows the word that says which it is ("starts", "ends", "lasts"), as the questions' verbs do: the
// decoder finds the value by the words just before it, not by counting times after a name.
import { formatTime } from "../data/timefmt.js";
import { sectionNames } from "../data/text/facts.js";
import { ordinal } from "../data/text/words.js";
import type { Tokenizer } from "./tokenizer/tokenizer.js";

/** A section of a song as the timeline holds it: seconds and a label ("verse", "solo", ...). */
export interface TimedSection {
  start: number;
  end: number;
  label: string;
}

/**
 * "3 sections. first section: the intro, starts 0:00.0, ends 0:07.3, lasts 0:07.3. second section: the verse,
 * starts 0:07.3, ends 0:41.0, lasts 0:33.7. third section: the outro, starts 0:41.0, ends 0:46.0, lasts 0:05.0."
 * Sections must be in order.
 */
export function timelineText(sections: readonly TimedSection[]): string {
  for (let i = 1; i < sections.length; i++) {
    if (sections[i]!.start < sections[i - 1]!.start) throw new RangeError(`timelineText: section ${i + 1} starts before section ${i}`);
  }
  const names = sectionNames(sections);
  const parts = sections.map((s, i) =>
    `${ordinal(i + 1)} section: ${names[i]!.name}, starts ${formatTime(s.start)}, ends ${formatTime(s.end)}, lasts ${formatTime(Math.max(0, s.end - s.start))}.`);
  return [`${sections.length} section${sections.length === 1 ? "" : "s"}.`, ...parts].join(" ");
}

/** The token ids a model with `timeline.asText` puts after a clip's summary words: the timeline, a space before it. */
export function timelineWords(tokenizer: Tokenizer, sections: readonly TimedSection[]): number[] {
  return tokenizer.encode(` ${timelineText(sections)}`, { parseSpecial: false });
}
