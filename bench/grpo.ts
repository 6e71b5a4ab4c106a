// GRPO throughput on this machine: rollouts per second and optimisation steps per second of stage 3's real task
// (src/train/stages/grpo.ts), with the recipe's group size, prompts per batch, answer length and trainable parts
// (configs/grpo.json) and the default model config, randomly initialised (initModel): speed does not depend on
// training, and a random model never writes its end token, so every answer runs to maxNewTokens, the slowest
// case. The questions are about a generated 60-second song (chords of harmonic tones over beat noise).
// A rollout batch: promptsPerBatch questions, groupSize answers each, sampled, scored, with the sampling policy's
// and the reference's log-probs of every answer token. An optimisation step: forward and backward of every
// question's group, one AdamW step. One warm-up of each, then the median of the timed ones. Ends with one JSON line.
// GAMMA_BENCH_DEVICE=cuda runs it on the GPU (the peak fraction is then of the fp32 matmul rate measured there).
//   npm run bench:grpo            (GAMMA_BENCH_QUICK=1: a 30-second song, 32-token answers, one timed step)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeWav } from "../src/audio/wav-write.js";
import { repoRoot } from "../src/cli/paths.js";
import { enableGrad } from "../src/engine/autograd.js";
import { countFlops } from "../src/engine/flops.js";
import { AdamW, decayGroups } from "../src/engine/optim.js";
import { Generator } from "../src/engine/random.js";
import { referenceRate } from "../src/engine/measure.js";
import { configureThreads, synchronize, useDevice } from "../src/engine/runtime.js";
import { tidy } from "../src/engine/scope.js";
import { DEFAULT_CONFIG } from "../src/model/config.js";
import { initModel, loadModel } from "../src/model/io.js";
import { writeTokenizerJson } from "../src/model/tokenizer/io.js";
import { GAMMA_SPECIAL_TOKENS } from "../src/model/tokenizer/special-tokens.js";
import { minimumVocabSize, trainBpe } from "../src/model/tokenizer/train.js";
import { TRAIN_AUGMENT } from "../src/train/config.js";
import type { ModelPart } from "../src/train/chat-inputs.js";
import type { RlItem } from "../src/train/rl-items.js";
import { GrpoStage, type GrpoSettings } from "../src/train/stages/grpo.js";

const quick = process.env.GAMMA_BENCH_QUICK === "1";
const timedSteps = quick ? 1 : 3;
const songSeconds = quick ? 30 : 60;
const threads = configureThreads();
const device = useDevice(process.env.GAMMA_BENCH_DEVICE ?? "cpu");
const peak = referenceRate(device);
const recipe = JSON.parse(fs.readFileSync(path.join(repoRoot(), "configs", "grpo.json"), "utf8")) as Record<string, unknown>;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;
const sig3 = (x: number) => Number(x.toPrecision(3));

const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-bench-grpo-"));
try {
  const rate = 16000;
  const song = path.join(work, "song.wav");
  writeWav(song, Float32Array.from({ length: songSeconds * rate }, (_, i) => {
    const t = i / rate, root = [220, 174.6, 261.6, 196][Math.floor(t / 2) % 4]!;
    return 0.2 * Math.sin(2 * Math.PI * root * t) + 0.1 * Math.sin(2 * Math.PI * root * 1.5 * t) + (t % 0.5 < 0.02 ? 0.3 * Math.sin(i * 12.9898) : 0);
  }), rate);
  const tokenizerFile = path.join(work, "tokenizer.json");
  writeTokenizerJson(tokenizerFile, trainBpe([], { vocabSize: minimumVocabSize(GAMMA_SPECIAL_TOKENS), specialTokens: GAMMA_SPECIAL_TOKENS }));
  initModel(path.join(work, "model"), DEFAULT_CONFIG, tokenizerFile, new Generator(0));
  const { model, tokenizer } = loadModel(path.join(work, "model"));
  const reference = loadModel(path.join(work, "model")).model;

  const settings: GrpoSettings = {
    groupSize: Number(recipe.groupSize), promptsPerBatch: Number(recipe.promptsPerBatch), innerSteps: 1,
    clipEpsilon: Number(recipe.clipEpsilon), klBeta: Number(recipe.klBeta), temperature: Number(recipe.temperature), topK: 0, topP: 1,
    maxNewTokens: quick ? 32 : Number(recipe.maxNewTokens), rewardWeights: { format: 0.5, accuracy: 1 }, optionOrder: "per-rollout", ordersPerGroup: Number(recipe.ordersPerGroup ?? 1), mcqAnswer: "parsed", evalItems: 0,
  };
  // Questions of every kind, enough for every rollout batch to draw new ones.
  const items: RlItem[] = Array.from({ length: settings.promptsPerBatch * (timedSteps + 1) }, (_, i): RlItem => {
    const base = { id: `q${i}`, audio: song, split: "global", category: "bench" };
    if (i % 3 === 0) return { ...base, question: "What is the style?", kind: "mcq", choices: ["pop", "rock", "jazz", "funk"], answer: "rock" };
    if (i % 3 === 1) return { ...base, question: "What is the tempo?", kind: "number", answer: 120, tolerance: 0.04, unit: "BPM" };
    return { ...base, question: "When does the chorus start?", kind: "time", answer: "0:21.3", tolerance: 0.5, unit: "s" };
  });
  model.train();
  const stage = new GrpoStage({
    model, reference, tokenizer, initDir: path.join(work, "model"), train: items, heldOut: [], trainable: recipe.trainable as ModelPart[], seed: 0,
    featureDir: path.join(work, "features"), variants: 1, augment: TRAIN_AUGMENT, grpo: settings,
  });
  const optimizer = new AdamW(decayGroups(stage.trainable(), 0), { lr: 1e-6 });

  const rows: { rollout: number; optimise: number; generated: number; tokens: number; flops: number }[] = [];
  for (let step = 0; step <= timedSteps; step++) {
    const t0 = performance.now();
    const first = await stage.prepare(step, 0); // innerSteps 1: every step draws, samples and scores a new batch
    synchronize();
    const t1 = performance.now();
    let tokens = 0, flops = 0;
    for (let micro = 0; micro < settings.promptsPerBatch; micro++) {
      const batch = micro === 0 ? first : await stage.prepare(step, micro);
      const [n, counted] = countFlops(() => enableGrad(() => tidy(() => {
        const out = stage.loss(batch);
        out.loss.backward();
        return out.tokens ?? 0;
      })));
      tokens += n;
      flops += counted.forward + counted.backward;
    }
    optimizer.step();
    optimizer.zeroGrad();
    synchronize();
    const t2 = performance.now();
    const generated = settings.promptsPerBatch * settings.groupSize * first.stats.response_length!;
    if (step > 0) rows.push({ rollout: (t1 - t0) / 1000, optimise: (t2 - t1) / 1000, generated, tokens, flops });
    console.error(`step ${step}${step ? "" : " (warm-up)"}: rollout batch ${r2((t1 - t0) / 1000)} s, optimisation step ${r2((t2 - t1) / 1000)} s`);
  }
  optimizer.dispose();

  const rollout = median(rows.map((r) => r.rollout)), optimise = median(rows.map((r) => r.optimise));
  const rollouts = settings.promptsPerBatch * settings.groupSize;
  const gflops = rows.reduce((s, r) => s + r.flops, 0) / rows.reduce((s, r) => s + r.optimise, 0) / 1e9;
  const figures = {
    rollouts_per_s: rollouts / rollout,
    rollout_batch_seconds: rollout,
    generated_tokens_per_s: median(rows.map((r) => r.generated / r.rollout)),
    opt_steps_per_s: 1 / optimise,
    opt_step_seconds: optimise,
    opt_tokens_per_s: median(rows.map((r) => r.tokens / r.optimise)),
    opt_gflops: gflops,
    opt_peak_fraction: gflops / peak.gflops,
  };
  console.error(`${settings.promptsPerBatch} questions x ${settings.groupSize} answers of ${settings.maxNewTokens} tokens on a ${songSeconds}-second song: ` +
    `${r2(figures.rollouts_per_s)} rollouts/s (${r2(rollout)} s a batch, ${Math.round(figures.generated_tokens_per_s)} generated tokens/s with both log-prob passes), ` +
    `${r2(figures.opt_steps_per_s)} optimisation steps/s (${r2(optimise)} s a step, ${Math.round(figures.opt_tokens_per_s)} tokens/s, ${r2(gflops)} GFLOP/s = ${(100 * figures.opt_peak_fraction).toFixed(1)}% of peak)`);
  console.log(JSON.stringify({
    bench: "grpo", config: DEFAULT_CONFIG.name, device, threads, [peak.key]: r2(peak.gflops), song_seconds: songSeconds,
    group_size: settings.groupSize, prompts_per_batch: settings.promptsPerBatch, max_new_tokens: settings.maxNewTokens, trainable: recipe.trainable, timed_steps: timedSteps,
    ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, sig3(v)])),
  }));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
