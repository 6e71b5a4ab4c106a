// The questions of stage 3 (GRPO): one JSON object a line (docs/training.md, "Stage 3: GRPO"),
//   {"id","audio","question","kind","choices"?,"answer","tolerance"?,"unit"?,"split","category",
//    "pass_rate"?,"source_ids"?,"upgrade"?}
// `kind` names the reward (rewards.ts): "mcq" (choices, answer one of them), "number" (answer a number,
// tolerance relative), "time" (answer m:ss.s, tolerance in seconds), or any registered kind. A line without
// `kind` is a plain MCQ row, as in a dataset's mcq.jsonl, so datasets and RL files read the same way. `audio` is
// relative to the file's folder. Every problem names file:line.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";
import { formatPrompt } from "../eval/prompt.js";
import { optionOrder } from "../eval/shuffle.js";
import type { ChatMessage } from "../model/tokenizer/chat.js";
import { type PosedQuestion, questionKind, rewardKinds } from "./rewards.js";
import { isHeldOut } from "./songs.js";
import { annotationFileOf } from "./summary-words.js";

/**
 * What a question's song must have on disk: its audio (heard), or, for questions posed over written summaries
 * (`"summary": "written"`), only its annotation (songs/<id>.json beside audio/), so a text-only dataset
 * (`gamma data synth --text-only`) can be an RL pool.
 */
export interface RlReadOptions {
  written?: boolean;
}

export const UPGRADES = ["closer-distractors", "finer-tolerance", "composite"] as const;
export type Upgrade = (typeof UPGRADES)[number];

export interface RlItem {
  id: string;
  /** Absolute path in memory; written relative to the RL file's folder. */
  audio: string;
  question: string;
  kind: string;
  choices?: string[];
  /** mcq: one of choices; number: a number; time: "m:ss.s" (or seconds). */
  answer: string | number;
  /** number: relative (0.04 = 4 %); time: seconds. */
  tolerance?: number;
  unit?: string;
  split: string;
  category: string;
  /** Share of the SFT model's sampled answers that were right, as `gamma data rl-select` measured it. */
  pass_rate?: number;
  /** An upgraded question: the questions it was made from, and how. */
  source_ids?: string[];
  upgrade?: Upgrade;
}

/** The seed of the option order of MCQs in RL prompts (per question, from its id, as `gamma bench` does). */
/** The seed of a question's own option order (rl-select, GRPO's held-out evaluation, `optionOrder: "fixed"`). */
export const RL_OPTION_SEED = 13;

/** Checks one parsed line; returns the item or throws naming `where` (file:line). */
export function toRlItem(value: unknown, where: string, audioDir: string, o: RlReadOptions = {}): RlItem {
  const fail = (msg: string): never => { throw new Error(`${where}: ${msg}`); };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("not a JSON object");
  const r = value as Record<string, unknown>;
  const text = (key: string, required = true): string | undefined => {
    const v = r[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || !v.trim()) fail(`"${key}" must be a non-empty string`);
    return v as string;
  };
  const kind = text("kind", false) ?? "mcq";
  const definition = questionKind(kind);
  if (!definition) fail(`unknown kind "${kind}" (known: ${rewardKinds().join(", ")})`);
  if (typeof r.answer !== "string" && typeof r.answer !== "number") fail(`"answer" must be a string or a number`);
  if (r.tolerance !== undefined && typeof r.tolerance !== "number") fail(`"tolerance" must be a number`);
  if (r.pass_rate !== undefined && !(typeof r.pass_rate === "number" && r.pass_rate >= 0 && r.pass_rate <= 1)) fail(`"pass_rate" must be a number in [0, 1]`);
  if (r.source_ids !== undefined && !(Array.isArray(r.source_ids) && r.source_ids.every((s) => typeof s === "string"))) fail(`"source_ids" must be a list of question ids`);
  if (r.upgrade !== undefined && !UPGRADES.includes(r.upgrade as Upgrade)) fail(`"upgrade" must be one of ${UPGRADES.join(", ")}`);
  const audio = path.resolve(audioDir, text("audio")!);
  if (o.written) {
    const annotation = annotationFileOf(audio);
    if (!fs.existsSync(annotation)) fail(`the song's annotation ${annotation} does not exist (a question over a written summary reads its song's songs/<id>.json)`);
  } else if (!fs.existsSync(audio)) fail(`audio ${audio} does not exist`);
  const item: RlItem = {
    id: text("id")!, audio, question: text("question")!, kind,
    ...(r.choices === undefined ? {} : { choices: r.choices as string[] }),
    answer: r.answer as string | number,
    ...(r.tolerance === undefined ? {} : { tolerance: r.tolerance as number }),
    ...(r.unit === undefined ? {} : { unit: text("unit")! }),
    split: text("split", false) ?? "unknown", category: text("category", false) ?? "unknown",
    ...(r.pass_rate === undefined ? {} : { pass_rate: r.pass_rate as number }),
    ...(r.source_ids === undefined ? {} : { source_ids: r.source_ids as string[] }),
    ...(r.upgrade === undefined ? {} : { upgrade: r.upgrade as Upgrade }),
  };
  const problem = definition!.check?.(item);
  if (problem) fail(`question ${item.id}: ${problem}`);
  return item;
}

/** Every question of an RL file (or of a dataset's mcq.jsonl); ids must be unique. */
export function readRlFile(file: string, o: RlReadOptions = {}): RlItem[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === "ENOENT" ? `${file}: no such file` : err.code === "EISDIR" ? `${file}: a directory, not a JSONL file` : `${file}: ${err.message}`, { cause: e });
  }
  const items: RlItem[] = [];
  const seen = new Map<string, number>();
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
    const item = toRlItem(value, where, path.dirname(path.resolve(file)), o);
    const before = seen.get(item.id);
    if (before !== undefined) throw new Error(`${where}: question id ${item.id} repeats line ${before}`);
    seen.set(item.id, i + 1);
    items.push(item);
  });
  if (items.length === 0) throw new Error(`${file}: no questions`);
  return items;
}

/** The questions of RL files and dataset directories (their mcq.jsonl), in order; ids unique across all. */
export function readRlPool(sources: readonly string[], o: RlReadOptions = {}): RlItem[] {
  const items: RlItem[] = [];
  const from = new Map<string, string>();
  for (const source of sources) {
    const isDir = fs.existsSync(source) && fs.statSync(source).isDirectory();
    const file = isDir ? path.join(source, "mcq.jsonl") : source;
    if (isDir && !fs.existsSync(file)) throw new Error(`${source}: not a dataset directory (no mcq.jsonl)`);
    for (const item of readRlFile(file, o)) {
      const other = from.get(item.id);
      if (other) throw new Error(`${file}: question id ${item.id} is also in ${other}`);
      from.set(item.id, file);
      items.push(item);
    }
  }
  return items;
}

/** Writes an RL file atomically, audio relative to its folder. */
export function writeRlFile(file: string, items: readonly RlItem[]): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(file, items.map((item) => JSON.stringify({ ...item, audio: path.relative(dir, item.audio) })).join("\n") + "\n");
}

/**
 * How the model is asked: multiple choice as `gamma bench --prompt think` asks (options in an order seeded by
 * `orderSeed` and the question's id, then turned `rotation` places: option i moves to letter i - rotation); an open
 * question with how its answer is to be written (the kind says) and the same <think></think><answer></answer>
 * request (the rotation means nothing to it).
 */
export function poseItem(item: RlItem, orderSeed = RL_OPTION_SEED, rotation = 0): PosedQuestion {
  if (item.choices) {
    const n = item.choices.length;
    const order = optionOrder(n, orderSeed, item.id, true);
    const options = order.map((_, i) => item.choices![order[(i + rotation) % n]!]!);
    return { item, prompt: formatPrompt("think", item.question, options), options, answerIndex: options.indexOf(item.answer as string) };
  }
  const format = questionKind(item.kind)?.answerFormat?.(item) ?? { how: "a short answer", example: "..." };
  return {
    item,
    prompt: [
      `Question: ${item.question}`,
      `Answer with ${format.how}.`,
      `Think briefly inside <think></think>, then give the answer inside <answer></answer>, like <think>reasoning</think><answer>${format.example}</answer>.`,
    ].join("\n"),
  };
}

/**
 * The rotations of `orders` posings of a question with `optionCount` options, spread evenly: with 4 options and 4
 * orders the right option sits once under each letter, with 2 orders under two letters half the options apart.
 */
export function spreadRotations(optionCount: number, orders: number): number[] {
  return Array.from({ length: orders }, (_, j) => Math.floor((j * optionCount) / orders) % Math.max(1, optionCount));
}

/** The conversation a posed question is: one user turn, the song then the text. */
export function posedMessages(q: PosedQuestion): ChatMessage[] {
  return [{ role: "user", content: [{ type: "audio", clip: q.item.audio }, { type: "text", text: q.prompt }] }];
}

/** Questions about held-out songs (every 20th song by id, as in every stage) apart from the rest. */
export function splitBySong(items: readonly RlItem[]): { train: RlItem[]; heldOut: RlItem[] } {
  const song = (item: RlItem) => path.basename(item.audio).replace(/\.[^.]+$/, "");
  return { train: items.filter((i) => !isHeldOut(song(i))), heldOut: items.filter((i) => isHeldOut(song(i))) };
}
