// One bench run from file to report: read and check the questions, check their audio, pose them by the
// protocol (seeded option order, prompt, audio or a control), ask the answerer, score and report. Bad items
// are reported one line each and left out; the run goes on without them.
import path from "node:path";
import { Progress } from "../cli/progress.js";
import type { Answerer } from "./answerer.js";
import { type AudioCheck, checkAudio } from "./audio-check.js";
import { type AudioMode, audioInputs } from "./controls.js";
import { type BenchFormat, loadBenchmark } from "./formats/index.js";
import type { BenchItem, ItemProblem } from "./item.js";
import { openOutDir, writeReport } from "./out-dir.js";
import { PARSERS } from "./parse.js";
import type { PromptStyle } from "./prompt.js";
import { poseQuestion } from "./protocol.js";
import { type BenchReport, buildReport, type RunSettings } from "./report.js";
import { runQuestions } from "./run.js";
import { SongFacts } from "../train/summary-words.js";

export interface BenchOptions {
  file: string;
  format?: BenchFormat;
  audioDir?: string;
  /** Only the first `limit` records of the file. */
  limit?: number;
  seed: number;
  /** false: options in the file's order. */
  shuffle: boolean;
  prompt: PromptStyle;
  audio: AudioMode;
  /** The model answerer samples at this temperature (0 or absent: greedy); recorded in the run's settings. */
  temperature?: number;
  /** Who answers, as the run's settings name it: "baseline:<kind>" or "model:<folder>". */
  answererId: string;
  /** Makes the answerer; called only once the benchmark has valid questions (a model loads only then). */
  makeAnswerer: () => Promise<Answerer>;
  /** Folder for run.json, results.jsonl, report.json and report.md. */
  out?: string;
  /** Continue the run in `out`. */
  resume?: boolean;
  /** Where per-item warnings go (default: stderr). */
  warn?: (line: string) => void;
}

/** Per-item warnings shown before "... and N more". */
const MAX_WARNINGS = 50;

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  if (o.resume && !o.out) throw new Error("--resume needs --out (the folder of the run to continue)");
  const warn = o.warn ?? ((line: string) => console.error(line));
  const file = path.resolve(o.file);
  const bench = loadBenchmark(file, { format: o.format, audioDir: o.audioDir, limit: o.limit });
  const checks = o.audio === "written" ? checkAllWritten(bench.items) : await checkAllAudio(bench.items);
  const valid: { item: BenchItem; seconds: number }[] = [], problems: ItemProblem[] = [...bench.problems];
  for (const item of bench.items) {
    const check = checks.get(item.audio)!;
    if ("problem" in check) problems.push({ source: item.source, id: item.id, problem: check.problem });
    else valid.push({ item, seconds: check.seconds });
  }
  reportProblems(problems, o.out, warn);
  if (valid.length === 0) {
    const first = problems[0];
    throw new Error(`${file}: no valid questions${first ? ` (${problems.length} invalid; the first: ${first.source}: ${first.problem})` : ""}`);
  }

  const settings: RunSettings = {
    benchmark: file, format: bench.format, audio_dir: bench.audioDir,
    answerer: o.answererId, prompt: o.prompt, audio: o.audio, seed: o.seed, shuffle: o.shuffle,
    ...(o.temperature ? { temperature: o.temperature } : {}),
  };
  const outDir = o.out ? openOutDir(o.out, settings, o.resume ?? false) : undefined;
  const inputs = audioInputs(valid.map((v) => ({ file: v.item.audio, seconds: v.seconds })), o.audio, o.seed);
  const questions = valid.map((v, i) => poseQuestion(v.item, inputs[i]!, o));

  const answerer = await o.makeAnswerer();
  try {
    const results = await runQuestions(questions, { answerer, parse: PARSERS[o.prompt], resultsFile: outDir?.resultsFile, earlier: outDir?.earlier });
    const report = buildReport({ settings, answererName: answerer.name, limit: o.limit, questions, results, problems });
    if (o.out) writeReport(o.out, report);
    return report;
  } catch (err) {
    if (!outDir) throw err;
    throw new Error(`${(err as Error).message} (the results so far are in ${outDir.resultsFile}; rerun with --resume to go on)`, { cause: err });
  } finally {
    answerer.close?.();
  }
}

/** Each distinct audio file checked once: its duration, or why it cannot be used. */
async function checkAllAudio(items: readonly BenchItem[]): Promise<Map<string, AudioCheck>> {
  const files = [...new Set(items.map((item) => item.audio))];
  const checks = new Map<string, AudioCheck>();
  const progress = new Progress(files.length, "checking audio", "files");
  for (const f of files) {
    checks.set(f, await checkAudio(f));
    progress.tick();
  }
  if (files.length > 0) progress.finish();
  return checks;
}

/**
 * Under --audio written no audio is heard, only the song's annotation (songs/<id>.json beside audio/) is read:
 * each distinct song checked once for that file, so a text-only dataset (`gamma data synth --text-only`) can be
 * benched over written facts without rendering a note.
 */
function checkAllWritten(items: readonly BenchItem[]): Map<string, AudioCheck> {
  const facts = new SongFacts(), checks = new Map<string, AudioCheck>();
  for (const f of new Set(items.map((item) => item.audio))) {
    try {
      checks.set(f, { seconds: facts.get(f).global.duration });
    } catch (err) {
      checks.set(f, { problem: (err as Error).message });
    }
  }
  return checks;
}

function reportProblems(problems: readonly ItemProblem[], out: string | undefined, warn: (line: string) => void): void {
  for (const p of problems.slice(0, MAX_WARNINGS)) warn(`invalid: ${p.source}${p.id !== undefined ? ` (id ${p.id})` : ""}: ${p.problem}`);
  if (problems.length > MAX_WARNINGS) {
    warn(`... and ${problems.length - MAX_WARNINGS} more invalid items (${out ? `all are listed in ${path.join(out, "report.json")}` : "run with --out DIR to list them all"})`);
  }
}
