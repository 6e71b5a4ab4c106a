// Rollouts: a group of sampled answers to each of a batch of questions about songs, each answer scored. Shared by
// `gamma train grpo` (which learns from them) and `gamma data rl-select` (which measures pass rates with them).
// The songs come from the feature cache (frozen experts), the prompts are posed as rl-items.ts says, and all
// questions of a batch are sampled in one generate() call (left-padded prompts, G rows each) from one seed, so a
// batch is a function of (seed, the questions, the weights).
import { noGrad } from "../../engine/autograd.js";
import { keep, tidy } from "../../engine/scope.js";
import type { Tensor } from "../../engine/tensor.js";
import type { GammaModel } from "../../model/gamma.js";
import { generate } from "../../model/generate.js";
import { answerStopIds } from "../../model/tokenizer/special-tokens.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { chatInputs } from "../chat-inputs.js";
import type { FeatureCache } from "../feature-cache.js";
import { type McqAnswerRule, type PosedQuestion, type Reward, type RewardWeights, scoreAnswer } from "../rewards.js";
import { poseItem, posedMessages, RL_OPTION_SEED, type RlItem } from "../rl-items.js";

export interface SamplingOptions {
  /** Answers per question (G). */
  groupSize: number;
  /** Above 0: sampling (GRPO needs different answers); 0: greedy (one answer per question makes sense then). */
  temperature: number;
  topK: number;
  topP: number;
  maxNewTokens: number;
}

export interface SampledAnswer {
  /** The answer's tokens, ending with the end token when the model wrote one (it is part of what it learns). */
  tokens: number[];
  text: string;
  reward: Reward;
}

export interface SampledGroup {
  posed: PosedQuestion;
  /** The rendering of the song the answers heard (feature-cache variant). */
  variant: number;
  /** The song's length in seconds. */
  seconds: number;
  answers: SampledAnswer[];
}

export interface RolloutContext {
  model: GammaModel;
  tokenizer: Tokenizer;
  cache: FeatureCache;
  sampling: SamplingOptions;
  weights: RewardWeights;
  /** How an MCQ answer must name its option to be right (rewards.ts; default "parsed", as `gamma bench` reads it). */
  mcqAnswer?: McqAnswerRule;
}

/** The prompt of a posed question as input embeddings [Lp, hidden] (kept: the caller disposes of it). */
export async function promptEmbeds(model: GammaModel, tokenizer: Tokenizer, cache: FeatureCache, q: PosedQuestion, variant: number): Promise<{ embeds: Tensor; seconds: number }> {
  const features = await cache.get(q.item.audio, variant);
  try {
    return { embeds: keep(noGrad(() => tidy(() => chatInputs(model, tokenizer, posedMessages(q), features, true).embeds))), seconds: features.seconds };
  } finally {
    features.temporal.dispose();
    features.global.dispose();
  }
}

/**
 * G scored answers to each question, sampled in eval mode (the model's mode is restored); generate() keeps no
 * gradients. MCQ options are in the order `orderSeed` gives (poseItem).
 */
export async function sampleGroups(ctx: RolloutContext, items: readonly RlItem[], variants: readonly number[], seed: number, orderSeed = RL_OPTION_SEED): Promise<SampledGroup[]> {
  const { model, tokenizer, sampling } = ctx;
  const wasTraining = model.training;
  model.eval();
  const prompts: { embeds: Tensor; seconds: number }[] = [];
  try {
    const posed = items.map((item) => poseItem(item, orderSeed));
    for (const [i, q] of posed.entries()) prompts.push(await promptEmbeds(model, tokenizer, ctx.cache, q, variants[i]!));
    const rows = tidy(() => generate(model.llm, prompts.map((p) => p.embeds), (ids) => tokenizer.decode(ids, { skipSpecial: true }), {
      samples: sampling.groupSize, temperature: sampling.temperature, topK: sampling.topK, topP: sampling.topP,
      maxNewTokens: sampling.maxNewTokens, stopTokens: answerStopIds(tokenizer), vocabLimit: tokenizer.vocabSize, seed,
    }));
    return posed.map((q, i) => ({
      posed: q, variant: variants[i]!, seconds: prompts[i]!.seconds,
      answers: rows.slice(i * sampling.groupSize, (i + 1) * sampling.groupSize).map((r) => ({
        tokens: r.stopToken === undefined ? r.tokens : [...r.tokens, r.stopToken],
        text: r.text,
        reward: scoreAnswer(r.text, q, ctx.weights, ctx.mcqAnswer),
      })),
    }));
  } finally {
    for (const p of prompts) p.embeds.dispose();
    model.train(wasTraining);
  }
}

/** Mean and population standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
}
