// Small English helpers shared by every text generator: lists, articles, ordinals, plurals and template filling.
import type { Rng } from "../../music/rng.js";

/** "a", "a and b", "a, b and c". */
export function listJoin(items: readonly string[], conjunction = "and"): string {
  if (items.length === 0) return "";
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]!}`;
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/** "a" or "an" by the sound of the first word (good enough for the words this project writes). */
export function article(phrase: string): "a" | "an" {
  const w = phrase.trim().toLowerCase();
  // Letters that start with a consonant sound when spelled as a vowel ("a unison", "a European").
  if (/^(uni|use|eu|one)/.test(w)) return "a";
  // Numerals and note names read aloud: "an 8-bar", "an 11", "an F", "an A minor".
  if (/^(8|11|18|80)/.test(w) || /^[aefh]\b|^[aef][#b]?\s/.test(w) || /^[aef][#b]?$/i.test(w)) return "an";
  return /^[aeiou]/.test(w) ? "an" : "a";
}

export function withArticle(phrase: string): string {
  return `${article(phrase)} ${phrase}`;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
  "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
  "nineteenth", "twentieth"];

/** 1 -> "first"; numbers past the table fall back to "21st"-style digits. */
export function ordinal(n: number): string {
  const word = ORDINALS[n - 1];
  if (word) return word;
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${n}${suffix}`;
}

const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

/** 3 -> "three" (digits past twelve). */
export function numberWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

/** English plural of a single noun phrase's last word ("chorus" -> "choruses", "drum fill" -> "drum fills"). */
export function plural(noun: string, count = 2): string {
  if (count === 1) return noun;
  return /(s|sh|ch|x|z)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

/**
 * Fills "{name}" slots from vars. A missing variable is a bug in the caller's template table, so it throws
 * rather than writing "{name}" into training text.
 */
export function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template "${template}" needs {${name}}`);
    return value;
  });
}

/** Picks a template and fills it. */
export function say(rng: Rng, templates: readonly string[], vars: Readonly<Record<string, string>> = {}): string {
  return fill(rng.pick(templates), vars);
}

/** Makes the first letter of a sentence upper case and ends it with a full stop when it has no end mark. */
export function sentence(text: string): string {
  const t = capitalize(text.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
