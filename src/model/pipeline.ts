// The model as an application uses it: load a model directory (the shipped default when none is named), hear
// audio files, and answer questions in a conversation. `gamma ask`, `gamma chat` and `gamma bench` go
// through here.
import fs from "node:fs";
import path from "node:path";
import { loadAudio } from "../audio/load.js";
import { noGrad } from "../engine/autograd.js";
import { keep, tidy } from "../engine/scope.js";
import * as F from "../engine/functional.js";
import { cat, stack, type Tensor, tensor, zeros } from "../engine/tensor.js";
import { expertInput, silentExpertInput } from "./audio-input.js";
import { repoRoot } from "../cli/paths.js";
import type { AudioEncoding } from "./gamma.js";
import type { TimelineSection } from "./timeline.js";
import { timelineWords } from "./timeline-text.js";
import { generate, type GenerateOptions } from "./generate.js";
import { assembleInputs } from "./inputs.js";
import { KVCache } from "./llm.js";
import { loadModel, type LoadedModel } from "./io.js";
import { type ChatMessage, DEFAULT_SYSTEM_PROMPT, encodeChat } from "./tokenizer/chat.js";
import { answerStopIds } from "./tokenizer/special-tokens.js";

/** The name of the model shipped in models/ and used when no --model is given. */
export const DEFAULT_MODEL_NAME = "gamma-small";

/** Where the default model lives: $GAMMA_MODEL, else models/<DEFAULT_MODEL_NAME> in the package. */
export function defaultModelDir(): string {
  return process.env.GAMMA_MODEL ?? path.join(repoRoot(), "models", DEFAULT_MODEL_NAME);
}

export interface HeardClip {
  encoding: AudioEncoding;
  /** Seconds spent decoding the file and computing its log-mel, and encoding it through the experts. */
  decodeSeconds: number;
  encodeSeconds: number;
  warnings: string[];
}

export type ReplyOptions = Pick<GenerateOptions, "maxNewTokens" | "temperature" | "topK" | "topP" | "seed" | "rowSeeds" | "samples" | "onText">;

/** One question about one recording answered (Gamma.ask): the answer, what the model heard, and the time each part took. */
export interface AskResult {
  answer: string;
  /** The recording's length and the tokens the LLM saw: the audio's and the whole prompt's. */
  seconds: number;
  audioTokens: number;
  promptTokens: number;
  decodeSeconds: number;
  encodeSeconds: number;
  generateSeconds: number;
  /** What decoding the file noticed (clipping, a sample rate converted, ...). */
  warnings: string[];
  /** The sections the model read before answering (a model with timeline.asText). */
  sections?: TimelineSection[];
}

export class Gamma {
  private constructor(readonly loaded: LoadedModel) {}

  /** Loads a model directory, or the default model when dir is undefined. */
  static load(dir?: string): Gamma {
    const where = dir ?? defaultModelDir();
    if (dir === undefined && !fs.existsSync(where))
      throw new Error(`the default model is not at ${where}; pass --model DIR (a directory made by \`gamma train\` or \`gamma model init\`), or set GAMMA_MODEL`);
    return new Gamma(loadModel(where));
  }

  get name(): string { return this.loaded.config.name; }

  /** Decodes an audio file and encodes it for the LLM. */
  async hear(file: string): Promise<HeardClip> {
    const t0 = performance.now();
    const audio = await loadAudio(file);
    const mel = expertInput(audio.samples, this.loaded.config.temporalExpert);
    const t1 = performance.now();
    const encoding = this.encodeMel(mel);
    mel.dispose();
    return { encoding, decodeSeconds: (t1 - t0) / 1000, encodeSeconds: (performance.now() - t1) / 1000, warnings: audio.warnings };
  }

  /** One question about one audio file in a fresh conversation, as `gamma ask` asks it. */
  async ask(file: string, question: string, o: ReplyOptions = {}): Promise<AskResult> {
    const heard = await this.hear(file);
    const t0 = performance.now();
    const messages: ChatMessage[] = [{ role: "user", content: [{ type: "audio", clip: file }, { type: "text", text: question }] }];
    const reply = this.reply(messages, [heard.encoding], o);
    return {
      answer: reply.texts[0] ?? "", seconds: heard.encoding.seconds, audioTokens: reply.audioTokens, promptTokens: reply.promptTokens,
      decodeSeconds: heard.decodeSeconds, encodeSeconds: heard.encodeSeconds, generateSeconds: (performance.now() - t0) / 1000, warnings: heard.warnings,
      ...(heard.encoding.sections ? { sections: heard.encoding.sections } : {}),
    };
  }

  /** Decodes an audio file and reads its sections with the model's timeline head (GammaModel.timelineOf). */
  async timeline(file: string): Promise<{ sections: TimelineSection[]; seconds: number; warnings: string[] }> {
    const { model, config } = this.loaded;
    if (!model.timeline) throw new Error(`${this.name} has no timeline head; fit one with \`gamma train timeline\` and pass its model/ with --model`);
    const audio = await loadAudio(file);
    return noGrad(() => tidy(() => {
      const mel = expertInput(audio.samples, config.temporalExpert);
      return { sections: this.sectionsOf(mel), seconds: mel.size(1) / 100, warnings: audio.warnings };
    }));
  }

  /** A clip's sections as the timeline head reads them from its expert input (GammaModel.timelineOf); what the head read is freed. */
  private sectionsOf(mel: Tensor): TimelineSection[] {
    const { model } = this.loaded;
    return noGrad(() => tidy(() => model.timelineOf(model.timelineAudio(mel), mel.size(1) / 100)));
  }

  /** The encoding of `seconds` of digital silence (the audio-blind control of `gamma bench`). */
  hearSilence(seconds: number): AudioEncoding {
    const frames = Math.max(100, Math.round(seconds * 100));
    const mel = silentExpertInput(frames, this.loaded.config.temporalExpert);
    const encoding = this.encodeMel(mel);
    mel.dispose();
    return encoding;
  }

  /** A clip that is these words (token ids) in the summary slot (GammaModel.writtenSummary), kept; for a model that hears summary words alone. */
  readSummary(words: number[]): AudioEncoding {
    if (!this.loaded.model.hearsSummaryWordsOnly)
      throw new Error(`${this.name} does not hear songs as summary words alone (projector.summaryAsWords and summaryOnly), so written facts are not what it would hear; this needs such a model (gamma-small)`);
    if (words.length === 0) throw new Error(`${this.name} has no summary tokens to write facts in`);
    return noGrad(() => {
      const clip = this.loaded.model.writtenSummary(words);
      keep(clip.embeds);
      keep(clip.summary!);
      return clip;
    });
  }

  encodeMel(mel: Tensor): AudioEncoding {
    return noGrad(() => {
      let [enc] = this.loaded.model.encodeAudio([mel]);
      if (this.loaded.config.timeline?.asText) enc = this.withTimeline(enc!, this.sectionsOf(mel));
      keep(enc!.embeds);
      if (enc!.summary) keep(enc!.summary);
      for (const g of enc!.gates) keep(g);
      return enc!;
    });
  }

  /**
   * A clip's encoding with these sections written after its summary words (TimelineConfig.asText,
   * timeline-text.ts); the summary it replaces, and everything made on the way, is freed.
   */
  private withTimeline(encoding: AudioEncoding, sections: TimelineSection[]): AudioEncoding {
    const { model, tokenizer } = this.loaded;
    const before = encoding.summary;
    const summary = tidy(() => {
      const words = model.llm.embed(tensor(timelineWords(tokenizer, sections), { dtype: "int64", device: model.llm.model.embed_tokens.weight.device }));
      return before ? cat([before, words.to(before.dtype)], 0) : words;
    });
    before?.dispose();
    return { ...encoding, summary, sections };
  }

  /**
   * The assistant's next message(s) for a conversation. Each audio part of the messages takes the next clip in
   * order. A conversation without a system message gets the default one. Returns one text per sample.
   */
  reply(messages: ChatMessage[], clips: AudioEncoding[], o: ReplyOptions = {}): { texts: string[]; promptTokens: number; audioTokens: number } {
    return this.replyBatch([{ messages, clips }], o)[0]!;
  }

  /**
   * The model's log-likelihood of each candidate as the assistant's whole next message (its tokens and the
   * end of the turn) after `messages`: how the "likelihood" bench protocol ranks options.
   */
  answerLogLikelihoods(messages: ChatMessage[], clips: AudioEncoding[], candidates: readonly string[]): number[] {
    const { model, tokenizer } = this.loaded;
    const llm = model.llm;
    return noGrad(() => tidy(() => {
      const turns = candidates.map((candidate) => {
        const chat = encodeChat(tokenizer, [...messages, { role: "assistant", content: candidate }], { addGenerationPrompt: false });
        const inputs = assembleInputs(model, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, clips);
        // Only the last turn's tokens (the last run of targets): earlier assistant turns are given, not scored.
        // Position i predicts targets[i], so `first` is the prompt's last position and `last` the turn's end.
        const last = inputs.targets.findLastIndex((t) => t >= 0);
        let first = last;
        while (first > 0 && inputs.targets[first - 1]! >= 0) first--;
        return { inputs, first, last };
      });
      // Every candidate continues the same prompt (positions 0..first): the prompt runs once and keeps its keys and
      // values, then the candidates' own tokens run side by side after it (right-padded: causal attention keeps
      // the padding out of every real position). Four options cost one prompt instead of four.
      const prompt = turns[0]!.first + 1;
      if (turns.some((t) => t.first + 1 !== prompt)) throw new Error("answerLogLikelihoods: the candidates' prompts differ (a chat template that merges the answer into the prompt)");
      const width = Math.max(...turns.map((t) => t.last - t.first));
      const device = llm.model.embed_tokens.weight.device;
      const promptEmbeds = turns[0]!.inputs.embeds.narrow(0, 0, prompt);
      const cache = KVCache.create(llm.config, 1, prompt + width, { dtype: promptEmbeds.dtype, device });
      try {
        const promptLast = llm.forward({ embeds: promptEmbeds.unsqueeze(0), cache }).squeeze(0).narrow(0, prompt - 1, 1);
        const rows = cache.selectRows(turns.map(() => 0));
        try {
          const answers = turns.map(({ inputs, first, last }) => {
            const own = inputs.embeds.narrow(0, first + 1, last - first);
            return own.size(0) === width ? own : cat([own, zeros([width - own.size(0), own.size(1)], { dtype: own.dtype, device })], 0);
          });
          // Causal attention over a cache aligns to the end: each answer position sees the prompt and what precedes it.
          const hidden = llm.forward({ embeds: stack(answers), cache: rows }); // [C, width, hidden]
          return turns.map(({ inputs, first, last }, c) => {
            // The hidden state that predicts each of the turn's tokens: the prompt's last, then the turn's own.
            const predicting = cat([promptLast, hidden.select(0, c).narrow(0, 0, last - first)], 0);
            const logits = llm.logits(predicting);
            return -F.crossEntropy(logits, tensor(inputs.targets.slice(first, last + 1), { dtype: "int64", device }), { reduction: "sum" }).item();
          });
        } finally {
          rows.dispose();
        }
      } finally {
        cache.dispose();
      }
    }));
  }

  /** reply() for several conversations at once (one batched generation). */
  replyBatch(conversations: { messages: ChatMessage[]; clips: AudioEncoding[] }[], o: ReplyOptions = {}): { texts: string[]; promptTokens: number; audioTokens: number }[] {
    const { model, tokenizer } = this.loaded;
    return noGrad(() => tidy(() => {
      const prompts = conversations.map(({ messages, clips }) => {
        const withSystem: ChatMessage[] = messages[0]?.role === "system" ? messages : [{ role: "system", content: DEFAULT_SYSTEM_PROMPT }, ...messages];
        const chat = encodeChat(tokenizer, withSystem, { addGenerationPrompt: true });
        return assembleInputs(model, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, clips);
      });
      const stopTokens = answerStopIds(tokenizer);
      const samples = generate(model.llm, prompts.map((p) => p.embeds), (ids) => tokenizer.decode(ids, { skipSpecial: true }), { ...o, stopTokens, vocabLimit: tokenizer.vocabSize });
      return prompts.map((p, i) => ({
        texts: samples.filter((s) => s.prompt === i).map((s) => s.text.trim()),
        promptTokens: p.embeds.size(0),
        audioTokens: p.audioTokens,
      }));
    }));
  }
}
