// `gamma train timeline --config FILE`: fit a model's timeline head (src/model/timeline.ts) on its frozen experts
// and fusion, from the songs' annotated sections.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { configureThreads } from "../engine/runtime.js";
import { loadModel } from "../model/io.js";
import { withTimeline } from "../model/rebuild.js";
import { loadTrainConfig } from "../train/config.js";
import { type LoopResult, runLoop } from "../train/loop.js";
import { readSongs } from "../train/songs.js";
import { TimelineStage } from "../train/stages/timeline.js";
import { type RunFlags, withRunOptions } from "./train-options.js";

export function timelineTrainCommand(report: (stage: string, result: LoopResult) => void): Command {
  return withRunOptions(new Command("timeline").description("the timeline head: where sections start and which section plays, read from whole songs' spectrum and/or the frozen experts' and fusion's tokens"), "a timeline config (JSON; see configs/gamma-small/timeline-v3.json)")
    .addHelpText("after", `
The model directory "init" gives the experts and the fusion (frozen) and, when it has a timeline head of the
same config, the head to go on from; otherwise the head starts fresh. Each micro-batch is one whole song, made
once into the head's positions and kept in memory: its spectrum rows (cached under featureDir/spectrum/) and/or
its experts' tokens from the feature cache through the fusion, as "timeline.inputs" says. The loss is a weighted
binary cross-entropy on "a section starts within 0.4 s" plus the cross-entropy of the section label, per
position. Evaluations score up to "evalSongs" held-out songs: boundaries found within 1 s (precision, recall,
F1), songs with the right number of sections, and the share of positions whose section, as read from the
predicted timeline, has the right label.

Config fields: init, datasets, run, featureDir, timeline ({pool, dModel, nLayers, nHeads, ffnDim, inputs:
["tokens"] (default) or ["spectrum"] or both, kernel: odd, two convolutions in front}), evalSongs (64),
boundaryWeight (8), minGapSeconds (2), optim, seed, logEvery, evalEvery, checkpointEvery.

The run directory holds checkpoints/ (the head, its optimizer and the data position; resumed exactly),
metrics.jsonl, plots/*.svg and, when the run completes, model/: the init model with the trained head, whose
boundary threshold is the one (0.30 to 0.95) that reads the held-out songs' boundaries best.

Example:
  $ gamma train timeline --config configs/gamma-small/timeline-v3.json`)
    .action(async (opts: RunFlags) => {
      configureThreads();
      const config = loadTrainConfig(opts.config, "timeline", { run: opts.run });
      const loaded = loadModel(config.init);
      const model = withTimeline(loaded.model, config.timeline);
      const { train, heldOut, skipped } = readSongs(config.datasets);
      for (const s of skipped.slice(0, 5)) console.error(`skipped: ${s}`);
      if (train.length === 0) throw new Error(`${opts.config}: no songs with audio in ${config.datasets.join(", ")}`);
      console.error(`timeline: ${train.length} training songs, ${heldOut.length} held out, from ${config.datasets.join(", ")}; run ${config.run}`);
      fs.mkdirSync(config.run, { recursive: true });
      fs.copyFileSync(opts.config, path.join(config.run, "train-config.json"));
      const task = new TimelineStage({
        model, initDir: config.init, train, heldOut, featureDir: config.featureDir, seed: config.loop.seed,
        evalSongs: config.evalSongs, boundaryWeight: config.boundaryWeight, minGapSeconds: config.minGapSeconds,
      });
      report("timeline", await runLoop(task, config.loop, config.run, "timeline", { stopAfter: opts.stopAfter }));
    });
}
