// A byte-level BPE tokenizer loaded from a Hugging Face tokenizer.json (GPT-2, Qwen2, Llama-3 layouts, and
// the ones `gamma tokenizer train` writes). Encoding runs the same pipeline as the Rust library: added tokens
// cut out, normalizer, pre-tokenizer, BPE per piece; post_processor templates are not applied (encode never
// adds special tokens, the chat template places them), so ids equal the Rust library's encode(text,
// add_special_tokens=False).
//
// Why our own encoder rather than @huggingface/tokenizers (Apache-2.0, pure JS, no dependencies, well made,
// but 0.x): training needs the byte-level table and the pre-tokenizer anyway, and one implementation for both
// is what guarantees that encoding cuts text exactly as training counted it; the library ignores settings it
// does not implement (BPE dropout, Split behaviors other than Isolated/Removed; an unknown pattern only
// warns) where a model must refuse a tokenizer it would encode differently, and its errors do not name the
// file; and ours encodes 3-10x faster (it keys merges by JSON.stringify of pairs). The library stays a
// devDependency: the tests check that our ids equal its ids on varied text in the GPT-2, Qwen2 and Llama-3
// layouts, and that the files we write load there.
import { addedTokensFromJson, AddedTokenSplitter, type AddedToken } from "./added-tokens.js";
import { bpeModelFromJson, type BpeModel } from "./bpe.js";
import { tokenBytes } from "./byte-level.js";
import { asObject, componentType, unsupported } from "./format.js";
import { buildNormalizer, type Normalize } from "./normalizer.js";
import { buildPreTokenizer, type PreTokenize } from "./pre-tokenizer.js";

export interface EncodeOptions {
  /**
   * Whether added tokens written in the text become their ids (default true). False encodes "<|im_end|>" as
   * plain text: the chat template uses it for message content, so that no text can forge a turn marker.
   */
  parseSpecial?: boolean;
}

export interface DecodeOptions {
  /** Leave out special tokens (turn markers, audio slots, end of text). */
  skipSpecial?: boolean;
}

export class Tokenizer {
  private readonly tokenIds = new Map<string, number>();
  private readonly tokens: string[] = [];
  private readonly specialIds = new Set<number>();
  private readonly splitter: AddedTokenSplitter;

  private constructor(readonly source: string, private readonly normalize: Normalize, private readonly preTokenize: PreTokenize, private readonly bpe: BpeModel, addedTokens: AddedToken[]) {
    for (const [token, id] of bpe.vocab) this.setToken(token, id);
    for (const t of addedTokens) {
      this.setToken(t.content, t.id);
      if (t.special) this.specialIds.add(t.id);
    }
    this.splitter = new AddedTokenSplitter(addedTokens);
  }

  /** A tokenizer from a parsed tokenizer.json; source (usually the file name) is named in every error. */
  static fromJson(json: unknown, source: string): Tokenizer {
    const root = asObject(json, source, "tokenizer.json");
    const bpe = bpeModelFromJson(root.model, source);
    const decoder = root.decoder === null || root.decoder === undefined ? undefined : componentType(asObject(root.decoder, source, "decoder"), source, "decoder");
    if (decoder !== "ByteLevel") throw unsupported(source, decoder ? `decoder ${decoder}` : "a tokenizer without a decoder");
    return new Tokenizer(source, buildNormalizer(root.normalizer, source), buildPreTokenizer(root.pre_tokenizer, source), bpe, addedTokensFromJson(root.added_tokens, source));
  }

  /** The ids of text; added tokens written in the text (e.g. "<|im_end|>") become their single ids. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    const segments = options.parseSpecial === false ? [text] : this.splitter.split(text);
    for (const segment of segments) {
      if (typeof segment === "number") ids.push(segment);
      else for (const piece of this.preTokenize(this.normalize(segment))) ids.push(...this.bpe.encodePiece(piece));
    }
    return ids;
  }

  /** The text of ids; bytes that do not form valid UTF-8 (a cut multi-byte character) become U+FFFD. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const parts: Uint8Array[] = [];
    for (const id of ids) {
      const token = this.tokens[id];
      if (token === undefined) throw new RangeError(`decode: ${id} is not a token id (vocabulary size ${this.vocabSize})`);
      if (!(options.skipSpecial && this.specialIds.has(id))) parts.push(tokenBytes(token));
    }
    return new TextDecoder().decode(Buffer.concat(parts));
  }

  tokenToId(token: string): number | undefined {
    return this.tokenIds.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** One more than the highest id: the number of rows an embedding table over these ids needs. */
  get vocabSize(): number {
    return this.tokens.length;
  }

  private setToken(token: string, id: number): void {
    this.tokenIds.set(token, id);
    this.tokens[id] = token;
  }
}
