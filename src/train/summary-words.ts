// Summary tokens that read as words. Each of a clip's first summary tokens is pulled towards the LLM's own input
// embedding of one whole-song fact ("D", "minor", "pop", "fast"), so the LLM meets the facts right before the
// question as words it already knows, and the summary layers get a dense signal from every conversation
// instead of only through the answer. An auxiliary loss of the chat stages ("summaryWords" in the config).
import fs from "node:fs";
import path from "node:path";
import { songPaths } from "../data/build-song.js";
import type { SongAnnotation } from "../data/schema.js";
import { noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { type Tensor, tensor } from "../engine/tensor.js";
import type { DecoderLM } from "../model/llm.js";
import type { Tokenizer } from "../model/tokenizer/tokenizer.js";
import { modeName } from "../data/text/theory.js";
import { songOfAudio } from "./text-documents.js";

/**
 * The whole-song facts the summary tokens read as, in order, each as the phrase a report writes ("F#", "Dorian",
 * "jazz swing", "very slow", "melancholic"). Questions about these are answered from the summary alone.
 */
export const SUMMARY_FACTS: readonly { name: string; phrase: (a: SongAnnotation) => string }[] = [
  { name: "tonic", phrase: (a) => a.global.key.tonic },
  { name: "mode", phrase: (a) => modeName(a.global.key.mode) },
  { name: "style", phrase: (a) => a.global.style },
  { name: "tempo", phrase: (a) => a.global.tempoClass },
  { name: "mood", phrase: (a) => a.global.mood[0] ?? "" },
];

/** The MCQ categories whose answer is one of SUMMARY_FACTS (the key is the tonic and the mode). */
export const SUMMARY_CATEGORIES: ReadonlySet<string> = new Set(["key", "mode", "genre", "tempo-class", "mood"]);

/**
 * Summary tokens per fact. One token per fact would merge facts the questions tell apart: the first token of
 * " F#" is " F", of " very slow" is " very" (measured with the text-v1 tokenizer). So each fact is written as
 * its phrase's first and last tokens (" F", "#"; " very", " slow"; " jazz", " swing"), a one-token phrase as
 * that token and SUMMARY_FILLER: two phrases that differ at either end stay apart.
 */
export const TOKENS_PER_FACT = 2;
export const SUMMARY_FILLER = ",";

/** The token each of the first `count` summary tokens should read as (TOKENS_PER_FACT per fact, in order). */
export function summaryWordTargets(annotation: SongAnnotation, tokenizer: Tokenizer, count: number): number[] {
  const [filler] = tokenizer.encode(SUMMARY_FILLER, { parseSpecial: false });
  const ids = SUMMARY_FACTS.flatMap((fact) => {
    const tokens = tokenizer.encode(` ${fact.phrase(annotation)}`, { parseSpecial: false });
    return [tokens[0]!, tokens.length > 1 ? tokens.at(-1)! : filler!];
  });
  return ids.slice(0, count);
}

/**
 * The summary's facts as a line of text ("F# major, jazz swing, very slow, calm"): the words a model with
 * projector.summaryAsWords hears, as pretraining text can write them before the tokenizer exists.
 */
export function summaryLine(annotation: SongAnnotation): string {
  const [tonic, mode, ...rest] = SUMMARY_FACTS.map((fact) => fact.phrase(annotation));
  return [`${tonic!} ${mode!}`, ...rest].join(", ");
}

/** The facts whose every token has a summary token, for a model with `count` of them. */
export function factsOfSummary(count: number): typeof SUMMARY_FACTS {
  return SUMMARY_FACTS.slice(0, Math.floor(count / TOKENS_PER_FACT));
}

/** The annotation of a dataset song from its audio path (DIR/audio/ID.wav -> DIR/songs/ID.json), cached. */
export class SongFacts {
  private readonly cache = new Map<string, SongAnnotation>();

  get(audio: string): SongAnnotation {
    let a = this.cache.get(audio);
    if (!a) {
      const file = songPaths(path.dirname(path.dirname(audio)), songOfAudio(audio)).annotation;
      if (!fs.existsSync(file)) throw new Error(`${file}: no annotation for ${audio} (summary words need the dataset's songs/ folder)`);
      a = JSON.parse(fs.readFileSync(file, "utf8")) as SongAnnotation;
      this.cache.set(audio, a);
    }
    return a;
  }
}

/**
 * How sharply the summary-words loss tells words apart: the softmax runs over cosine similarities times this.
 * Cosine, because the decoder's first step (RMSNorm) keeps only a token's direction; a scale of 20 lets the
 * right word's probability approach 1 while every word stays within a unit of cosine.
 */
export const SUMMARY_WORDS_SCALE = 20;

/**
 * Cross-entropy of the first summary tokens [K, hidden] as words: a softmax over their cosine similarity to
 * every input embedding of the vocabulary (held fixed: the words do not move towards the audio), and how many
 * summary tokens already have their word as the nearest input embedding.
 */
export function summaryWordsLoss(llm: DecoderLM, summary: Tensor, targets: number[]): { loss: Tensor; right: number; hits: boolean[] } {
  const n = targets.length;
  const scores = llm.wordCosines(summary.narrow(0, 0, n)); // [n, vocab]
  const loss = F.crossEntropy(scores.mul(SUMMARY_WORDS_SCALE), tensor(targets, { dtype: "int64" }));
  const hits = noGrad(() => {
    const best = scores.argmax(-1).toFloat32Array();
    return targets.map((target, i) => best[i] === target);
  });
  return { loss, right: hits.filter(Boolean).length, hits };
}
