// Asking the answerer every question, a batch at a time, with progress and ETA on stderr. Each batch's results
// are appended to a jsonl file as they come, so a killed run resumes where it stopped; memory holds the
// questions' text and results, never more than one batch of model work.
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { Progress } from "../cli/progress.js";
import { type Answerer, audioKey } from "./answerer.js";
import type { ParsedChoice } from "./parse.js";
import { optionLetter } from "./prompt.js";
import type { Question } from "./protocol.js";

/** One question's outcome: a line of results.jsonl. */
export interface QuestionResult {
  id: string;
  /** The options as presented. */
  choices: string[];
  /** Letter of the correct option as presented. */
  answer: string;
  /** What the answerer wrote. */
  output: string;
  /** Letter of the option read from the output; null when no rule could read it. */
  parsed: string | null;
  correct: boolean;
  /** Answering time: the batch's wall time over its size. */
  seconds: number;
}

export interface RunOptions {
  answerer: Answerer;
  parse: (output: string, options: readonly string[]) => ParsedChoice;
  /** Results are appended here as they come. */
  resultsFile?: string;
  /** Results of an earlier run of the same settings, by id: those questions are not asked again. */
  earlier?: ReadonlyMap<string, QuestionResult>;
}

/** Every question's result, in the questions' order. */
export async function runQuestions(questions: readonly Question[], o: RunOptions): Promise<QuestionResult[]> {
  const earlier = o.earlier ?? new Map<string, QuestionResult>();
  const isDone = (q: Question) => sameOptions(earlier.get(q.item.id)?.choices, q.request.choices);
  const todo = groupedByRecording(questions.filter((q) => !isDone(q)));
  const fresh = new Map<string, QuestionResult>();
  const progress = new Progress(questions.length, "bench", "questions", questions.length - todo.length);
  const batchSize = Math.max(1, o.answerer.batchSize);
  for (let start = 0; start < todo.length; start += batchSize) {
    const batch = todo.slice(start, start + batchSize);
    const began = performance.now();
    const outputs = await o.answerer.answer(batch.map((q) => q.request));
    if (outputs.length !== batch.length) throw new Error(`${o.answerer.name} returned ${outputs.length} answers for ${batch.length} questions`);
    const seconds = Number(((performance.now() - began) / 1000 / batch.length).toPrecision(4));
    const results = batch.map((q, i) => scoreOutput(q, outputs[i]!, seconds, o.parse));
    if (o.resultsFile) fs.appendFileSync(o.resultsFile, results.map((r) => JSON.stringify(r) + "\n").join(""));
    for (const r of results) fresh.set(r.id, r);
    progress.tick(batch.length);
  }
  if (todo.length > 0) progress.finish();
  return questions.map((q) => fresh.get(q.item.id) ?? earlier.get(q.item.id)!);
}

/**
 * The questions with each recording's asked one after another (recordings in order of first appearance, each
 * one's questions in file order). Answerers keep only a few recent encodings, so a file that scatters a song's
 * questions (SynthBench's time-free set) would otherwise have every song heard again for each of them.
 */
function groupedByRecording(questions: readonly Question[]): Question[] {
  const groups = new Map<string, Question[]>();
  for (const q of questions) {
    const key = audioKey(q.request.audio);
    const group = groups.get(key);
    if (group) group.push(q);
    else groups.set(key, [q]);
  }
  return [...groups.values()].flat();
}

function scoreOutput(q: Question, output: string, seconds: number, parse: RunOptions["parse"]): QuestionResult {
  const choice = parse(output, q.request.choices);
  return {
    id: q.item.id,
    choices: q.request.choices,
    answer: optionLetter(q.correct),
    output,
    parsed: choice === undefined ? null : optionLetter(choice),
    correct: choice === q.correct,
    seconds,
  };
}

function sameOptions(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Results written by an earlier run, by id (a later line for the same id wins). A last line cut short by a
 * kill is dropped, and the file rewritten without it so that appending goes on cleanly.
 */
export function readResults(file: string): Map<string, QuestionResult> {
  if (!fs.existsSync(file)) return new Map();
  const { results, complete, unfinished } = parseResultsFile(file, "remove the file to start the run over");
  if (unfinished) fs.writeFileSync(file, complete.map((l) => l + "\n").join(""));
  return results;
}

/**
 * A results file's complete lines, parsed by id, without changing the file: text after the last newline is a
 * line a running (or killed) bench had not finished (`unfinished`). A line that is not a result is an error
 * naming file:line, with `hint` saying what to do.
 */
export function parseResultsFile(file: string, hint: string): { results: Map<string, QuestionResult>; complete: string[]; unfinished: boolean } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const complete = lines.slice(0, -1);
  const results = new Map<string, QuestionResult>();
  complete.forEach((line, i) => {
    const r = parseResult(line);
    if (!r) throw new Error(`${file}:${i + 1}: not a result line (${hint})`);
    results.set(r.id, r);
  });
  return { results, complete, unfinished: lines.at(-1) !== "" };
}

function parseResult(line: string): QuestionResult | undefined {
  try {
    const r = JSON.parse(line) as Partial<QuestionResult>;
    const ok = typeof r.id === "string" && Array.isArray(r.choices) && typeof r.answer === "string" && typeof r.output === "string"
      && (r.parsed === null || typeof r.parsed === "string") && typeof r.correct === "boolean" && typeof r.seconds === "number";
    return ok ? (r as QuestionResult) : undefined;
  } catch {
    return undefined;
  }
}
