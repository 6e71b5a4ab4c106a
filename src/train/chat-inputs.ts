// What the conversation stages (1 align, 2 sft, 3 grpo) share: which parts of the model learn, and how a
// conversation over one song becomes the LLM's input embeddings. The experts are frozen in all three, so a song
// arrives as its cached expert tokens (feature-cache.ts); the fusion and the projector turn them into LLM-width
// audio embeddings, which are spliced into the tokenized chat where its audio placeholders are.
import type { AudioEncoding, GammaModel } from "../model/gamma.js";
import { assembleInputs, type ModelInputs } from "../model/inputs.js";
import { type ChatMessage, encodeChat } from "../model/tokenizer/chat.js";
import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import type { ExpertFeatures } from "./feature-cache.js";

export const MODEL_PARTS = ["temporal_expert", "global_expert", "fusion", "projector", "llm"] as const;
export type ModelPart = (typeof MODEL_PARTS)[number];

/** Freezes every part but the trainable ones; the experts must stay frozen (their features are cached). */
export function freezeAllBut(model: GammaModel, trainable: readonly ModelPart[], stage: string): void {
  if (trainable.includes("temporal_expert") || trainable.includes("global_expert"))
    throw new Error(`${stage} keeps the experts frozen (their features are cached); train them in stage 0 (\`gamma train experts\`)`);
  for (const part of MODEL_PARTS) model[part].freeze(!trainable.includes(part));
}

/** A clip as the LLM sees it: its cached expert tokens through the fusion and the projector. */
export function encodeCachedClip(model: GammaModel, f: ExpertFeatures): AudioEncoding {
  return model.encodeExpertTokens(f.temporal, f.global, f.seconds);
}

/**
 * The input embeddings of a conversation whose every audio part is the one song of `features`. With
 * `generationPrompt`, the messages end with the user's turn and the inputs end with the assistant header, for
 * the model to write the answer.
 */
export function chatInputs(model: GammaModel, tokenizer: Tokenizer, messages: readonly ChatMessage[], features: ExpertFeatures, generationPrompt: boolean): ModelInputs {
  const chat = encodeChat(tokenizer, messages, { addGenerationPrompt: generationPrompt });
  const clip = encodeCachedClip(model, features);
  return assembleInputs(model, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, chat.audioSlots.map(() => clip));
}
