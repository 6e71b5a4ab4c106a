// `gamma data synth|synthbench|rl-select|written-set`: make training sets and the SynthBench benchmark from the
// synthetic music world, choose GRPO's questions, and make benchmark sets for the written view.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, Option } from "commander";
import { DEFAULT_AUGMENT, NO_AUGMENT, parseAugmentConfig } from "../data/augment.js";
import { assembleJsonl, checkOrWriteManifest, defaultWorkers, runDataset, type RunResult } from "../data/dataset.js";
import { synthbenchConfig, synthbenchSpecs, SYNTHBENCH_MCQ_PER_SPLIT, SYNTHBENCH_SEED, trainingConfig, trainingSoundfonts, trainingSpecs } from "../data/recipes.js";
import { availableSoundfonts } from "../data/soundfonts.js";
import { fluidsynthVersion } from "../data/render.js";
import type { BuildConfig, SongSpec } from "../data/build-song.js";
import { UPGRADES, type Upgrade } from "../train/rl-items.js";
import { rlSelect } from "../train/rl-select.js";
import { writeWrittenSet } from "../train/written-set.js";
import { MCQ_ANSWER_RULES, type McqAnswerRule } from "../train/rewards.js";
import { SUMMARY_VIEWS, type SummaryView } from "../train/grpo/written-summary.js";
import { packageVersion } from "./paths.js";
import { intOption, numberOption } from "./options.js";
import { formatDuration } from "./progress.js";
import { configureThreads } from "../engine/runtime.js";

function secondsRange(v: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(v);
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= Number(m[1])) throw new Error(`--seconds must look like MIN-MAX with MIN < MAX (e.g. 60-150), got "${v}"`);
  return [Number(m[1]), Number(m[2])];
}

async function build(name: string, out: string, specs: SongSpec[], config: BuildConfig, workers: number, seed: number, perSplit?: number): Promise<void> {
  if (!config.textOnly) {
    fluidsynthVersion(); // fail early, with the install hint, if fluidsynth is missing
    const missing = config.soundfonts.filter((id) => !availableSoundfonts().some((s) => s.id === id));
    if (missing.length) throw new Error(`soundfonts not installed: ${missing.join(", ")} (run ./setup.sh)`);
  }
  const { out: _out, ...rest } = config;
  checkOrWriteManifest(out, { name, created: new Date().toISOString(), seed, songs: specs.length, specs, config: rest, gammaVersion: packageVersion() });
  const r: RunResult = await runDataset(specs, config, { workers, label: name });
  const counts = assembleJsonl(out, specs.map((s) => s.id), { seed, perSplit });
  for (const f of r.failed.slice(0, 10)) console.error(`failed: ${f.id}: ${f.error}`);
  const perMinute = r.seconds > 0 ? ((config.textOnly ? r.textOnly : r.built) / r.seconds) * 60 : 0;
  if (config.textOnly) console.error(`${name}: wrote the annotations and text of ${r.textOnly} songs (no audio) in ${formatDuration(r.seconds)}; ${r.skipped} already done; ${r.failed.length} failed`);
  else console.error(`${name}: rendered ${r.built} songs (${formatDuration(r.audioSeconds)} of audio) in ${formatDuration(r.seconds)}, ${perMinute.toFixed(1)} songs/min; text remade for ${r.textOnly}; ${r.skipped} already done; ${r.failed.length} failed`);
  console.log(JSON.stringify({ out, songs: specs.length, built: r.built, text_only: r.textOnly, skipped: r.skipped, failed: r.failed.length, ...counts, seconds: Math.round(r.seconds), songs_per_minute: Math.round(perMinute * 10) / 10 }));
  if (r.failed.length) process.exitCode = 1;
}

export function dataCommand(): Command {
  const data = new Command("data").description("make datasets from the synthetic music world (and POP909): audio, annotations, captions, SFT dialogues, MCQs");

  data
    .command("synth")
    .description("make a training set: compose or import songs, render them with fluidsynth, augment, annotate, write text")
    .requiredOption("--songs <n>", "number of songs", intOption("--songs", 1))
    .requiredOption("--out <dir>", "dataset directory (created; rerun the same command to resume after a kill)")
    .option("--seed <s>", "seed of the whole set", intOption("--seed", 0), 1)
    .option("--workers <k>", "parallel workers (default: one per core)", intOption("--workers", 1), defaultWorkers())
    .option("--pop909 <path>", "POP909 folder (…/pop909) to import a share of the songs from")
    .option("--pop909-fraction <f>", "share of songs from POP909 when --pop909 is given", (v) => Number(v), 0.25)
    .option("--seconds <min-max>", "length range of synthetic songs in seconds", secondsRange, [60, 150] as [number, number])
    .option("--style <name>", "only this style (default: every training style)")
    .option("--augment <file|none>", "augmentation probabilities as JSON (see docs/data.md), or none")
    .option("--soundfonts <ids>", "comma-separated soundfont ids (default: the training soundfonts)")
    .option("--text-only", "compose and annotate, write the text, render no audio (a text corpus: LLM pretraining)")
    .addHelpText("after", `
Training sets never contain SynthBench's held-out styles (reggae, bossa nova) or soundfont (timgm6mb).
Layout of --out: dataset.json, audio/*.wav (16 kHz mono), songs/*.json (annotations), text/*.json,
captions.jsonl, sft.jsonl, mcq.jsonl. The last line of stdout is a JSON summary.

--text-only writes everything but the audio, about 40 songs a second, with times as the score has them (no
renderer latency). The LLM's pretraining corpus can then be many times larger than what can be rendered, and,
with its own --seed and no --pop909, hold none of the songs the chat stages hear, so the facts of those songs
can come only from their audio (docs/training.md).

Example:
  $ gamma data synth --songs 200 --out ~/.cache/gamma-music/data/train --pop909 ../shared/data/pop909`)
    .action(async (o: { songs: number; out: string; seed: number; workers: number; pop909?: string; pop909Fraction: number; seconds: [number, number]; style?: string; augment?: string; soundfonts?: string; textOnly?: boolean }) => {
      if (o.pop909 && !fs.existsSync(path.join(o.pop909, "POP909"))) throw new Error(`${o.pop909}: not a POP909 folder (expected ${path.join(o.pop909, "POP909")})`);
      const augment = o.augment === undefined ? DEFAULT_AUGMENT : o.augment === "none" ? NO_AUGMENT : parseAugmentConfig(fs.readFileSync(o.augment, "utf8"), o.augment);
      const soundfonts = o.soundfonts ? o.soundfonts.split(",").map((s) => s.trim()) : trainingSoundfonts();
      const opts = { songs: o.songs, seed: o.seed, minSeconds: o.seconds[0], maxSeconds: o.seconds[1], pop909: o.pop909, pop909Fraction: o.pop909Fraction, augment, soundfonts, style: o.style };
      await build("synth", o.out, trainingSpecs(opts), { ...trainingConfig(o.out, opts), ...(o.textOnly ? { textOnly: true } : {}) }, o.workers, o.seed);
    });

  data
    .command("synthbench")
    .description("make SynthBench, the frozen held-out benchmark (always the same content)")
    .requiredOption("--out <dir>", "benchmark directory (rerun to resume)")
    .option("--workers <k>", "parallel workers (default: one per core)", intOption("--workers", 1), defaultWorkers())
    .addHelpText("after", `
SynthBench: 200 songs from its own seed, with styles (reggae, bossa nova) and a soundfont (timgm6mb) that
training sets never use, each chosen from 8 composed candidates so that metres, modes, tempo classes, moods
and lead instruments are spread evenly; 1,600 MCQs in mcq.jsonl, 800 temporal and 800 global, shared evenly
by the categories, drawn after balancing answers over the set and leaving out the questions a text-only
model answers confidently (text-only baselines stay near chance).

Example:
  $ gamma data synthbench --out ~/.cache/gamma-music/data/synthbench`)
    .action(async (o: { out: string; workers: number }) => {
      await build("synthbench", o.out, synthbenchSpecs(), synthbenchConfig(o.out), o.workers, SYNTHBENCH_SEED, SYNTHBENCH_MCQ_PER_SPLIT);
    });
  data.addCommand(rlSelectCommand());
  data.addCommand(writtenSetCommand());
  return data;
}

function upgradeList(v: string): Upgrade[] {
  if (v === "none") return [];
  const names = v.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !UPGRADES.includes(n as Upgrade));
  if (unknown.length) throw new Error(`--upgrades: unknown upgrade ${unknown.join(", ")} (known: ${UPGRADES.join(", ")}, or none)`);
  return names as Upgrade[];
}

function writtenSetCommand(): Command {
  return new Command("written-set")
    .description("make a benchmark set for the written view (gamma bench --audio written): the questions a written summary answers, at most N a category")
    .requiredOption("--pool <paths...>", "dataset directories (their mcq.jsonl; a text-only one from `gamma data synth --text-only` is enough) and/or MCQ JSONL files")
    .requiredOption("--out <file>", "the set to write (JSONL; replaced atomically)")
    .option("--per-category <n>", "at most this many questions a category, drawn at random from the seed (default: all)", intOption("--per-category", 1))
    .option("--summary-tokens <n>", "summary tokens of the models to be benched (their projector.summaryTokens; the shipped recipes' 19): which facts a summary states", intOption("--summary-tokens", 1), 19)
    .option("--seed <n>", "seed of the per-category draw", intOption("--seed", 0), 0)
    .addHelpText("after", `
A model benched with --audio written reads a song's facts as summary words instead of hearing it, so only
questions whose answer those words state (key, mode, style, tempo, mood, metre, lead...) can be answered.
written-set keeps those questions of the pool, draws at most --per-category of each category (so every category
weighs alike), and writes them in the pool's order. Use songs no model trained on (a fresh --seed of
\`gamma data synth --text-only\`) for a held-out set. The last line of stdout is a JSON summary with the counts by
category.

Example (docs/training.md, rlheld-v2):
  $ gamma data synth --songs 600 --seed 9018 --text-only --out ~/.cache/gamma-music/data/rlheld-v2
  $ gamma data written-set --pool ~/.cache/gamma-music/data/rlheld-v2 --per-category 144 \\
      --out ~/.cache/gamma-music/data/rlheld-v2/heldout-written.jsonl`)
    .action((o: { pool: string[]; out: string; perCategory?: number; summaryTokens: number; seed: number }) => {
      const summary = writeWrittenSet({ pool: o.pool, out: o.out, perCategory: o.perCategory, summaryTokens: o.summaryTokens, seed: o.seed });
      console.error(`written-set: ${summary.answerable} of ${summary.pool} questions are answered by a written summary; wrote ${summary.written} to ${summary.out}`);
      console.log(JSON.stringify(summary));
    });
}

function rlSelectCommand(): Command {
  return new Command("rl-select")
    .description("choose GRPO's questions: sample the SFT model's answers to a pool, keep questions of moderate pass rate, add harder variants")
    .requiredOption("--model <dir>", "the SFT model directory (the sft run's model/)")
    .requiredOption("--pool <paths...>", "dataset directories (their mcq.jsonl) and/or RL or MCQ JSONL files")
    .requiredOption("--out <file>", "the RL set to write (JSONL; replaced atomically)")
    .option("--group <n>", "answers sampled per question", intOption("--group", 1), 8)
    .option("--orders <k>", "option orders per question (dividing --group): rotations of its order, --group / k answers each, so the pass rate counts the right option under k letters rather than a letter the model favours", intOption("--orders", 1), 1)
    .option("--min-pass <p>", "keep questions answered right at least this often", numberOption("--min-pass", 0, 1), 0.125)
    .option("--max-pass <p>", "keep questions answered right at most this often", numberOption("--max-pass", 0, 1), 0.875)
    .option("--limit <n>", "measure only N questions of the pool, drawn at random from the seed", intOption("--limit", 1))
    .option("--seed <n>", "seed of the sampling, the --limit draw and the upgrades", intOption("--seed", 0), 0)
    .option("--temperature <t>", "sampling temperature (as GRPO's)", numberOption("--temperature", 0.01, 10), 1)
    .option("--max-new-tokens <n>", "longest answer in tokens", intOption("--max-new-tokens", 1), 128)
    .option("--batch-size <n>", "questions sampled together", intOption("--batch-size", 1), 8)
    .addOption(new Option("--upgrades <list>", `harder variants of kept questions, comma-separated: ${UPGRADES.join(", ")}; or none`).argParser(upgradeList).default([...UPGRADES], "all three"))
    .option("--feature-dir <dir>", "the expert-feature cache (shared with training)", path.join(os.homedir(), ".cache/gamma-music/features"))
    .addOption(new Option("--summary <view>", "how a question's song reaches the model: heard (its audio) or written (its facts in the summary slot, as a grpo config's \"summary\": \"written\"; only questions the summary answers are measured; no audio is needed, so a text-only dataset from `gamma data synth --text-only` can be the pool)").choices([...SUMMARY_VIEWS]).default("heard"))
    .option("--misheard <share>", "with --summary written: share of songs whose summary states a tempo a few BPM off (and, for half, the tonic spelled the other way), as a grpo config's \"misheard\"", numberOption("--misheard", 0, 1), 0)
    .addOption(new Option("--mcq-answer <rule>", "what earns an MCQ's accuracy, as the grpo config's \"mcqAnswer\" that will train on the set (docs/training.md, Rewards)").choices([...MCQ_ANSWER_RULES]).default("parsed"))
    .addHelpText("after", `
GRPO learns only from questions whose sampled answers differ in reward: ones the model always or never gets
right teach nothing. rl-select samples --group answers to each question of the pool (think-style prompts, as
GRPO poses them), keeps those whose pass rate (share of right answers) is in [--min-pass, --max-pass], makes
harder variants of the kept ones (closer-distractors: time and tempo options nearer the answer, still outside
the stated tolerance; finer-tolerance: open time, tempo and count answers graded finely; composite: two
questions about one song in one), measures the variants the same way and keeps those within the bounds. Every
question is written with its pass_rate; variants carry source_ids and upgrade. With --summary written the
questions are posed over their songs' written facts (no audio heard; only questions the summary answers), as a
grpo config with "summary": "written" poses them. The last line of stdout is a
JSON summary. Format of the file: docs/training.md, "Stage 3: GRPO".

Example:
  $ gamma data rl-select --model ~/.cache/gamma-music/runs/sft-v1/model --pool ~/.cache/gamma-music/data/train-v1 \\
      --limit 2000 --out ~/.cache/gamma-music/data/rl-v1/rl.jsonl`)
    .action(async (o: { model: string; pool: string[]; out: string; group: number; minPass: number; maxPass: number; limit?: number; seed: number; temperature: number; maxNewTokens: number; batchSize: number; upgrades: Upgrade[]; featureDir: string; orders: number; summary: SummaryView; misheard: number; mcqAnswer: McqAnswerRule }) => {
      configureThreads();
      const summary = await rlSelect({
        model: o.model, pool: o.pool, out: o.out, groupSize: o.group, orders: o.orders, minPass: o.minPass, maxPass: o.maxPass, limit: o.limit, seed: o.seed,
        temperature: o.temperature, maxNewTokens: o.maxNewTokens, batchSize: o.batchSize, featureDir: o.featureDir, upgrades: o.upgrades,
        summary: o.summary, misheard: o.misheard, mcqAnswer: o.mcqAnswer,
      });
      console.error(`rl-select: kept ${summary.kept} of ${summary.measured} questions and ${summary.variants_kept} variants; wrote ${summary.written} to ${summary.out}`);
      console.log(JSON.stringify(summary));
    });
}
