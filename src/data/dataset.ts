// Building a dataset directory: songs in parallel worker threads, resumable (a song is done when its text file
// exists), then the jsonl files assembled from the per-song files in a fixed order.
//
//   DIR/dataset.json          how it was made (seed, counts, soundfonts, augmentation, versions)
//   DIR/audio/<id>.wav        16 kHz mono 16-bit
//   DIR/songs/<id>.json       annotation (docs/annotation-schema.md)
//   DIR/text/<id>.json        that song's captions, SFT conversations and MCQs
//   DIR/captions.jsonl  {"id","audio","caption"}
//   DIR/sft.jsonl       {"id","audio","kind","messages":[{"role","content"}...]}
//   DIR/mcq.jsonl       {"id","audio","question","choices":[4],"answer","split","category"}
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { Progress } from "../cli/progress.js";
import { writeFileAtomic } from "../audio/wav-write.js";
import { type BuildConfig, isSongComplete, type SongSpec, type SongText, songPaths } from "./build-song.js";
import { selectQuestions, type SelectionOptions } from "./mcq-selection.js";
import type { Mcq } from "./text/index.js";

export interface DatasetManifest {
  name: string;
  created: string;
  seed: number;
  songs: number;
  specs: SongSpec[];
  config: Omit<BuildConfig, "out">;
  gammaVersion: string;
}

export interface RunResult {
  /** Songs rendered in this run. */
  built: number;
  /** Songs rendered before whose text was made again (new text settings, or a kill between audio and text). */
  textOnly: number;
  skipped: number;
  failed: { id: string; error: string }[];
  seconds: number;
  audioSeconds: number;
}

/** Builds every song not yet complete, with `workers` threads; calls onProgress after each song. */
export async function runDataset(specs: SongSpec[], config: BuildConfig, o: { workers: number; label: string }): Promise<RunResult> {
  for (const d of ["audio", "songs", "text"]) fs.mkdirSync(path.join(config.out, d), { recursive: true });
  const todo = specs.filter((s) => !isSongComplete(config.out, s.id, config));
  const progress = new Progress(specs.length, o.label, "songs", specs.length - todo.length);
  const started = Date.now();
  const failed: { id: string; error: string }[] = [];
  let audioSeconds = 0, textOnly = 0;
  const workerFile = new URL("./worker.js", import.meta.url);
  const poolSize = Math.max(1, Math.min(o.workers, todo.length));
  let next = 0;
  await Promise.all(Array.from({ length: poolSize }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerFile);
    const feed = () => {
      if (next >= todo.length) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage({ spec: todo[next++], config });
    };
    worker.on("message", (m: { ok: boolean; id: string; seconds?: number; rendered?: boolean; error?: string }) => {
      if (!m.ok) failed.push({ id: m.id, error: m.error ?? "unknown error" });
      else if (m.rendered) audioSeconds += m.seconds ?? 0;
      else textOnly++;
      progress.tick(1, m.ok ? "" : `failed ${m.id}`);
      feed();
    });
    worker.on("error", reject);
    feed();
  })));
  progress.finish();
  return { built: todo.length - failed.length - textOnly, textOnly, skipped: specs.length - todo.length, failed, seconds: (Date.now() - started) / 1000, audioSeconds };
}

export { selectQuestions };

/** How assembleJsonl chooses the questions of mcq.jsonl (see selectQuestions). */
export type AssembleOptions = SelectionOptions;

/**
 * Writes captions.jsonl, sft.jsonl and mcq.jsonl from the per-song text files, in spec order. The questions are
 * chosen over the whole set by selectQuestions (balanced answers; with perSplit, for a benchmark, questions a
 * text-only model answers confidently are left out and equal splits are spread over the categories and songs).
 */
export function assembleJsonl(out: string, ids: string[], o: AssembleOptions = { seed: 0 }): { captions: number; sft: number; mcq: number } {
  const captions: string[] = [], sft: string[] = [];
  const pool: (Mcq & { audio: string })[] = [];
  for (const id of ids) {
    const file = songPaths(out, id).text;
    if (!fs.existsSync(file)) continue;
    const t = JSON.parse(fs.readFileSync(file, "utf8")) as SongText;
    t.captions.forEach((caption, i) => captions.push(JSON.stringify({ id: `${id}-cap${i}`, audio: t.audio, caption })));
    for (const s of t.sft) sft.push(JSON.stringify(s));
    pool.push(...t.mcq);
  }
  const chosen = selectQuestions(pool, o);
  const mcq = chosen.map((q) => JSON.stringify({ id: q.id, audio: q.audio, question: q.question, choices: q.choices, answer: q.answer, split: q.split, category: q.category }));
  writeFileAtomic(path.join(out, "captions.jsonl"), captions.map((l) => l + "\n").join(""));
  writeFileAtomic(path.join(out, "sft.jsonl"), sft.map((l) => l + "\n").join(""));
  writeFileAtomic(path.join(out, "mcq.jsonl"), mcq.map((l) => l + "\n").join(""));
  return { captions: captions.length, sft: sft.length, mcq: mcq.length };
}

/** The manifest of a dataset directory (DIR/dataset.json), or undefined where there is none. */
export function readManifest(dir: string): DatasetManifest | undefined {
  const file = path.join(dir, "dataset.json");
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as DatasetManifest;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

/** A manifest already in DIR must describe the same dataset, so --resume never mixes two recipes. */
export function checkOrWriteManifest(out: string, manifest: DatasetManifest): void {
  const file = path.join(out, "dataset.json");
  fs.mkdirSync(out, { recursive: true });
  const old = readManifest(out);
  if (old) {
    // The audio depends on the songs, soundfonts and augmentation; text settings may change (text is remade).
    const audioRecipe = (m: DatasetManifest) => JSON.stringify({ s: m.specs, f: m.config.soundfonts, a: m.config.augment, t: m.config.textOnly ?? false });
    if (audioRecipe(old) !== audioRecipe(manifest)) throw new Error(`${out} already holds a different dataset (its dataset.json differs in songs, soundfonts, augmentation or --text-only); use another --out or delete it`);
  }
  writeFileAtomic(file, JSON.stringify(manifest, null, 1) + "\n");
}

export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}
