// `gamma bench`: evaluate the model, or a text-only baseline, on a music multiple-choice benchmark.
import { Command, Option } from "commander";
import { AUDIO_MODES, type AudioMode } from "../eval/controls.js";
import { BASELINES, type BaselineKind, baselineAnswerer } from "../eval/baselines.js";
import { runBench } from "../eval/bench.js";
import { BENCH_FORMATS, type BenchFormat } from "../eval/formats/index.js";
import { PROMPT_STYLES, type PromptStyle } from "../eval/prompt.js";
import { reportJson, reportSummary } from "../eval/report.js";
import { intOption } from "./options.js";

interface BenchFlags {
  model?: string;
  baseline?: BaselineKind;
  format?: BenchFormat;
  audioDir?: string;
  seed: number;
  shuffle: boolean;
  prompt: PromptStyle;
  audio: AudioMode;
  out?: string;
  resume?: boolean;
  limit?: number;
  batchSize?: number;
}


export function benchCommand(): Command {
  return new Command("bench")
    .description("evaluate the model (or a text-only baseline) on a music multiple-choice benchmark: our MCQ jsonl, MuChoMusic's CSV or MMAU's JSON")
    .argument("<benchmark>", "benchmark file (format detected from its content)")
    .option("--model <dir>", "model folder (default: the shipped GaMMA model)")
    .addOption(new Option("--baseline <kind>", "answer without a model: random (seeded), longest (longest option text), first (first option as presented)").choices(BASELINES))
    .addOption(new Option("--format <format>", "benchmark format, when detection is not wanted").choices(BENCH_FORMATS))
    .option("--audio-dir <dir>", "folder that audio paths (and MuChoMusic's track files) are found in (default: the benchmark file's folder)")
    .option("--seed <n>", "seed of the option order (and of the random baseline and the shuffled-audio control)", intOption("--seed", 0), 0)
    .option("--no-shuffle", "present the options in the file's order")
    .addOption(new Option("--prompt <style>", "muchomusic: MuChoMusic's prompt and answer parsing; gamma: ours, answer in <answer></answer>; think: ours, <think>reasoning</think> then <answer></answer>; likelihood: the question alone, the model ranks the options by its likelihood of each as its whole answer").choices(PROMPT_STYLES).default("muchomusic"))
    .addOption(new Option("--audio <mode>", "real, or a control: silent (silence as long as the audio), shuffled (another question's audio)").choices(AUDIO_MODES).default("real"))
    .option("--out <dir>", "write run.json, results.jsonl (as it goes), report.json and report.md here")
    .option("--resume", "continue the run in --out after a kill (same settings)")
    .option("--limit <n>", "only the first N questions of the file", intOption("--limit", 1))
    .option("--batch-size <n>", "questions per answerer call (default: the model's; 256 for baselines)", intOption("--batch-size", 1))
    .addHelpText("after", `
Options are shuffled per question (seeded by --seed and the question id). Items that cannot be asked (a
malformed record, an answer not among the choices, missing or undecodable audio) are reported on stderr,
counted as invalid and left out of the accuracy; answers that cannot be parsed count as wrong. The last line
of stdout is the report as one JSON object (accuracy, ci95, n, parse_failures, invalid, by_split,
by_category, ...). See docs/bench.md.

Examples:
  $ gamma bench ~/.cache/gamma-music/data/synthbench/mcq.jsonl --out runs/synthbench
  $ gamma bench ~/.cache/gamma-music/data/synthbench/mcq.jsonl --out runs/synthbench --resume
  $ gamma bench ~/.cache/gamma-music/data/synthbench/mcq.jsonl --audio silent
  $ gamma bench muchomusic.csv --audio-dir data --baseline longest
  $ gamma bench mmau-test-mini-music.json --model models/gamma --limit 100 | tail -1 | jq .accuracy`)
    .action(async (file: string, o: BenchFlags) => {
      if (o.model !== undefined && o.baseline !== undefined) throw new Error("give --model or --baseline, not both");
      const baseline = o.baseline;
      const report = await runBench({
        file, format: o.format, audioDir: o.audioDir, limit: o.limit, seed: o.seed, shuffle: o.shuffle,
        prompt: o.prompt, audio: o.audio, out: o.out, resume: o.resume,
        answererId: baseline ? `baseline:${baseline}` : `model:${o.model ?? "default"}`,
        makeAnswerer: async () => {
          if (baseline) return baselineAnswerer(baseline, o.seed, o.batchSize);
          const { createModelAnswerer } = await import("../model/answerer.js");
          return createModelAnswerer(o.model, { batchSize: o.batchSize });
        },
      });
      const [low, high] = report.ci95.map((x) => (100 * x).toFixed(1));
      console.error(`${report.answerer_name}: accuracy ${(100 * report.accuracy).toFixed(1)}% (95% CI ${low}-${high}%) on ${report.n} questions; `
        + `chance ${(100 * report.chance).toFixed(1)}%; ${report.parse_failures} unparsed; ${report.invalid} invalid`);
      console.log(reportJson(reportSummary(report)));
    });
}
