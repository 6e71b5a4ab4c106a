// Added tokens (the special tokens among them): cut out of the text before normalization and BPE, by exact
// match, longest first where two start at the same place — so "<|audio|>" is always its one id, and text
// that only resembles it ("<|audio |>", "<|AUDIO|>") goes through BPE like any other text.
import { asObject, TokenizerFormatError, unsupported, type AddedTokenJson } from "./format.js";

export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are control tokens (turn markers, audio slots); decode can skip them. */
  special: boolean;
}

/** A piece of text to encode with BPE, or the id of an added token found in the text. */
export type Segment = string | number;

export class AddedTokenSplitter {
  private readonly pattern: RegExp | undefined;
  private readonly idOf: Map<string, number>;

  constructor(tokens: readonly AddedToken[]) {
    this.idOf = new Map(tokens.map((t) => [t.content, t.id]));
    const alternatives = [...this.idOf.keys()].sort((a, b) => b.length - a.length).map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    this.pattern = alternatives.length ? new RegExp(alternatives.join("|"), "gu") : undefined;
  }

  split(text: string): Segment[] {
    if (!this.pattern) return text ? [text] : [];
    const segments: Segment[] = [];
    let previousEnd = 0;
    for (const m of text.matchAll(this.pattern)) {
      if (m.index > previousEnd) segments.push(text.slice(previousEnd, m.index));
      segments.push(this.idOf.get(m[0])!);
      previousEnd = m.index + m[0].length;
    }
    if (previousEnd < text.length) segments.push(text.slice(previousEnd));
    return segments;
  }
}

/**
 * The added tokens of a tokenizer.json. "normalized" is not needed: tokens are matched in the raw text, which
 * is where every shipped byte-level tokenizer's special tokens (plain ASCII) are found either way.
 */
export function addedTokensFromJson(json: unknown, source: string): AddedToken[] {
  if (json === undefined || json === null) return [];
  if (!Array.isArray(json)) throw new TokenizerFormatError(source, "added_tokens must be an array");
  return json.map((entry: unknown, i): AddedToken => {
    const t = asObject(entry, source, `added_tokens[${i}]`) as Partial<Record<keyof AddedTokenJson, unknown>>;
    if (!Number.isInteger(t.id) || (t.id as number) < 0 || typeof t.content !== "string" || t.content === "") {
      throw new TokenizerFormatError(source, `added_tokens[${i}] needs an integer "id" and a non-empty "content"`);
    }
    for (const flag of ["single_word", "lstrip", "rstrip"] as const) {
      if (t[flag] === true) throw unsupported(source, `added token ${JSON.stringify(t.content)} with ${flag}`);
    }
    return { id: t.id as number, content: t.content, special: t.special === true };
  });
}
