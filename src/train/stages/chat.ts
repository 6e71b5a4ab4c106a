// Stages 1 and 2: the model learns to talk about audio. Stage 1 (alignment) trains on captions with the LLM
// frozen, so only the fusion and the projector move; stage 2 (SFT) trains on music reports, multi-turn
// dialogues and multiple-choice questions over whole songs, with the parts the config names. The experts are
// frozen in both (their features come from the on-disk cache, several augmented renderings per song). The
// loss is next-token cross-entropy on the assistant's words only.
import path from "node:path";
import { PARSERS } from "../../eval/parse.js";
import { noGrad } from "../../engine/autograd.js";
import { keep, tidy } from "../../engine/scope.js";
import type { Tensor } from "../../engine/tensor.js";
import type { AugmentConfig } from "../../data/augment.js";
import type { GammaModel } from "../../model/gamma.js";
import { generate } from "../../model/generate.js";
import type { ModelInputs } from "../../model/inputs.js";
import { saveModel, TOKENIZER_FILE } from "../../model/io.js";
import { answerStopIds } from "../../model/tokenizer/special-tokens.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { Rng } from "../../music/rng.js";
import { answerLoss, chatInputs, freezeAllBut, type ModelPart, pooledFusedTokens } from "../chat-inputs.js";
import type { ChatSample, SampleKind } from "../chat-samples.js";
import { type ExpertFeatures, FeatureCache } from "../feature-cache.js";
import type { StepResult, TrainTask } from "../loop.js";
import { type MixtureState, MixtureSampler } from "../mixture.js";
import { type SamplerState, SongSampler } from "../songs.js";
import { SongFacts, summaryWordsLoss, summaryWordTargets } from "../summary-words.js";

export { MODEL_PARTS, type ModelPart } from "../chat-inputs.js";

export interface ChatStageOptions {
  model: GammaModel;
  tokenizer: Tokenizer;
  /** The model directory the run started from (its tokenizer.json goes into the result). */
  initDir: string;
  train: ChatSample[];
  heldOut: ChatSample[];
  trainable: ModelPart[];
  seed: number;
  featureDir: string;
  /** Renderings per song in the feature cache (1 = the audio as rendered only). */
  variants: number;
  augment: AugmentConfig;
  evalSamples: number;
  evalMcqs: number;
  /** Relative weight of each kind in the draws; absent = every conversation equally likely (kinds by count). */
  kindWeights?: Partial<Record<SampleKind, number>>;
  /** Weight of the summary-words loss (summary-words.ts); 0 or absent = none. */
  summaryWords?: number;
}

export interface ChatBatch {
  sample: ChatSample;
  /** The song's expert tokens; absent for a conversation without audio ("mcq-context"). */
  features?: ExpertFeatures;
  /** Which rendering of the song the features are (0 = as rendered). */
  variant: number;
}

export class ChatStage implements TrainTask<ChatBatch> {
  readonly module: GammaModel;
  private sampler: SongSampler<ChatSample> | MixtureSampler<ChatSample>;
  private readonly cache: FeatureCache;
  /**
   * With the fusion frozen, a song's pooled fused tokens never change: summary-only conversations take them from
   * here (by audio file and variant) and skip the fusion, which is then most of their cost.
   */
  private readonly pooled = new Map<string, Tensor>();
  private readonly facts = new SongFacts();

  constructor(private readonly o: ChatStageOptions) {
    freezeAllBut(o.model, o.trainable, "chat stages");
    if (o.train.some((s) => s.summaryOnly) && !(o.model.config.projector.summaryTokens ?? 0))
      throw new Error(`"mcq-summary" conversations hear the summary tokens only, and this model has none: add "summaryTokens": 4 to the training config`);
    this.module = o.model;
    this.sampler = this.makeSampler();
    this.cache = new FeatureCache(o.featureDir, o.model, o.augment);
  }

  private makeSampler(state?: unknown): SongSampler<ChatSample> | MixtureSampler<ChatSample> {
    const { train, seed, kindWeights } = this.o;
    if (!kindWeights) return new SongSampler(train, seed, state as SamplerState | undefined);
    const groups: Record<string, ChatSample[]> = {};
    for (const s of train) (groups[s.kind] ??= []).push(s);
    return new MixtureSampler(groups, kindWeights as Record<string, number>, seed, state as MixtureState | undefined);
  }

  trainable(): [string, Tensor][] {
    return [...this.module.namedParameters()].filter(([, p]) => p.requiresGrad);
  }
  dataState(): SamplerState | MixtureState { return this.sampler.current; }
  restoreData(state: unknown): void { this.sampler = this.makeSampler(state); }

  async prepare(step: number, micro: number): Promise<ChatBatch> {
    const sample = this.sampler instanceof MixtureSampler ? this.sampler.next() : this.sampler.next(1)[0];
    const variant = new Rng(this.o.seed * 7919 + step * 131 + micro).int(0, this.o.variants - 1);
    return { sample: sample!, features: sample!.textOnly ? undefined : await this.cache.get(sample!.audio, variant), variant };
  }

  private inputs(b: ChatBatch, generationPrompt: boolean): ModelInputs {
    const messages = generationPrompt ? b.sample.messages.slice(0, -1) : b.sample.messages;
    return chatInputs(this.module, this.o.tokenizer, messages, b.features, generationPrompt, { summaryOnly: b.sample.summaryOnly, pooled: this.pooledFused(b) });
  }

  private pooledFused(b: ChatBatch): Tensor | undefined {
    if (!b.sample.summaryOnly || !b.features || this.o.trainable.includes("fusion")) return undefined;
    const key = `${b.sample.audio}\0${b.variant}`;
    let pooled = this.pooled.get(key);
    if (!pooled) {
      pooled = keep(pooledFusedTokens(this.module, b.features));
      this.pooled.set(key, pooled);
    }
    return pooled;
  }

  loss(b: ChatBatch): StepResult {
    try {
      const inputs = this.inputs(b, false);
      const { loss: answer, answerTokens } = answerLoss(this.module.llm, inputs);
      let loss = answer;
      const extra: Record<string, number> = {};
      const summary = inputs.summaries[0];
      if ((this.o.summaryWords ?? 0) > 0 && summary) {
        const targets = summaryWordTargets(this.facts.get(b.sample.audio), this.o.tokenizer, summary.size(0));
        const words = summaryWordsLoss(this.module.llm, summary, targets);
        loss = answer.add(words.loss.mul(this.o.summaryWords!));
        extra.loss_summary_words = words.loss.item();
        extra.summary_words_right = words.right / targets.length;
      }
      return { loss, metrics: { [`loss_${b.sample.kind}`]: answer.item(), answer_tokens: answerTokens, ...extra }, samples: 1, tokens: inputs.embeds.size(0) };
    } finally {
      disposeFeatures(b);
    }
  }

  /**
   * Held-out loss (teacher forcing) and multiple-choice accuracy of greedy answers, overall and per split, and,
   * when the run has them, of the questions answered from the written report ("mcq-context": can the decoder
   * read a fact and name its option at all, whatever it hears).
   */
  async evaluate(): Promise<Record<string, number>> {
    const { heldOut, evalSamples, evalMcqs } = this.o;
    this.module.eval();
    try {
      let loss = 0, counted = 0;
      for (const sample of heldOut.filter((s) => !s.mcq).slice(0, evalSamples)) {
        const b = { sample, features: await this.cache.get(sample.audio, 0), variant: 0 };
        loss += noGrad(() => tidy(() => this.loss(b).loss.item()));
        counted++;
      }
      const right = { all: 0, temporal: 0, global: 0 }, asked = { all: 0, temporal: 0, global: 0 };
      let unparsed = 0;
      // Accuracy as a user meets the model: the whole audio, never the summary-only view.
      for (const sample of heldOut.filter((s) => s.mcq && !s.summaryOnly && !s.textOnly).slice(0, evalMcqs)) {
        const choice = await this.choose(sample);
        if (choice === undefined) unparsed++;
        const split = sample.mcq!.split === "temporal" ? "temporal" : "global";
        asked.all++; asked[split]++;
        if (choice === sample.mcq!.answer) { right.all++; right[split]++; }
      }
      let contextRight = 0, contextAsked = 0;
      for (const sample of heldOut.filter((s) => s.textOnly).slice(0, evalMcqs)) {
        contextAsked++;
        if ((await this.choose(sample)) === sample.mcq!.answer) contextRight++;
      }
      const ratio = (a: number, n: number) => (n ? Math.round((a / n) * 10000) / 10000 : NaN);
      return {
        loss: counted ? loss / counted : NaN,
        accuracy_mcq: ratio(right.all, asked.all), accuracy_mcq_temporal: ratio(right.temporal, asked.temporal), accuracy_mcq_global: ratio(right.global, asked.global),
        mcq_unparsed: ratio(unparsed, asked.all), feature_cache_hits: this.cache.hits, feature_cache_misses: this.cache.misses,
        ...(contextAsked ? { accuracy_mcq_context: ratio(contextRight, contextAsked) } : {}),
      };
    } finally {
      this.module.train();
    }
  }

  /** The option a held-out MCQ's greedy answer names (undefined when it names none). */
  private async choose(sample: ChatSample): Promise<number | undefined> {
    const { tokenizer } = this.o;
    const b = { sample, features: sample.textOnly ? undefined : await this.cache.get(sample.audio, 0), variant: 0 };
    try {
      const text = noGrad(() => tidy(() => {
        const prompt = this.inputs(b, true);
        return generate(this.module.llm, [prompt.embeds], (ids) => tokenizer.decode(ids, { skipSpecial: true }), { maxNewTokens: sample.mcq!.style === "think" ? 80 : 40, stopTokens: answerStopIds(tokenizer), vocabLimit: tokenizer.vocabSize })[0]!.text;
      }));
      return PARSERS[sample.mcq!.style](text, sample.mcq!.options);
    } finally {
      disposeFeatures(b);
    }
  }

  /** The trained model as a model directory: <run>/model. */
  async finish(runDir: string): Promise<string[]> {
    const dir = path.join(runDir, "model");
    saveModel(dir, this.module, path.join(this.o.initDir, TOKENIZER_FILE));
    return [dir];
  }
}

function disposeFeatures(b: ChatBatch): void {
  b.features?.temporal.dispose();
  b.features?.global.dispose();
}
