// Builders shared by the model tests: a tiny GaMMA model, a small trained tokenizer written to a temp file,
// and random log-mel clips.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Generator } from "../src/engine/random.js";
import { randn, type Tensor } from "../src/engine/tensor.js";
import { type GammaConfig, TINY_CONFIG } from "../src/model/config.js";
import { inputChannels } from "../src/model/audio-input.js";
import { GammaModel } from "../src/model/gamma.js";
import { GAMMA_SPECIAL_TOKENS } from "../src/model/tokenizer/special-tokens.js";
import { trainBpe } from "../src/model/tokenizer/train.js";
import { writeTokenizerJson } from "../src/model/tokenizer/io.js";

export function tinyConfig(edit: (c: GammaConfig) => void = () => {}): GammaConfig {
  const c = structuredClone(TINY_CONFIG);
  edit(c);
  return c;
}

export function tinyModel(seed = 1, edit?: (c: GammaConfig) => void): GammaModel {
  return new GammaModel(tinyConfig(edit), { generator: new Generator(seed) });
}

const CORPUS = [
  "The chorus starts at 0:42.5 and the drums enter at 1:03.0.",
  "This is a bossa nova in D minor at 132 BPM with nylon guitar, bass and brushes.",
  "Question: What is the key? Options: (A) C major (B) A minor (C) D major (D) E minor The correct answer is: (B)",
  "<think>The bass outlines A and E.</think><answer>(B) A minor</answer>",
];

/** A trained tokenizer.json in a temp directory; returns its path. */
export function tinyTokenizerFile(vocabSize = 400): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-tok-"));
  const file = path.join(dir, "tokenizer.json");
  writeTokenizerJson(file, trainBpe(Array.from({ length: 20 }, () => CORPUS).flat(), { vocabSize, specialTokens: GAMMA_SPECIAL_TOKENS }));
  return file;
}

/** A random expert input for the tiny model [80 mel + 24 semitone channels, seconds * 100] (values in the log-mel's normalised range). */
export function randomMel(seconds: number, seed = 7): Tensor {
  return randn([inputChannels(TINY_CONFIG.temporalExpert), Math.round(seconds * 100)], { generator: new Generator(seed) }).mul(0.5);
}
