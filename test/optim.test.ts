import { test } from "node:test";
import assert from "node:assert/strict";
import { AdamW, GradAccumulator, clipGradNorm, cosineWithWarmup, decayGroups } from "../src/engine/optim.js";
import { Linear } from "../src/engine/module.js";
import { Generator } from "../src/engine/random.js";
import { tidy } from "../src/engine/scope.js";
import { F, randn, tensor } from "../src/engine/index.js";

/** AdamW by its definition (Loshchilov & Hutter, as torch.optim.AdamW), in float64. */
function adamwReference(p: number[], grads: number[][], lr: number, b1: number, b2: number, eps: number, wd: number): number[] {
  const m = p.map(() => 0), v = p.map(() => 0);
  let x = p.slice();
  grads.forEach((g, i) => {
    const t = i + 1;
    x = x.map((xi, j) => {
      const decayed = xi * (1 - lr * wd);
      m[j] = b1 * m[j]! + (1 - b1) * g[j]!;
      v[j] = b2 * v[j]! + (1 - b2) * g[j]! * g[j]!;
      const mhat = m[j]! / (1 - b1 ** t), vhat = v[j]! / (1 - b2 ** t);
      return decayed - (lr * mhat) / (Math.sqrt(vhat) + eps);
    });
  });
  return x;
}

test("AdamW matches the reference update over several steps", () => {
  const p = tensor([0.5, -1.5, 2.0], { dtype: "float64", requiresGrad: true });
  const opt = new AdamW([p], { lr: 0.1, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0.05 });
  const grads = [[1, -2, 0.5], [0.3, 0.3, -1], [-2, 1, 0.1]];
  for (const g of grads) {
    p.grad = tensor(g, { dtype: "float64" });
    opt.step();
  }
  const expected = adamwReference([0.5, -1.5, 2.0], grads, 0.1, 0.9, 0.99, 1e-8, 0.05);
  p.toList().forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-12, `${x} vs ${expected[i]}`));
});

test("weight decay is decoupled and parameter groups keep their own settings", () => {
  const a = tensor([1, 1], { dtype: "float64", requiresGrad: true });
  const b = tensor([1, 1], { dtype: "float64", requiresGrad: true });
  const opt = new AdamW([{ params: [a], lr: 0.1, weightDecay: 0.5 }, { params: [b], lr: 0.01, weightDecay: 0 }]);
  a.grad = tensor([0, 0], { dtype: "float64" });
  b.grad = tensor([0, 0], { dtype: "float64" });
  opt.step();
  assert.deepEqual(a.toList(), [0.95, 0.95], "zero gradient: only the decoupled decay acts (1 - lr * wd)");
  assert.deepEqual(b.toList(), [1, 1]);
  opt.lrScale = 0.5;
  a.grad = tensor([0, 0], { dtype: "float64" });
  opt.step();
  assert.ok(Math.abs(a.toList()[0]! - 0.95 * (1 - 0.05 * 0.5)) < 1e-15, "lrScale multiplies every group's lr");
});

test("parameters without gradients are skipped", () => {
  const p = tensor([3], { requiresGrad: true });
  const opt = new AdamW([p], { weightDecay: 0.1 });
  opt.step();
  assert.deepEqual(p.toList(), [3]);
});

test("decayGroups puts matrices in the decaying group and vectors in the other", () => {
  const l = new Linear(4, 2);
  const [decay, noDecay] = decayGroups(l.namedParameters(), 0.1);
  assert.deepEqual(decay!.params, [l.weight]);
  assert.deepEqual(noDecay!.params, [l.bias]);
  assert.equal(noDecay!.weightDecay, 0);
});

test("clipGradNorm scales to the maximum global norm and returns the norm before", () => {
  const a = tensor([3], { requiresGrad: true }), b = tensor([4], { requiresGrad: true });
  a.grad = tensor([3]);
  b.grad = tensor([4]);
  assert.ok(Math.abs(clipGradNorm([a, b], 1) - 5) < 1e-6);
  assert.ok(Math.abs(a.grad.item() - 0.6) < 1e-5 && Math.abs(b.grad.item() - 0.8) < 1e-5);
  assert.ok(Math.abs(clipGradNorm([a, b], 10) - 1) < 1e-5, "below the bound nothing changes");
  assert.ok(Math.abs(a.grad.item() - 0.6) < 1e-5);
});

test("cosine schedule: linear warmup, cosine to the floor", () => {
  assert.equal(cosineWithWarmup(0, 10, 110), 0.1);
  assert.equal(cosineWithWarmup(9, 10, 110), 1);
  assert.equal(cosineWithWarmup(10, 10, 110), 1);
  assert.ok(Math.abs(cosineWithWarmup(60, 10, 110, 0) - 0.5) < 1e-12, "half way through decay");
  assert.equal(cosineWithWarmup(110, 10, 110, 0.1), 0.1);
  assert.equal(cosineWithWarmup(500, 10, 110, 0.1), 0.1);
});

test("gradient accumulation over micro-batches equals the full-batch gradient", () => {
  const g = new Generator(5);
  const x = randn([8, 3], { generator: g, dtype: "float64" });
  const y = randn([8, 1], { generator: g, dtype: "float64" });
  const w = randn([1, 3], { generator: g, dtype: "float64", requiresGrad: true });
  tidy(() => F.mseLoss(F.linear(x, w), y).backward());
  const full = w.grad!.toList();
  w.grad = undefined;
  const acc = new GradAccumulator(4);
  const stepsAt: boolean[] = [];
  for (let i = 0; i < 4; i++) {
    tidy(() => F.mseLoss(F.linear(x.narrow(0, 2 * i, 2), w), y.narrow(0, 2 * i, 2)).mul(acc.scale).backward());
    stepsAt.push(acc.tick());
  }
  assert.deepEqual(stepsAt, [false, false, false, true]);
  w.grad!.toList().forEach((v, i) => assert.ok(Math.abs(v - full[i]!) < 1e-12));
  assert.throws(() => new GradAccumulator(0), /positive integer/);
});

test("a small regression trains, and resuming from the optimizer state continues exactly", () => {
  const g = new Generator(11);
  const x = randn([64, 4], { generator: g });
  const trueW = tensor([[1, -2, 0.5, 3]]);
  const y = F.linear(x, trueW);
  const run = (model: Linear, opt: AdamW, steps: number): number => {
    let loss = 0;
    for (let i = 0; i < steps; i++) {
      loss = tidy(() => {
        opt.zeroGrad();
        const l = F.mseLoss(model.forward(x), y);
        l.backward();
        opt.step();
        return l.item();
      });
    }
    return loss;
  };
  const m1 = new Linear(4, 1, { generator: new Generator(1) });
  const o1 = new AdamW(m1.parameters(), { lr: 0.05, weightDecay: 0 });
  const first = tidy(() => F.mseLoss(m1.forward(x), y).item());
  run(m1, o1, 100);
  // Snapshot, continue 50 steps; then restore the snapshot in a fresh model and optimizer and do the same.
  const snapModel = new Map([...m1.stateDict()].map(([k, v]) => [k, v.clone()]));
  const snapOpt = o1.stateDict();
  const snapOptCopy = { tensors: new Map([...snapOpt.tensors].map(([k, v]) => [k, v.clone()])), scalars: { ...snapOpt.scalars } };
  const lossA = run(m1, o1, 50);
  const m2 = new Linear(4, 1, { generator: new Generator(99) });
  const o2 = new AdamW(m2.parameters(), { lr: 0.05, weightDecay: 0 });
  m2.loadStateDict(snapModel);
  o2.loadStateDict(snapOptCopy);
  const lossB = run(m2, o2, 50);
  assert.equal(lossB, lossA, "resumed training is bit-identical");
  assert.ok(lossA < first / 100, `loss fell from ${first} to ${lossA}`);
});
