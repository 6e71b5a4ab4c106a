// `gamma train <stage> --config FILE`: run a training stage from a config file, resuming from the run's latest
// checkpoint when there is one.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { configureThreads } from "../engine/runtime.js";
import { loadTrainConfig } from "../train/config.js";
import { runLoop } from "../train/loop.js";
import { readSongs } from "../train/songs.js";
import { ExpertsStage } from "../train/stages/experts.js";
import { intOption } from "./options.js";

export function trainCommand(): Command {
  const train = new Command("train").description("train GaMMA, stage by stage (configs/ holds the recipes of the shipped model)");

  train
    .command("experts")
    .description("stage 0: train the temporal and global audio experts on annotation targets (heads dropped afterwards)")
    .requiredOption("--config <file>", "a stage-0 config (JSON; see configs/experts.json)")
    .option("--run <dir>", "the run directory (default: the config's \"run\")")
    .option("--stop-after <step>", "write a checkpoint and stop once this step is reached (resume later by running again)", intOption("--stop-after", 1))
    .addHelpText("after", `
The run directory holds checkpoints/ (atomic; the run resumes from the latest one when started again),
metrics.jsonl (train and eval records), plots/*.svg (loss, accuracy, learning rate) and, when the run
completes, experts.safetensors (the trained experts, for the next stages). Ctrl-C writes a checkpoint and stops.

Example:
  $ gamma train experts --config configs/experts.json`)
    .action(async (opts: { config: string; run?: string; stopAfter?: number }) => {
      configureThreads();
      const config = loadTrainConfig(opts.config, "experts", { run: opts.run });
      const { train: songs, heldOut, skipped } = readSongs(config.datasets);
      for (const s of skipped.slice(0, 5)) console.error(`skipped: ${s}`);
      console.error(`experts: ${songs.length} training songs, ${heldOut.length} held out, from ${config.datasets.join(", ")}; run ${config.run}`);
      fs.mkdirSync(config.run, { recursive: true });
      fs.copyFileSync(opts.config, path.join(config.run, "train-config.json"));
      const stage = new ExpertsStage({ config: config.model, train: songs, heldOut, batchSize: config.batchSize, seed: config.loop.seed, augment: config.augment, evalSongs: config.evalSongs });
      const result = await runLoop(stage, config.loop, config.run, "experts", { stopAfter: opts.stopAfter });
      console.log(JSON.stringify({ stage: "experts", run: result.runDir, step: result.step, resumed_from: result.resumedFrom ?? null, stopped: result.stopped, artefacts: result.artefacts, eval: result.lastEval ?? null }));
      if (result.stopped) process.exitCode = 130;
    });

  return train;
}
