// What the conversation stages (1 align, 2 sft, 3 grpo) share: which parts of the model learn, and how a
// conversation over one song becomes the LLM's input embeddings. The experts are frozen in all three, so a song
// arrives as its cached expert tokens (feature-cache.ts); the fusion and the projector turn them into LLM-width
// audio embeddings, which are spliced into the tokenized chat where its audio placeholders are.
import { noGrad } from "../engine/autograd.js";
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

/**
 * Freezes every part but the trainable ones; the experts must stay frozen (their features are cached), and so
 * does a timeline head (only `gamma train timeline` trains it; no conversation's loss reaches it, and the
 * trainer would warn at every run that no gradient did).
 */
export function freezeAllBut(model: GammaModel, trainable: readonly ModelPart[], stage: string): void {
  if (trainable.includes("temporal_expert") || trainable.includes("global_expert"))
    throw new Error(`${stage} keeps the experts frozen (their features are cached); train them in stage 0 (\`gamma train experts\`)`);
  for (const part of MODEL_PARTS) model[part].freeze(!trainable.includes(part));
  model.timeline?.freeze(true);
}

/** A clip as the LLM sees it: its cached expert tokens through the fusion and the projector. */
export function encodeCachedClip(model: GammaModel, f: ExpertFeatures): AudioEncoding {
  return model.encodeExpertTokens(f.temporal, f.global, f.seconds, f.pitch);
}

/**
 * A clip as its summary tokens only. The fusion runs without gradients here: its backward over a whole song's
 * tokens would cost most of such a short conversation's step, and it learns from the full-view ones. `pooled`
 * (projector.pool() of the fused tokens) skips the fusion altogether, for callers that keep it per song while
 * the fusion is frozen.
 */
function summaryOnlyClip(model: GammaModel, f: ExpertFeatures | undefined, pooled?: PooledClip): AudioEncoding {
  return model.summaryClip(clipSummary(model, f, pooled?.tokens ?? (f && pooledFusedTokens(model, f))), pooled?.seconds ?? f!.seconds);
}

/** A clip's pooled fused tokens (projector.pool(), [1, pooledWidth]) and its length: all a summary-only view needs. */
export interface PooledClip {
  tokens: Tensor;
  seconds: number;
}

/**
 * A clip's summary tokens [K, hidden] alone, from `pooled` when given, else through the fusion (with gradients
 * when it trains): what the summary-words loss needs when no conversation is run (ChatStageOptions.answerWeight 0).
 * `inputDropout` drops that share of what the summary layers read (training only: a regulariser).
 */
export function clipSummary(model: GammaModel, f: ExpertFeatures | undefined, pooled?: Tensor, inputDropout = 0): Tensor {
  if (!f && !pooled) throw new Error("a clip's summary needs its expert features or its pooled tokens");
  const input = pooled ?? model.projector.pool(model.fusion.forward(f!.temporal, f!.global).tokens, f!.pitch);
  const summary = model.projector.summaryFromPooled(inputDropout > 0 ? F.dropout(input, inputDropout, true) : input);
  if (!summary) throw new Error("a clip's summary needs a model with summary tokens (\"summaryTokens\" in the training config)");
  return summary.squeeze(0);
}

/** What the summary layers read of a song (projector.pool() of its fused tokens), computed without gradients. */
export function pooledFusedTokens(model: GammaModel, f: ExpertFeatures): Tensor {
  return noGrad(() => model.projector.pool(model.fusion.forward(f.temporal, f.global).tokens, f.pitch));
}

/**
 * The input embeddings of a conversation whose every audio part is the one song of `features`. With
 * `generationPrompt`, the messages end with the user's turn and the inputs end with the assistant header, for
 * the model to write the answer. With `summaryOnly`, the audio is its summary tokens alone (the model must have
 * them), from `pooled` when given (see summaryOnlyClip; then no features are needed). With `writtenSummary`
 * (token ids), the summary slot holds those words' input embeddings and nothing is heard. A conversation
 * without audio needs no features.
 */
export function chatInputs(model: GammaModel, tokenizer: Tokenizer, messages: readonly ChatMessage[], features: ExpertFeatures | undefined, generationPrompt: boolean, o: { summaryOnly?: boolean; pooled?: PooledClip; writtenSummary?: number[] } = {}): ModelInputs {
  const chat = encodeChat(tokenizer, messages, { addGenerationPrompt: generationPrompt });
  const clips: AudioEncoding[] = [];
  if (chat.audioSlots.length > 0) {
    if (!features && !(o.summaryOnly && o.pooled) && !o.writtenSummary) throw new Error("a conversation with audio needs the song's expert features");
    const clip = o.writtenSummary ? model.writtenSummary(o.writtenSummary) : o.summaryOnly ? summaryOnlyClip(model, features, o.pooled) : encodeCachedClip(model, features!);
    clips.push(...chat.audioSlots.map(() => clip));
  }
  return assembleInputs(model, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, clips);
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

/**
 * Teacher-forced, how many of the inputs' answers (each run of consecutive answer targets: one assistant turn)
 * the LLM gets wholly right, every token its likeliest next token, and how many answers there are.
 */
export function exactAnswers(llm: DecoderLM, inputs: ModelInputs): { right: number; answers: number; hits: boolean[] } {
  const predicted = llm.logits(llm.forward({ embeds: inputs.embeds.unsqueeze(0) })).squeeze(0).argmax(-1).toFloat32Array();
  const hits: boolean[] = [];
  let inAnswer = false, allRight = true;
  inputs.targets.forEach((t, i) => {
    if (t >= 0) {
      if (!inAnswer) { inAnswer = true; allRight = true; }
      if (predicted[i] !== t) allRight = false;
    } else if (inAnswer) {
      inAnswer = false;
      hits.push(allRight);
    }
  });
  if (inAnswer) hits.push(allRight);
  return { right: hits.filter(Boolean).length, answers: hits.length, hits };
}
