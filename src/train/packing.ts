// Packing documents into fixed-length training sequences, GPT-style: documents are laid end to end, each after
// an "<|endoftext|>" separator, and the stream is cut into sequences of seqLen + 1 ids (inputs are the first
// seqLen, targets the last seqLen), so no position is wasted on padding and the model learns to end a document.
// Each epoch lays the documents out in a new order, a pure function of (seed, epoch), and serves its sequences
// in stream order; the state (epoch, sequences served) is all a resumed run needs to continue exactly.
import { Rng } from "../music/rng.js";
import { DOCUMENT_SOURCES } from "./text-documents.js";
import type { TokenCache } from "./token-cache.js";

/** Where a sampler is: enough to continue exactly. */
export interface PackingState {
  epoch: number;
  /** Sequences already served in this epoch. */
  position: number;
}

/** Target value that the loss ignores (padding), as torch's cross-entropy default. */
export const IGNORE_TARGET = -100;

export class PackedSequenceSampler {
  private order: number[] = [];
  /** Stream offset of each document's separator, in this epoch's order, and the stream length at the end. */
  private starts = new Float64Array(1);
  private state: PackingState;

  constructor(private readonly cache: TokenCache, private readonly docs: readonly number[], readonly seqLen: number, private readonly separator: number, private readonly seed: number, state: PackingState = { epoch: 0, position: 0 }) {
    if (docs.length === 0) throw new Error("no documents to pack");
    this.state = { ...state };
    this.layOut(state.epoch);
    if (this.sequencesPerEpoch === 0) throw new Error(`the training text (${this.streamLength} tokens with separators) is shorter than one sequence of ${seqLen + 1} tokens; lower seqLen`);
  }

  get current(): PackingState { return { ...this.state }; }

  get streamLength(): number { return this.starts[this.starts.length - 1]!; }

  /** Whole sequences in one epoch's stream (the tail shorter than a sequence is left out). */
  get sequencesPerEpoch(): number { return Math.floor((this.streamLength - 1) / this.seqLen); }

  /** The next `count` sequences, each seqLen + 1 ids. */
  next(count: number): Int32Array[] {
    const out: Int32Array[] = [];
    while (out.length < count) {
      if (this.state.position >= this.sequencesPerEpoch) {
        this.state = { epoch: this.state.epoch + 1, position: 0 };
        this.layOut(this.state.epoch);
      }
      out.push(this.slice(this.state.position++ * this.seqLen, this.seqLen + 1));
    }
    return out;
  }

  private layOut(epoch: number): void {
    this.order = new Rng(this.seed * 1000003 + epoch).shuffle(this.docs);
    this.starts = new Float64Array(this.order.length + 1);
    this.order.forEach((doc, i) => { this.starts[i + 1] = this.starts[i]! + 1 + this.cache.documents[doc]!.length; });
  }

  /** `length` ids of the epoch's stream from `from`. */
  private slice(from: number, length: number): Int32Array {
    const out = new Int32Array(length);
    // The last document starting at or before `from` (binary search over the separators' offsets).
    let lo = 0, hi = this.order.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= from) lo = mid;
      else hi = mid - 1;
    }
    let filled = 0, at = from;
    for (let i = lo; filled < length; i++) {
      const ids = this.cache.ids(this.order[i]!);
      const offset = at - this.starts[i]!; // 0 is the separator, 1.. the document
      if (offset === 0) { out[filled++] = this.separator; at++; }
      const take = Math.min(length - filled, ids.length - Math.max(0, offset - 1));
      out.set(ids.subarray(Math.max(0, offset - 1), Math.max(0, offset - 1) + take), filled);
      filled += take;
      at += take;
    }
    return out;
  }
}

/** Fixed evaluation sequences, and which kind of document each target token belongs to. */
export interface PackedEvaluation {
  inputs: Int32Array[];
  /** IGNORE_TARGET where the last sequence is padded. */
  targets: Int32Array[];
  /** Index into DOCUMENT_SOURCES of each target's document (a separator belongs to the document it ends); -1 for padding. */
  sources: Int8Array[];
}

/**
 * Packs documents in the given order, each after a separator and the last one followed by one (so that every
 * document's end is predicted), into sequences of seqLen targets; the last sequence is padded.
 */
export function packForEvaluation(cache: TokenCache, docs: readonly number[], seqLen: number, separator: number): PackedEvaluation {
  const stream: number[] = [], owner: number[] = [];
  for (const doc of docs) {
    stream.push(separator);
    owner.push(owner.length ? owner[owner.length - 1]! : -1); // the separator ends the previous document
    const source = DOCUMENT_SOURCES.indexOf(cache.documents[doc]!.source);
    for (const id of cache.ids(doc)) { stream.push(id); owner.push(source); }
  }
  stream.push(separator);
  owner.push(owner[owner.length - 1] ?? -1);
  const out: PackedEvaluation = { inputs: [], targets: [], sources: [] };
  for (let from = 0; from + 1 < stream.length; from += seqLen) {
    const inputs = new Int32Array(seqLen).fill(separator), targets = new Int32Array(seqLen).fill(IGNORE_TARGET), sources = new Int8Array(seqLen).fill(-1);
    const n = Math.min(seqLen, stream.length - 1 - from);
    inputs.set(stream.slice(from, from + n));
    targets.set(stream.slice(from + 1, from + 1 + n));
    sources.set(owner.slice(from + 1, from + 1 + n));
    out.inputs.push(inputs);
    out.targets.push(targets);
    out.sources.push(sources);
  }
  return out;
}
