// Engine benchmark: fp32 matmul against the BLAS called directly, the binding's per-call overhead, and the
// train step of one pre-LN transformer layer (d=256, 4 heads, FFN 4x, seq 256, batch 8, causal; forward,
// backward and AdamW) under several thread settings. Ends with one JSON line.
//   npm run bench:engine            (GAMMA_BENCH_QUICK=1 for a short run)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mallocTuned } from "../src/engine/native.js";
import {
  AdamW, configureThreads, cpuPeak, directSgemmGflops, F, Generator, LayerNorm, Linear, matmulGflops, Module, randint,
  randn, type Tensor, tidy, bestSeconds, ones, noGrad, libtorchVersion, blasInfo,
} from "../src/engine/index.js";

const quick = process.env.GAMMA_BENCH_QUICK === "1";

class PreLNLayer extends Module {
  readonly ln1: LayerNorm; readonly qkv: Linear; readonly proj: Linear;
  readonly ln2: LayerNorm; readonly fc1: Linear; readonly fc2: Linear;
  constructor(readonly d: number, readonly heads: number, g: Generator) {
    super();
    this.ln1 = this.registerModule("ln1", new LayerNorm(d));
    this.qkv = this.registerModule("qkv", new Linear(d, 3 * d, { generator: g }));
    this.proj = this.registerModule("proj", new Linear(d, d, { generator: g }));
    this.ln2 = this.registerModule("ln2", new LayerNorm(d));
    this.fc1 = this.registerModule("fc1", new Linear(d, 4 * d, { generator: g }));
    this.fc2 = this.registerModule("fc2", new Linear(4 * d, d, { generator: g }));
  }
  forward(x: Tensor): Tensor {
    const [b, t] = x.shape as [number, number, number];
    const hd = this.d / this.heads;
    const split = (z: Tensor) => z.view(b, t, this.heads, hd).transpose(1, 2);
    const [q, k, v] = this.qkv.forward(this.ln1.forward(x)).chunk(3, -1) as [Tensor, Tensor, Tensor];
    const att = F.scaledDotProductAttention(split(q), split(k), split(v), { causal: true });
    const h = x.add(this.proj.forward(att.transpose(1, 2).reshape(b, t, this.d)));
    return h.add(this.fc2.forward(this.fc1.forward(this.ln2.forward(h)).gelu()));
  }
}

/** FLOPs of one training step: forward 2*(12 d^2 + 2 T d) per token (projections, FFN, QK^T and AV), x3 for backward. */
function layerTrainFlops(b: number, t: number, d: number): number {
  return 3 * b * t * 2 * (12 * d * d + 2 * t * d);
}

function trainStepMs(steps: number): number {
  const g = new Generator(0);
  const layer = new PreLNLayer(256, 4, g);
  const opt = new AdamW(layer.parameters(), { lr: 1e-4 });
  const x = randn([8, 256, 256], { generator: g });
  const target = randint(0, 256, [8 * 256], { generator: g });
  const step = () => tidy(() => {
    opt.zeroGrad();
    const y = layer.forward(x);
    const loss = F.crossEntropy(y.reshape(8 * 256, 256), target);
    loss.backward();
    opt.step();
  });
  const secs = bestSeconds(step, steps, quick ? 2 : 3);
  layer.dispose();
  opt.dispose();
  x.dispose();
  target.dispose();
  return secs * 1000;
}

function perCallMicroseconds(): number {
  return noGrad(() => tidy(() => {
    const a = ones([1]);
    return bestSeconds(() => a.add(a).dispose(), 20000, 3) * 1e6;
  }));
}

// Child mode: only the train step at the default threads (used to measure with glibc's default allocator).
if (process.env.GAMMA_BENCH_STEP_ONLY === "1") {
  configureThreads();
  console.log(JSON.stringify({ train_step_ms: trainStepMs(quick ? 2 : 4) }));
  process.exit(0);
}

/** The default-thread train step in a child process with glibc's default malloc settings (no mallocTuned). */
function trainStepMsUntunedMalloc(): number {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    encoding: "utf8", env: { ...process.env, GAMMA_MALLOC_TUNE: "0", GAMMA_BENCH_STEP_ONLY: "1" },
  });
  if (child.status !== 0) throw new Error(`child benchmark failed: ${child.stderr}`);
  return (JSON.parse(child.stdout.trim().split("\n").pop()!) as { train_step_ms: number }).train_step_ms;
}

const peak = cpuPeak();
const threadSettings: { intraOp: number; blas: number }[] = [
  { intraOp: 1, blas: peak.cores },
  { intraOp: peak.cores, blas: peak.cores },
  { intraOp: peak.cores, blas: 1 },
];
const results: { intraOp: number; blas: number; train_step_ms: number }[] = [];
const steps = quick ? 2 : 4;
for (const s of threadSettings) {
  configureThreads(s);
  results.push({ ...s, train_step_ms: trainStepMs(steps) });
  console.log(`train step, intra-op ${s.intraOp}, BLAS ${s.blas}: ${results.at(-1)!.train_step_ms.toFixed(1)} ms`);
}
const defaults = configureThreads();
const untuned = trainStepMsUntunedMalloc();
console.log(`train step with glibc's default malloc settings (child process): ${untuned.toFixed(1)} ms`);
const chosen = results.find((r) => r.intraOp === defaults.intraOp && r.blas === defaults.blas)!;
const fastest = results.reduce((a, b) => (b.train_step_ms < a.train_step_ms ? b : a));

// Matmul and the direct sgemm, interleaved so both see the same machine state; best of the rounds.
let torchBest = 0, directBest = 0;
for (let r = 0; r < (quick ? 2 : 4); r++) {
  torchBest = Math.max(torchBest, matmulGflops(1024, { iterations: 5, repeats: 2 }));
  directBest = Math.max(directBest, directSgemmGflops(1024, { iterations: 5, repeats: 2 }) ?? 0);
}
const perCall = perCallMicroseconds();
const flops = layerTrainFlops(8, 256, 256);
const trainGflops = flops / (chosen.train_step_ms / 1000) / 1e9;

console.log(`matmul fp32 1024^3: libtorch ${torchBest.toFixed(1)} GFLOP/s, BLAS sgemm direct ${directBest.toFixed(1)} GFLOP/s, ratio ${(torchBest / directBest).toFixed(3)}`);
console.log(`binding overhead: ${perCall.toFixed(2)} us per op call (1-element add + dispose)`);
console.log(`transformer layer train step (default threads ${defaults.intraOp}/${defaults.blas}): ${chosen.train_step_ms.toFixed(1)} ms, ${trainGflops.toFixed(1)} GFLOP/s (${(flops / 1e9).toFixed(2)} GFLOP per step)`);
console.log(`CPU peak: ${peak.cores} x ${peak.ghz.toFixed(3)} GHz x ${peak.flopsPerCycle} = ${peak.gflops.toFixed(1)} GFLOP/s; matmul at ${(100 * torchBest / peak.gflops).toFixed(0)}%, train step at ${(100 * trainGflops / peak.gflops).toFixed(0)}%`);
console.log(JSON.stringify({
  bench: "engine",
  libtorch: libtorchVersion(),
  blas: blasInfo().name,
  matmul_gflops: round(torchBest),
  sgemm_direct_gflops: round(directBest),
  matmul_ratio_to_direct: round(torchBest / directBest, 3),
  train_step_ms: round(chosen.train_step_ms),
  train_step_gflops: round(trainGflops),
  train_step_gflop: round(flops / 1e9, 3),
  threads: { intra_op: defaults.intraOp, blas: defaults.blas },
  malloc_tuned: mallocTuned,
  train_step_ms_default_malloc: round(untuned),
  thread_settings: results.map((r) => ({ intra_op: r.intraOp, blas: r.blas, train_step_ms: round(r.train_step_ms) })),
  fastest_thread_setting: { intra_op: fastest.intraOp, blas: fastest.blas },
  per_call_us: round(perCall, 2),
  peak_gflops: round(peak.gflops),
  peak_formula: `${peak.cores} cores x ${peak.ghz.toFixed(3)} GHz x ${peak.flopsPerCycle} FLOP/cycle`,
}));

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
