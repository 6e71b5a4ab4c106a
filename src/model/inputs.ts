// From a tokenized chat and encoded clips to the LLM's input embeddings: every <|audio|> token is replaced by
// its clip's audio embeddings, with a text time marker ("0:10.0", the project's one time format) before every
// projector.timeMarkerSeconds of audio, so time in the question, in the answer and in the audio line up, and
// then the clip's summary tokens when the model has them.
import { formatTime } from "../data/timefmt.js";
import { cat, type Tensor, tensor } from "../engine/tensor.js";
import type { AudioEncoding, GammaModel } from "./gamma.js";

/** Ignored target (no loss), as PyTorch's cross-entropy default. */
export const IGNORE_INDEX = -100;

export interface EncodedChat {
  ids: number[];
  /** Index in ids of each <|audio|> token, in clip order. */
  audioSlots: number[];
  /** Tokens the model learns to produce (assistant answers); absent = none. */
  targetMask?: boolean[];
}

export interface ModelInputs {
  /** [T, hidden]. */
  embeds: Tensor;
  /** For each position, the token the model should predict next, or IGNORE_INDEX. */
  targets: number[];
  /** Audio embeddings in the sequence, summary tokens included (time markers not counted). */
  audioTokens: number;
  /** Each clip's summary tokens [K, hidden], in clip order (empty when the model has none). */
  summaries: Tensor[];
}

/**
 * How a clip of `tokens` audio embeddings is cut into blocks, each preceded by a time marker: the index of the
 * block's first embedding and the time it starts at. Without markers (markerSeconds 0) it is one block.
 */
export function audioBlocks(tokens: number, tokenSeconds: number, markerSeconds: number): { first: number; seconds: number }[] {
  if (markerSeconds <= 0) return [{ first: 0, seconds: 0 }];
  const perBlock = Math.max(1, Math.round(markerSeconds / tokenSeconds));
  const blocks: { first: number; seconds: number }[] = [];
  for (let first = 0; first < tokens; first += perBlock) blocks.push({ first, seconds: first * tokenSeconds });
  return blocks;
}

export function assembleInputs(model: GammaModel, encodeText: (text: string) => number[], chat: EncodedChat, clips: AudioEncoding[]): ModelInputs {
  if (chat.audioSlots.length !== clips.length)
    throw new Error(`the conversation has ${chat.audioSlots.length} audio placeholder(s) but ${clips.length} clip(s) were given`);
  const device = model.llm.model.embed_tokens.weight.device;
  const pieces: Tensor[] = [];
  const ids: number[] = []; // the token at each position (IGNORE_INDEX for audio embeddings)
  const isTarget: boolean[] = [];
  const pushText = (tokens: number[], targetFlags?: boolean[]) => {
    if (tokens.length === 0) return;
    pieces.push(model.llm.embed(tensor(tokens, { dtype: "int64", device })));
    ids.push(...tokens);
    isTarget.push(...(targetFlags ?? tokens.map(() => false)));
  };
  let audioTokens = 0;
  let from = 0;
  const summaries: Tensor[] = [];
  chat.audioSlots.forEach((slot, c) => {
    pushText(chat.ids.slice(from, slot), chat.targetMask?.slice(from, slot));
    const clip = clips[c]!;
    const n = clip.embeds.size(0);
    const markerSeconds = model.config.projector.timeMarkerSeconds;
    const blocks = audioBlocks(n, clip.tokenSeconds, markerSeconds);
    blocks.forEach((block, b) => {
      if (markerSeconds > 0) pushText(encodeText(formatTime(block.seconds)));
      const end = b + 1 < blocks.length ? blocks[b + 1]!.first : n;
      pieces.push(clip.embeds.narrow(0, block.first, end - block.first));
      for (let i = block.first; i < end; i++) { ids.push(IGNORE_INDEX); isTarget.push(false); }
    });
    audioTokens += n;
    if (clip.summary) {
      // The clip's summary tokens close it, right before the words that follow the audio (in a chat, the
      // question): the answer then reads them from a few dozen positions away, distances the LLM's text
      // pretraining covers, rather than from across the whole song.
      pieces.push(clip.summary);
      summaries.push(clip.summary);
      for (let i = 0; i < clip.summary.size(0); i++) { ids.push(IGNORE_INDEX); isTarget.push(false); }
      audioTokens += clip.summary.size(0);
    }
    from = slot + 1;
  });
  pushText(chat.ids.slice(from), chat.targetMask?.slice(from));
  const targets = ids.map((_, i) => (i + 1 < ids.length && isTarget[i + 1] ? ids[i + 1]! : IGNORE_INDEX));
  return { embeds: pieces.length === 1 ? pieces[0]! : cat(pieces, 0), targets, audioTokens, summaries };
}
