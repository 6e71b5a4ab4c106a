// The GaMMA model as a `gamma bench` answerer: each request's audio is heard (or silence of the same length,
// for the audio-blind control), the prompt asked in a one-turn chat, and the batch answered greedily in one
// generation.
import type { Answerer, AnswerRequest } from "../eval/answerer.js";
import { Gamma } from "./pipeline.js";

/** Long enough for "<answer>(B) text</answer>" and a short reason; multiple choice needs no essays. */
const MAX_ANSWER_TOKENS = 64;

export async function createModelAnswerer(modelDir: string | undefined, options: { batchSize?: number } = {}): Promise<Answerer> {
  const gamma = Gamma.load(modelDir);
  return {
    name: `gamma:${gamma.name}`,
    batchSize: options.batchSize ?? 4,
    async answer(requests: AnswerRequest[]): Promise<string[]> {
      const conversations = [];
      for (const r of requests) {
        const encoding = r.audio.kind === "file" ? (await gamma.hear(r.audio.path)).encoding : gamma.hearSilence(r.audio.seconds);
        conversations.push({ messages: [{ role: "user" as const, content: [{ type: "audio" as const, clip: r.id }, { type: "text" as const, text: r.prompt }] }], clips: [encoding] });
      }
      try {
        return gamma.replyBatch(conversations, { maxNewTokens: MAX_ANSWER_TOKENS }).map((r) => r.texts[0] ?? "");
      } finally {
        for (const c of conversations) for (const clip of c.clips) { clip.embeds.dispose(); for (const g of clip.gates) g.dispose(); }
      }
    },
  };
}
