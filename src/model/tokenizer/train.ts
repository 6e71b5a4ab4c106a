// Training a byte-level BPE tokenizer: the 256 byte symbols first, then merges of the most frequent adjacent
// pair, counted over the pieces of the corpus as the Qwen2-style pre-tokenizer cuts them (digits one by one).
// Pair counts are kept up to date incrementally: a merge visits only the words that contain the pair (an
// index from pair to words) and requeues only the pairs whose counts changed, so the work per merge is the
// size of its neighbourhood, not of the corpus.
import { AddedTokenSplitter } from "./added-tokens.js";
import { PAIR_BASE } from "./bpe.js";
import { BYTE_TO_CHAR } from "./byte-level.js";
import type { ByteLevelJson, NormalizerJson, PreTokenizerJson, TokenizerJson } from "./format.js";
import { buildNormalizer } from "./normalizer.js";
import { Heap } from "./heap.js";
import { buildPreTokenizer, QWEN2_PATTERN } from "./pre-tokenizer.js";

export interface TrainOptions {
  /** Total number of ids: 256 byte symbols + merged tokens + special tokens. */
  vocabSize: number;
  /** Added after the merges, in this order; never learned from the corpus. */
  specialTokens: readonly string[];
  /** A pair seen fewer times than this is not merged (default 2: a pair seen once is not a pattern). */
  minFrequency?: number;
  onProgress?: (progress: TrainProgress) => void;
}

export type TrainProgress =
  | { stage: "count"; texts: number; words: number }
  | { stage: "merge"; merges: number; vocab: number; target: number };

const NORMALIZER: NormalizerJson = { type: "NFC" };
const BYTE_LEVEL: ByteLevelJson = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };
const PRE_TOKENIZER: PreTokenizerJson = {
  type: "Sequence",
  pretokenizers: [{ type: "Split", pattern: { Regex: QWEN2_PATTERN }, behavior: "Isolated", invert: false }, BYTE_LEVEL],
};
const SOURCE = "trainBpe";

/** The smallest vocabSize for these special tokens: every byte symbol and every special token, no merges. */
export function minimumVocabSize(specialTokens: readonly string[]): number {
  return BYTE_TO_CHAR.length + specialTokens.length;
}

/** A tokenizer.json (Qwen2 layout) trained on texts; deterministic for the same texts and options. */
export function trainBpe(texts: Iterable<string>, options: TrainOptions): TokenizerJson {
  const { vocabSize, specialTokens, minFrequency = 2, onProgress } = options;
  checkOptions(vocabSize, specialTokens, minFrequency);
  const words = countWords(texts, specialTokens, onProgress);
  const { tokens, merges } = learnMerges(words, vocabSize - specialTokens.length, minFrequency, onProgress);
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content, i) => ({ id: tokens.length + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: NORMALIZER,
    pre_tokenizer: PRE_TOKENIZER,
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges,
    },
  };
}

function checkOptions(vocabSize: number, specialTokens: readonly string[], minFrequency: number): void {
  const minimum = minimumVocabSize(specialTokens);
  if (!Number.isInteger(vocabSize) || vocabSize < minimum || vocabSize > PAIR_BASE) {
    throw new RangeError(`vocabulary size must be an integer from ${minimum} (256 byte symbols + ${specialTokens.length} special tokens) to ${PAIR_BASE}, got ${vocabSize}`);
  }
  if (new Set(specialTokens).size !== specialTokens.length || specialTokens.some((t) => t === "")) throw new RangeError("special tokens must be distinct and non-empty");
  if (!Number.isInteger(minFrequency) || minFrequency < 1) throw new RangeError(`minimum frequency must be an integer >= 1, got ${minFrequency}`);
}

/** How often each byte-level piece occurs; special tokens in the texts are cut out, as encode() does. */
function countWords(texts: Iterable<string>, specialTokens: readonly string[], onProgress: TrainOptions["onProgress"]): Map<string, number> {
  const normalize = buildNormalizer(NORMALIZER, SOURCE);
  const preTokenize = buildPreTokenizer(PRE_TOKENIZER, SOURCE);
  const splitter = new AddedTokenSplitter(specialTokens.map((content, id) => ({ id, content, special: true })));
  const counts = new Map<string, number>();
  let done = 0;
  for (const text of texts) {
    for (const segment of splitter.split(text)) {
      if (typeof segment !== "string") continue;
      for (const piece of preTokenize(normalize(segment))) counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
    onProgress?.({ stage: "count", texts: ++done, words: counts.size });
  }
  return counts;
}

/**
 * The order of the pair queue: most frequent first, ties to the smaller pair key (left id, then right id), so
 * that training is deterministic. Entries may go stale: a merge lowers the counts of the pairs around it
 * without touching their entries, and queues a fresh entry for every pair whose count grew; a popped entry is
 * checked against the true count and requeued when they differ.
 */
function mostFrequentFirst(a: PairCount, b: PairCount): boolean {
  return a.count > b.count || (a.count === b.count && a.key < b.key);
}

interface PairCount {
  key: number;
  count: number;
}

/** Token strings by id (byte symbols, then merge results) and the merges in the order they were learned. */
function learnMerges(wordCounts: Map<string, number>, targetSize: number, minFrequency: number, onProgress: TrainOptions["onProgress"]) {
  const tokens = [...BYTE_TO_CHAR];
  const idOf = new Map(tokens.map((token, id) => [token, id]));
  const words = new WordTable(wordCounts, idOf);
  const queue = new Heap(mostFrequentFirst, words.pairs.entries());
  // "left right" strings, the format every version of the Hugging Face libraries reads; unambiguous here, as
  // no byte-level token holds a space (the space byte is "Ġ").
  const merges: string[] = [];

  while (tokens.length < targetSize) {
    const top = queue.pop();
    if (!top) break;
    const count = words.pairs.count(top.key);
    if (count !== top.count) {
      if (count > 0) queue.push({ key: top.key, count });
      continue;
    }
    if (count < minFrequency) break;
    const left = Math.floor(top.key / PAIR_BASE), right = top.key % PAIR_BASE;
    const mergedToken = tokens[left]! + tokens[right]!;
    // Two merge paths can spell the same token ("ab"+"c", "a"+"bc"): it keeps its first id, as in the Rust trainer.
    let merged = idOf.get(mergedToken);
    if (merged === undefined) {
      merged = tokens.push(mergedToken) - 1;
      idOf.set(mergedToken, merged);
    }
    merges.push(`${tokens[left]} ${tokens[right]}`);
    for (const key of words.merge(top.key, merged)) queue.push({ key, count: words.pairs.count(key) });
    onProgress?.({ stage: "merge", merges: merges.length, vocab: tokens.length, target: targetSize });
  }
  return { tokens, merges };
}

/** The distinct words of the corpus as symbol ids, with their counts and the pair counts over them. */
class WordTable {
  readonly pairs = new PairIndex();
  private readonly words: number[][];
  private readonly counts: number[];
  /** The merge that last visited each word, so that a word indexed twice under a pair is merged once. */
  private readonly lastVisit: Int32Array;
  private merges = 0;

  constructor(wordCounts: Map<string, number>, idOf: Map<string, number>) {
    this.words = Array.from(wordCounts.keys(), (piece) => Array.from(piece, (char) => idOf.get(char)!));
    this.counts = [...wordCounts.values()];
    this.lastVisit = new Int32Array(this.words.length).fill(-1);
    this.words.forEach((word, w) => this.pairs.addWord(word, this.counts[w]!, w));
  }

  /** Replaces the pair by the symbol merged in every word that has it; returns the pairs whose counts grew. */
  merge(key: number, merged: number): Set<number> {
    const left = Math.floor(key / PAIR_BASE), right = key % PAIR_BASE;
    const grown = new Set<number>();
    const visit = this.merges++;
    for (const w of this.pairs.takeWords(key)) {
      if (this.lastVisit[w] === visit) continue;
      this.lastVisit[w] = visit;
      const word = this.words[w]!;
      const next = mergePair(word, left, right, merged);
      if (next.length === word.length) continue; // the index is lazy: this word lost the pair to an earlier merge
      this.pairs.removeWord(word, this.counts[w]!);
      this.pairs.addWord(next, this.counts[w]!, w, { symbol: merged, grown });
      this.words[w] = next;
    }
    return grown;
  }
}

/** word with every non-overlapping (left, right), scanned left to right, replaced by merged. */
function mergePair(word: number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    if (word[i] === left && word[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(word[i]!);
    }
  }
  return out;
}

/** Corpus-wide counts of adjacent pairs, and for each pair the words that (may) contain it. */
class PairIndex {
  private readonly counts = new Map<number, number>();
  private readonly words = new Map<number, number[]>();

  count(key: number): number {
    return this.counts.get(key) ?? 0;
  }

  entries(): PairCount[] {
    return Array.from(this.counts, ([key, count]) => ({ key, count }));
  }

  /**
   * Counts the pairs of word (which occurs count times, at index w) and indexes w under them — after a merge,
   * only under the pairs with the new symbol (its other pairs were indexed before), collected in `grown`.
   */
  addWord(word: number[], count: number, w: number, merge?: { symbol: number; grown: Set<number> }): void {
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i]! * PAIR_BASE + word[i + 1]!;
      this.counts.set(key, (this.counts.get(key) ?? 0) + count);
      if (merge) {
        if (word[i] !== merge.symbol && word[i + 1] !== merge.symbol) continue;
        merge.grown.add(key);
      }
      const list = this.words.get(key);
      if (list) list.push(w);
      else this.words.set(key, [w]);
    }
  }

  removeWord(word: number[], count: number): void {
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i]! * PAIR_BASE + word[i + 1]!;
      this.counts.set(key, this.counts.get(key)! - count);
    }
  }

  /** The words indexed under key (some may have lost the pair since), dropping the index entry. */
  takeWords(key: number): number[] {
    const list = this.words.get(key) ?? [];
    this.words.delete(key);
    return list;
  }
}
