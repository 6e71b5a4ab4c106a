// LLM pretraining: no pretrained decoder can be downloaded, so the decoder learns language as a plain causal LM
// on the text we have: the datasets' captions, conversations and questions (text-documents.ts), and, if the
// config asks, permissively licensed README prose (extra-text.ts). The run first trains the tokenizer on the
// training documents (or copies a given one), tokenizes every document once into a cache in the run directory
// (token-cache.ts), and then trains on packed sequences (packing.ts). The documents of held-out songs are the
// evaluation set: loss, perplexity and next-token accuracy, overall and per kind of document.
//
// When the run completes it writes <run>/llm.safetensors (the decoder's weights under GaMMA's "llm.*" names)
// and <run>/model/, a GaMMA model directory whose decoder is the pretrained one and whose other parts are
// initialised from the seed, ready for stage 1.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../audio/wav-write.js";
import { songPaths } from "../../data/build-song.js";
import type { SongAnnotation } from "../../data/schema.js";
import { noGrad } from "../../engine/autograd.js";
import * as F from "../../engine/functional.js";
import { Module } from "../../engine/module.js";
import { Generator } from "../../engine/random.js";
import { saveSafetensors } from "../../engine/safetensors.js";
import { tidy } from "../../engine/scope.js";
import { type Tensor, tensor } from "../../engine/tensor.js";
import { Rng } from "../../music/rng.js";
import type { GammaConfig } from "../../model/config.js";
import { GammaModel } from "../../model/gamma.js";
import { checkTokenizer, saveModel } from "../../model/io.js";
import { DecoderLM } from "../../model/llm.js";
import { loadTokenizer, writeTokenizerJson } from "../../model/tokenizer/io.js";
import { END_OF_TEXT, GAMMA_SPECIAL_TOKENS } from "../../model/tokenizer/special-tokens.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { trainBpe } from "../../model/tokenizer/train.js";
import { npmReadmeDocuments } from "../extra-text.js";
import type { StepResult, TrainTask } from "../loop.js";
import { IGNORE_TARGET, PackedSequenceSampler, type PackedEvaluation, packForEvaluation, type PackingState } from "../packing.js";
import { isHeldOut } from "../songs.js";
import { BASE_SUMMARY_TOKENS, summaryCategories, summaryLine } from "../summary-words.js";
import { datasetDocuments, DOCUMENT_SOURCES, type RecallSummary, type TextDocument } from "../text-documents.js";
import { buildTokenCache, loadTokenCache, readTokenCacheIndex, sha256, type TokenCache } from "../token-cache.js";

/** Train a byte-level BPE tokenizer of this size on the training documents, or use a tokenizer.json. */
export type TokenizerSpec = { train: true; vocabSize: number } | { file: string };

export interface PretrainDataOptions {
  runDir: string;
  datasets: string[];
  tokenizer: TokenizerSpec;
  /** Decides the MCQs' option orders. */
  seed: number;
  /** Add README prose of the permissively licensed npm packages under this node_modules directory. */
  extraText?: { nodeModules: string };
  /** Add grounded documents: each song's report followed by questions answered from it (text-documents.ts). */
  groundedQa?: boolean;
  /**
   * Recall documents per song and kind (text-documents.ts; 0 or absent = none): each song's facts, then its
   * time-free questions answered with the fact alone, each copy asking them in another order. More than one
   * gives retrieval a larger share of the tokens than one document a song would.
   */
  recallQa?: number;
  /** The model the tokenizer must fit (vocabulary size, chat tokens). */
  model: GammaConfig;
}

export interface PretrainData {
  /** The run's copy of the tokenizer (trained or given). */
  tokenizerFile: string;
  tokenizer: Tokenizer;
  cache: TokenCache;
}

export const TOKENIZER_FILE = "tokenizer.json";
/** The token cache's folder in the run directory. */
export const DATA_DIR = "data";

/** Every document of the datasets (and the extra text when asked), in a fixed order. */
export function pretrainDocuments(o: Pick<PretrainDataOptions, "datasets" | "seed" | "extraText" | "groundedQa" | "recallQa">): TextDocument[] {
  const docs = o.datasets.flatMap((dir) => datasetDocuments(dir, o.seed, { grounded: o.groundedQa, recall: o.recallQa, summary: o.recallQa ? songSummaries(dir) : undefined }));
  if (o.extraText) docs.push(...npmReadmeDocuments(o.extraText.nodeModules));
  return docs.filter((d) => d.text !== "");
}

/** Each song's first five summary facts (pretrain-v4's recall documents) as a line of text, from its annotation (DIR/songs/ID.json) when the dataset has it. */
function songSummaries(dir: string): RecallSummary {
  return {
    of: (song) => {
      const file = songPaths(dir, song).annotation;
      return fs.existsSync(file) ? summaryLine(JSON.parse(fs.readFileSync(file, "utf8")) as SongAnnotation, BASE_SUMMARY_TOKENS) : undefined;
    },
    categories: summaryCategories(BASE_SUMMARY_TOKENS),
  };
}

/** Held out: the documents about a held-out song (text about no song always trains). */
export function isHeldOutDocument(doc: TextDocument): boolean {
  return doc.song !== undefined && isHeldOut(doc.song);
}

/**
 * The run's tokenizer and token cache: read back when the run directory has them for the same recipe, made
 * otherwise. A run with checkpoints never gets new data under it: a changed recipe is an error.
 */
export function preparePretrainData(o: PretrainDataOptions): PretrainData {
  const tokenizerFile = path.join(o.runDir, TOKENIZER_FILE), dataDir = path.join(o.runDir, DATA_DIR);
  const recipe = {
    datasets: o.datasets, seed: o.seed, extraText: o.extraText !== undefined, ...(o.groundedQa ? { groundedQa: true } : {}), ...(o.recallQa ? { recallQa: o.recallQa } : {}),
    tokenizer: "file" in o.tokenizer ? { sha256: sha256(fs.readFileSync(o.tokenizer.file)) } : o.tokenizer,
  };
  const index = readTokenCacheIndex(dataDir);
  if (index && fs.existsSync(tokenizerFile) && JSON.stringify(index.recipe) === JSON.stringify(recipe) && index.tokenizerSha256 === sha256(fs.readFileSync(tokenizerFile))) {
    const tokenizer = loadTokenizer(tokenizerFile);
    checkTokenizer(tokenizer, o.model);
    console.error(`pretrain: ${index.documents.length} documents, ${index.tokens} tokens (cached in ${dataDir})`);
    return { tokenizerFile, tokenizer, cache: loadTokenCache(dataDir, index) };
  }
  if (index && fs.existsSync(path.join(o.runDir, "checkpoints", "latest.json"))) {
    throw new Error(`${o.runDir}: this run was started with other data or tokenizer settings (${JSON.stringify(index.recipe)}); start a new run (--run) to use the new ones`);
  }

  const docs = pretrainDocuments(o);
  const training = docs.filter((d) => !isHeldOutDocument(d));
  if ("file" in o.tokenizer) {
    fs.mkdirSync(o.runDir, { recursive: true });
    writeFileAtomic(tokenizerFile, fs.readFileSync(o.tokenizer.file));
  } else {
    // Trained on the dataset's training text only: the extra prose (if any) should not spend the small
    // vocabulary on code identifiers, and the held-out songs' text stays unseen.
    const started = performance.now();
    const json = trainBpe(training.filter((d) => d.source !== "extra").map((d) => d.text), { vocabSize: o.tokenizer.vocabSize, specialTokens: GAMMA_SPECIAL_TOKENS });
    writeTokenizerJson(tokenizerFile, json);
    console.error(`pretrain: trained a ${o.tokenizer.vocabSize}-token tokenizer on ${training.length} documents in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const tokenizer = loadTokenizer(tokenizerFile);
  checkTokenizer(tokenizer, o.model);
  const cache = buildTokenCache(dataDir, docs, isHeldOutDocument, tokenizer, { recipe, tokenizerSha256: sha256(fs.readFileSync(tokenizerFile)) });
  console.error(`pretrain: ${docs.length} documents (${training.length} training), ${cache.tokens.length} tokens, cached in ${dataDir}`);
  return { tokenizerFile, tokenizer, cache };
}

/** What the checkpoints hold: the decoder, under the name it has in a GaMMA model ("llm.*"). */
export class PretrainModule extends Module {
  readonly llm: DecoderLM;
  constructor(config: GammaConfig, seed: number) {
    super();
    this.llm = this.registerModule("llm", new DecoderLM(config.llm, { generator: new Generator(seed) }));
  }
}

export interface PretrainStageOptions {
  config: GammaConfig;
  data: PretrainData;
  /** Tokens per training sequence. */
  seqLen: number;
  /** Sequences per micro-batch. */
  batchSize: number;
  seed: number;
  /** Held-out documents in each evaluation (the same ones every time). */
  evalDocs: number;
}

export interface PretrainBatch {
  /** Token ids [B, seqLen] (int64). */
  inputs: Tensor;
  /** The next token of each input [B, seqLen]; IGNORE_TARGET where padded. */
  targets: Tensor;
}

/** A kind of document as a metric name ("mcq-gamma" -> "mcq_gamma"). */
const metricName = (source: string) => source.replace(/-/g, "_");

export class PretrainStage implements TrainTask<PretrainBatch> {
  readonly module: PretrainModule;
  private sampler: PackedSequenceSampler;
  private readonly separator: number;
  private readonly trainingDocs: number[];
  private evaluation?: PackedEvaluation;

  constructor(private readonly o: PretrainStageOptions) {
    if (o.seqLen > o.config.llm.maxPositions) throw new Error(`seqLen ${o.seqLen} exceeds the model's llm.maxPositions (${o.config.llm.maxPositions})`);
    this.module = new PretrainModule(o.config, o.seed);
    this.separator = o.data.tokenizer.tokenToId(END_OF_TEXT)!;
    this.trainingDocs = o.data.cache.split(false);
    this.sampler = this.makeSampler();
  }

  private makeSampler(state?: PackingState): PackedSequenceSampler {
    return new PackedSequenceSampler(this.o.data.cache, this.trainingDocs, this.o.seqLen, this.separator, this.o.seed, state);
  }

  trainable(): [string, Tensor][] {
    return [...this.module.namedParameters()];
  }
  dataState(): PackingState { return this.sampler.current; }
  restoreData(state: unknown): void { this.sampler = this.makeSampler(state as PackingState); }

  /** Sequences come from the sampler in order; there is no other random choice to make. */
  async prepare(): Promise<PretrainBatch> {
    return this.batch(this.sampler.next(this.o.batchSize).map((s) => ({ inputs: s.subarray(0, -1), targets: s.subarray(1) })));
  }

  private batch(rows: { inputs: Int32Array; targets: Int32Array }[]): PretrainBatch {
    const t = this.o.seqLen, inputs = new Int32Array(rows.length * t), targets = new Int32Array(rows.length * t);
    rows.forEach((r, i) => { inputs.set(r.inputs, i * t); targets.set(r.targets, i * t); });
    return { inputs: tensor(inputs, { dtype: "int64", shape: [rows.length, t] }), targets: tensor(targets, { dtype: "int64", shape: [rows.length, t] }) };
  }

  /** Logits [B * T, vocab] of a batch's inputs. */
  private logits(inputs: Tensor): Tensor {
    const llm = this.module.llm;
    return llm.logits(llm.forward({ embeds: llm.embed(inputs) })).view(-1, this.o.config.llm.vocabSize);
  }

  loss(b: PretrainBatch): StepResult {
    try {
      const logits = this.logits(b.inputs), targets = b.targets.view(-1);
      const loss = F.crossEntropy(logits, targets, { ignoreIndex: IGNORE_TARGET });
      const accuracy = noGrad(() => logits.argmax(-1).eq(targets).float().mean().item());
      return { loss, metrics: { accuracy }, samples: b.inputs.size(0), tokens: b.inputs.numel };
    } finally {
      b.inputs.dispose();
      b.targets.dispose();
    }
  }

  /** The evaluation sequences: the first evalDocs held-out documents in a seeded order (a mix of every kind). */
  private evaluationSet(): PackedEvaluation {
    if (!this.evaluation) {
      const heldOut = new Rng(this.o.seed).fork("evaluation").shuffle(this.o.data.cache.split(true)).slice(0, this.o.evalDocs);
      this.evaluation = packForEvaluation(this.o.data.cache, heldOut, this.o.seqLen, this.separator);
    }
    return this.evaluation;
  }

  /** Loss, perplexity and next-token accuracy on the held-out documents, overall and per kind of document. */
  async evaluate(): Promise<Record<string, number>> {
    const set = this.evaluationSet();
    if (set.inputs.length === 0) return {};
    const lossSum = new Float64Array(DOCUMENT_SOURCES.length), correct = new Float64Array(DOCUMENT_SOURCES.length), count = new Float64Array(DOCUMENT_SOURCES.length);
    this.module.eval();
    try {
      for (let i = 0; i < set.inputs.length; i += this.o.batchSize) {
        const rows = set.inputs.slice(i, i + this.o.batchSize).map((inputs, k) => ({ inputs, targets: set.targets[i + k]! }));
        const b = this.batch(rows);
        const { losses, predicted } = noGrad(() => tidy(() => {
          const logits = this.logits(b.inputs);
          return {
            losses: F.crossEntropy(logits, b.targets.view(-1), { ignoreIndex: IGNORE_TARGET, reduction: "none" }).toFloat32Array(),
            predicted: logits.argmax(-1).toFloat32Array(),
          };
        }));
        b.inputs.dispose();
        b.targets.dispose();
        rows.forEach((r, k) => {
          const sources = set.sources[i + k]!;
          for (let j = 0; j < this.o.seqLen; j++) {
            const s = sources[j]!;
            if (s < 0) continue;
            const at = k * this.o.seqLen + j;
            lossSum[s]! += losses[at]!;
            correct[s]! += predicted[at] === r.targets[j] ? 1 : 0;
            count[s]! += 1;
          }
        });
      }
    } finally {
      this.module.train();
    }
    const total = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    const loss = total(lossSum) / total(count);
    const metrics: Record<string, number> = { loss, perplexity: Math.exp(loss), accuracy: total(correct) / total(count), tokens: total(count) };
    DOCUMENT_SOURCES.forEach((source, s) => {
      if (count[s]! === 0) return;
      metrics[`loss_${metricName(source)}`] = lossSum[s]! / count[s]!;
      metrics[`accuracy_${metricName(source)}`] = correct[s]! / count[s]!;
    });
    return metrics;
  }

  /** Writes llm.safetensors and the model directory <run>/model/ (pretrained decoder, other parts from the seed). */
  async finish(runDir: string): Promise<string[]> {
    const llmFile = path.join(runDir, "llm.safetensors");
    saveSafetensors(llmFile, this.module.stateDict(), { stage: "pretrain", llm_config: JSON.stringify(this.o.config.llm) });
    const model = new GammaModel(this.o.config, { generator: new Generator(this.o.seed) });
    const modelDir = path.join(runDir, "model");
    try {
      model.llm.loadStateDict(this.module.llm.stateDict());
      saveModel(modelDir, model, this.o.data.tokenizerFile, { metadata: { stage: "pretrain" } });
    } finally {
      model.dispose();
    }
    return [llmFile, modelDir];
  }
}
