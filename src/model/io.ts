// A model is a directory: config.json (GammaConfig), model.safetensors (weights under the module's dotted
// names) and tokenizer.json (Hugging Face format). Each file is written atomically; loading checks that the
// three agree and says which file is wrong.
import fs from "node:fs";
import path from "node:path";
import { loadSafetensors, saveSafetensors, type StorableDType } from "../engine/safetensors.js";
import type { Generator } from "../engine/random.js";
import { noGrad } from "../engine/autograd.js";
import { writeFileAtomic } from "../audio/wav-write.js";
import { type GammaConfig, validateConfig } from "./config.js";
import { GammaModel } from "./gamma.js";
import { GAMMA_SPECIAL_TOKENS } from "./tokenizer/special-tokens.js";
import type { Tokenizer } from "./tokenizer/tokenizer.js";
import { loadTokenizer } from "./tokenizer/io.js";

export const CONFIG_FILE = "config.json";
export const WEIGHTS_FILE = "model.safetensors";
export const TOKENIZER_FILE = "tokenizer.json";

export interface LoadedModel {
  dir: string;
  config: GammaConfig;
  model: GammaModel;
  tokenizer: Tokenizer;
}

/** Checks that the tokenizer fits the model: every id below the embedding size, the chat tokens present. */
export function checkTokenizer(tokenizer: Tokenizer, config: GammaConfig): void {
  if (tokenizer.vocabSize > config.llm.vocabSize)
    throw new Error(`${tokenizer.source}: ${tokenizer.vocabSize} tokens, but the model embeds only ${config.llm.vocabSize} (llm.vocabSize)`);
  const missing = GAMMA_SPECIAL_TOKENS.filter((t) => tokenizer.tokenToId(t) === undefined);
  if (missing.length) throw new Error(`${tokenizer.source}: lacks the chat template's special tokens ${missing.join(" ")}`);
}

/**
 * Writes a model directory. Weights are stored in `dtype` (default float32; bfloat16 halves the file and is
 * loaded back into float32).
 */
export function saveModel(dir: string, model: GammaModel, tokenizerFile: string, o: { dtype?: StorableDType; metadata?: Record<string, string> } = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const tokenizerText = fs.readFileSync(tokenizerFile, "utf8");
  if (path.resolve(tokenizerFile) !== path.resolve(dir, TOKENIZER_FILE)) writeFileAtomic(path.join(dir, TOKENIZER_FILE), tokenizerText);
  writeFileAtomic(path.join(dir, CONFIG_FILE), JSON.stringify(model.config, null, 2) + "\n");
  const dtype = o.dtype ?? "float32";
  noGrad(() => {
    const state = model.stateDict();
    const stored = dtype === "float32" ? state : new Map([...state].map(([k, t]) => [k, t.dtype === "float32" ? t.to(dtype) : t]));
    try {
      saveSafetensors(path.join(dir, WEIGHTS_FILE), stored, { format: "pt", gamma_model: model.config.name, ...o.metadata });
    } finally {
      if (stored !== state) for (const [k, t] of stored) if (t !== state.get(k)) t.dispose();
    }
  });
}

/** Reads a model directory (weights converted to float32). */
export function loadModel(dir: string): LoadedModel {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: no such model directory`);
  for (const f of [CONFIG_FILE, WEIGHTS_FILE, TOKENIZER_FILE])
    if (!fs.existsSync(path.join(dir, f))) throw new Error(`${dir}: not a model directory (missing ${f})`);
  const configFile = path.join(dir, CONFIG_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (e) {
    throw new Error(`${configFile}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const config = validateConfig(parsed, configFile);
  const tokenizer = loadTokenizer(path.join(dir, TOKENIZER_FILE));
  checkTokenizer(tokenizer, config);
  const model = new GammaModel(config);
  const weightsFile = path.join(dir, WEIGHTS_FILE);
  const { tensors } = loadSafetensors(weightsFile);
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    throw new Error(`${weightsFile}: ${(e as Error).message}`, { cause: e });
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
  model.eval();
  return { dir, config, model, tokenizer };
}

/** A freshly initialised model directory (random weights from the seed). */
export function initModel(dir: string, config: GammaConfig, tokenizerFile: string, generator: Generator): GammaModel {
  checkTokenizer(loadTokenizer(tokenizerFile), config);
  const model = new GammaModel(config, { generator });
  saveModel(dir, model, tokenizerFile);
  return model;
}
