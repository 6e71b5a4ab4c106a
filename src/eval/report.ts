// The bench report: overall accuracy with its 95% interval, the same per split, category, sub-category and
// difficulty, parse failures, invalid items and time per question; as an object (report.json, the last line
// of stdout) and as Markdown (report.md).
import type { ItemProblem } from "./item.js";
import type { Question } from "./protocol.js";
import type { QuestionResult } from "./run.js";
import { type GroupScore, scoreByLabel, scoreGroup } from "./score.js";

/** What a run was: a resumed run must match these. */
export interface RunSettings {
  benchmark: string;
  format: string;
  audio_dir: string;
  /** "baseline:<kind>" or "model:<folder>" ("model:default" for the shipped model). */
  answerer: string;
  prompt: string;
  audio: string;
  seed: number;
  shuffle: boolean;
  /** Answers sampled at this temperature (absent: greedy). */
  temperature?: number;
}

export interface BenchReport extends RunSettings {
  /** The answerer's own name for itself. */
  answerer_name: string;
  limit: number | null;
  /** Correct answers over valid questions; unparsed answers count as wrong. */
  accuracy: number;
  ci95: [number, number];
  /** Valid questions scored (invalid items are not in it). */
  n: number;
  correct: number;
  /** Expected accuracy of guessing: the mean of 1/options. */
  chance: number;
  parse_failures: number;
  parse_failure_rate: number;
  /** Items that could not be asked (bad records, missing or undecodable audio): excluded from n and accuracy. */
  invalid: number;
  seconds_per_question: number;
  by_split: Record<string, GroupScore>;
  by_category: Record<string, GroupScore>;
  by_sub_category: Record<string, GroupScore>;
  by_difficulty: Record<string, GroupScore>;
  invalid_items: ItemProblem[];
}

export interface ReportInput {
  settings: RunSettings;
  answererName: string;
  limit?: number;
  questions: readonly Question[];
  /** Each question's result, in the same order. */
  results: readonly QuestionResult[];
  problems: readonly ItemProblem[];
}

export function buildReport({ settings, answererName, limit, questions, results, problems }: ReportInput): BenchReport {
  const scored = questions.map((q, i) => ({ item: q.item, correct: results[i]!.correct, unparsed: results[i]!.parsed === null }));
  const overall = scoreGroup(scored);
  return {
    ...settings,
    answerer_name: answererName,
    limit: limit ?? null,
    accuracy: overall.accuracy,
    ci95: overall.ci95,
    n: overall.n,
    correct: overall.correct,
    chance: mean(questions.map((q) => 1 / q.item.choices.length)),
    parse_failures: overall.parse_failures,
    parse_failure_rate: overall.parse_failures / overall.n,
    invalid: problems.length,
    seconds_per_question: mean(results.map((r) => r.seconds)),
    by_split: scoreByLabel(scored, (s) => (s.item.split ? [s.item.split] : [])),
    by_category: scoreByLabel(scored, (s) => s.item.categories),
    by_sub_category: scoreByLabel(scored, (s) => s.item.subCategories),
    by_difficulty: scoreByLabel(scored, (s) => (s.item.difficulty ? [s.item.difficulty] : [])),
    invalid_items: [...problems],
  };
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Sample standard deviation (n - 1), or null for fewer than two values. */
export function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** JSON with fractions kept to 4 significant digits. */
export function reportJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v), indent);
}

/** The report without its per-item list: the summary printed as stdout's last line. */
export function reportSummary(report: BenchReport): Omit<BenchReport, "invalid_items"> {
  const { invalid_items: _items, ...summary } = report;
  return summary;
}

/** A fraction as a percentage with one decimal, as the reports write it. */
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** Text made safe for a Markdown table cell. */
export const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function scoreTable(title: string, label: string, groups: Record<string, GroupScore>): string[] {
  const rows = Object.entries(groups);
  if (rows.length === 0) return [];
  return [
    `## ${title}`, "",
    `| ${label} | n | accuracy | 95% CI | parse failures |`,
    "|---|---:|---:|---:|---:|",
    ...rows.map(([name, g]) => `| ${cell(name)} | ${g.n} | ${pct(g.accuracy)} | ${pct(g.ci95[0])}-${pct(g.ci95[1])} | ${g.parse_failures} |`),
    "",
  ];
}

export function reportMarkdown(r: BenchReport): string {
  const seconds = r.seconds_per_question;
  const time = seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toPrecision(3)} ms`;
  return [
    `# gamma bench: ${cell(r.benchmark)}`, "",
    "| setting | value |", "|---|---|",
    `| format | ${r.format} |`,
    `| answerer | ${cell(r.answerer_name === r.answerer ? r.answerer : `${r.answerer_name} (${r.answerer})`)} |`,
    `| prompt | ${r.prompt} |`,
    `| audio | ${r.audio} |`,
    `| answers | ${r.temperature ? `sampled at temperature ${r.temperature}, each question from its own seed` : "greedy"} |`,
    `| options | ${r.shuffle ? `shuffled per question, seed ${r.seed}` : "in the file's order"} |`,
    ...(r.limit !== null ? [`| limit | first ${r.limit} records |`] : []),
    "",
    `**Accuracy ${pct(r.accuracy)}** (95% Wilson interval ${pct(r.ci95[0])}-${pct(r.ci95[1])}), ${r.correct} of ${r.n} questions; chance ${pct(r.chance)}.`, "",
    `- Parse failures: ${r.parse_failures} (${pct(r.parse_failure_rate)}), scored wrong.`,
    `- Invalid items: ${r.invalid}, excluded from the accuracy's denominator${r.invalid ? " (listed below)" : ""}.`,
    `- Time per question: ${time}.`, "",
    ...scoreTable("By split", "split", r.by_split),
    ...scoreTable("By category", "category", r.by_category),
    ...scoreTable("By sub-category", "sub-category", r.by_sub_category),
    ...scoreTable("By difficulty", "difficulty", r.by_difficulty),
    ...(r.invalid_items.length
      ? ["## Invalid items", "", "| where | id | problem |", "|---|---|---|", ...r.invalid_items.map((p) => `| ${cell(p.source)} | ${cell(p.id ?? "")} | ${cell(p.problem)} |`), ""]
      : []),
  ].join("\n");
}
