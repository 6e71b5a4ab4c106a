// `gamma model init|inspect`: create a model directory with random weights, and see what one holds.
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { readSafetensorsHeader } from "../engine/safetensors.js";
import { Generator } from "../engine/random.js";
import { audioTokensPerSecond, PRESETS, resolveConfig } from "../model/config.js";
import type { GammaModel } from "../model/gamma.js";
import { initModel, loadModel, TOKENIZER_FILE, WEIGHTS_FILE } from "../model/io.js";
import { GAMMA_SPECIAL_TOKENS } from "../model/tokenizer/special-tokens.js";
import { minimumVocabSize, trainBpe } from "../model/tokenizer/train.js";
import { writeTokenizerJson } from "../model/tokenizer/io.js";
import { intOption } from "./options.js";

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

  return model;
}
