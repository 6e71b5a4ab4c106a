// The GaMMA model as a `gamma bench` answerer: each request's audio is heard (or silence of the same length,
// for the audio-blind control), the prompt asked in a one-turn chat, and the batch answered greedily in one
// generation. Benchmarks ask several questions about each recording, usually in a row, so the last few
// encodings are kept (keyed by file, or by the silence's length) instead of hearing the file again. A "written"
// recording is the song's annotated facts as the words of the summary slot (Gamma.readSummary).
// Requests of the "likelihood" protocol are answered by ranking their options instead (Gamma.answerLogLikelihoods).
// With a temperature above 0 the answers are sampled instead of greedy, each question from its own seed
// (AnswerRequest.sampleSeed), so a question's sample does not depend on its batch: how a policy answers as RL
// samples it, where greedy decoding shows its single likeliest answer.
import { type Answerer, type AnswerRequest, type AudioInput, audioKey } from "../eval/answerer.js";
import type { ChatMessage } from "./tokenizer/chat.js";
import type { AudioEncoding } from "./gamma.js";
import { optionLetter } from "../eval/prompt.js";
import { Gamma } from "./pipeline.js";
import { SongFacts, writtenClipWords } from "../train/summary-words.js";

/** Encodings kept: a batch's worth of distinct recordings and then some. */
const KEPT_ENCODINGS = 16;

/** Long enough for "<answer>(B) text</answer>" and a short reason; multiple choice needs no essays. */
const MAX_ANSWER_TOKENS = 64;

/** A request as a one-turn chat: its recording, then its prompt. */
function asked(r: AnswerRequest): ChatMessage[] {
  return [{ role: "user", content: [{ type: "audio", clip: r.id }, { type: "text", text: r.prompt }] }];
}

export interface ModelAnswererOptions {
  batchSize?: number;
  /** 0 (default): greedy answers; above 0: answers sampled at this temperature. */
  temperature?: number;
}

export async function createModelAnswerer(modelDir: string | undefined, options: ModelAnswererOptions = {}): Promise<Answerer> {
  const temperature = options.temperature ?? 0;
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new RangeError(`temperature must be 0 (greedy) or above, got ${temperature}`);
  const gamma = Gamma.load(modelDir);
  const kept = new Map<string, AudioEncoding>();
  const facts = new SongFacts();
  /** A dataset song's annotated facts as the words its summary holds, then its annotated sections for a model that reads its timeline as text. */
  const written = (file: string) => {
    const { tokenizer, config } = gamma.loaded, a = facts.get(file);
    return gamma.readSummary(writtenClipWords(a, tokenizer, config.projector.summaryTokens ?? 0, config.timeline?.asText ? a.temporal.sections : undefined));
  };
  const release = (e: AudioEncoding) => { e.embeds.dispose(); e.summary?.dispose(); for (const g of e.gates) g.dispose(); };
  async function hear(audio: AudioInput): Promise<AudioEncoding> {
    const key = audioKey(audio);
    let encoding = kept.get(key);
    if (encoding) kept.delete(key); // re-inserted below as the most recent
    else encoding = audio.kind === "file" ? (await gamma.hear(audio.path)).encoding : audio.kind === "silent" ? gamma.hearSilence(audio.seconds) : written(audio.path);
    kept.set(key, encoding);
    return encoding;
  }
  /** The "likelihood" protocol: each request's likeliest choice as its whole answer, named "(X) text". */
  async function rank(requests: AnswerRequest[]): Promise<string[]> {
    const answers: string[] = [];
    for (const r of requests) {
      const scores = gamma.answerLogLikelihoods(asked(r), [await hear(r.audio)], r.choices);
      const best = scores.indexOf(Math.max(...scores));
      answers.push(`(${optionLetter(best)}) ${r.choices[best]!}`);
    }
    evict(new Set());
    return answers;
  }
  /** Evict the oldest encodings beyond the budget, but never one in use. */
  function evict(inUse: ReadonlySet<AudioEncoding>): void {
    for (const [key, e] of kept) {
      if (kept.size <= KEPT_ENCODINGS) break;
      if (inUse.has(e)) continue;
      kept.delete(key);
      release(e);
    }
  }
  return {
    name: `gamma:${gamma.name}${temperature > 0 ? ` sampled at temperature ${temperature}` : ""}`,
    batchSize: options.batchSize ?? 4,
    async answer(requests: AnswerRequest[]): Promise<string[]> {
      if (requests.some((r) => r.rankChoices)) return rank(requests);
      const conversations = [];
      for (const r of requests) {
        conversations.push({ messages: asked(r), clips: [await hear(r.audio)] });
      }
      try {
        const sampling = temperature > 0 ? { temperature, rowSeeds: requests.map((r) => r.sampleSeed ?? 0) } : {};
        return gamma.replyBatch(conversations, { maxNewTokens: MAX_ANSWER_TOKENS, ...sampling }).map((r) => r.texts[0] ?? "");
      } finally {
        evict(new Set(conversations.flatMap((c) => c.clips)));
      }
    },
    close() {
      for (const e of kept.values()) release(e);
      kept.clear();
    },
  };
}
