// The part of the Hugging Face tokenizer.json format that byte-level BPE tokenizers use: the types we read and
// write, and one error for a file that is malformed or uses a feature this package does not implement.

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export type NormalizerJson =
  | { type: "NFC" | "NFD" | "NFKC" | "NFKD" }
  | { type: "Sequence"; normalizers: NormalizerJson[] };

export type SplitBehavior = "Removed" | "Isolated" | "MergedWithPrevious" | "MergedWithNext" | "Contiguous";

/** The same object serves as pre-tokenizer (use_regex: GPT-2's regex), post-processor and decoder. */
export interface ByteLevelJson {
  type: "ByteLevel";
  add_prefix_space: boolean;
  trim_offsets: boolean;
  use_regex: boolean;
}

export type PreTokenizerJson =
  | ByteLevelJson
  | { type: "Split"; pattern: { Regex: string } | { String: string }; behavior: SplitBehavior; invert: boolean }
  | { type: "Sequence"; pretokenizers: PreTokenizerJson[] };

export interface BpeModelJson {
  type: "BPE";
  dropout: number | null;
  unk_token: string | null;
  continuing_subword_prefix: string | null;
  end_of_word_suffix: string | null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges: boolean;
  vocab: Record<string, number>;
  /** Older files write a merge as "left right", newer ones as ["left", "right"]. */
  merges: (string | [string, string])[];
}

export interface TokenizerJson {
  version: string;
  truncation: unknown;
  padding: unknown;
  added_tokens: AddedTokenJson[];
  normalizer: NormalizerJson | null;
  pre_tokenizer: PreTokenizerJson | null;
  /** Read but not applied: encode() never adds special tokens; callers (the chat template) place them. */
  post_processor: unknown;
  decoder: ByteLevelJson | null;
  model: BpeModelJson;
}

/** A tokenizer.json that cannot be loaded; the message names the file (or other source) and the reason. */
export class TokenizerFormatError extends Error {
  constructor(source: string, reason: string) {
    super(`${source}: ${reason}`);
    this.name = "TokenizerFormatError";
  }
}

/** The error for a feature that exists in the format but is not implemented here. */
export function unsupported(source: string, feature: string): TokenizerFormatError {
  return new TokenizerFormatError(source, `unsupported tokenizer.json feature: ${feature} (only byte-level BPE tokenizers such as GPT-2, Qwen2 and Llama-3 load)`);
}

/** value as a JSON object, or a format error saying what was expected where. */
export function asObject(value: unknown, source: string, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TokenizerFormatError(source, `${what} must be an object`);
  return value as Record<string, unknown>;
}

/** The "type" of a component object (normalizer, pre_tokenizer, decoder, model). */
export function componentType(value: Record<string, unknown>, source: string, what: string): string {
  if (typeof value.type !== "string") throw new TokenizerFormatError(source, `${what} has no "type"`);
  return value.type;
}
