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
import { accompanimentOf } from "../data/text/facts.js";
import { metreName, modeName } from "../data/text/theory.js";
import { songOfAudio } from "./text-documents.js";
import { type TimedSection, timelineWords } from "../model/timeline-text.js";

/** One whole-song fact a summary holds: the phrase a report writes for it, and how many summary tokens it takes. */
export interface SummaryFact {
  name: string;
  /** Summary tokens the fact takes (see summaryWordTargets). */
  slots: number;
  phrase: (a: SongAnnotation) => string;
}

/**
 * The whole-song facts the summary tokens read as, in order, each as the phrase a report writes ("F#", "Dorian",
 * "jazz swing", "very slow", "melancholic", "6/8", "muted trumpet", "183", "acoustic guitar"). A model with K summary
 * tokens holds the facts whose slots fit in K (factsOfSummary), so the order is the order facts were added in: a
 * model made with the first five (10 tokens) reads the same words as before the others existed.
 */
export const SUMMARY_FACTS: readonly SummaryFact[] = [
  { name: "tonic", slots: 2, phrase: (a) => a.global.key.tonic },
  { name: "mode", slots: 2, phrase: (a) => modeName(a.global.key.mode) },
  { name: "style", slots: 2, phrase: (a) => a.global.style },
  { name: "tempo", slots: 2, phrase: (a) => a.global.tempoClass },
  { name: "mood", slots: 2, phrase: (a) => a.global.mood[0] ?? "" },
  { name: "metre", slots: 2, phrase: (a) => metreName(a.global.metre) },
  { name: "lead", slots: 2, phrase: (a) => a.global.leadInstrument },
  // Digits are tokens of their own (" 183" is " ", "1", "8", "3"): three slots hold any tempo from 30 to 260.
  { name: "bpm", slots: 3, phrase: (a) => String(Math.round(a.global.tempo)) },
  { name: "accompaniment", slots: 2, phrase: accompanimentOf },
];

/** The facts a question of each time-free category needs (all of them), for the categories a summary can answer. */
const CATEGORY_FACTS: Readonly<Record<string, readonly string[]>> = {
  key: ["tonic", "mode"], mode: ["mode"], genre: ["style"], "tempo-class": ["tempo"], mood: ["mood"],
  metre: ["metre"], lead: ["lead"], "tempo-value": ["bpm"], instrumentation: ["lead", "accompaniment"],
};

/**
 * Summary tokens of the first five facts (tonic, mode, style, tempo class, mood): what the shipped recipe's
 * decoders read before the later facts existed, and what recall text is written with when no model says more.
 */
export const BASE_SUMMARY_TOKENS = 10;

/** The filler of a fact written in fewer tokens than its slots. */
export const SUMMARY_FILLER = ",";

/** The facts whose every slot has a summary token, for a model with `count` of them. */
export function factsOfSummary(count: number): SummaryFact[] {
  const facts: SummaryFact[] = [];
  let used = 0;
  for (const fact of SUMMARY_FACTS) {
    if (used + fact.slots > count) break;
    facts.push(fact);
    used += fact.slots;
  }
  return facts;
}

/** Where each fact's slots start among the summary tokens (in SUMMARY_FACTS order). */
export function factOffsets(facts: readonly SummaryFact[]): number[] {
  let at = 0;
  return facts.map((f) => (at += f.slots) - f.slots);
}

/** The summary-token indices of the named facts, for a model with `count` summary tokens (each must hold all its slots). */
export function factSlots(names: readonly string[], count: number): number[] {
  const facts = factsOfSummary(count), offsets = factOffsets(facts);
  return names.flatMap((name) => {
    const i = facts.findIndex((f) => f.name === name);
    if (i < 0) throw new Error(`summary fact "${name}" does not fit in ${count} summary tokens (they hold ${facts.map((f) => f.name).join(", ") || "none"})`);
    return Array.from({ length: facts[i]!.slots }, (_, k) => offsets[i]! + k);
  });
}

/** The MCQ categories a summary of `count` tokens can answer: those whose facts it all holds. */
export function summaryCategories(count: number): ReadonlySet<string> {
  const held = new Set(factsOfSummary(count).map((f) => f.name));
  return new Set(Object.entries(CATEGORY_FACTS).filter(([, needs]) => needs.every((n) => held.has(n))).map(([category]) => category));
}

/**
 * Whether a question's answer is one of the facts a summary of `count` tokens holds. An instrumentation question
 * asks for any instrument present (or the one absent): the summary answers it only when the answer is the lead or
 * the accompaniment (`annotation` is read for those questions alone).
 */
export function answerableFromSummary(q: { category: string; answer: string }, count: number, annotation: () => SongAnnotation): boolean {
  if (!summaryCategories(count).has(q.category)) return false;
  if (q.category !== "instrumentation") return true;
  const a = annotation();
  return q.answer === a.global.leadInstrument || q.answer === accompanimentOf(a);
}

/**
 * The token each of the first `count` summary tokens should read as, fact after fact. A fact's phrase is
 * tokenized as a report writes it (" F#") without whitespace-only tokens (" 183" is " ", "1", "8", "3"). A phrase
 * of more tokens than its slots keeps its first tokens and its last: two slots tell " F#" (" F", "#") from " F"
 * and " very slow" (" very", " slow") from " very fast", which one token per fact would merge (measured with
 * the text-v1 tokenizer). A shorter phrase is padded with SUMMARY_FILLER.
 */
export function summaryWordTargets(annotation: SongAnnotation, tokenizer: Tokenizer, count: number): number[] {
  const [filler] = tokenizer.encode(SUMMARY_FILLER, { parseSpecial: false });
  const ids = SUMMARY_FACTS.flatMap((fact) => {
    const tokens = tokenizer.encode(` ${fact.phrase(annotation)}`, { parseSpecial: false }).filter((t) => tokenizer.decode([t]).trim() !== "");
    if (tokens.length > fact.slots) return [...tokens.slice(0, fact.slots - 1), tokens.at(-1)!];
    return [...tokens, ...Array<number>(fact.slots - tokens.length).fill(filler!)];
  });
  return ids.slice(0, count);
}

/**
 * The words a written clip holds (Gamma.readSummary, training's written summaries): the summary words of these
 * facts, then, for a model that reads its timeline as text (TimelineConfig.asText), these sections written as its
 * timeline. Training and `gamma bench --audio written` write clips through here, so both hold the same layout.
 */
export function writtenClipWords(annotation: SongAnnotation, tokenizer: Tokenizer, summaryTokens: number, timeline?: readonly TimedSection[]): number[] {
  return [...summaryWordTargets(annotation, tokenizer, summaryTokens), ...(timeline ? timelineWords(tokenizer, timeline) : [])];
}

/**
 * The facts of a summary of `count` tokens as a line of text ("F# major, jazz swing, very slow, calm"): the words
 * a model with projector.summaryAsWords hears, as pretraining text can write them before the tokenizer exists.
 */
export function summaryLine(annotation: SongAnnotation, count: number): string {
  const phrases = new Map(factsOfSummary(count).map((fact) => [fact.name, fact.phrase(annotation)]));
  const key = phrases.has("mode") ? `${phrases.get("tonic")!} ${phrases.get("mode")!}` : phrases.get("tonic");
  const bpm = phrases.has("bpm") ? `${phrases.get("bpm")!} BPM` : undefined;
  const rest = [...phrases].filter(([name]) => !["tonic", "mode", "bpm"].includes(name)).map(([, phrase]) => phrase);
  return [key, ...rest, bpm].filter((p) => p !== undefined).join(", ");
}

/** What a written summary states instead of the song's tempo (rounded BPM) and key tonic (ChatSample.heard). */
export interface HeardFacts {
  bpm?: number;
  tonic?: string;
}

/** A song's annotation with the tempo and tonic a written summary states instead (ChatSample.heard); as it is without. */
export function withHeardFacts(a: SongAnnotation, heard?: HeardFacts): SongAnnotation {
  if (!heard || (heard.bpm === undefined && heard.tonic === undefined)) return a;
  const key = { ...a.global.key, tonic: heard.tonic ?? a.global.key.tonic };
  return { ...a, global: { ...a.global, tempo: heard.bpm ?? a.global.tempo, key } };
}

/** Where a dataset song's annotation is, from its audio path (DIR/audio/ID.wav -> DIR/songs/ID.json). */
export function annotationFileOf(audio: string): string {
  return songPaths(path.dirname(path.dirname(audio)), songOfAudio(audio)).annotation;
}

/** The annotation of a dataset song from its audio path (annotationFileOf), cached. */
export class SongFacts {
  private readonly cache = new Map<string, SongAnnotation>();

  get(audio: string): SongAnnotation {
    let a = this.cache.get(audio);
    if (!a) {
      const file = annotationFileOf(audio);
      if (!fs.existsSync(file)) throw new Error(`${file}: no annotation for ${audio} (a song's written facts and summary words come from its dataset's songs/ folder, beside audio/, as \`gamma data synth\` writes them)`);
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
