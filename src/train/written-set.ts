// `gamma data written-set`: a benchmark set for the written view (`gamma bench --audio written`) from datasets no
// model trained on. Only a question whose answer a written summary states can be answered from it (key, mode,
// style, tempo, mood, metre, lead...), so those are kept; then at most N a category are drawn, so that every
// category weighs alike in the accuracy and a large pool yields a set of a chosen size. Held-out sets for GRPO's
// written recipes (docs/training.md, rlheld-v1 and rlheld-v2) are made this way.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";
import { Rng } from "../music/rng.js";
import { summaryAnswers } from "./grpo/written-summary.js";
import { readRlPool, type RlItem } from "./rl-items.js";
import { SongFacts } from "./summary-words.js";

export interface WrittenSetOptions {
  /** Dataset directories (their mcq.jsonl) and MCQ JSONL files. */
  pool: string[];
  out: string;
  /** The summary tokens of the models to be benched (their projector.summaryTokens): which facts are written. */
  summaryTokens: number;
  /** At most this many questions a category (all where absent). */
  perCategory?: number;
  /** Seed of the per-category draw. */
  seed: number;
}

export interface WrittenSetSummary {
  out: string;
  /** Questions in the pool, those a written summary answers, those written. */
  pool: number;
  answerable: number;
  written: number;
  /** By category: answerable and written. */
  categories: Record<string, { answerable: number; written: number }>;
}

/** The pool's questions a written summary answers, at most `perCategory` a category, in the pool's order. */
export function selectWrittenSet(pool: readonly RlItem[], o: Pick<WrittenSetOptions, "summaryTokens" | "perCategory" | "seed">): { answerable: RlItem[]; chosen: RlItem[] } {
  if (!(o.summaryTokens > 0)) throw new Error("--summary-tokens must be positive: a written summary of no tokens states no fact");
  const facts = new SongFacts();
  const answerable = pool.filter((q) => summaryAnswers(q, o.summaryTokens, facts));
  const byCategory = new Map<string, number[]>();
  answerable.forEach((q, i) => {
    const indices = byCategory.get(q.category);
    if (indices) indices.push(i);
    else byCategory.set(q.category, [i]);
  });
  const rng = new Rng(o.seed);
  const keep = new Set<number>();
  // Categories in sorted order so the draw does not depend on which category the pool happens to list first.
  for (const category of [...byCategory.keys()].sort()) {
    const indices = byCategory.get(category)!;
    const drawn = o.perCategory === undefined || indices.length <= o.perCategory ? indices : rng.shuffle(indices).slice(0, o.perCategory);
    for (const i of drawn) keep.add(i);
  }
  return { answerable, chosen: answerable.filter((_, i) => keep.has(i)) };
}

/** Writes the set as MCQ lines (`gamma bench` reads them; audio relative to the file) and says what it holds. */
export function writeWrittenSet(o: WrittenSetOptions): WrittenSetSummary {
  const pool = readRlPool(o.pool, { written: true });
  const { answerable, chosen } = selectWrittenSet(pool, o);
  if (chosen.length === 0) throw new Error(`no question of the pool (${pool.length}) asks what a written summary states (key, mode, style, tempo, mood, metre, lead...); nothing written to ${o.out}`);
  const dir = path.dirname(path.resolve(o.out));
  fs.mkdirSync(dir, { recursive: true });
  const line = (q: RlItem) => JSON.stringify({ id: q.id, audio: path.relative(dir, q.audio), question: q.question, choices: q.choices, answer: q.answer, split: q.split, category: q.category });
  writeFileAtomic(o.out, chosen.map(line).join("\n") + "\n");
  const categories: Record<string, { answerable: number; written: number }> = {};
  for (const q of answerable) (categories[q.category] ??= { answerable: 0, written: 0 }).answerable++;
  for (const q of chosen) categories[q.category]!.written++;
  return { out: o.out, pool: pool.length, answerable: answerable.length, written: chosen.length, categories };
}
