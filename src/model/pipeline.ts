// The model as an application uses it: load a model directory (the shipped default when none is named), hear
// audio files, and answer questions in a conversation. `gamma ask`, `gamma chat` and `gamma bench` go
// through here.
import fs from "node:fs";
import path from "node:path";
import { loadAudio } from "../audio/load.js";
import { noGrad } from "../engine/autograd.js";
import { keep, tidy } from "../engine/scope.js";
import * as F from "../engine/functional.js";
import { type Tensor, tensor } from "../engine/tensor.js";
import { expertInput, silentExpertInput } from "./audio-input.js";
import { repoRoot } from "../cli/paths.js";
import type { AudioEncoding } from "./gamma.js";
import { generate, type GenerateOptions } from "./generate.js";
import { assembleInputs } from "./inputs.js";
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

export type ReplyOptions = Pick<GenerateOptions, "maxNewTokens" | "temperature" | "topK" | "topP" | "seed" | "samples" | "onText">;

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

  /** The encoding of `seconds` of digital silence (the audio-blind control of `gamma bench`). */
  hearSilence(seconds: number): AudioEncoding {
    const frames = Math.max(100, Math.round(seconds * 100));
    const mel = silentExpertInput(frames, this.loaded.config.temporalExpert);
    const encoding = this.encodeMel(mel);
    mel.dispose();
    return encoding;
  }

  encodeMel(mel: Tensor): AudioEncoding {
    return noGrad(() => {
      const [enc] = this.loaded.model.encodeAudio([mel]);
      keep(enc!.embeds);
      if (enc!.summary) keep(enc!.summary);
      for (const g of enc!.gates) keep(g);
      return enc!;
    });
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
    return candidates.map((candidate) => noGrad(() => tidy(() => {
      const chat = encodeChat(tokenizer, [...messages, { role: "assistant", content: candidate }], { addGenerationPrompt: false });
      const inputs = assembleInputs(model, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, clips);
      // Only the last turn's tokens (the last run of targets): earlier assistant turns are given, not scored.
      let first = inputs.targets.findLastIndex((t) => t >= 0);
      while (first > 0 && inputs.targets[first - 1]! >= 0) first--;
      const answered = inputs.targets.flatMap((t, i) => (t >= 0 && i >= first ? [i] : []));
      const hidden = model.llm.forward({ embeds: inputs.embeds.unsqueeze(0) }).squeeze(0);
      const device = hidden.device;
      const logits = model.llm.logits(hidden.indexSelect(0, tensor(answered, { dtype: "int64", device })));
      return -F.crossEntropy(logits, tensor(answered.map((i) => inputs.targets[i]!), { dtype: "int64", device }), { reduction: "sum" }).item();
    })));
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
