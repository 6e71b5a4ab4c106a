// The pre-tokenizer step of tokenizer.json: cuts normalized text into pieces that BPE encodes one at a time
// (merges never cross a piece boundary), and maps each piece to byte-level symbols. Two layouts are in use:
// GPT-2's single ByteLevel step with its built-in regex, and Qwen2/Llama-3's Sequence of a Split (their own
// regex) followed by ByteLevel with use_regex false. Steps run in order over the list of pieces, as in the
// Rust library, so any Sequence of Split and ByteLevel steps works.
import { toByteLevel } from "./byte-level.js";
import { asObject, componentType, TokenizerFormatError, unsupported, type SplitBehavior } from "./format.js";
import { translateOnigurumaPattern, UnsupportedPatternError } from "./oniguruma.js";

export type PreTokenize = (text: string) => string[];
/** One step: the pieces it cuts piece into, appended to out. */
type Step = (piece: string, out: string[]) => void;

/** The regex of GPT-2's ByteLevel pre-tokenizer (use_regex: true). */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * Qwen2's Split regex: like Llama-3's but with "\p{N}" instead of "\p{N}{1,3}", so every digit is its own
 * piece — tempos, bar numbers and timestamps such as "1:23.4" become one token per digit.
 */
export const QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const BEHAVIORS = new Set<string>(["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"]);
const BYTE_LEVEL_MEMO_LIMIT = 100_000;

export function buildPreTokenizer(json: unknown, source: string): PreTokenize {
  const steps = json === null || json === undefined ? [] : flatten(json, source);
  const byteLevelSteps = steps.filter((s) => s.byteLevel).length;
  if (byteLevelSteps !== 1) throw unsupported(source, `pre_tokenizer with ${byteLevelSteps} ByteLevel steps (byte-level BPE needs exactly one)`);
  return (text) => {
    let pieces = [text];
    for (const step of steps) {
      const next: string[] = [];
      for (const piece of pieces) step.run(piece, next);
      pieces = next;
    }
    return pieces;
  };
}

function flatten(json: unknown, source: string): { run: Step; byteLevel: boolean }[] {
  const obj = asObject(json, source, "pre_tokenizer");
  const type = componentType(obj, source, "pre_tokenizer");
  if (type === "Sequence" && Array.isArray(obj.pretokenizers)) return obj.pretokenizers.flatMap((p: unknown) => flatten(p, source));
  if (type === "ByteLevel") return [{ run: byteLevelStep(obj.add_prefix_space === true, obj.use_regex !== false, source), byteLevel: true }];
  if (type === "Split") return [{ run: splitStep(obj, source), byteLevel: false }];
  throw unsupported(source, `pre_tokenizer ${type}`);
}

function byteLevelStep(addPrefixSpace: boolean, useRegex: boolean, source: string): Step {
  const split: Step = useRegex ? splitter(compilePattern(GPT2_PATTERN, source), "Isolated", false) : (piece, out) => out.push(piece);
  // Pieces repeat (" the", " and"): remembering their byte-level form saves most of the mapping work.
  const memo = new Map<string, string>();
  const byteLevel = (piece: string) => {
    let symbols = memo.get(piece);
    if (symbols === undefined) {
      if (memo.size >= BYTE_LEVEL_MEMO_LIMIT) memo.clear();
      symbols = toByteLevel(piece);
      memo.set(piece, symbols);
    }
    return symbols;
  };
  return (piece, out) => {
    const parts: string[] = [];
    // The Rust library adds the prefix space to every piece it is given, not only to the start of the text.
    split(addPrefixSpace && !piece.startsWith(" ") ? ` ${piece}` : piece, parts);
    for (const part of parts) out.push(byteLevel(part));
  };
}

function splitStep(obj: Record<string, unknown>, source: string): Step {
  const pattern = asObject(obj.pattern, source, "Split pattern");
  const behavior = String(obj.behavior);
  if (!BEHAVIORS.has(behavior)) throw unsupported(source, `Split behavior ${behavior}`);
  let regex: RegExp;
  if (typeof pattern.Regex === "string") regex = compilePattern(pattern.Regex, source);
  else if (typeof pattern.String === "string") regex = new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"), "gu");
  else throw new TokenizerFormatError(source, "Split pattern must be {\"Regex\": …} or {\"String\": …}");
  return splitter(regex, behavior as SplitBehavior, obj.invert === true);
}

/** A global Unicode RegExp from an Oniguruma pattern, or a format error naming the file and the construct. */
export function compilePattern(pattern: string, source: string): RegExp {
  try {
    return new RegExp(translateOnigurumaPattern(pattern), "gu");
  } catch (err) {
    if (err instanceof UnsupportedPatternError) throw unsupported(source, `${err.message} in the pattern ${JSON.stringify(pattern)}`);
    throw new TokenizerFormatError(source, `the pattern ${JSON.stringify(pattern)} does not compile: ${(err as Error).message}`);
  }
}

interface Span { start: number; end: number; isMatch: boolean }

/** The Rust library's Split: the text as alternating matched and unmatched spans, then grouped by behavior. */
function splitter(regex: RegExp, behavior: SplitBehavior, invert: boolean): Step {
  if (behavior === "Isolated") return (text, out) => isolate(regex, text, out); // every shipped tokenizer's case, kept fast
  return (text, out) => {
    const spans: Span[] = [];
    let previousEnd = 0;
    for (const m of text.matchAll(regex)) {
      const start = m.index, end = start + m[0].length;
      if (start === end) continue; // empty matches make no piece
      if (start > previousEnd) spans.push({ start: previousEnd, end: start, isMatch: invert });
      spans.push({ start, end, isMatch: !invert });
      previousEnd = end;
    }
    if (previousEnd < text.length) spans.push({ start: previousEnd, end: text.length, isMatch: invert });
    for (const span of group(spans, behavior)) out.push(text.slice(span.start, span.end));
  };
}

/** Isolated: every match and every stretch between matches is a piece (whether inverted or not). */
function isolate(regex: RegExp, text: string, out: string[]): void {
  // The usual patterns match every character; then the matches alone tile the text, and String.match finds
  // them without building a match object each (half the cost of pre-tokenization).
  const matches = text.match(regex) ?? [];
  let covered = 0;
  for (const m of matches) covered += m.length;
  if (covered === text.length) {
    for (const m of matches) if (m) out.push(m);
    return;
  }
  let previousEnd = 0;
  for (const m of text.matchAll(regex)) {
    if (m[0].length === 0) continue;
    if (m.index > previousEnd) out.push(text.slice(previousEnd, m.index));
    out.push(m[0]);
    previousEnd = m.index + m[0].length;
  }
  if (previousEnd < text.length) out.push(text.slice(previousEnd));
}

function group(spans: Span[], behavior: Exclude<SplitBehavior, "Isolated">): Span[] {
  switch (behavior) {
    case "Removed":
      return spans.filter((s) => !s.isMatch);
    case "MergedWithPrevious":
      return mergeWhen(spans, (previous, span) => span.isMatch && !previous.isMatch);
    case "MergedWithNext":
      return mergeWhen(spans.slice().reverse(), (previous, span) => span.isMatch && !previous.isMatch).reverse();
    case "Contiguous":
      return mergeWhen(spans, (previous, span) => span.isMatch === previous.isMatch);
  }
}

/** Spans in order, each joined to the one before it when joins(before, it) holds. */
function mergeWhen(spans: Span[], joins: (previous: Span, span: Span) => boolean): Span[] {
  const out: Span[] = [];
  let previous: Span | undefined;
  for (const span of spans) {
    const last = out.at(-1);
    if (last && previous && joins(previous, span)) out[out.length - 1] = { start: Math.min(last.start, span.start), end: Math.max(last.end, span.end), isMatch: false };
    else out.push({ ...span });
    previous = span;
  }
  return out;
}
