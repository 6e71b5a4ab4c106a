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
import { songOfAudio } from "./text-documents.js";

/** The fact each summary token reads as, in order; summary tokens beyond these get no target. */
export const SUMMARY_FACTS: readonly { name: string; word: (a: SongAnnotation) => string }[] = [
  { name: "tonic", word: (a) => a.global.key.tonic },
  { name: "mode", word: (a) => a.global.key.mode },
  { name: "style", word: (a) => a.global.style },
  { name: "tempo", word: (a) => a.global.tempoClass },
];

/**
 * The token each summary token should read as: the first token of the fact word as it appears mid-sentence
 * (" D", " minor", " jazz" of "jazz swing"), for the first min(count, SUMMARY_FACTS.length) summary tokens.
 */
export function summaryWordTargets(annotation: SongAnnotation, tokenizer: Tokenizer, count: number): number[] {
  return SUMMARY_FACTS.slice(0, count).map((fact) => tokenizer.encode(` ${fact.word(annotation)}`, { parseSpecial: false })[0]!);
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
  const table = noGrad(() => llm.model.embed_tokens.weight.detach());
  const unit = (t: Tensor) => t.div(t.square().sum(-1, true).sqrt().add(1e-8));
  const scores = unit(summary.narrow(0, 0, n)).matmul(unit(table).transpose(0, 1)); // [n, vocab]
  const loss = F.crossEntropy(scores.mul(SUMMARY_WORDS_SCALE), tensor(targets, { dtype: "int64" }));
  const hits = noGrad(() => {
    const best = scores.argmax(-1).toFloat32Array();
    return targets.map((target, i) => best[i] === target);
  });
  return { loss, right: hits.filter(Boolean).length, hits };
}
