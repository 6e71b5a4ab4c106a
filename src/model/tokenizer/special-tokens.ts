// GaMMA's special tokens. Each is one id, never produced by BPE from plain text (see added-tokens.ts).
export const END_OF_TEXT = "<|endoftext|>";
/** Padding reuses end-of-text: padded positions are masked out of the loss, so no separate pad id is needed. */
export const PAD = END_OF_TEXT;
/** ChatML turn markers: "<|im_start|>role\n…<|im_end|>\n". */
export const IM_START = "<|im_start|>";
export const IM_END = "<|im_end|>";
/** An audio clip is "<|audio_start|><|audio|><|audio_end|>"; the model puts the clip's embeddings in place of "<|audio|>". */
export const AUDIO_START = "<|audio_start|>";
export const AUDIO = "<|audio|>";
export const AUDIO_END = "<|audio_end|>";

/** In id order: a trained tokenizer gives them the ids after its last merge, in this order. */
export const GAMMA_SPECIAL_TOKENS: readonly string[] = [END_OF_TEXT, IM_START, IM_END, AUDIO_START, AUDIO, AUDIO_END];

/** The ids an assistant's answer ends with: <|im_end|> closes its turn, <|endoftext|> ends a document. */
export function answerStopIds(tokenizer: { tokenToId(token: string): number | undefined }): number[] {
  return [IM_END, END_OF_TEXT].map((t) => tokenizer.tokenToId(t)!);
}
