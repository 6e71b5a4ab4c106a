// The BPE model: byte-level symbols of one pre-tokenized piece merged, lowest merge rank first (leftmost
// first among equal ranks), exactly as the Rust library does. Merged pieces are cached, since natural text
// repeats the same words over and over.
import { BYTE_TO_CHAR } from "./byte-level.js";
import { asObject, TokenizerFormatError, unsupported } from "./format.js";
import { Heap } from "./heap.js";

/** A pair of token ids is keyed as left * PAIR_BASE + right: exact in a double for ids below 2^21. */
export const PAIR_BASE = 2 ** 21;
const CACHE_LIMIT = 100_000;

interface Merge { rank: number; id: number }
/** A queued merge of the symbols left and right at position at (the left one's first position). */
interface Candidate extends Merge { at: number; left: number; right: number }

export class BpeModel {
  private readonly merges = new Map<number, Merge>();
  private readonly cache = new Map<string, number[]>();

  /**
   * @param vocab token → id, every byte-level symbol included
   * @param merges the merge list in rank order, as [left, right] token pairs
   * @param ignoreMerges Llama-3's shortcut: a piece that is itself in the vocabulary is one token, whatever
   *   the merges would make of it
   */
  constructor(readonly vocab: ReadonlyMap<string, number>, merges: readonly (readonly [string, string])[], private readonly ignoreMerges: boolean, source: string) {
    for (const id of vocab.values()) if (id >= PAIR_BASE) throw new TokenizerFormatError(source, `token ids must be below ${PAIR_BASE}`);
    const missingByte = BYTE_TO_CHAR.find((char) => !vocab.has(char));
    if (missingByte !== undefined) throw unsupported(source, `a vocabulary without the byte symbol ${JSON.stringify(missingByte)} (not a byte-level BPE)`);
    merges.forEach(([left, right], rank) => {
      const a = vocab.get(left), b = vocab.get(right), id = vocab.get(left + right);
      if (a === undefined || b === undefined || id === undefined) throw new TokenizerFormatError(source, `merge ${rank} ${JSON.stringify([left, right])} uses or makes a token that is not in the vocabulary`);
      this.merges.set(a * PAIR_BASE + b, { rank, id }); // a merge listed twice keeps its last rank, as in the Rust library
    });
  }

  /** The token ids of one byte-level piece. */
  encodePiece(piece: string): number[] {
    if (this.ignoreMerges) {
      const whole = this.vocab.get(piece);
      if (whole !== undefined) return [whole];
    }
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const ids = this.merge(Array.from(piece, (char) => this.vocab.get(char)!));
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(piece, ids);
    return ids;
  }

  /**
   * The Rust library's algorithm: a queue of candidate merges by (rank, position); symbols form a linked list
   * over their first positions, and a candidate whose symbols changed since it was queued is skipped.
   * O(n log n), so a piece of thousands of symbols (a long run of "=" or emoji) stays fast.
   */
  private merge(symbols: number[]): number[] {
    const next = Array.from(symbols, (_, i) => (i + 1 < symbols.length ? i + 1 : -1));
    const previous = Array.from(symbols, (_, i) => i - 1);
    const queue = new Heap<Candidate>((a, b) => a.rank < b.rank || (a.rank === b.rank && a.at < b.at));
    const enqueue = (at: number) => {
      if (at < 0 || next[at]! < 0) return;
      const after = next[at]!;
      const merge = this.merges.get(symbols[at]! * PAIR_BASE + symbols[after]!);
      if (merge) queue.push({ ...merge, at, left: symbols[at]!, right: symbols[after]! });
    };
    for (let i = 0; i + 1 < symbols.length; i++) enqueue(i);
    for (let c = queue.pop(); c; c = queue.pop()) {
      const after = next[c.at]!;
      if (after < 0 || symbols[c.at] !== c.left || symbols[after] !== c.right) continue; // stale
      symbols[c.at] = c.id;
      next[c.at] = next[after]!;
      if (next[after]! >= 0) previous[next[after]!] = c.at;
      symbols[after] = -1;
      enqueue(previous[c.at]!);
      enqueue(c.at);
    }
    const ids: number[] = [];
    for (let i = 0; i >= 0; i = next[i]!) ids.push(symbols[i]!);
    return ids;
  }
}

/** The BPE model of a tokenizer.json "model" object; refuses BPE variants that are not plain byte-level BPE. */
export function bpeModelFromJson(json: unknown, source: string): BpeModel {
  const model = asObject(json, source, "model");
  if (model.type !== "BPE") throw unsupported(source, `model type ${String(model.type)}`);
  if (typeof model.dropout === "number" && model.dropout > 0) throw unsupported(source, "BPE dropout");
  if (model.continuing_subword_prefix) throw unsupported(source, "continuing_subword_prefix");
  if (model.end_of_word_suffix) throw unsupported(source, "end_of_word_suffix");
  if (model.byte_fallback === true) throw unsupported(source, "byte_fallback");
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(asObject(model.vocab, source, "model.vocab"))) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new TokenizerFormatError(source, `vocab id of ${JSON.stringify(token)} is not a non-negative integer`);
    vocab.set(token, id as number);
  }
  if (!Array.isArray(model.merges)) throw new TokenizerFormatError(source, "model.merges must be an array");
  const merges = model.merges.map((m: unknown, rank) => parseMerge(m, rank, source));
  return new BpeModel(vocab, merges, model.ignore_merges === true, source);
}

function parseMerge(merge: unknown, rank: number, source: string): [string, string] {
  if (typeof merge === "string") {
    const parts = merge.split(" ");
    if (parts.length === 2) return [parts[0]!, parts[1]!];
  } else if (Array.isArray(merge) && merge.length === 2 && merge.every((p) => typeof p === "string")) {
    return [merge[0] as string, merge[1] as string];
  }
  throw new TokenizerFormatError(source, `merge ${rank} must be "left right" or ["left", "right"], got ${JSON.stringify(merge)}`);
}
