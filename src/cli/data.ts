// `gamma data synth|synthbench`: make training sets and the SynthBench benchmark from the synthetic music world.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { DEFAULT_AUGMENT, NO_AUGMENT, parseAugmentConfig } from "../data/augment.js";
import { assembleJsonl, checkOrWriteManifest, defaultWorkers, runDataset, type RunResult } from "../data/dataset.js";
import { synthbenchConfig, synthbenchSpecs, SYNTHBENCH_MCQ_PER_SPLIT, SYNTHBENCH_SEED, trainingConfig, trainingSoundfonts, trainingSpecs } from "../data/recipes.js";
import { availableSoundfonts } from "../data/soundfonts.js";
import { fluidsynthVersion } from "../data/render.js";
import type { BuildConfig, SongSpec } from "../data/build-song.js";
import { packageVersion } from "./paths.js";
import { intOption } from "./options.js";
import { formatDuration } from "./progress.js";

function secondsRange(v: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(v);
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= Number(m[1])) throw new Error(`--seconds must look like MIN-MAX with MIN < MAX (e.g. 60-150), got "${v}"`);
  return [Number(m[1]), Number(m[2])];
}

async function build(name: string, out: string, specs: SongSpec[], config: BuildConfig, workers: number, seed: number, perSplit?: number): Promise<void> {
  fluidsynthVersion(); // fail early, with the install hint, if fluidsynth is missing
  const missing = config.soundfonts.filter((id) => !availableSoundfonts().some((s) => s.id === id));
  if (missing.length) throw new Error(`soundfonts not installed: ${missing.join(", ")} (run ./setup.sh)`);
  const { out: _out, ...rest } = config;
  checkOrWriteManifest(out, { name, created: new Date().toISOString(), seed, songs: specs.length, specs, config: rest, gammaVersion: packageVersion() });
  const r: RunResult = await runDataset(specs, config, { workers, label: name });
  const counts = assembleJsonl(out, specs.map((s) => s.id), { seed, perSplit });
  for (const f of r.failed.slice(0, 10)) console.error(`failed: ${f.id}: ${f.error}`);
  const perMinute = r.seconds > 0 ? (r.built / r.seconds) * 60 : 0;
  console.error(`${name}: rendered ${r.built} songs (${formatDuration(r.audioSeconds)} of audio) in ${formatDuration(r.seconds)}, ${perMinute.toFixed(1)} songs/min; text remade for ${r.textOnly}; ${r.skipped} already done; ${r.failed.length} failed`);
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
    .addHelpText("after", `
Training sets never contain SynthBench's held-out styles (reggae, bossa nova) or soundfont (timgm6mb).
Layout of --out: dataset.json, audio/*.wav (16 kHz mono), songs/*.json (annotations), text/*.json,
captions.jsonl, sft.jsonl, mcq.jsonl. The last line of stdout is a JSON summary.

Example:
  $ gamma data synth --songs 200 --out ~/.cache/gamma-music/data/train --pop909 ../shared/data/pop909`)
    .action(async (o: { songs: number; out: string; seed: number; workers: number; pop909?: string; pop909Fraction: number; seconds: [number, number]; style?: string; augment?: string; soundfonts?: string }) => {
      if (o.pop909 && !fs.existsSync(path.join(o.pop909, "POP909"))) throw new Error(`${o.pop909}: not a POP909 folder (expected ${path.join(o.pop909, "POP909")})`);
      const augment = o.augment === undefined ? DEFAULT_AUGMENT : o.augment === "none" ? NO_AUGMENT : parseAugmentConfig(fs.readFileSync(o.augment, "utf8"), o.augment);
      const soundfonts = o.soundfonts ? o.soundfonts.split(",").map((s) => s.trim()) : trainingSoundfonts();
      const opts = { songs: o.songs, seed: o.seed, minSeconds: o.seconds[0], maxSeconds: o.seconds[1], pop909: o.pop909, pop909Fraction: o.pop909Fraction, augment, soundfonts, style: o.style };
      await build("synth", o.out, trainingSpecs(opts), trainingConfig(o.out, opts), o.workers, o.seed);
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
  return data;
}
