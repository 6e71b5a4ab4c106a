// Rollouts: a group of sampled answers to each of a batch of questions about songs, each answer scored. Shared by
// `gamma train grpo` (which learns from them) and `gamma data rl-select` (which measures pass rates with them).
// The songs come from the feature cache (frozen experts), the prompts are posed as rl-items.ts says, and all
// questions of a batch are sampled in one generate() call (left-padded prompts, G rows each) from one seed, so a
// batch is a function of (seed, the questions, the weights); with `written`, a song is its facts written in the
// summary slot instead (written-summary.ts) and no features are read. A group may pose its multiple-choice question in
// several option orders (rotations of one order), G / orders answers each: a letter the model prefers whatever the
// question is then right in some of the group's answers and wrong in others, and earns no advantage of its own.
import { noGrad } from "../../engine/autograd.js";
import { keep, tidy } from "../../engine/scope.js";
import type { Tensor } from "../../engine/tensor.js";
import type { GammaModel } from "../../model/gamma.js";
import { generate } from "../../model/generate.js";
import { answerStopIds } from "../../model/tokenizer/special-tokens.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { chatInputs } from "../chat-inputs.js";
import { disposeFeatures, type FeatureCache } from "../feature-cache.js";
import { type McqAnswerRule, type PosedQuestion, type Reward, type RewardWeights, scoreAnswer } from "../rewards.js";
import { poseItem, posedMessages, RL_OPTION_SEED, type RlItem, spreadRotations } from "../rl-items.js";
import type { WrittenSummaries } from "./written-summary.js";

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
  /** The rotation of the options it answered (poseItem); its posing is the group's `posings.get(rotation)`. */
  rotation: number;
}

export interface SampledGroup {
  item: RlItem;
  /** The question as posed in each rotation the group used (by rotation). */
  posings: Map<number, PosedQuestion>;
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
  /** Pose every question over its song's written summary (written-summary.ts) instead of the heard song. */
  written?: WrittenSummaries;
}

/**
 * The prompts of posings of one question as input embeddings [Lp, hidden] (kept: the caller disposes of them),
 * over the song as heard (features of `variant`) or, with `written`, over its written summary.
 */
export async function promptEmbeds(model: GammaModel, tokenizer: Tokenizer, cache: FeatureCache, posings: readonly PosedQuestion[], variant: number, written?: WrittenSummaries): Promise<{ embeds: Tensor[]; seconds: number }> {
  const item = posings[0]!.item;
  if (written) {
    const writtenSummary = written.words(item);
    const embeds = posings.map((q) => keep(noGrad(() => tidy(() => chatInputs(model, tokenizer, posedMessages(q), undefined, true, { summaryOnly: true, writtenSummary }).embeds))));
    return { embeds, seconds: written.annotation(item).global.duration };
  }
  const features = await cache.get(item.audio, variant);
  try {
    const embeds = posings.map((q) => keep(noGrad(() => tidy(() => chatInputs(model, tokenizer, posedMessages(q), features, true).embeds))));
    return { embeds, seconds: features.seconds };
  } finally {
    disposeFeatures(features);
  }
}

/**
 * G scored answers to each question, sampled in eval mode (the model's mode is restored); generate() keeps no
 * gradients. MCQ options are in the order `orderSeed` gives (poseItem), turned into `orders` rotations
 * (spreadRotations) of G / orders answers each, in rotation order.
 */
export async function sampleGroups(ctx: RolloutContext, items: readonly RlItem[], variants: readonly number[], seed: number, orderSeed = RL_OPTION_SEED, orders = 1): Promise<SampledGroup[]> {
  const { model, tokenizer, sampling } = ctx;
  const perPosing = sampling.groupSize / orders;
  if (!(Number.isInteger(orders) && orders >= 1 && Number.isInteger(perPosing))) throw new RangeError(`sampleGroups: ${orders} option orders do not split a group of ${sampling.groupSize}`);
  const wasTraining = model.training;
  model.eval();
  const prompts: Tensor[] = [];
  try {
    const groups = [];
    for (const [i, item] of items.entries()) {
      const rotations = spreadRotations(item.choices?.length ?? 0, orders);
      const posings = rotations.map((r) => poseItem(item, orderSeed, r));
      const { embeds, seconds } = await promptEmbeds(model, tokenizer, ctx.cache, posings, variants[i]!, ctx.written);
      prompts.push(...embeds);
      groups.push({ item, rotations, posings, seconds });
    }
    const rows = tidy(() => generate(model.llm, prompts, (ids) => tokenizer.decode(ids, { skipSpecial: true }), {
      samples: perPosing, temperature: sampling.temperature, topK: sampling.topK, topP: sampling.topP,
      maxNewTokens: sampling.maxNewTokens, stopTokens: answerStopIds(tokenizer), vocabLimit: tokenizer.vocabSize, seed,
    }));
    return groups.map((g, i) => ({
      item: g.item, variant: variants[i]!, seconds: g.seconds,
      posings: new Map(g.rotations.map((r, j) => [r, g.posings[j]!])),
      answers: rows.slice(i * sampling.groupSize, (i + 1) * sampling.groupSize).map((r, k) => {
        const j = Math.floor(k / perPosing);
        return {
          tokens: r.stopToken === undefined ? r.tokens : [...r.tokens, r.stopToken],
          text: r.text,
          reward: scoreAnswer(r.text, g.posings[j]!, ctx.weights, ctx.mcqAnswer),
          rotation: g.rotations[j]!,
        };
      }),
    }));
  } finally {
    for (const p of prompts) p.dispose();
    model.train(wasTraining);
  }
}

/** Mean and population standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
}
