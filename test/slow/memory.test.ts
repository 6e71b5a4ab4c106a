// Slow: 5,000 training steps of a small transformer-style model must not grow resident memory. Run by
// `npm run test:all` (CI) and `npm run test:slow`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AdamW, F, Generator, LayerNorm, Linear, Module, memoryStats, randint, randn, type Tensor, tidy } from "../../src/engine/index.js";

class SmallModel extends Module {
  readonly ln: LayerNorm; readonly qkv: Linear; readonly out: Linear; readonly head: Linear;
  constructor(g: Generator) {
    super();
    this.ln = this.registerModule("ln", new LayerNorm(32));
    this.qkv = this.registerModule("qkv", new Linear(32, 96, { generator: g }));
    this.out = this.registerModule("out", new Linear(32, 32, { generator: g }));
    this.head = this.registerModule("head", new Linear(32, 10, { generator: g }));
  }
  forward(x: Tensor): Tensor {
    const [q, k, v] = this.qkv.forward(this.ln.forward(x)).chunk(3, -1) as [Tensor, Tensor, Tensor];
    const h = x.add(this.out.forward(F.scaledDotProductAttention(q, k, v, { causal: true })));
    return this.head.forward(h.gelu());
  }
}

// Bound: after a 500-step warm-up (allocator pools, V8 code), 4,500 more steps may add at most 40 MiB of
// resident memory. A leak of one activation per step (4 x 16 x 32 floats = 8 KiB) would add 36 MiB plus
// the graph it pins; the live-tensor count must come back to exactly where it was.
const WARMUP = 500, STEPS = 5000, BOUND_MIB = 40;

test(`${STEPS} training steps keep resident memory within ${BOUND_MIB} MiB of the warmed-up level`, { timeout: 600_000 }, () => {
  const g = new Generator(0);
  const model = new SmallModel(g);
  const opt = new AdamW(model.parameters(), { lr: 1e-3 });
  let warm = 0, liveAtWarm = 0;
  let firstLoss = 0, lastLoss = 0;
  for (let step = 0; step < STEPS; step++) {
    const loss = tidy(() => {
      const x = randn([4, 16, 32], { generator: g });
      const y = randint(0, 10, [64], { generator: g });
      opt.zeroGrad();
      const l = F.crossEntropy(model.forward(x).reshape(64, 10), y);
      l.backward();
      opt.step();
      return l.item();
    });
    if (step === 0) firstLoss = loss;
    lastLoss = loss;
    if (step === WARMUP) {
      warm = process.memoryUsage().rss;
      liveAtWarm = memoryStats().liveTensors;
    }
  }
  const grown = (process.memoryUsage().rss - warm) / 2 ** 20;
  console.log(`rss growth over ${STEPS - WARMUP} steps: ${grown.toFixed(1)} MiB; live tensors ${memoryStats().liveTensors} (at warm-up ${liveAtWarm}); loss ${firstLoss.toFixed(3)} -> ${lastLoss.toFixed(3)}`);
  assert.equal(memoryStats().liveTensors, liveAtWarm, "no tensor handle leaks");
  assert.ok(grown < BOUND_MIB, `resident memory grew ${grown.toFixed(1)} MiB`);
  assert.ok(Number.isFinite(lastLoss));
});
