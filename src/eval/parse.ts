// Reading which option a model chose from what it wrote. An output no rule can read is unparsed: counted,
// reported, and scored wrong.
import { MUCHOMUSIC_ANSWER_PREFIX, optionLetter, type PromptStyle } from "./prompt.js";

/** The index of the chosen option among those presented, or undefined when the output cannot be read. */
export type ParsedChoice = number | undefined;

/**
 * MuChoMusic's rule (muchomusic_eval/scoring.py), kept as it is so scores compare: keep what follows the
 * prompt's "The correct answer is:"; if exactly one of the option letters (capital A-D for four options)
 * occurs anywhere in it, as a character, that option; else the first option whose text, lower-cased and
 * trimmed, occurs in the lower-cased output; else unparsed.
 */
export function parseMuchomusic(output: string, options: readonly string[]): ParsedChoice {
  const text = output.split(MUCHOMUSIC_ANSWER_PREFIX).at(-1)!.trim();
  const letters = options.map((_, i) => optionLetter(i));
  const present = letters.filter((l) => text.includes(l));
  if (present.length === 1) return letters.indexOf(present[0]!);
  const lower = text.toLowerCase();
  const i = options.findIndex((o) => lower.includes(o.toLowerCase().trim()));
  return i >= 0 ? i : undefined;
}

const ANSWER_TAG = /<answer>([\s\S]*?)<\/answer>/i;

/**
 * Our format: inside the first <answer>...</answer>, a leading "(X)" (or a lone "X", "X." or "X:") names the
 * option; else text equal to one option's (up to case and outer spaces) does, else text holding exactly one
 * option's; else MuChoMusic's rule on the tag's content. Without a tag, MuChoMusic's rule on the whole output.
 */
export function parseGamma(output: string, options: readonly string[]): ParsedChoice {
  const tagged = ANSWER_TAG.exec(output);
  if (!tagged) return parseMuchomusic(output, options);
  const inner = tagged[1]!.trim();
  const lead = /^\(([A-Z])\)/.exec(inner) ?? /^([A-Z])(?:[.:]|$)/.exec(inner);
  if (lead) {
    const i = lead[1]!.charCodeAt(0) - 65;
    if (i < options.length) return i;
  }
  return optionNamedBy(inner.toLowerCase(), options) ?? parseMuchomusic(inner, options);
}

/**
 * The option lower-cased answer text names: the one it equals (up to case and the option's outer spaces), else
 * the only one it holds; undefined when it names none or several.
 */
export function optionNamedBy(lowerText: string, options: readonly string[]): ParsedChoice {
  const exact = options.findIndex((o) => o.trim().toLowerCase() === lowerText);
  if (exact >= 0) return exact;
  const held = optionsHeld(lowerText, options);
  return held.length === 1 ? held[0] : undefined;
}

/** The indices of the options (up to case and their outer spaces) that lower-cased text holds. */
export function optionsHeld(lowerText: string, options: readonly string[]): number[] {
  return options.flatMap((o, i) => (lowerText.includes(o.trim().toLowerCase()) ? [i] : []));
}

/**
 * The "likelihood" protocol's answers name the option as a leading "(X)" (a ranking answerer, or a baseline);
 * anything else is read as our format.
 */
export function parseRanked(output: string, options: readonly string[]): ParsedChoice {
  const lead = /^\(([A-Z])\)/.exec(output.trim());
  const i = lead ? lead[1]!.charCodeAt(0) - 65 : -1;
  return i >= 0 && i < options.length ? i : parseGamma(output, options);
}

export const PARSERS: Record<PromptStyle, (output: string, options: readonly string[]) => ParsedChoice> = {
  muchomusic: parseMuchomusic,
  gamma: parseGamma,
  think: parseGamma,
  likelihood: parseRanked,
};
