// Reading a benchmark file of any supported format into checked questions and per-item problems.
import fs from "node:fs";
import path from "node:path";
import { type BenchItem, checkItem, type ItemProblem, isProblem, type RawRecord } from "../item.js";
import { type BenchFormat, detectFormat } from "./detect.js";
import { readJsonl } from "./jsonl.js";
import { readMmau } from "./mmau.js";
import { readMuchomusic } from "./muchomusic.js";

export { BENCH_FORMATS, type BenchFormat } from "./detect.js";

const READERS: Record<BenchFormat, (file: string, text: string, audioDir: string) => RawRecord[]> = {
  jsonl: readJsonl,
  muchomusic: readMuchomusic,
  mmau: readMmau,
};

export interface LoadOptions {
  /** The format, when not detected. */
  format?: BenchFormat;
  /** Folder that audio paths are relative to (default: the benchmark file's folder). */
  audioDir?: string;
  /** Only the first `limit` records of the file. */
  limit?: number;
}

export interface Benchmark {
  file: string;
  format: BenchFormat;
  /** The folder audio paths were resolved against. */
  audioDir: string;
  /** Questions that passed the checks, in file order. */
  items: BenchItem[];
  /** Records that did not, in file order. */
  problems: ItemProblem[];
}

export function loadBenchmark(file: string, o: LoadOptions = {}): Benchmark {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  if (!fs.statSync(file).isFile()) throw new Error(`${file}: not a file`);
  const audioDir = path.resolve(o.audioDir ?? path.dirname(file));
  if (!fs.existsSync(audioDir) || !fs.statSync(audioDir).isDirectory()) throw new Error(`${audioDir}: the audio folder does not exist`);
  const text = fs.readFileSync(file, "utf8");
  const format = o.format ?? detectFormat(file, text);
  const records = READERS[format](file, text, audioDir).slice(0, o.limit);
  const items: BenchItem[] = [], problems: ItemProblem[] = [];
  const seen = new Map<string, string>();
  for (const record of records) {
    const checked = isProblem(record) ? record : checkItem(record);
    if (isProblem(checked)) {
      problems.push(checked);
      continue;
    }
    const first = seen.get(checked.id);
    if (first !== undefined) {
      problems.push({ source: checked.source, id: checked.id, problem: `repeats the id of ${first}` });
      continue;
    }
    seen.set(checked.id, checked.source);
    items.push(checked);
  }
  return { file, format, audioDir, items, problems };
}
