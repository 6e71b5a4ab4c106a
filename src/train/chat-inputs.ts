// What the conversation stages (1 align, 2 sft, 3 grpo) share: which parts of the model learn, and how a
// conversation over one song becomes the LLM's input embeddings. The experts are frozen in all three, so a song
// arrives as its cached expert tokens (feature-cache.ts); the fusion and the projector turn them into LLM-width
// audio embeddings, which are spliced into the tokenized chat where its audio placeholders are.
import * as F from "../engine/functional.js";
import { type Tensor, tensor } from "../engine/tensor.js";
import type { AudioEncoding, GammaModel } from "../model/gamma.js";
import type { DecoderLM } from "../model/llm.js";
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

/**
 * Next-token cross-entropy over the answer tokens of assembled inputs (the positions whose target is not
 * IGNORE_INDEX). Logits are computed only there: the LM head and the softmax over the vocabulary would
 * otherwise run over every audio and prompt position too, for the same loss.
 */
export function answerLoss(llm: DecoderLM, inputs: ModelInputs): { loss: Tensor; answerTokens: number } {
  const hidden = llm.forward({ embeds: inputs.embeds.unsqueeze(0) }).squeeze(0); // [T, hidden]
  const answered = inputs.targets.flatMap((t, i) => (t >= 0 ? [i] : []));
  const logits = llm.logits(hidden.indexSelect(0, tensor(answered, { dtype: "int64" })));
  return { loss: F.crossEntropy(logits, tensor(answered.map((i) => inputs.targets[i]!), { dtype: "int64" })), answerTokens: answered.length };
}
