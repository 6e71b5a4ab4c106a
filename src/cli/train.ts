// `gamma train <stage> --config FILE`: run a training stage from a config file, resuming from the run's latest
// checkpoint when there is one.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { configureThreads } from "../engine/runtime.js";
import { loadTrainConfig } from "../train/config.js";
import { type LoopResult, runLoop } from "../train/loop.js";
import { readChatSamples } from "../train/chat-samples.js";
import { ChatStage } from "../train/stages/chat.js";
import { GrpoStage } from "../train/stages/grpo.js";
import { readRlFile, splitBySong } from "../train/rl-items.js";
import { loadModel } from "../model/io.js";
import { withAudioView, withExperts, withTimelineAsText, withOutputNorm, withFreshSummary, withSummaryPitch, withSummaryRhythm, withSummaryRhythmSlots, withSummaryTokens } from "../model/rebuild.js";
import { factSlots } from "../train/summary-words.js";
import { readSongs } from "../train/songs.js";
import { ExpertsStage } from "../train/stages/experts.js";
import { PretrainStage, preparePretrainData } from "../train/stages/pretrain.js";
import { repoRoot } from "./paths.js";
import { type RunFlags, withRunOptions } from "./train-options.js";
import { timelineTrainCommand } from "./train-timeline.js";

export function trainCommand(): Command {
  const train = new Command("train").description("train GaMMA, stage by stage (configs/ holds the recipes of the shipped model)");

  withRunOptions(train.command("experts").description("stage 0: train the temporal and global audio experts on annotation targets (heads dropped afterwards)"), "a stage-0 config (JSON; see configs/experts.json)")
    .addHelpText("after", `
The run directory holds checkpoints/ (atomic; the run resumes from the latest one when started again),
metrics.jsonl (train and eval records), plots/*.svg (loss, accuracy, learning rate) and, when the run
completes, experts.safetensors (the trained experts, for the next stages). Ctrl-C writes a checkpoint and stops.
"init" (optional) starts from an earlier run's experts.safetensors instead of random weights; the heads start
fresh.

Example:
  $ gamma train experts --config configs/experts.json`)
    .action(async (opts: RunFlags) => {
      configureThreads();
      const config = loadTrainConfig(opts.config, "experts", { run: opts.run });
      const { train: songs, heldOut, skipped } = readSongs(config.datasets);
      for (const s of skipped.slice(0, 5)) console.error(`skipped: ${s}`);
      console.error(`experts: ${songs.length} training songs, ${heldOut.length} held out, from ${config.datasets.join(", ")}; ${config.init ? `starting from ${config.init}; ` : ""}run ${config.run}`);
      fs.mkdirSync(config.run, { recursive: true });
      fs.copyFileSync(opts.config, path.join(config.run, "train-config.json"));
      const stage = new ExpertsStage({ config: config.model, init: config.init, train: songs, heldOut, batchSize: config.batchSize, seed: config.loop.seed, augment: config.augment, evalSongs: config.evalSongs });
      const result = await runLoop(stage, config.loop, config.run, "experts", { stopAfter: opts.stopAfter });
      reportRun("experts", result);
    });

  withRunOptions(train.command("pretrain").description("LLM pretraining: train the tokenizer, then the decoder as a causal LM on the datasets' captions, conversations and questions"), "a pretraining config (JSON; see configs/pretrain.json)")
    .addHelpText("after", `
The run directory holds tokenizer.json (trained on the training text, or the config's file), data/ (every
document tokenized once: tokens.bin and index.json), checkpoints/ (atomic; the run resumes from the latest
one when started again), metrics.jsonl (train loss and accuracy; held-out loss, perplexity and next-token
accuracy per kind of document), plots/*.svg and, when the run completes, llm.safetensors (the decoder) and
model/ (a GaMMA model directory with the pretrained decoder, for stage 1). Ctrl-C writes a checkpoint and stops.

Example:
  $ gamma train pretrain --config configs/pretrain.json`)
    .action(async (opts: RunFlags) => {
      configureThreads();
      const config = loadTrainConfig(opts.config, "pretrain", { run: opts.run });
      fs.mkdirSync(config.run, { recursive: true });
      fs.copyFileSync(opts.config, path.join(config.run, "train-config.json"));
      const data = preparePretrainData({
        runDir: config.run, datasets: config.datasets, tokenizer: config.tokenizer, seed: config.loop.seed, model: config.model,
        extraText: config.extraText ? { nodeModules: path.join(repoRoot(), "node_modules") } : undefined,
        groundedQa: config.groundedQa,
        recallQa: config.recallQa,
      });
      const stage = new PretrainStage({ config: config.model, data, seqLen: config.seqLen, batchSize: config.batchSize, seed: config.loop.seed, evalDocs: config.evalDocs });
      const result = await runLoop(stage, config.loop, config.run, "pretrain", { stopAfter: opts.stopAfter });
      reportRun("pretrain", result);
    });

  for (const stage of ["align", "sft"] as const) train.addCommand(chatStageCommand(stage));
  train.addCommand(grpoCommand());
  train.addCommand(timelineTrainCommand(reportRun));

  return train;
}

/** The last line of stdout: one JSON object; a stopped run exits with 130 (as after Ctrl-C). */
function reportRun(stage: string, result: LoopResult): void {
  console.log(JSON.stringify({ stage, run: result.runDir, step: result.step, resumed_from: result.resumedFrom ?? null, stopped: result.stopped, artefacts: result.artefacts, eval: result.lastEval ?? null }));
  if (result.stopped) process.exitCode = 130;
}

function chatStageCommand(stage: "align" | "sft"): Command {
  const what = stage === "align"
    ? "stage 1, alignment: captions, LLM frozen; the fusion and the projector learn to speak the LLM's language"
    : "stage 2, SFT: music reports, multi-turn dialogues and multiple-choice questions over whole songs";
  return withRunOptions(new Command(stage).description(what), `a ${stage} config (JSON; see configs/${stage}.json)`)
    .addHelpText("after", `
The run starts from the model directory "init" (the previous stage's <run>/model), with stage 0's experts
("experts") loaded into it when given. The experts stay frozen: their features are computed once per song and
rendering ("variants", augmented on the fly) and cached in "featureDir". "trainable" names the parts that
learn (fusion, projector, llm). The run directory holds checkpoints/ (exact resume), metrics.jsonl (loss per
kind of sample; held-out loss and multiple-choice accuracy of greedy answers, per split), plots/*.svg and,
when the run completes, model/ (a GaMMA model directory for the next stage, or for gamma ask).

Example:
  $ gamma train ${stage} --config configs/${stage}.json`)
    .action(async (opts: RunFlags) => {
      configureThreads();
      const config = loadTrainConfig(opts.config, stage, { run: opts.run });
      const loaded = loadModel(config.init);
      const { tokenizer } = loaded;
      let model = config.experts ? withExperts(loaded.model, config.experts) : loaded.model;
      if (config.summaryTokens !== undefined) model = withSummaryTokens(model, config.summaryTokens);
      if (config.outputNorm) model = withOutputNorm(model);
      if (config.summaryRhythm) model = withSummaryRhythm(model);
      if (config.summaryRhythmFacts) model = withSummaryRhythmSlots(model, factSlots(config.summaryRhythmFacts, model.config.projector.summaryTokens ?? 0));
      if (config.summaryPitch) model = withSummaryPitch(model);
      if (config.freshSummaryLayers) model = withFreshSummary(model);
      model = withAudioView(model, { summaryAsWords: config.summaryAsWords, summaryOnly: config.summaryOnly });
      if (config.timelineAsText !== undefined) model = withTimelineAsText(model, config.timelineAsText);
      const { train: samples, heldOut } = readChatSamples(config.datasets, config.kinds, { answerOrder: config.answerOrder, promptStyles: config.promptStyles, summaryTokens: model.config.projector.summaryTokens, misheard: config.misheard, nearestOption: config.nearestOption });
      if (samples.length === 0) throw new Error(`${opts.config}: no ${config.kinds.join("/")} samples in ${config.datasets.join(", ")}`);
      console.error(`${stage}: ${samples.length} training conversations (${config.kinds.join(", ")}), ${heldOut.length} held out; training ${config.trainable.join(", ")}; run ${config.run}`);
      fs.mkdirSync(config.run, { recursive: true });
      fs.copyFileSync(opts.config, path.join(config.run, "train-config.json"));
      model.train();
      const task = new ChatStage({
        model, tokenizer, initDir: config.init, train: samples, heldOut, trainable: config.trainable, seed: config.loop.seed,
        featureDir: config.featureDir, variants: config.variants, augment: config.augment, evalSamples: config.evalSamples, evalMcqs: config.evalMcqs,
        kindWeights: config.kindWeights, summaryWords: config.summaryWords, answerWeight: config.answerWeight, summaryDropout: config.summaryDropout,
        timelineNoise: config.timelineNoise,
      });
      reportRun(stage, await runLoop(task, config.loop, config.run, stage, { stopAfter: opts.stopAfter }));
    });
}

function grpoCommand(): Command {
  return withRunOptions(new Command("grpo").description("stage 3, GRPO: reinforcement learning from format and accuracy rewards on the questions `gamma data rl-select` kept"), "a grpo config (JSON; see configs/grpo.json)")
    .addHelpText("after", `
The run starts from the SFT model directory "init"; "reference" (default: init) is the frozen model of the KL
penalty. Every "innerSteps" optimizer steps, "promptsPerBatch" questions of the RL file "rl" are drawn and
"groupSize" answers sampled to each; answers earn a format reward (<think>...</think><answer>...</answer>) and an
accuracy reward (by the question's kind), normalised within their group into advantages, and the policy follows
the clipped ratio objective minus "klBeta" times the KL to the reference. Questions about held-out songs are
answered greedily at each evaluation. The run directory holds checkpoints/ (exact resume, the rollout batch
included), metrics.jsonl (rewards with their spread, KL, clip fraction, response length, entropy), plots/*.svg
and, when the run completes, model/.

Example:
  $ gamma train grpo --config configs/grpo.json`)
    .action(async (opts: RunFlags) => {
      configureThreads();
      const config = loadTrainConfig(opts.config, "grpo", { run: opts.run });
      const { model, tokenizer } = loadModel(config.init);
      const reference = loadModel(config.reference).model;
      if (JSON.stringify(reference.config) !== JSON.stringify(model.config)) throw new Error(`${config.reference}: the reference model's config differs from ${config.init}'s`);
      const { train: items, heldOut } = splitBySong(readRlFile(config.rl, { written: config.grpo.summary === "written" }));
      if (items.length === 0) throw new Error(`${config.rl}: every question is about a held-out song; nothing to train on`);
      console.error(`grpo: ${items.length} training questions, ${heldOut.length} held out, from ${config.rl}${config.grpo.summary === "written" ? ", posed over written summaries" : ""}; training ${config.trainable.join(", ")}; run ${config.run}`);
      model.train();
      // The stage refuses what cannot train (e.g. a projector behind summary words) before the run directory exists.
      const task = new GrpoStage({
        model, reference, tokenizer, initDir: config.init, train: items, heldOut, trainable: config.trainable, seed: config.loop.seed,
        featureDir: config.featureDir, variants: config.variants, augment: config.augment, grpo: config.grpo,
      });
      fs.mkdirSync(config.run, { recursive: true });
      fs.copyFileSync(opts.config, path.join(config.run, "train-config.json"));
      reportRun("grpo", await runLoop(task, config.loop, config.run, "grpo", { stopAfter: opts.stopAfter }));
    });
}

