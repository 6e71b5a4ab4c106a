// Documents tokenized once per run and kept in the run directory: tokens.bin holds every document's ids back
// to back (uint16 when the vocabulary fits, else int32), index.json says where each document starts, whether
// it is held out, and what the cache was built from. Both are written atomically, index.json last, so an
// index always describes a complete tokens.bin; a run that resumes reads its own frozen copy of the data even
// if the dataset has grown since.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";
import { Progress } from "../cli/progress.js";
import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import type { DocumentSource, TextDocument } from "./text-documents.js";

export const TOKENS_FILE = "tokens.bin";
export const INDEX_FILE = "index.json";

export type TokenIds = Uint16Array | Int32Array;

export interface CachedDocument {
  id: string;
  source: DocumentSource;
  heldOut: boolean;
  /** Offset of its first token in tokens.bin, in tokens. */
  start: number;
  length: number;
}

export interface TokenCacheIndex {
  version: 1;
  /** What the documents and the tokenizer were made from (the config's data fields); a changed recipe is a new run. */
  recipe: unknown;
  tokenizerSha256: string;
  dtype: "uint16" | "int32";
  tokens: number;
  documents: CachedDocument[];
}

export function sha256(data: string | Uint8Array): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

export class TokenCache {
  constructor(readonly tokens: TokenIds, readonly documents: readonly CachedDocument[]) {}

  /** A document's token ids (a view, not a copy). */
  ids(doc: number): TokenIds {
    const d = this.documents[doc]!;
    return this.tokens.subarray(d.start, d.start + d.length);
  }

  /** Indices of the training documents (held out = false) or of the held-out ones. */
  split(heldOut: boolean): number[] {
    const out: number[] = [];
    this.documents.forEach((d, i) => { if (d.heldOut === heldOut) out.push(i); });
    return out;
  }
}

/** Tokenizes the documents (plain text: "<|endoftext|>" written in a document stays text) and writes the cache. */
export function buildTokenCache(dir: string, docs: readonly TextDocument[], heldOut: (doc: TextDocument) => boolean, tokenizer: Tokenizer, o: { recipe: unknown; tokenizerSha256: string }): TokenCache {
  const dtype = tokenizer.vocabSize <= 65536 ? "uint16" : "int32";
  const chunks: number[][] = [];
  const documents: CachedDocument[] = [];
  let total = 0;
  const progress = new Progress(docs.length, "tokenizing", "documents");
  for (const doc of docs) {
    const ids = tokenizer.encode(doc.text, { parseSpecial: false });
    chunks.push(ids);
    documents.push({ id: doc.id, source: doc.source, heldOut: heldOut(doc), start: total, length: ids.length });
    total += ids.length;
    progress.tick();
  }
  progress.finish();
  const tokens = dtype === "uint16" ? new Uint16Array(total) : new Int32Array(total);
  chunks.forEach((ids, i) => tokens.set(ids, documents[i]!.start));
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, TOKENS_FILE), new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength));
  const index: TokenCacheIndex = { version: 1, recipe: o.recipe, tokenizerSha256: o.tokenizerSha256, dtype, tokens: total, documents };
  writeFileAtomic(path.join(dir, INDEX_FILE), JSON.stringify(index) + "\n");
  return new TokenCache(tokens, documents);
}

/** The cache's index, or undefined when there is no complete cache in dir. */
export function readTokenCacheIndex(dir: string): TokenCacheIndex | undefined {
  const indexFile = path.join(dir, INDEX_FILE), tokensFile = path.join(dir, TOKENS_FILE);
  if (!fs.existsSync(indexFile) || !fs.existsSync(tokensFile)) return undefined;
  const index = JSON.parse(fs.readFileSync(indexFile, "utf8")) as TokenCacheIndex;
  const width = index.dtype === "uint16" ? 2 : 4;
  if (index.version !== 1 || fs.statSync(tokensFile).size !== index.tokens * width) return undefined;
  return index;
}

export function loadTokenCache(dir: string, index: TokenCacheIndex): TokenCache {
  const bytes = fs.readFileSync(path.join(dir, TOKENS_FILE));
  // Copy into a fresh buffer: a Buffer from the pool may not be aligned for 16/32-bit views.
  const buffer = new Uint8Array(bytes).buffer;
  return new TokenCache(index.dtype === "uint16" ? new Uint16Array(buffer) : new Int32Array(buffer), index.documents);
}
