// The --out folder of a bench run: run.json (the settings), results.jsonl (one line a question, written as the
// run goes), report.json and report.md. A run resumes only with the same settings.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";
import type { BenchReport, RunSettings } from "./report.js";
import { reportJson, reportMarkdown } from "./report.js";
import { type QuestionResult, readResults } from "./run.js";

export interface OutDir {
  resultsFile: string;
  /** Results of the run being resumed (empty for a new run). */
  earlier: Map<string, QuestionResult>;
}

/** Starts a run in `dir`, or with `resume` continues the one there (a folder with no run starts one). */
export function openOutDir(dir: string, settings: RunSettings, resume: boolean): OutDir {
  fs.mkdirSync(dir, { recursive: true });
  const runFile = path.join(dir, "run.json"), resultsFile = path.join(dir, "results.jsonl");
  if (fs.existsSync(runFile)) {
    if (!resume) throw new Error(`${dir} already holds a bench run: continue it with --resume, or choose another --out`);
    const before = JSON.parse(fs.readFileSync(runFile, "utf8")) as Record<string, unknown>;
    const now = settings as unknown as Record<string, unknown>;
    // Keys of either side: a setting present in only one (a temperature) is a change too.
    const changed = [...new Set([...Object.keys(now), ...Object.keys(before)])].filter((key) => before[key] !== now[key]);
    if (changed.length) {
      const list = changed.map((key) => `${key} was ${JSON.stringify(before[key] ?? null)}, now ${JSON.stringify(now[key] ?? null)}`).join("; ");
      throw new Error(`--resume: ${dir} holds a run with other settings (${list})`);
    }
    return { resultsFile, earlier: readResults(resultsFile) };
  }
  if (fs.existsSync(resultsFile)) throw new Error(`${resultsFile} exists without run.json: remove it, or choose another --out`);
  writeFileAtomic(runFile, JSON.stringify(settings, null, 2) + "\n");
  fs.writeFileSync(resultsFile, "");
  return { resultsFile, earlier: new Map() };
}

export function writeReport(dir: string, report: BenchReport): void {
  writeFileAtomic(path.join(dir, "report.json"), reportJson(report, 2) + "\n");
  writeFileAtomic(path.join(dir, "report.md"), reportMarkdown(report));
}
