// Training throughput of every stage of the shipped recipe, on this machine: stage 0 (experts), LLM pretraining,
// stage 1 (align) and stage 2 (sft), each with the default model config and the batch sizes and trainable parts
// of configs/<stage>.json. Each stage runs its real TrainTask (data preparation, forward, backward, AdamW) on a
// small dataset rendered for the run (or GAMMA_BENCH_DATA=<dataset dir>); its FLOPs are counted as the ops run
// (src/engine/flops.ts), so "achieved GFLOP/s" is the work done per second of compute, against the CPU's peak.
// Figures are medians over the timed micro-batches, after one warm-up. Ends with one JSON line.
// GAMMA_BENCH_DEVICE=cuda runs it on the GPU; the fraction is then of the fp32 matmul rate measured on that GPU.
//   npm run bench:train            (GAMMA_BENCH_QUICK=1: fewer steps)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../src/cli/paths.js";
import { enableGrad } from "../src/engine/autograd.js";
import { countFlops } from "../src/engine/flops.js";
import { AdamW, decayGroups } from "../src/engine/optim.js";
import { referenceRate } from "../src/engine/measure.js";
import { configureThreads, synchronize, useDevice } from "../src/engine/runtime.js";
import { tidy } from "../src/engine/scope.js";
import { Generator } from "../src/engine/random.js";
import { DEFAULT_CONFIG } from "../src/model/config.js";
import { GammaModel } from "../src/model/gamma.js";
import type { ModelPart } from "../src/train/stages/chat.js";
import { readChatSamples, type SampleKind } from "../src/train/chat-samples.js";
import { TRAIN_AUGMENT } from "../src/train/config.js";
import type { TrainTask } from "../src/train/loop.js";
import { readSongs } from "../src/train/songs.js";
import { ChatStage } from "../src/train/stages/chat.js";
import { ExpertsStage } from "../src/train/stages/experts.js";
import { PretrainStage, preparePretrainData } from "../src/train/stages/pretrain.js";

const quick = process.env.GAMMA_BENCH_QUICK === "1";
const timedSteps = quick ? 2 : 4;
const threads = configureThreads();
const device = useDevice(process.env.GAMMA_BENCH_DEVICE ?? "cpu");
const peak = referenceRate(device);
const recipe = (stage: string) => JSON.parse(fs.readFileSync(path.join(repoRoot(), "configs", `${stage}.json`), "utf8")) as Record<string, unknown>;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-bench-train-"));
let data = process.env.GAMMA_BENCH_DATA;
if (!data) {
  data = path.join(work, "data");
  console.error("rendering a 4-song dataset for the benchmark...");
  execFileSync(process.execPath, [path.join(repoRoot(), "bin/gamma.js"), "data", "synth", "--songs", "4", "--seconds", "60-90", "--seed", "3", "--out", data], { stdio: ["ignore", "ignore", "inherit"] });
}

interface StageFigures {
  micro_batch_seconds: number;
  data_seconds: number;
  samples_per_s: number;
  tokens_per_s: number;
  gflop_per_sample: number;
  achieved_gflops: number;
  peak_fraction: number;
}

/** Warm-up, then timed micro-batches: prepare (data time), forward + backward + AdamW step (compute time). */
async function measure<B>(name: string, task: TrainTask<B>): Promise<StageFigures> {
  const optimizer = new AdamW(decayGroups(task.trainable(), 0.01), { lr: 1e-4 });
  const rows: { data: number; compute: number; samples: number; tokens: number; flops: number }[] = [];
  for (let step = 0; step <= timedSteps; step++) {
    const t0 = performance.now();
    const batch = await task.prepare(step, 0);
    const t1 = performance.now();
    const [r, flops] = countFlops(() => enableGrad(() => tidy(() => {
      const out = task.loss(batch);
      out.loss.backward();
      return { samples: out.samples, tokens: out.tokens ?? 0 };
    })));
    optimizer.step();
    optimizer.zeroGrad();
    synchronize();
    const t2 = performance.now();
    if (step > 0) rows.push({ data: (t1 - t0) / 1000, compute: (t2 - t1) / 1000, samples: r.samples, tokens: r.tokens, flops: flops.forward + flops.backward });
  }
  const compute = median(rows.map((r) => r.compute));
  const perSecond = (k: "samples" | "tokens" | "flops") => rows.reduce((s, r) => s + r[k], 0) / rows.reduce((s, r) => s + r.compute, 0);
  const samples = rows.reduce((s, r) => s + r.samples, 0);
  const gflops = perSecond("flops") / 1e9;
  const figures = {
    micro_batch_seconds: compute, data_seconds: median(rows.map((r) => r.data)),
    samples_per_s: perSecond("samples"), tokens_per_s: perSecond("tokens"),
    gflop_per_sample: rows.reduce((s, r) => s + r.flops, 0) / samples / 1e9,
    achieved_gflops: gflops, peak_fraction: gflops / peak.gflops,
  };
  console.error(`${name.padEnd(9)} ${r2(figures.samples_per_s)} samples/s, ${Math.round(figures.tokens_per_s)} tokens/s, ${r2(compute)} s per micro-batch (+${r2(figures.data_seconds)} s data), ` +
    `${r2(figures.gflop_per_sample)} GFLOP/sample, ${r2(gflops)} GFLOP/s = ${(100 * figures.peak_fraction).toFixed(1)}% of peak`);
  return figures;
}

const results: Record<string, StageFigures> = {};
try {
  const songs = readSongs([data]);
  const allSongs = [...songs.train, ...songs.heldOut];
  const experts = recipe("experts");
  results.experts = await measure("experts", new ExpertsStage({
    config: DEFAULT_CONFIG, train: allSongs, heldOut: [], batchSize: Number(experts.batchSize), seed: 0, augment: TRAIN_AUGMENT, evalSongs: 0,
  }));

  const pretrain = recipe("pretrain");
  const text = preparePretrainData({ runDir: path.join(work, "pretrain"), datasets: [data], tokenizer: { train: true, vocabSize: DEFAULT_CONFIG.llm.vocabSize }, seed: 0, model: DEFAULT_CONFIG });
  results.pretrain = await measure("pretrain", new PretrainStage({
    config: DEFAULT_CONFIG, data: text, seqLen: Number(pretrain.seqLen), batchSize: Number(pretrain.batchSize), seed: 0, evalDocs: 0,
  }));

  for (const stage of ["align", "sft"] as const) {
    const cfg = recipe(stage);
    const model = new GammaModel(DEFAULT_CONFIG, { generator: new Generator(1) }).train();
    const { train, heldOut } = readChatSamples([data], cfg.kinds as SampleKind[]);
    results[stage] = await measure(stage, new ChatStage({
      model, tokenizer: text.tokenizer, initDir: work, train: [...train, ...heldOut], heldOut: [], trainable: cfg.trainable as ModelPart[], seed: 0,
      featureDir: path.join(work, "features"), variants: 1, augment: TRAIN_AUGMENT, evalSamples: 0, evalMcqs: 0,
    }));
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

console.log(JSON.stringify({
  bench: "train", config: DEFAULT_CONFIG.name, device, threads, [peak.key]: r2(peak.gflops), timed_micro_batches: timedSteps,
  ...Object.fromEntries(Object.entries(results).flatMap(([stage, f]) => Object.entries(f).map(([k, v]) => [`${stage}_${k}`, k === "peak_fraction" ? Math.round(v * 1000) / 1000 : r2(v)]))),
}));
