// `gamma bench`: evaluate the model, or a text-only baseline, on a music multiple-choice benchmark.
import { Command, Option } from "commander";
import { AUDIO_MODES, type AudioMode } from "../eval/controls.js";
import { BASELINES, type BaselineKind, baselineAnswerer } from "../eval/baselines.js";
import { runBench } from "../eval/bench.js";
import { BENCH_FORMATS, type BenchFormat } from "../eval/formats/index.js";
import { PROMPT_STYLES, type PromptStyle } from "../eval/prompt.js";
import { type BenchReport, reportJson, reportSummary } from "../eval/report.js";
import { parseSeeds, runBenchSeeds } from "../eval/seeds.js";
import { intOption, numberOption } from "./options.js";

interface BenchFlags {
  model?: string;
  baseline?: BaselineKind;
  format?: BenchFormat;
  audioDir?: string;
  seed: number;
  seeds?: number[];
  shuffle: boolean;
  prompt: PromptStyle;
  audio: AudioMode;
  out?: string;
  resume?: boolean;
  limit?: number;
  batchSize?: number;
  temperature: number;
}

/** A run's accuracy for people: interval, questions, chance, unparsed and invalid counts. */
function accuracyLine(r: BenchReport): string {
  const [low, high] = r.ci95.map((x) => (100 * x).toFixed(1));
  return `accuracy ${(100 * r.accuracy).toFixed(1)}% (95% CI ${low}-${high}%) on ${r.n} questions; chance ${(100 * r.chance).toFixed(1)}%; ${r.parse_failures} unparsed; ${r.invalid} invalid`;
}

export function benchCommand(): Command {
  return new Command("bench")
    .description("evaluate the model (or a text-only baseline) on a music multiple-choice benchmark: our MCQ jsonl, MuChoMusic's CSV or MMAU's JSON")
    .argument("<benchmark>", "benchmark file (format detected from its content)")
    .option("--model <dir>", "model folder (default: the shipped GaMMA model)")
    .addOption(new Option("--baseline <kind>", "answer without a model: random (seeded), longest (longest option text), first (first option as presented)").choices(BASELINES))
    .addOption(new Option("--format <format>", "benchmark format, when detection is not wanted").choices(BENCH_FORMATS))
    .option("--audio-dir <dir>", "folder that audio paths (and MuChoMusic's track files) are found in (default: the benchmark file's folder)")
    .addOption(new Option("--seed <n>", "seed of the option order (and of the random baseline and the shuffled-audio control)").argParser(intOption("--seed", 0)).default(0).conflicts("seeds"))
    .addOption(new Option("--seeds <list>", "run once per seed (option order), e.g. 0,1,2,3 or 0-3: one run each in <out>/seed-<s>, the model loaded once, the mean and spread over orders reported").argParser(parseSeeds))
    .option("--no-shuffle", "present the options in the file's order")
    .addOption(new Option("--prompt <style>", "muchomusic: MuChoMusic's prompt and answer parsing; gamma: ours, answer in <answer></answer>; think: ours, <think>reasoning</think> then <answer></answer>; likelihood: the question alone, the model ranks the options by its likelihood of each as its whole answer").choices(PROMPT_STYLES).default("muchomusic"))
    .addOption(new Option("--audio <mode>", "real, or a control: silent (silence as long as the audio), shuffled (another question's audio); or written: no audio, the song's annotated facts (its dataset's songs/ folder) where the model's summary of the audio would be, to measure what it answers when it hears perfectly (a model hearing summary words alone)").choices(AUDIO_MODES).default("real"))
    .option("--out <dir>", "write run.json, results.jsonl (as it goes), report.json and report.md here")
    .option("--resume", "continue the run in --out after a kill (same settings)")
    .option("--limit <n>", "only the first N questions of the file", intOption("--limit", 1))
    .option("--temperature <t>", "0: greedy answers (the default); above 0: the model's answers sampled at this temperature, each question from its own seed (from --seed and its id), as RL rollouts sample them", numberOption("--temperature", 0, 10), 0)
    .option("--batch-size <n>", "questions per answerer call (default: the model's; 256 for baselines)", intOption("--batch-size", 1))
    .addHelpText("after", `
Options are shuffled per question (seeded by --seed and the question id). Items that cannot be asked (a
malformed record, an answer not among the choices, missing or undecodable audio) are reported on stderr,
counted as invalid and left out of the accuracy; answers that cannot be parsed count as wrong. The last line
of stdout is the report as one JSON object (accuracy, ci95, n, parse_failures, invalid, by_split,
by_category, ...). See docs/bench.md.

A model's accuracy on a hundred-odd questions moves by several points between option orders; --seeds
0,1,2,3 measures it in four and reports the mean, the standard deviation across orders and each order's run
(report.json and report.md in --out; the last line of stdout is that summary). \`gamma compare A B\` on two
such folders pairs their runs seed by seed.

Examples:
  $ gamma bench ~/.cache/gamma-music/data/synthbench/mcq.jsonl --out runs/synthbench
  $ gamma bench heldout.jsonl --model runs/grpo/model --prompt think --seeds 0-3 --out evals/grpo
  $ gamma bench ~/.cache/gamma-music/data/synthbench/mcq.jsonl --out runs/synthbench --resume
  $ gamma bench ~/.cache/gamma-music/data/synthbench/mcq.jsonl --audio silent
  $ gamma bench muchomusic.csv --audio-dir data --baseline longest
  $ gamma bench mmau-test-mini-music.json --model models/gamma --limit 100 | tail -1 | jq .accuracy`)
    .action(async (file: string, o: BenchFlags) => {
      if (o.model !== undefined && o.baseline !== undefined) throw new Error("give --model or --baseline, not both");
      if (o.temperature > 0 && o.baseline !== undefined) throw new Error("--temperature samples a model's answers; a baseline does not generate text");
      if (o.temperature > 0 && o.prompt === "likelihood") throw new Error("--temperature samples generated answers; --prompt likelihood ranks the options without generating: drop one of them");
      const baseline = o.baseline;
      const common = {
        file, format: o.format, audioDir: o.audioDir, limit: o.limit, shuffle: o.shuffle,
        prompt: o.prompt, audio: o.audio, out: o.out, resume: o.resume, temperature: o.temperature,
        answererId: baseline ? `baseline:${baseline}` : `model:${o.model ?? "default"}`,
      };
      const makeAnswerer = async (seed: number) => {
        if (baseline) return baselineAnswerer(baseline, seed, o.batchSize);
        const { createModelAnswerer } = await import("../model/answerer.js");
        return createModelAnswerer(o.model, { batchSize: o.batchSize, temperature: o.temperature });
      };
      if (o.seeds) {
        if (!o.shuffle) throw new Error("--seeds with --no-shuffle would pose every run in the file's order: drop one of them");
        // A baseline is made per seed (the random one draws from it, as with --seed); a model loads once.
        const summary = await runBenchSeeds({
          ...common, seeds: o.seeds, makeAnswerer, shareAnswerer: !baseline,
          onSeed: (r) => console.error(`seed ${r.seed}: ${accuracyLine(r)}`),
        });
        const sd = summary.accuracy_sd === null ? "" : ` (sd ${(100 * summary.accuracy_sd).toFixed(1)} points across orders)`;
        console.error(`${summary.answerer_name}: mean accuracy ${(100 * summary.accuracy).toFixed(1)}%${sd} over seeds ${summary.seeds.join(", ")}; ${summary.n} answers`);
        console.log(reportJson(summary));
        return;
      }
      const report = await runBench({ ...common, seed: o.seed, makeAnswerer: () => makeAnswerer(o.seed) });
      console.error(`${report.answerer_name}: ${accuracyLine(report)}`);
      console.log(reportJson(reportSummary(report)));
    });
}
