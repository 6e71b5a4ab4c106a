// A benchmark question made into what is put to the answerer: options in the seeded order, the prompt, the audio.
import type { AnswerRequest, AudioInput } from "./answerer.js";
import type { BenchItem } from "./item.js";
import { formatPrompt, type PromptStyle } from "./prompt.js";
import { optionOrder, questionRng } from "./shuffle.js";

export interface Question {
  item: BenchItem;
  /** Index of the correct option among those presented. */
  correct: number;
  request: AnswerRequest;
}

export interface ProtocolOptions {
  seed: number;
  /** false: options in the file's order. */
  shuffle: boolean;
  prompt: PromptStyle;
}

export function poseQuestion(item: BenchItem, audio: AudioInput, o: ProtocolOptions): Question {
  const order = optionOrder(item.choices.length, o.seed, item.id, o.shuffle);
  const choices = order.map((i) => item.choices[i]!);
  return {
    item,
    correct: order.indexOf(item.answer),
    request: {
      id: item.id, prompt: formatPrompt(o.prompt, item.question, choices), choices, audio,
      sampleSeed: sampleSeed(o.seed, item.id),
      ...(o.prompt === "likelihood" ? { rankChoices: true } : {}),
    },
  };
}

/** The seed an answerer that samples (`gamma bench --temperature`) draws this question's answer from. */
export function sampleSeed(seed: number, id: string): number {
  return Math.floor(questionRng(seed, `sample\u0000${id}`).next() * 2 ** 31);
}
