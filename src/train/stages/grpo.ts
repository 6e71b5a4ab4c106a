// Stage 3: GRPO (group relative policy optimisation) from the SFT model, on the questions `gamma data rl-select`
// kept. Every `innerSteps` optimizer steps a rollout batch is drawn: `promptsPerBatch` questions, `groupSize`
// answers sampled to each by the current policy, each scored (rewards.ts) and given its advantage within its
// group. The batch also records, per answer token, the log-probability under the policy that sampled it (the
// "old" policy of the ratio) and under the frozen reference (the SFT model, for the KL penalty). Each optimizer
// step then takes one micro-batch per question (gradAccum = promptsPerBatch) and minimises the negative clipped
// objective (grpo/objective.ts).
//
// Exact resume: the rollout batch is part of the data state in the checkpoint (tokens, rewards, advantages and
// both log-probabilities as float32), so a run stopped between two rollouts continues with the very batch it was
// using; a new batch is a function of (seed, batch index) and the weights of that moment.
import path from "node:path";
import { noGrad } from "../../engine/autograd.js";
import { tidy } from "../../engine/scope.js";
import { cat, type Tensor, tensor, zeros } from "../../engine/tensor.js";
import type { AugmentConfig } from "../../data/augment.js";
import type { GammaModel } from "../../model/gamma.js";
import { saveModel, TOKENIZER_FILE } from "../../model/io.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { Rng } from "../../music/rng.js";
import { chatInputs, freezeAllBut, type ModelPart } from "../chat-inputs.js";
import { disposeFeatures, type ExpertFeatures, expertsFingerprint, FeatureCache } from "../feature-cache.js";
import type { StepResult, TrainTask } from "../loop.js";
import type { McqAnswerRule, PosedQuestion, RewardWeights } from "../rewards.js";
import { poseItem, posedMessages, RL_OPTION_SEED, type RlItem } from "../rl-items.js";
import { type SamplerState, SongSampler } from "../songs.js";
import { type AnswerLogProbs, answerLogProbs, groupAdvantages, grpoLoss, sequenceMean } from "../grpo/objective.js";
import { meanStd, promptEmbeds, type RolloutContext, type SampledGroup, sampleGroups } from "../grpo/rollout.js";
import { type SummaryView, type WrittenSummaries, writtenSummariesFor } from "../grpo/written-summary.js";

export interface GrpoSettings {
  /** Answers sampled per question (G). */
  groupSize: number;
  /** Questions per rollout batch; also the micro-batches of an optimizer step. */
  promptsPerBatch: number;
  /** Optimizer steps on each rollout batch. */
  innerSteps: number;
  /** The policy ratio is clipped to [1 - eps, 1 + eps]. */
  clipEpsilon: number;
  /** Weight of the KL penalty to the reference. */
  klBeta: number;
  temperature: number;
  topK: number;
  topP: number;
  maxNewTokens: number;
  rewardWeights: RewardWeights;
  /**
   * "per-rollout": each rollout batch poses its MCQs with the options in a new order (one order per group, so
   * the group's answers still compare on one prompt); "fixed": every time in the question's own order. A
   * pass-rate filtered set in fixed order keeps more questions whose answer sits where the SFT model's letter
   * bias points (rl-v3: (A) 30%), and GRPO then learns the letter instead of the music (grpo-v3: (A) for 108 of
   * 131 held-out questions); a new order each time leaves the letter nothing to say.
   */
  optionOrder: "per-rollout" | "fixed";
  /**
   * Option orders within a group (dividing groupSize): rotations of the batch's order, G / ordersPerGroup answers
   * each, so the right option sits under that many letters. With one order the letter a seed happens to favour is
   * paid whenever it is the right one and GRPO reinforces it (grpo-v6: (B) for 80 of 131 held-out answers); with an
   * order per letter a letter alone earns nothing within a group.
   */
  ordersPerGroup: number;
  /** How an MCQ answer must name its option to earn the accuracy reward (rewards.ts, McqAnswerRule). */
  mcqAnswer: McqAnswerRule;
  /** Held-out questions answered greedily at each evaluation. */
  evalItems: number;
  /**
   * "heard": a question's song is its audio through the experts; "written": its facts as summary words
   * (grpo/written-summary.ts; a summary-only model, questions the summary answers), no audio read. Default "heard".
   */
  summary?: SummaryView;
  /** With summary "written": the share of songs whose summary states a misheard tempo / respelled tonic (misheardFacts); default 0. */
  misheard?: number;
}

export interface GrpoStageOptions {
  /** The policy: starts as the SFT model. */
  model: GammaModel;
  /** The frozen reference of the KL penalty (the SFT model); its experts must be the policy's. */
  reference: GammaModel;
  tokenizer: Tokenizer;
  /** The model directory the run started from (its tokenizer.json goes into the result). */
  initDir: string;
  train: RlItem[];
  heldOut: RlItem[];
  trainable: ModelPart[];
  seed: number;
  featureDir: string;
  variants: number;
  augment: AugmentConfig;
  grpo: GrpoSettings;
}

/** One sampled answer of a rollout batch, with what the loss needs. Log-probs are float32 values. */
export interface RolloutAnswer {
  /** The rotation of the group's option order it answered (poseItem); absent in checkpoints before groups had several: 0. */
  rotation?: number;
  tokens: number[];
  text: string;
  format: number;
  accuracy: number;
  reward: number;
  advantage: number;
  oldLogp: number[];
  refLogp: number[];
}

export interface RolloutGroup {
  itemId: string;
  /** The seed of the options' order the group was posed with (poseItem); absent in checkpoints before it was kept: RL_OPTION_SEED. */
  orderSeed?: number;
  variant: number;
  answers: RolloutAnswer[];
}

export interface RolloutBatch {
  index: number;
  groups: RolloutGroup[];
  /** Reward statistics and mean response length over the batch (the same in every step that uses it). */
  stats: Record<string, number>;
}

export interface GrpoBatch {
  group: RolloutGroup;
  posed: PosedQuestion;
  /** The song as heard; absent when the questions are posed over written summaries. */
  features?: ExpertFeatures;
  stats: Record<string, number>;
  /** Seconds spent sampling and scoring the rollout batch, in the step that did it (0 in the others). */
  rolloutSeconds: number;
}

/** The data state in a checkpoint: the sampler's position and the rollout batch in use (log-probs as base64 float32). */
interface GrpoDataState {
  sampler: SamplerState;
  batch?: Omit<RolloutBatch, "groups"> & { groups: (Omit<RolloutGroup, "answers"> & { answers: (Omit<RolloutAnswer, "oldLogp" | "refLogp"> & { oldLogp: string; refLogp: string })[] })[] };
}

const packFloats = (values: readonly number[]) => Buffer.from(Float32Array.from(values).buffer).toString("base64");
const unpackFloats = (text: string) => {
  const bytes = Buffer.from(text, "base64");
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
};

export class GrpoStage implements TrainTask<GrpoBatch> {
  readonly module: GammaModel;
  private sampler: SongSampler<RlItem>;
  private readonly cache: FeatureCache;
  private readonly items: Map<string, RlItem>;
  private readonly written: WrittenSummaries | undefined;
  private batch: RolloutBatch | undefined;
  private rolledAt = { step: -1, seconds: 0 };

  constructor(private readonly o: GrpoStageOptions) {
    if (o.train.length === 0) throw new Error("grpo: no training questions");
    const unreachable = o.trainable.filter((part) => part === "fusion" || part === "projector");
    if (o.model.hearsSummaryWordsOnly && unreachable.length > 0) {
      throw new Error(`grpo: "trainable" includes ${unreachable.join(" and ")}, but this model's LLM hears a song only as summary words (projector.summaryAsWords, summaryOnly), `
        + "so no policy gradient reaches them; train them with `gamma train sft` and the mcq-summary kind (configs/gamma-small/sumfit-*.json), or train only the llm here");
    }
    freezeAllBut(o.model, o.trainable, "grpo");
    o.reference.freeze(true).eval();
    // One feature cache serves both models, so they must hear a song through the same experts.
    if (expertsFingerprint(o.reference) !== expertsFingerprint(o.model)) throw new Error("grpo: the reference model's experts differ from the policy's (use the SFT model, or a model made from it)");
    this.module = o.model;
    this.written = o.grpo.summary === "written" ? writtenSummaries(o) : undefined;
    this.sampler = new SongSampler(o.train, o.seed);
    this.cache = new FeatureCache(o.featureDir, o.model, o.augment);
    this.items = new Map([...o.train, ...o.heldOut].map((item) => [item.id, item]));
  }

  trainable(): [string, Tensor][] {
    return [...this.module.namedParameters()].filter(([, p]) => p.requiresGrad);
  }

  dataState(): GrpoDataState {
    const b = this.batch;
    return {
      sampler: this.sampler.current,
      ...(b && { batch: { ...b, groups: b.groups.map((g) => ({ ...g, answers: g.answers.map((a) => ({ ...a, oldLogp: packFloats(a.oldLogp), refLogp: packFloats(a.refLogp) })) })) } }),
    };
  }

  restoreData(state: unknown): void {
    const s = state as GrpoDataState;
    this.sampler = new SongSampler(this.o.train, this.o.seed, s.sampler);
    const b = s.batch;
    this.batch = b && { ...b, groups: b.groups.map((g) => ({ ...g, answers: g.answers.map((a) => ({ ...a, oldLogp: unpackFloats(a.oldLogp), refLogp: unpackFloats(a.refLogp) })) })) };
  }

  private get rolloutContext(): RolloutContext {
    const g = this.o.grpo;
    return {
      model: this.module, tokenizer: this.o.tokenizer, cache: this.cache, weights: g.rewardWeights, mcqAnswer: g.mcqAnswer, written: this.written,
      sampling: { groupSize: g.groupSize, temperature: g.temperature, topK: g.topK, topP: g.topP, maxNewTokens: g.maxNewTokens },
    };
  }

  async prepare(step: number, micro: number): Promise<GrpoBatch> {
    const index = Math.floor(step / this.o.grpo.innerSteps);
    if (this.batch?.index !== index) {
      const started = performance.now();
      this.batch = await this.rollout(index);
      this.rolledAt = { step, seconds: (performance.now() - started) / 1000 };
    }
    const group = this.batch.groups[micro]!;
    const item = this.items.get(group.itemId)!;
    return {
      group, posed: poseItem(item, group.orderSeed), features: this.written ? undefined : await this.cache.get(item.audio, group.variant), stats: this.batch.stats,
      rolloutSeconds: this.rolledAt.step === step ? this.rolledAt.seconds : 0,
    };
  }

  /** Log-probs of a group's answers under a model, each to the posing it answered, without gradients, as numbers per answer. */
  private async logProbs(model: GammaModel, g: SampledGroup): Promise<number[][]> {
    const runs = rotationRuns(g.answers);
    const { embeds } = await promptEmbeds(model, this.o.tokenizer, this.cache, runs.map((r) => g.posings.get(r.rotation)!), g.variant, this.written);
    try {
      return noGrad(() => tidy(() => runs.flatMap((run, k) => {
        const answers = g.answers.slice(run.start, run.end).map((a) => a.tokens);
        const { logp } = answerLogProbs(model.llm, embeds[k]!, answers, { temperature: this.o.grpo.temperature, vocabLimit: this.o.tokenizer.vocabSize });
        const width = logp.size(1), flat = logp.toList();
        return answers.map((a, i) => flat.slice(i * width, i * width + a.length));
      })));
    } finally {
      for (const e of embeds) e.dispose();
    }
  }

  /** Rollout batch `index`: the next questions from the sampler, answered, scored and measured. */
  private async rollout(index: number): Promise<RolloutBatch> {
    const { seed, grpo, variants } = this.o;
    const items = this.sampler.next(grpo.promptsPerBatch);
    const drawn = items.map((_, p) => new Rng(seed * 7919 + index * 131 + p).int(0, variants - 1));
    const orderSeed = grpo.optionOrder === "fixed" ? RL_OPTION_SEED : RL_OPTION_SEED + 1 + seed * 1000003 + index;
    const sampled = await sampleGroups(this.rolloutContext, items, drawn, seed * 1000003 + index, orderSeed, grpo.ordersPerGroup);
    const advantages = groupAdvantages(sampled.flatMap((g) => g.answers.map((a) => a.reward.total)), grpo.groupSize);
    const groups: RolloutGroup[] = [];
    const wasTraining = this.module.training;
    this.module.eval(); // the policy that sampled, as it sampled
    try {
      for (const [k, g] of sampled.entries()) {
        const oldLogp = await this.logProbs(this.module, g);
        const refLogp = await this.logProbs(this.o.reference, g);
        groups.push({
          itemId: g.item.id, variant: g.variant, orderSeed,
          answers: g.answers.map((a, i) => ({
            ...(a.rotation !== 0 && { rotation: a.rotation }), tokens: a.tokens, text: a.text, format: a.reward.format, accuracy: a.reward.accuracy, reward: a.reward.total,
            advantage: advantages[k * grpo.groupSize + i]!, oldLogp: oldLogp[i]!, refLogp: refLogp[i]!,
          })),
        });
      }
    } finally {
      this.module.train(wasTraining);
    }
    const answers = groups.flatMap((g) => g.answers);
    const stat = (name: string, values: number[]) => {
      const { mean, std } = meanStd(values);
      return { [`${name}_mean`]: mean, [`${name}_std`]: std };
    };
    return {
      index, groups,
      stats: {
        ...stat("reward", answers.map((a) => a.reward)),
        ...stat("reward_format", answers.map((a) => a.format)),
        ...stat("reward_accuracy", answers.map((a) => a.accuracy)),
        response_length: meanStd(answers.map((a) => a.tokens.length)).mean,
        // Groups whose answers all scored the same: no advantage, nothing but the KL term to learn from.
        flat_groups: groups.filter((g) => g.answers.every((a) => a.advantage === 0)).length / groups.length,
      },
    };
  }

  loss(b: GrpoBatch): StepResult {
    try {
      const { grpo, tokenizer } = this.o;
      const answers = b.group.answers;
      // One prompt per rotation the group's answers were sampled under, its answers sharing it (answerLogProbs).
      let promptTokens = 0;
      const view = this.written ? { summaryOnly: true, writtenSummary: this.written.words(b.posed.item) } : {};
      const parts = rotationRuns(answers).map((run) => {
        const posed = run.rotation === 0 ? b.posed : poseItem(b.posed.item, b.group.orderSeed, run.rotation);
        const prompt = chatInputs(this.module, tokenizer, posedMessages(posed), b.features, true, view).embeds;
        promptTokens += (run.end - run.start) * prompt.size(0);
        return answerLogProbs(this.module.llm, prompt, answers.slice(run.start, run.end).map((a) => a.tokens), { temperature: grpo.temperature, vocabLimit: tokenizer.vocabSize });
      });
      const terms = parts.length === 1 ? parts[0]! : joinRows(parts);
      const width = terms.mask.size(1);
      const padded = (pick: (a: RolloutAnswer) => number[]) =>
        tensor(answers.flatMap((a) => [...pick(a), ...new Array<number>(width - pick(a).length).fill(0)]), { dtype: "float32" }).view(answers.length, width);
      const r = grpoLoss({
        logp: terms.logp, oldLogp: padded((a) => a.oldLogp), refLogp: padded((a) => a.refLogp), mask: terms.mask,
        advantages: tensor(answers.map((a) => a.advantage), { dtype: "float32" }), clipEpsilon: grpo.clipEpsilon, klBeta: grpo.klBeta,
      });
      return {
        loss: r.loss,
        metrics: { ...b.stats, kl: r.kl, clip_fraction: r.clipFraction, entropy: sequenceMean(terms.entropy, terms.mask).item(), rollout_seconds: b.rolloutSeconds },
        samples: answers.length,
        tokens: promptTokens + answers.reduce((s, a) => s + a.tokens.length, 0),
      };
    } finally {
      disposeFeatures(b.features);
    }
  }

  /** Greedy answers to held-out questions: accuracy (overall and per kind), format reward, total reward. */
  async evaluate(): Promise<Record<string, number>> {
    const { heldOut, grpo } = this.o;
    const items = heldOut.slice(0, grpo.evalItems);
    if (items.length === 0) return { eval_items: 0 };
    const context = { ...this.rolloutContext, sampling: { ...this.rolloutContext.sampling, groupSize: 1, temperature: 0 } };
    const answered: { kind: string; format: number; accuracy: number; total: number; length: number }[] = [];
    for (let i = 0; i < items.length; i += grpo.promptsPerBatch) {
      const chunk = items.slice(i, i + grpo.promptsPerBatch);
      for (const g of await sampleGroups(context, chunk, chunk.map(() => 0), 0))
        answered.push({ kind: g.item.kind, ...g.answers[0]!.reward, length: g.answers[0]!.tokens.length });
    }
    const mean = (xs: number[]) => Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10000) / 10000;
    const kinds = [...new Set(answered.map((a) => a.kind))];
    return {
      accuracy_rl: mean(answered.map((a) => a.accuracy)),
      ...Object.fromEntries(kinds.map((k) => [`accuracy_rl_${k.replace(/-/g, "_")}`, mean(answered.filter((a) => a.kind === k).map((a) => a.accuracy))])),
      format_rl: mean(answered.map((a) => a.format)),
      reward_rl: mean(answered.map((a) => a.total)),
      response_length: mean(answered.map((a) => a.length)),
      eval_items: answered.length,
    };
  }

  /** The trained policy as a model directory: <run>/model. */
  async finish(runDir: string): Promise<string[]> {
    const dir = path.join(runDir, "model");
    saveModel(dir, this.module, path.join(this.o.initDir, TOKENIZER_FILE));
    return [dir];
  }
}

/** The written summaries of a run whose questions are posed over them; every question, trained or held out, must be one they answer. */
function writtenSummaries(o: GrpoStageOptions): WrittenSummaries {
  const written = writtenSummariesFor(o.model, o.tokenizer, o.grpo.misheard ?? 0, "grpo");
  const unanswerable = [...o.train, ...o.heldOut].filter((item) => !written.answerable(item));
  if (unanswerable.length > 0)
    throw new Error(`grpo: "summary": "written", but ${unanswerable.length} questions ask what a summary of ${o.model.config.projector.summaryTokens} tokens does not hold (first: ${unanswerable[0]!.id}, ${unanswerable[0]!.category}); select them with \`gamma data rl-select --summary written\`, which keeps only those it answers`);
  return written;
}

/** Consecutive answers sampled under one rotation: [start, end) runs, in order. */
export function rotationRuns(answers: readonly { rotation?: number }[]): { rotation: number; start: number; end: number }[] {
  const runs: { rotation: number; start: number; end: number }[] = [];
  answers.forEach((a, i) => {
    const rotation = a.rotation ?? 0;
    const last = runs.at(-1);
    if (last && last.rotation === rotation) last.end = i + 1;
    else runs.push({ rotation, start: i, end: i + 1 });
  });
  return runs;
}

/** The rows of several answerLogProbs results as one, right-padded with zeros (masked out) to the widest. */
function joinRows(parts: readonly AnswerLogProbs[]): AnswerLogProbs {
  const width = Math.max(...parts.map((p) => p.mask.size(1)));
  const padded = (t: Tensor) => (t.size(1) === width ? t : cat([t, zeros([t.size(0), width - t.size(1)], { dtype: t.dtype, device: t.device })], 1));
  return {
    logp: cat(parts.map((p) => padded(p.logp)), 0),
    entropy: cat(parts.map((p) => padded(p.entropy)), 0),
    mask: cat(parts.map((p) => padded(p.mask)), 0),
  };
}
