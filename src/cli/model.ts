// `gamma model init|inspect|export|compose|probe|probe-time`: create a model directory with random weights, see what one
// holds, write a copy for shipping (bfloat16 weights, provenance in the weights' metadata), join two models'
// audio and language sides, and probe what the audio side knows.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { readSafetensorsHeader } from "../engine/safetensors.js";
import { Generator } from "../engine/random.js";
import { audioTokensPerSecond, PRESETS, resolveConfig } from "../model/config.js";
import type { GammaModel } from "../model/gamma.js";
import { initModel, loadModel, saveModel, TOKENIZER_FILE, WEIGHTS_FILE } from "../model/io.js";
import { composeModel } from "../model/rebuild.js";
import { GAMMA_SPECIAL_TOKENS } from "../model/tokenizer/special-tokens.js";
import { minimumVocabSize, trainBpe } from "../model/tokenizer/train.js";
import { writeTokenizerJson } from "../model/tokenizer/io.js";
import { noGrad } from "../engine/autograd.js";
import { configureThreads } from "../engine/runtime.js";
import { tidy } from "../engine/scope.js";
import { NO_AUGMENT } from "../data/augment.js";
import { crossValidatedProbe, meanPooled, PROBE_FACTS } from "../eval/probe.js";
import { disposeFeatures, FeatureCache } from "../train/feature-cache.js";
import { intOption } from "./options.js";
import { Progress } from "./progress.js";
import { addProbeTimeCommand } from "./probe-time.js";
import { firstSongs, type ProbeFlags, withProbeOptions } from "./probe-options.js";

/** Parameter counts per part, as `gamma model inspect` reports them. */
export function parameterCounts(model: GammaModel): Record<string, number | Record<string, number>> {
  const count = (prefix: string, filter: (name: string) => boolean = () => true) =>
    [...model.namedParameters()].filter(([n]) => n.startsWith(prefix) && filter(n)).reduce((s, [, p]) => s + p.numel, 0);
  const fusion = {
    extractor: count("fusion.", (n) => n.includes(".extractor")),
    injector: count("fusion.", (n) => n.includes(".injector")),
    gate: count("fusion.", (n) => n.includes(".gate.")),
    other: count("fusion.", (n) => !n.includes(".extractor") && !n.includes(".injector") && !n.includes(".gate.")),
    total: count("fusion."),
  };
  return {
    temporal_expert: count("temporal_expert."),
    global_expert: count("global_expert."),
    fusion,
    projector: count("projector."),
    llm: count("llm."),
    ...(model.timeline ? { timeline: count("timeline.") } : {}),
    total: model.numParameters(),
  };
}

export function modelCommand(): Command {
  const model = new Command("model").description("create and inspect GaMMA model directories (config.json, model.safetensors, tokenizer.json)");

  model
    .command("init")
    .description("write a model directory with randomly initialised weights")
    .requiredOption("--out <dir>", "the model directory to write")
    .option("--config <name|file>", `a preset (${Object.keys(PRESETS).join(", ")}) or a config.json; default: the shipped model's config`)
    .option("--tokenizer <file>", "a tokenizer.json with GaMMA's chat tokens (see `gamma tokenizer train`); default: bytes only")
    .option("--seed <n>", "random seed for the weights", intOption("--seed", 0), 0)
    .addHelpText("after", `
Without --tokenizer the model gets a byte-level tokenizer with no merges (every byte one token), enough to
run; train a real one with \`gamma tokenizer train\`. The config's llm.vocabSize must cover the tokenizer.

Examples:
  $ gamma model init --out /tmp/gamma-random
  $ gamma model init --config gamma-tiny --tokenizer tok.json --seed 3 --out /tmp/tiny`)
    .action((opts: { out: string; config?: string; tokenizer?: string; seed: number }) => {
      const config = resolveConfig(opts.config);
      fs.mkdirSync(opts.out, { recursive: true });
      let tokenizerFile = opts.tokenizer;
      if (!tokenizerFile) {
        tokenizerFile = path.join(opts.out, TOKENIZER_FILE);
        writeTokenizerJson(tokenizerFile, trainBpe([], { vocabSize: minimumVocabSize(GAMMA_SPECIAL_TOKENS), specialTokens: GAMMA_SPECIAL_TOKENS }));
      }
      const m = initModel(opts.out, config, tokenizerFile, new Generator(opts.seed));
      console.error(`wrote ${opts.out}: ${config.name}, ${(m.numParameters() / 1e6).toFixed(2)} M parameters`);
      console.log(JSON.stringify({ out: opts.out, config: config.name, parameters: m.numParameters() }));
    });

  model
    .command("inspect")
    .description("print a model directory's parameter counts per module and its config as one JSON object")
    .argument("<dir>", "a model directory")
    .addHelpText("after", `
Parts: temporal_expert, global_expert, fusion (extractor, injector, gate, other: input projections, FFNs,
norms), projector, llm.

Example:
  $ gamma model inspect models/gamma-small | jq .parameters`)
    .action((dir: string) => {
      const loaded = loadModel(dir);
      const header = readSafetensorsHeader(path.join(dir, WEIGHTS_FILE));
      const dtypes = [...new Set([...header.tensors.values()].map((t) => t.dtype))];
      console.log(JSON.stringify({
        dir,
        name: loaded.config.name,
        parameters: parameterCounts(loaded.model),
        audio_tokens_per_second: audioTokensPerSecond(loaded.config),
        tokenizer_vocab: loaded.tokenizer.vocabSize,
        weights: { file: WEIGHTS_FILE, bytes: fs.statSync(path.join(dir, WEIGHTS_FILE)).size, dtypes, metadata: header.metadata },
        config: loaded.config,
      }, null, 2));
    });

  model
    .command("export")
    .description("copy a model directory, storing the weights in bfloat16 (half the size) or float32, with provenance metadata")
    .argument("<dir>", "a model directory (e.g. a training run's model/)")
    .requiredOption("--out <dir>", "the model directory to write")
    .option("--dtype <dtype>", "bfloat16 or float32", "bfloat16")
    .option("--meta <key=value...>", "metadata for the weights file (e.g. recipe=configs/sft.json)")
    .addHelpText("after", `
Weights are loaded back into float32 either way; bfloat16 keeps 8 bits of mantissa, so answers can differ
slightly from the float32 model's: measure the exported model (gamma bench --model OUT).

Example:
  $ gamma model export ~/.cache/gamma-music/runs/sft-v1/model --out models/gamma-small --meta recipe=docs/training.md`)
    .action((dir: string, opts: { out: string; dtype: string; meta?: string[] }) => {
      if (opts.dtype !== "bfloat16" && opts.dtype !== "float32") throw new Error(`--dtype must be bfloat16 or float32, not ${opts.dtype}`);
      const metadata: Record<string, string> = {};
      for (const kv of opts.meta ?? []) {
        const at = kv.indexOf("=");
        if (at <= 0) throw new Error(`--meta ${kv}: expected key=value`);
        metadata[kv.slice(0, at)] = kv.slice(at + 1);
      }
      const loaded = loadModel(dir);
      const staging = `${opts.out.replace(/\/+$/, "")}.tmp-${process.pid}`;
      fs.rmSync(staging, { recursive: true, force: true });
      saveModel(staging, loaded.model, path.join(dir, TOKENIZER_FILE), { dtype: opts.dtype, metadata: { source: path.resolve(dir), ...metadata } });
      fs.rmSync(opts.out, { recursive: true, force: true });
      fs.renameSync(staging, opts.out);
      const bytes = fs.statSync(path.join(opts.out, WEIGHTS_FILE)).size;
      console.error(`wrote ${opts.out}: ${loaded.config.name}, ${opts.dtype}, ${(bytes / 1e6).toFixed(1)} MB of weights`);
      console.log(JSON.stringify({ out: opts.out, dtype: opts.dtype, weights_bytes: bytes }));
    });

  model
    .command("compose")
    .description("join one model directory's audio side (experts and fusion) to another's language side (projector, LLM, tokenizer)")
    .requiredOption("--audio <dir>", "the model directory whose experts and fusion to take")
    .requiredOption("--language <dir>", "the model directory whose projector, LLM and tokenizer to take")
    .requiredOption("--out <dir>", "the model directory to write")
    .addHelpText("after", `
The config is the language side's, with the audio side's expert and fusion sections. The fusion's width must be
what the projector reads. Use it when the decoder was trained on text after the audio path was (the summary
layers of the projector can then be fitted to the joined model: configs/summary-fit.json).

Example:
  $ gamma model compose --audio ~/.cache/gamma-music/runs/sft-v4/model --language ~/.cache/gamma-music/runs/read-v1/model --out /tmp/joined`)
    .action((opts: { audio: string; language: string; out: string }) => {
      const audio = loadModel(opts.audio), language = loadModel(opts.language);
      const composed = composeModel(audio.model, language.model);
      const staging = `${opts.out.replace(/\/+$/, "")}.tmp-${process.pid}`;
      fs.rmSync(staging, { recursive: true, force: true });
      saveModel(staging, composed, path.join(opts.language, TOKENIZER_FILE), { metadata: { audio_side: path.resolve(opts.audio), language_side: path.resolve(opts.language) } });
      fs.rmSync(opts.out, { recursive: true, force: true });
      fs.renameSync(staging, opts.out);
      console.error(`wrote ${opts.out}: experts and fusion of ${opts.audio}, projector and LLM of ${opts.language}`);
      console.log(JSON.stringify({ out: opts.out, audio: opts.audio, language: opts.language, parameters: composed.numParameters() }));
    });

  withProbeOptions(model
    .command("probe")
    .description("linear probes: how well each global fact (key, tempo, style, metre) reads from the whole-song mean of each expert's tokens and of the fusion's"), "a model directory (its experts and its fusion are probed)", 5)
    .addHelpText("after", `
For each song the experts' tokens (from the feature cache; computed and cached when missing) are averaged over
the whole song, one vector per expert, and so are the fusion network's output tokens ("fused": what the
projector and the summary tokens start from). A softmax regression (L2-penalised, standardised inputs) is
fitted on each (and on both experts' together) and scored by k-fold cross-validation over songs.
"majority" is the accuracy of always naming the most common class. A fact the probe reads well but the chat
model answers at chance is lost on the LLM side.

Prints a table on stderr and one JSON line on stdout.

Example:
  $ gamma model probe --model ~/.cache/gamma-music/runs/sft-v3/model --data ~/.cache/gamma-music/data/train-v1 --songs 300`)
    .action(async (opts: ProbeFlags) => {
      configureThreads();
      const { model: gamma } = loadModel(opts.model);
      const songs = firstSongs(opts.data, opts.songs);
      if (songs.length < opts.folds) throw new Error(`${opts.data.join(", ")}: ${songs.length} songs with audio, fewer than --folds ${opts.folds}`);
      const cache = new FeatureCache(opts.featureDir, gamma, NO_AUGMENT); // variant 0: the audio as rendered
      const pooled: { temporal: Float32Array; global: Float32Array; fused: Float32Array }[] = [];
      const progress = new Progress(songs.length, "features", "songs");
      for (const song of songs) {
        const f = await cache.get(song.audio, 0);
        // What the LLM side starts from: the fusion's output tokens (the summary tokens read their mean and max).
        const fused = noGrad(() => tidy(() => meanPooled(gamma.fusion.forward(f.temporal, f.global).tokens)));
        pooled.push({ temporal: meanPooled(f.temporal), global: meanPooled(f.global), fused });
        disposeFeatures(f);
        progress.tick(1, `${cache.misses} computed`);
      }
      progress.finish();
      const sources: Record<string, (p: (typeof pooled)[number]) => Float32Array> = {
        temporal: (p) => p.temporal, global: (p) => p.global, both: (p) => Float32Array.from([...p.temporal, ...p.global]), fused: (p) => p.fused,
      };
      const results: Record<string, Record<string, unknown>> = {};
      console.error(`${"fact".padEnd(12)} ${"classes".padStart(7)} ${"majority".padStart(8)} ${"temporal".padStart(8)} ${"global".padStart(8)} ${"both".padStart(8)} ${"fused".padStart(8)}`);
      for (const [fact, label] of Object.entries(PROBE_FACTS)) {
        const labels = songs.map((s) => label(s.annotation));
        const row: Record<string, unknown> = {};
        for (const [source, pick] of Object.entries(sources)) {
          const r = crossValidatedProbe(pooled.map(pick), labels, { folds: opts.folds });
          Object.assign(row, { songs: r.songs, classes: r.classes, majority: round(r.majority), [source]: round(r.accuracy) });
        }
        results[fact] = row;
        const cell = (v: unknown) => String(v).padStart(8);
        console.error(`${fact.padEnd(12)} ${String(row.classes).padStart(7)} ${cell(row.majority)} ${cell(row.temporal)} ${cell(row.global)} ${cell(row.both)} ${cell(row.fused)}`);
      }
      console.log(JSON.stringify({ model: opts.model, songs: songs.length, folds: opts.folds, features_computed: cache.misses, probes: results }));
    });

  addProbeTimeCommand(model);
  return model;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
