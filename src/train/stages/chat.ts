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
import { answerLoss, chatInputs, exactAnswers, clipSummary, freezeAllBut, type ModelPart, type PooledClip, pooledFusedTokens } from "../chat-inputs.js";
import type { ChatSample, SampleKind } from "../chat-samples.js";
import { disposeFeatures, type ExpertFeatures, FeatureCache } from "../feature-cache.js";
import type { StepResult, TrainTask } from "../loop.js";
import { type MixtureState, MixtureSampler } from "../mixture.js";
import { type SamplerState, SongSampler } from "../songs.js";
import type { TimedSection } from "../../model/timeline-text.js";
import { misheardSections, type TimelineNoise } from "../timeline-noise.js";
import { questionRng } from "../../eval/shuffle.js";
import { factOffsets, factsOfSummary, SongFacts, summaryWordsLoss, summaryWordTargets, withHeardFacts, writtenClipWords } from "../summary-words.js";

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
  /**
   * Weight of the answers' loss (default 1). 0 with summaryWords: the summary layers are fitted to the facts
   * alone, without running the LLM at all (a conversation then costs one small MLP over the pooled tokens).
   */
  answerWeight?: number;
  /**
   * Share of the summary layers' input (the pooled tokens) dropped while they are fitted alone (answerWeight 0):
   * 570 songs are few for a 712-wide input, the rhythm view's 200 numbers a fingerprint of each song.
   */
  summaryDropout?: number;
  /** How written timelines are misheard (ChatSample.writtenTimeline; default HEAD_LIKE_NOISE). */
  timelineNoise?: TimelineNoise;
}

export interface ChatBatch {
  sample: ChatSample;
  /** The song's expert tokens; absent for a conversation without audio ("mcq-context"). */
  features?: ExpertFeatures;
  /** Which rendering of the song the features are (0 = as rendered). */
  variant: number;
  /** Seeds how a written timeline is misheard (ChatSample.writtenTimeline): a new draw each step; absent (evaluating): written exactly. */
  noiseSeed?: number;
}

export class ChatStage implements TrainTask<ChatBatch> {
  readonly module: GammaModel;
  private sampler: SongSampler<ChatSample> | MixtureSampler<ChatSample>;
  private readonly cache: FeatureCache;
  /**
   * With the fusion frozen, a song's pooled fused tokens never change: summary-only conversations take them from
   * here (by audio file and variant) and skip the fusion, which is then most of their cost.
   */
  private readonly pooled = new Map<string, PooledClip>();
  private readonly facts = new SongFacts();

  constructor(private readonly o: ChatStageOptions) {
    freezeAllBut(o.model, o.trainable, "chat stages");
    if (o.train.some((s) => s.summaryOnly) && !(o.model.config.projector.summaryTokens ?? 0))
      throw new Error(`"mcq-summary" conversations hear the summary tokens only, and this model has none: add "summaryTokens": 4 to the training config`);
    // Answers heard through summary words reach the decoder, never the layers before the words: training those on
    // answers alone would do nothing. The decoder itself learns from them (it hears the words the audio gave).
    const upstream = o.trainable.filter((p) => p !== "llm");
    if (o.model.config.projector.summaryAsWords && (o.answerWeight ?? 1) > 0 && upstream.length > 0 && !(o.summaryWords ?? 0) && o.train.some((s) => s.summaryOnly && !s.writtenSummary))
      throw new Error(`this model hears its summary as words (projector.summaryAsWords), which no answer can train through to the ${upstream.join(" and ")}: fit the summary layers with "summaryWords" (and "answerWeight": 0), or train only the "llm" on these answers`);
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
    // A summary-only conversation over a song whose pooled tokens are kept needs nothing from the disk.
    const key = this.pooledKey(sample!, variant);
    const needless = sample!.textOnly || sample!.writtenSummary || (key !== undefined && this.pooled.has(key));
    const noiseSeed = new Rng(this.o.seed * 7919 + step * 131 + micro + 1).int(1, 2 ** 30);
    return { sample: sample!, features: needless ? undefined : await this.cache.get(sample!.audio, variant), variant, noiseSeed };
  }

  /** Where a song's pooled fused tokens are kept; undefined when they are not kept (not summary-only, or the fusion trains). */
  private pooledKey(sample: ChatSample, variant: number): string | undefined {
    return sample.summaryOnly && !sample.writtenSummary && !this.o.trainable.includes("fusion") ? `${sample.audio}\0${variant}` : undefined;
  }

  /** `factsOf`: whose facts a written summary states (default the conversation's song; the recall control's differ). */
  private inputs(b: ChatBatch, generationPrompt: boolean, factsOf = b.sample.audio): ModelInputs {
    const messages = generationPrompt ? b.sample.messages.slice(0, -1) : b.sample.messages;
    // A summary that states misheard facts (ChatSample.heard) does so for its own song only, not the recall control's.
    const heard = factsOf === b.sample.audio ? b.sample.heard : undefined;
    const writtenSummary = b.sample.writtenSummary
      ? writtenClipWords(withHeardFacts(this.facts.get(factsOf), heard), this.o.tokenizer, this.module.config.projector.summaryTokens ?? 0, b.sample.writtenTimeline ? this.writtenTimeline(factsOf, b.noiseSeed, factsOf === b.sample.audio ? b.sample.timeline : undefined) : undefined)
      : undefined;
    return chatInputs(this.module, this.o.tokenizer, messages, b.features, generationPrompt, { summaryOnly: b.sample.summaryOnly, pooled: this.pooledFused(b), writtenSummary });
  }

  /**
   * A song's sections (or `own`, a conversation's own: ChatSample.timeline) as its written timeline states them:
   * misheard as the timeline head would (timeline-noise.ts) when seeded, else exactly.
   */
  private writtenTimeline(audio: string, noiseSeed: number | undefined, own?: TimedSection[]): TimedSection[] {
    const sections = own ?? this.facts.get(audio).temporal.sections;
    const seconds = own ? own[own.length - 1]!.end : this.facts.get(audio).global.duration;
    return noiseSeed === undefined ? sections : misheardSections(sections, seconds, questionRng(noiseSeed, audio), this.o.timelineNoise);
  }

  private pooledFused(b: ChatBatch): PooledClip | undefined {
    const key = this.pooledKey(b.sample, b.variant);
    if (key === undefined) return undefined;
    let pooled = this.pooled.get(key);
    if (!pooled) {
      if (!b.features) throw new Error(`${b.sample.audio}: no features and no pooled tokens kept`);
      pooled = { tokens: keep(pooledFusedTokens(this.module, b.features)), seconds: b.features.seconds };
      this.pooled.set(key, pooled);
    }
    return pooled;
  }

  loss(b: ChatBatch): StepResult {
    try {
      const answerWeight = this.o.answerWeight ?? 1;
      const metrics: Record<string, number> = {};
      let loss: Tensor | undefined, summary: Tensor | undefined, tokens = 0;
      if (answerWeight > 0) {
        const inputs = this.inputs(b, false);
        const { loss: answer, answerTokens } = answerLoss(this.module.llm, inputs);
        loss = answerWeight === 1 ? answer : answer.mul(answerWeight);
        summary = b.sample.writtenSummary ? undefined : inputs.summaries[0]; // written words are right already
        tokens = inputs.embeds.size(0);
        metrics[`loss_${b.sample.kind}`] = answer.item();
        metrics.answer_tokens = answerTokens;
      } else if (b.features || this.pooledKey(b.sample, b.variant) !== undefined) {
        summary = clipSummary(this.module, b.features, this.pooledFused(b)?.tokens, this.module.training ? (this.o.summaryDropout ?? 0) : 0);
      }
      if ((this.o.summaryWords ?? 0) > 0 && summary) {
        const targets = summaryWordTargets(this.facts.get(b.sample.audio), this.o.tokenizer, summary.size(0));
        const words = summaryWordsLoss(this.module.llm, summary, targets);
        const weighted = words.loss.mul(this.o.summaryWords!);
        loss = loss ? loss.add(weighted) : weighted;
        metrics.loss_summary_words = words.loss.item();
        metrics.summary_words_right = words.right / targets.length;
      }
      if (!loss) throw new Error(`conversation ${b.sample.id}: nothing to learn from (no answer loss, and no summary tokens for the summary-words loss)`);
      return { loss, metrics, samples: 1, tokens };
    } finally {
      disposeFeatures(b.features);
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
      // Accuracy as a user meets the model: heard, through the summary-only view only when the model hears
      // every clip that way (projector.summaryOnly), never written.
      const heard = (s: ChatSample) => !s.textOnly && !s.writtenSummary && (!s.summaryOnly || this.module.config.projector.summaryOnly === true);
      for (const sample of heldOut.filter((s) => s.mcq && heard(s)).slice(0, evalMcqs)) {
        const choice = await this.choose(sample);
        if (choice === undefined) unparsed++;
        const split = sample.mcq!.split === "temporal" ? "temporal" : "global";
        asked.all++; asked[split]++;
        if (choice === sample.mcq!.answer) { right.all++; right[split]++; }
      }
      const words = await this.summaryWordsHeldOut();
      const ratio = (a: number, n: number) => (n ? Math.round((a / n) * 10000) / 10000 : NaN);
      // Held-out MCQs of one kind answered right, as {name: share}; nothing when the run has none of them.
      const accuracy = async (name: string, samples: ChatSample[]): Promise<Record<string, number>> => {
        const asked = samples.filter((s) => s.mcq).slice(0, evalMcqs);
        let got = 0;
        for (const sample of asked) if ((await this.choose(sample)) === sample.mcq!.answer) got++;
        return asked.length ? { [name]: ratio(got, asked.length) } : {};
      };
      const context = await accuracy("accuracy_mcq_context", heldOut.filter((s) => s.textOnly));
      const written = await accuracy("accuracy_mcq_written_summary", heldOut.filter((s) => s.writtenSummary));
      const recall = this.recallHeldOut();
      return {
        loss: counted ? loss / counted : NaN,
        accuracy_mcq: ratio(right.all, asked.all), accuracy_mcq_temporal: ratio(right.temporal, asked.temporal), accuracy_mcq_global: ratio(right.global, asked.global),
        mcq_unparsed: ratio(unparsed, asked.all), feature_cache_hits: this.cache.hits, feature_cache_misses: this.cache.misses,
        ...context,
        ...written,
        ...recall,
        ...words,
      };
    } finally {
      this.module.train();
    }
  }

  /**
   * With the summary-words loss: on up to 64 held-out songs (as rendered), the share of summary tokens
   * whose nearest word is their target (summary_words_right) and, per fact, the share of songs with all of
   * that fact's tokens right (summary_words_right_tonic, ...).
   */
  private async summaryWordsHeldOut(): Promise<Record<string, number>> {
    if (!((this.o.summaryWords ?? 0) > 0) || !this.module.config.projector.summaryTokens) return {};
    const songs = [...new Set(this.o.heldOut.filter((s) => !s.textOnly).map((s) => s.audio))].slice(0, 64);
    const facts = factsOfSummary(this.module.config.projector.summaryTokens ?? 0);
    const right = facts.map(() => 0), offsets = factOffsets(facts);
    let tokensRight = 0, tokens = 0, n = 0;
    for (const audio of songs) {
      const features = await this.cache.get(audio, 0);
      try {
        const hits = noGrad(() => tidy(() => {
          const summary = clipSummary(this.module, features);
          return summaryWordsLoss(this.module.llm, summary, summaryWordTargets(this.facts.get(audio), this.o.tokenizer, summary.size(0))).hits;
        }));
        facts.forEach((fact, f) => { if (hits.slice(offsets[f], offsets[f]! + fact.slots).every(Boolean)) right[f]!++; });
        tokensRight += hits.filter(Boolean).length;
        tokens += hits.length;
        n++;
      } finally {
        disposeFeatures(features);
      }
    }
    const share = (r: number, of: number) => Math.round((r / of) * 10000) / 10000;
    return n ? Object.fromEntries([["summary_words_right", share(tokensRight, tokens)], ...facts.map((f, i) => [`summary_words_right_${f.name}`, share(right[i]!, n)])]) : {};
  }

  /**
   * Held-out recall sessions (up to evalMcqs of each kind), teacher-forced: the share of answers whose every token is the
   * likeliest (accuracy_recall), after the song's own written summary and, as the control, after the next
   * held-out song's (accuracy_recall_control), per question category (accuracy_recall_key, ...) and, with several
   * recall kinds, per kind (accuracy_recall-timeline-drill-session, ...). A decoder
   * that answers from priors scores the same on both; the gap is what it reads. Written timelines are written
   * exactly here: the share is what the decoder reads right, not what a head finds.
   */
  private recallHeldOut(): Record<string, number> {
    // Up to evalMcqs sessions of each recall kind the run has.
    const kinds = [...new Set(this.o.heldOut.filter((s) => s.kind.startsWith("recall-")).map((s) => s.kind))];
    const sessions = kinds.flatMap((kind) => this.o.heldOut.filter((s) => s.kind === kind).slice(0, this.o.evalMcqs));
    if (sessions.length < 2) return {};
    let own = 0, control = 0, answers = 0;
    const byCategory = new Map<string, [number, number]>(); // category -> [right, asked]
    const byKind = new Map<string, [number, number]>(); // kind -> [right, asked]
    sessions.forEach((sample, i) => {
      const b = { sample, variant: 0 };
      const mine = noGrad(() => tidy(() => exactAnswers(this.module.llm, this.inputs(b, false))));
      own += mine.right;
      answers += mine.answers;
      const ofKind = byKind.get(sample.kind) ?? [0, 0];
      byKind.set(sample.kind, [ofKind[0] + mine.right, ofKind[1] + mine.answers]);
      mine.hits.forEach((hit, turn) => {
        const category = sample.turnCategories?.[turn];
        if (category === undefined) return;
        const counts = byCategory.get(category) ?? [0, 0];
        byCategory.set(category, [counts[0] + (hit ? 1 : 0), counts[1] + 1]);
      });
      control += noGrad(() => tidy(() => exactAnswers(this.module.llm, this.inputs(b, false, sessions[(i + 1) % sessions.length]!.audio)))).right;
    });
    const share = (r: number, of = answers) => Math.round((r / of) * 10000) / 10000;
    const perCategory = [...byCategory].sort(([a], [b]) => a.localeCompare(b)).map(([category, [right, asked]]) => [`accuracy_recall_${category}`, share(right, asked)]);
    const perKind = kinds.length > 1 ? [...byKind].map(([kind, [right, asked]]) => [`accuracy_${kind}`, share(right, asked)]) : [];
    return answers ? { accuracy_recall: share(own), accuracy_recall_control: share(control), ...Object.fromEntries(perCategory), ...Object.fromEntries(perKind) } : {};
  }

  /** The option a held-out MCQ's greedy answer names (undefined when it names none). */
  private async choose(sample: ChatSample): Promise<number | undefined> {
    const { tokenizer } = this.o;
    const b = { sample, features: sample.textOnly || sample.writtenSummary ? undefined : await this.cache.get(sample.audio, 0), variant: 0 };
    try {
      const text = noGrad(() => tidy(() => {
        const prompt = this.inputs(b, true);
        return generate(this.module.llm, [prompt.embeds], (ids) => tokenizer.decode(ids, { skipSpecial: true }), { maxNewTokens: sample.mcq!.style === "think" ? 80 : 40, stopTokens: answerStopIds(tokenizer), vocabLimit: tokenizer.vocabSize })[0]!.text;
      }));
      return PARSERS[sample.mcq!.style](text, sample.mcq!.options);
    } finally {
      disposeFeatures(b.features);
    }
  }

  /** The trained model as a model directory: <run>/model. */
  async finish(runDir: string): Promise<string[]> {
    const dir = path.join(runDir, "model");
    saveModel(dir, this.module, path.join(this.o.initDir, TOKENIZER_FILE));
    return [dir];
  }
}

