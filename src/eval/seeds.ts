// One benchmark in several option orders (`gamma bench --seeds 0,1,2,3`). A model's accuracy on a hundred-odd
// questions moves by several points from one option order to another (the letters it favours land on right
// answers or not), so one order cannot show a difference of a few points between two models. Each seed is an
// ordinary bench run in <out>/seed-<s> (resumable as any), with one answerer for all of them (the model loads
// once and keeps recent songs' encodings), and the summary over seeds goes to <out>/report.json and report.md.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";
import type { Answerer } from "./answerer.js";
import { type BenchOptions, runBench } from "./bench.js";
import { type BenchReport, cell, mean, pct, reportJson, sampleSd } from "./report.js";

/** The per-seed run folders of a multi-seed --out folder. */
export const seedDir = (out: string, seed: number) => path.join(out, `seed-${seed}`);

export interface SeedScore {
  seed: number;
  accuracy: number;
  ci95: [number, number];
  n: number;
  correct: number;
  parse_failures: number;
}

export interface SeedsReport {
  benchmark: string;
  answerer: string;
  answerer_name: string;
  prompt: string;
  audio: string;
  /** Answers sampled at this temperature (absent: greedy). */
  temperature?: number;
  seeds: number[];
  /** The mean over seeds of each seed's accuracy. */
  accuracy: number;
  /** Sample standard deviation of the seeds' accuracies (null for one seed): how much the option order moves it. */
  accuracy_sd: number | null;
  /** Lowest and highest accuracy over seeds. */
  accuracy_range: [number, number];
  chance: number;
  /** Answers scored over all seeds (seeds x questions) and the right ones. */
  n: number;
  correct: number;
  parse_failures: number;
  by_seed: SeedScore[];
  /** Mean accuracy over seeds per split and per category. */
  by_split: Record<string, number>;
  by_category: Record<string, number>;
}

/** Parses "0,1,2,3" (or "0-3") into distinct non-negative seeds, in order. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw new Error(`--seeds: the range ${part} runs backwards`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else throw new Error(`--seeds: "${part}" is not a seed (give non-negative integers like 0,1,2,3 or 0-3)`);
  }
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds: a seed repeats in ${text}`);
  if (seeds.length === 0) throw new Error("--seeds: no seeds given");
  return seeds;
}

export interface SeedsOptions extends Omit<BenchOptions, "seed" | "makeAnswerer"> {
  seeds: readonly number[];
  /** The answerer of a seed's run (a seeded baseline draws from it). */
  makeAnswerer: (seed: number) => Promise<Answerer>;
  /** Make one answerer (seed: the first) and ask it in every run: a model loads once and keeps recent encodings. */
  shareAnswerer: boolean;
  /** Called with each seed's report as its run ends. */
  onSeed?: (report: BenchReport) => void;
}

/** Runs the benchmark once per seed, each into <out>/seed-<s> when `out` is given. */
export async function runBenchSeeds(o: SeedsOptions): Promise<SeedsReport> {
  if (o.resume && !o.out) throw new Error("--resume needs --out (the folder of the runs to continue)");
  if (o.out && !o.resume && fs.existsSync(o.out) && fs.readdirSync(o.out).length > 0)
    throw new Error(`${o.out} is not empty: continue its runs with --resume, or choose another --out`);
  let shared: Answerer | undefined;
  const reports: BenchReport[] = [];
  try {
    for (const seed of o.seeds) {
      const report = await runBench({
        ...o, seed, out: o.out && seedDir(o.out, seed),
        // runBench closes its answerer when done: hand it a view that leaves the shared one open.
        makeAnswerer: async () => {
          if (!o.shareAnswerer) return o.makeAnswerer(seed);
          const real = (shared ??= await o.makeAnswerer(seed));
          return { name: real.name, batchSize: real.batchSize, answer: (requests) => real.answer(requests) };
        },
      });
      reports.push(report);
      o.onSeed?.(report);
    }
  } finally {
    shared?.close?.();
  }
  const summary = summariseSeeds(reports);
  if (o.out) {
    writeFileAtomic(path.join(o.out, "report.json"), reportJson(summary, 2) + "\n");
    writeFileAtomic(path.join(o.out, "report.md"), seedsMarkdown(summary));
  }
  return summary;
}

/** The summary of one benchmark's runs in several option orders. */
export function summariseSeeds(reports: readonly BenchReport[]): SeedsReport {
  if (reports.length === 0) throw new Error("summariseSeeds: no runs");
  const accuracies = reports.map((r) => r.accuracy);
  const m = mean(accuracies);
  const sd = sampleSd(accuracies);
  const meanOf = (pick: (r: BenchReport) => Record<string, { accuracy: number }>) => {
    const names = [...new Set(reports.flatMap((r) => Object.keys(pick(r))))];
    return Object.fromEntries(names.map((name) => [name, mean(reports.map((r) => pick(r)[name]?.accuracy ?? NaN))]));
  };
  const first = reports[0]!;
  return {
    benchmark: first.benchmark, answerer: first.answerer, answerer_name: first.answerer_name, prompt: first.prompt, audio: first.audio,
    ...(first.temperature ? { temperature: first.temperature } : {}),
    seeds: reports.map((r) => r.seed),
    accuracy: m, accuracy_sd: sd, accuracy_range: [Math.min(...accuracies), Math.max(...accuracies)], chance: first.chance,
    n: reports.reduce((s, r) => s + r.n, 0), correct: reports.reduce((s, r) => s + r.correct, 0),
    parse_failures: reports.reduce((s, r) => s + r.parse_failures, 0),
    by_seed: reports.map((r) => ({ seed: r.seed, accuracy: r.accuracy, ci95: r.ci95, n: r.n, correct: r.correct, parse_failures: r.parse_failures })),
    by_split: meanOf((r) => r.by_split),
    by_category: meanOf((r) => r.by_category),
  };
}

export function seedsMarkdown(s: SeedsReport): string {
  const table = (title: string, rows: Record<string, number>) => {
    const entries = Object.entries(rows);
    return entries.length ? [`## ${title}`, "", "| name | mean accuracy |", "|---|---:|", ...entries.map(([k, v]) => `| ${cell(k)} | ${pct(v)} |`), ""] : [];
  };
  return [
    `# gamma bench: ${cell(s.benchmark)}, ${s.seeds.length} option orders`, "",
    `Answerer ${s.answerer_name} (${s.answerer}), prompt ${s.prompt}, audio ${s.audio}; seeds ${s.seeds.join(", ")} (one run each in seed-<s>/).`, "",
    `**Mean accuracy ${pct(s.accuracy)}**${s.accuracy_sd !== null ? ` (sd ${(100 * s.accuracy_sd).toFixed(1)} points across orders, range ${pct(s.accuracy_range[0])}-${pct(s.accuracy_range[1])})` : ""}; `
      + `${s.correct} of ${s.n} answers right; chance ${pct(s.chance)}; ${s.parse_failures} unparsed.`, "",
    "| seed | accuracy | 95% CI | n | parse failures |", "|---:|---:|---:|---:|---:|",
    ...s.by_seed.map((r) => `| ${r.seed} | ${pct(r.accuracy)} | ${pct(r.ci95[0])}-${pct(r.ci95[1])} | ${r.n} | ${r.parse_failures} |`), "",
    ...table("By split", s.by_split),
    ...table("By category", s.by_category),
  ].join("\n");
}

/**
 * The per-seed runs of a multi-seed folder, by seed (empty when `dir` is not one): its seed-<s> folders holding
 * results.jsonl.
 */
export function seedRuns(dir: string): Map<number, string> {
  const runs = new Map<number, string>();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return runs;
  for (const name of fs.readdirSync(dir)) {
    const m = /^seed-(\d+)$/.exec(name);
    if (m && fs.existsSync(path.join(dir, name, "results.jsonl"))) runs.set(Number(m[1]), path.join(dir, name));
  }
  return new Map([...runs].sort((a, b) => a[0] - b[0]));
}
