// Autograd: gradient bookkeeping (requiresGrad, backward, accumulation, noGrad, detach) and float64 gradient
// checks of every differentiable op family against central finite differences.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { enableGrad, isGradEnabled, noGrad } from "../src/engine/autograd.js";
import * as F from "../src/engine/functional.js";
import { tidy } from "../src/engine/scope.js";
import { cat, ones, stack, type Tensor, tensor, where, zeros } from "../src/engine/tensor.js";
import { assertClose, f64, gradcheck, i64, numelOf, Rng, values } from "./helpers.js";

/** A float64 leaf with requiresGrad and random values in [lo, hi). */
function leaf(rng: Rng, shape: number[], lo = -1, hi = 1): Tensor {
  return f64(rng.array(numelOf(shape), lo, hi), shape, true);
}

/** Distinct, well-separated values (for max and sort-like ops, where ties break finite differences). */
function distinctLeaf(rng: Rng, shape: number[]): Tensor {
  const n = numelOf(shape);
  const vals = Array.from({ length: n }, (_, i) => i * 0.37 - n * 0.15);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [vals[i], vals[j]] = [vals[j]!, vals[i]!];
  }
  return f64(vals, shape, true);
}

// ---------------------------------------------------------------------------------------------------------
describe("gradient bookkeeping", () => {
  test("requiresGrad, isLeaf and propagation through ops", () => tidy(() => {
    const a = f64([1, 2], [2]);
    assert.equal(a.requiresGrad, false);
    const b = f64([3, 4], [2], true);
    assert.equal(b.requiresGrad, true);
    assert.equal(ones([2], { requiresGrad: true }).requiresGrad, true);
    assert.equal(a.requiresGrad_().requiresGrad, true);
    a.requiresGrad = false;
    assert.equal(a.requiresGrad, false);
    const c = a.mul(b);
    assert.equal(c.requiresGrad, true);
    assert.equal(c.isLeaf, false);
    assert.equal(b.isLeaf, true);
    assert.equal(a.add(1).requiresGrad, false);
    assert.equal(b.grad, undefined, "no grad before backward");
  }));

  test("backward() on a scalar: d/dx sum(x^2 + 3x) = 2x + 3", () => tidy(() => {
    const X = [0.5, -1.25, 2, 3.5];
    const x = f64(X, [4], true);
    x.square().add(x.mul(3)).sum().backward();
    assertClose(values(x.grad!), X.map((v) => 2 * v + 3), 1e-15);
    // float32 too
    const y = tensor([1, 2, 3], { requiresGrad: true });
    y.mul(y).mean().backward();
    assertClose(values(y.grad!), [2 / 3, 4 / 3, 2], 1e-7);
    assert.equal(y.grad!.dtype, "float32");
  }));

  test("backward(gradient) on a non-scalar", () => tidy(() => {
    const X = [1, 2, 3, 4, 5, 6];
    const G = [0.1, -1, 2, 0, 3, -0.5];
    const x = f64(X, [2, 3], true);
    const y = x.mul(x).mul(0.5); // dy/dx = x
    y.backward(f64(G, [2, 3]));
    assertClose(values(x.grad!), X.map((v, i) => v * G[i]!), 1e-15);
    assert.deepEqual(x.grad!.shape, [2, 3]);
    // without a gradient, a non-scalar output cannot start backward
    const z = f64(X, [6], true);
    assert.throws(() => z.mul(2).backward(), /scalar/);
  }));

  test(".grad accumulates over two backward calls; retainGraph; clearing", () => tidy(() => {
    const x = f64([1, 2, 3], [3], true);
    x.mul(x).sum().backward();
    assertClose(values(x.grad!), [2, 4, 6], 0);
    x.mul(x).sum().backward();
    assertClose(values(x.grad!), [4, 8, 12], 0, "second backward adds to .grad");
    // the same graph twice needs retainGraph
    x.grad = undefined;
    assert.equal(x.grad, undefined);
    const loss = x.mul(5).sum();
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    assertClose(values(x.grad!), [10, 10, 10], 0);
    // without it, the second call fails with libtorch's message (and the process goes on)
    const loss2 = x.exp().sum();
    loss2.backward();
    assert.throws(() => loss2.backward(), /backward through the graph a second time/);
    // setting a gradient explicitly
    x.grad = f64([7, 8, 9], [3]);
    assertClose(values(x.grad), [7, 8, 9], 0);
  }));

  test("noGrad: results do not require grad; the mode is restored, also after a throw; enableGrad inside", () => tidy(() => {
    const x = f64([1, 2], [2], true);
    assert.equal(isGradEnabled(), true);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      return x.mul(2).exp();
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(isGradEnabled(), true);
    assert.throws(() => noGrad(() => {
      throw new Error("inside");
    }), /inside/);
    assert.equal(isGradEnabled(), true, "noGrad must restore the mode after a throw");
    const z = noGrad(() => enableGrad(() => x.mul(3)));
    assert.equal(z.requiresGrad, true);
    const nested = noGrad(() => noGrad(() => 1) + (isGradEnabled() ? 10 : 0));
    assert.equal(nested, 1, "inner noGrad must restore the outer (disabled) mode");
    assert.equal(isGradEnabled(), true);
  }));

  test("detach: same values, no grad, blocks gradient flow", () => tidy(() => {
    const X = [1.5, -2, 0.25];
    const x = f64(X, [3], true);
    const d = x.detach();
    assert.equal(d.requiresGrad, false);
    assert.deepEqual(values(d), X);
    // y = x * stopgrad(x): dy/dx = x (not 2x)
    x.mul(x.detach()).sum().backward();
    assertClose(values(x.grad!), X, 0);
  }));

  test("embedding: rows at paddingIdx get no gradient, repeated indices accumulate", () => tidy(() => {
    const w = f64(Array.from({ length: 12 }, (_, i) => i / 10), [4, 3], true);
    F.embedding(i64([1, 2, 1, 3, 3, 3]), w, 3).sum().backward();
    assertClose(values(w.grad!), [0, 0, 0, 2, 2, 2, 1, 1, 1, 0, 0, 0], 0);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("gradcheck (float64 central differences)", () => {
  test("add, sub, mul, div, pow (with broadcasting and alpha)", () => tidy(() => {
    const rng = new Rng(101);
    const a = leaf(rng, [2, 3]);
    const b = leaf(rng, [3], 0.5, 2);
    gradcheck(([x, y]) => x!.add(y!), [a, b]);
    gradcheck(([x, y]) => x!.add(y!, 2.5), [a, b]);
    gradcheck(([x, y]) => x!.sub(y!, -0.5), [a, b]);
    gradcheck(([x, y]) => x!.mul(y!), [a, b]);
    gradcheck(([x, y]) => x!.div(y!), [a, b]);
    gradcheck(([x, y]) => y!.pow(x!), [a, b]);
    const p = leaf(rng, [2, 3], 0.3, 2);
    gradcheck(([x]) => x!.pow(3), [p]);
    gradcheck(([x]) => x!.pow(0.5), [p]);
    gradcheck(([x]) => x!.mul(2.5).add(1).div(3).sub(x!.square()), [a]);
    gradcheck(([x]) => x!.neg().abs().add(x!.reciprocal()), [p]);
    gradcheck(([x, y]) => x!.maximum(y!.expand(2, 3)).add(x!.minimum(y!.expand(2, 3))), [a, b]);
    gradcheck(([x]) => x!.clamp(-0.5, 0.5), [f64([-0.9, -0.2, 0.1, 0.3, 0.8, 0.45], [6], true)]);
  }));

  test("exp, log, log1p, sqrt, rsqrt, tanh, sigmoid, gelu (both forms), silu, relu, sin, cos, erf", () => tidy(() => {
    const rng = new Rng(102);
    const x = leaf(rng, [2, 4], -2, 2);
    const pos = leaf(rng, [2, 4], 0.2, 3);
    gradcheck(([t]) => t!.exp(), [x]);
    gradcheck(([t]) => t!.log(), [pos]);
    gradcheck(([t]) => t!.log1p(), [pos]);
    gradcheck(([t]) => t!.sqrt(), [pos]);
    gradcheck(([t]) => t!.rsqrt(), [pos]);
    gradcheck(([t]) => t!.tanh(), [x]);
    gradcheck(([t]) => t!.sigmoid(), [x]);
    gradcheck(([t]) => F.gelu(t!), [x]);
    gradcheck(([t]) => F.gelu(t!, "tanh"), [x]);
    gradcheck(([t]) => F.silu(t!), [x]);
    gradcheck(([t]) => t!.sin().mul(t!.cos()), [x]);
    gradcheck(([t]) => t!.erf(), [x]);
    // relu away from its kink
    gradcheck(([t]) => t!.relu(), [f64([-1.5, -0.3, 0.2, 1.7], [4], true)]);
  }));

  test("matmul, bmm, linear", () => tidy(() => {
    const rng = new Rng(103);
    const a = leaf(rng, [2, 3, 4]);
    const b = leaf(rng, [4, 2]);
    gradcheck(([x, y]) => x!.matmul(y!), [a, b]);
    gradcheck(([x, y]) => x!.matmul(y!), [leaf(rng, [3]), leaf(rng, [3, 2])]);
    gradcheck(([x, y]) => x!.bmm(y!), [a, leaf(rng, [2, 4, 3])]);
    gradcheck(([x, w, bias]) => F.linear(x!, w!, bias!), [leaf(rng, [2, 3, 4]), leaf(rng, [5, 4]), leaf(rng, [5])]);
    gradcheck(([x, w]) => F.linear(x!, w!), [leaf(rng, [3, 4]), leaf(rng, [2, 4])]);
  }));

  test("sum, mean, var, logsumexp, max by dim", () => tidy(() => {
    const rng = new Rng(104);
    const x = leaf(rng, [3, 4]);
    gradcheck(([t]) => t!.sum(), [x]);
    gradcheck(([t]) => t!.sum(1, true), [x]);
    gradcheck(([t]) => t!.sum([0, 1]), [x]);
    gradcheck(([t]) => t!.mean(), [x]);
    gradcheck(([t]) => t!.mean(0), [x]);
    gradcheck(([t]) => t!.var(), [x]);
    gradcheck(([t]) => t!.var(1, { correction: 0, keepdim: true }), [x]);
    gradcheck(([t]) => t!.var(0), [x]);
    gradcheck(([t]) => t!.logsumexp(1), [x]);
    gradcheck(([t]) => t!.logsumexp([0, 1]), [x]);
    const d = distinctLeaf(rng, [3, 4]);
    gradcheck(([t]) => t!.max(1).values, [d]);
    gradcheck(([t]) => t!.min(0, true).values, [d]);
    gradcheck(([t]) => t!.max(), [d]);
    gradcheck(([t]) => t!.amax(1), [d]);
    gradcheck(([t]) => t!.prod(1), [leaf(rng, [2, 3], 0.5, 1.5)]);
    gradcheck(([t]) => t!.cumsum(1), [x]);
    gradcheck(([t]) => t!.norm(), [x]);
    gradcheck(([t]) => t!.topk(2).values, [d]);
  }));

  test("softmax and logSoftmax", () => tidy(() => {
    const rng = new Rng(105);
    const x = leaf(rng, [3, 4], -2, 2);
    gradcheck(([t]) => F.softmax(t!, -1), [x]);
    gradcheck(([t]) => F.softmax(t!, 0), [x]);
    gradcheck(([t]) => F.logSoftmax(t!, 1), [x]);
    gradcheck(([t]) => F.logSoftmax(t!, 0), [x]);
  }));

  test("layerNorm (input, weight and bias) and rmsNorm", () => tidy(() => {
    const rng = new Rng(106);
    const x = leaf(rng, [2, 3, 4], -2, 2);
    gradcheck(([t, w, b]) => F.layerNorm(t!, [4], w!, b!), [x, leaf(rng, [4], 0.5, 1.5), leaf(rng, [4])]);
    gradcheck(([t]) => F.layerNorm(t!, [3, 4]), [x]);
    gradcheck(([t, w, b]) => F.layerNorm(t!, [3, 4], w!, b!, 0.1), [x, leaf(rng, [3, 4], 0.5, 1.5), leaf(rng, [3, 4])]);
    // rmsNorm computes in float32 whatever the input dtype (documented), so float64 finite differences can only
    // reach float32 accuracy: a larger step and a looser tolerance.
    gradcheck(([t, w]) => F.rmsNorm(t!, w!), [leaf(rng, [3, 5], -2, 2), leaf(rng, [5], 0.5, 1.5)], { eps: 1e-2, tol: 3e-3 });
    // the same formula written in float64 ops checks rmsNorm's gradient against the exact one
    const X = leaf(rng, [3, 5], -2, 2);
    const W = leaf(rng, [5], 0.5, 1.5);
    F.rmsNorm(X, W).sum().backward();
    const gx = values(X.grad!);
    const gw = values(W.grad!);
    X.grad = undefined;
    W.grad = undefined;
    X.mul(X.square().mean(-1, true).add(1e-6).rsqrt()).mul(W).sum().backward();
    assertClose(gx, values(X.grad!), { atol: 1e-6, rtol: 1e-5 });
    assertClose(gw, values(W.grad!), { atol: 1e-6, rtol: 1e-5 });
  }));

  test("conv1d (input, weight, bias) and pooling", () => tidy(() => {
    const rng = new Rng(107);
    gradcheck(([x, w, b]) => F.conv1d(x!, w!, b!), [leaf(rng, [2, 3, 7]), leaf(rng, [4, 3, 3]), leaf(rng, [4])]);
    gradcheck(([x, w, b]) => F.conv1d(x!, w!, b!, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
      [leaf(rng, [1, 4, 9]), leaf(rng, [6, 2, 2]), leaf(rng, [6])]);
    gradcheck(([x, w]) => F.conv2d(x!, w!, undefined, { stride: [2, 1], padding: [1, 1] }), [leaf(rng, [1, 2, 4, 4]), leaf(rng, [2, 2, 3, 2])]);
    const x = leaf(rng, [2, 2, 7]);
    gradcheck(([t]) => F.avgPool1d(t!, 3, 2, 1), [x]);
    gradcheck(([t]) => F.avgPool1d(t!, 2), [x]);
    gradcheck(([t]) => F.maxPool1d(t!, 3, 2, 1), [distinctLeaf(rng, [2, 2, 7])]);
    gradcheck(([t]) => F.avgPool2d(t!, [2, 2]), [leaf(rng, [1, 1, 4, 4])]);
  }));

  test("embedding (weight grad)", () => tidy(() => {
    const rng = new Rng(108);
    const idx = i64([0, 3, 3, 1, 4, 3], [2, 3]);
    gradcheck(([w, i]) => F.embedding(i!, w!), [leaf(rng, [5, 3]), idx]);
  }));

  test("crossEntropy, with label smoothing and ignored rows; mse and bce", () => tidy(() => {
    const rng = new Rng(109);
    const logits = leaf(rng, [5, 4], -2, 2);
    const target = i64([1, 0, -100, 3, 2]);
    gradcheck(([l]) => F.crossEntropy(l!, target), [logits]);
    gradcheck(([l]) => F.crossEntropy(l!, target, { labelSmoothing: 0.2 }), [logits]);
    gradcheck(([l]) => F.crossEntropy(l!, i64([1, 0, 2, 3, 2]), { labelSmoothing: 0.1, ignoreIndex: 2 }), [logits]);
    gradcheck(([l]) => F.crossEntropy(l!, target, { reduction: "none", labelSmoothing: 0.3 }), [logits]);
    gradcheck(([l]) => F.crossEntropy(l!, target, { weight: f64([0.5, 1, 2, 1.5], [4]) }), [logits]);
    gradcheck(([a, b]) => F.mseLoss(a!, b!), [leaf(rng, [6]), leaf(rng, [6])]);
    gradcheck(([z]) => F.binaryCrossEntropyWithLogits(z!, f64([0, 1, 1, 0], [4])), [leaf(rng, [4], -3, 3)]);
  }));

  test("gather, indexSelect, scatterAdd, cat, stack, transpose, permute, reshape, pad, narrow, slice, select, expand, split", () => tidy(() => {
    const rng = new Rng(110);
    const x = leaf(rng, [3, 4]);
    gradcheck(([t]) => t!.gather(1, i64([0, 3, 3, 1, 2, 0], [3, 2])), [x]);
    gradcheck(([t]) => t!.indexSelect(1, i64([2, 0, 2])), [x]);
    gradcheck(([t]) => t!.indexSelect(0, i64([1, 1])), [x]);
    gradcheck(([t, s]) => t!.scatterAdd(1, i64([0, 0, 2, 3, 1, 1], [3, 2]), s!), [x, leaf(rng, [3, 2])]);
    gradcheck(([a, b]) => cat([a!, b!], 0), [x, leaf(rng, [2, 4])]);
    gradcheck(([a, b]) => cat([a!, b!], 1), [x, leaf(rng, [3, 1])]);
    gradcheck(([a, b]) => stack([a!, b!], 1), [x, leaf(rng, [3, 4])]);
    gradcheck(([t]) => t!.transpose(0, 1).matmul(t!), [x]);
    gradcheck(([t]) => t!.permute(1, 0).reshape(2, 6), [x]);
    gradcheck(([t]) => t!.reshape(12).view(6, 2), [x]);
    gradcheck(([t]) => t!.pad([1, 2], "constant", 0.5), [x]);
    gradcheck(([t]) => t!.pad([2, 1], "reflect"), [x]);
    gradcheck(([t]) => t!.pad([1, 2], "replicate"), [x]);
    gradcheck(([t]) => t!.unsqueeze(0).pad([1, 1, 2, 1], "reflect"), [x]);
    gradcheck(([t]) => t!.narrow(1, 1, 2), [x]);
    gradcheck(([t]) => t!.slice(1, -3, undefined, 2), [x]);
    gradcheck(([t]) => t!.select(0, 2), [x]);
    gradcheck(([t]) => t!.unsqueeze(0).expand(2, 3, 4), [x]);
    gradcheck(([t]) => t!.split([1, 3], 1)[1]!.mul(t!.chunk(2, 1)[0]!.sum(1, true)), [x]);
    gradcheck(([t]) => t!.flip(0).triu(1).add(t!.tril(-1)), [x]);
    gradcheck(([t]) => t!.flatten().repeat(2), [x]);
  }));

  test("where and maskedFill", () => tidy(() => {
    const rng = new Rng(111);
    const a = leaf(rng, [2, 3]);
    const b = leaf(rng, [2, 3]);
    const cond = tensor([[true, false, true], [false, false, true]]);
    gradcheck(([x, y]) => where(cond, x!, y!), [a, b]);
    gradcheck(([x]) => where(cond, x!, 0.5), [a]);
    gradcheck(([y]) => where(cond, 2, y!), [b]);
    gradcheck(([x]) => x!.maskedFill(cond, -3), [a]);
    gradcheck(([x]) => x!.maskedFill(tensor([false, true, false]), 0).exp(), [a]);
  }));

  test("scaledDotProductAttention, causal and masked", () => tidy(() => {
    const rng = new Rng(112);
    const q = leaf(rng, [2, 3, 4]);
    const k = leaf(rng, [2, 3, 4]);
    const v = leaf(rng, [2, 3, 2]);
    gradcheck(([a, b, c]) => F.scaledDotProductAttention(a!, b!, c!, { causal: true }), [q, k, v]);
    gradcheck(([a, b, c]) => F.scaledDotProductAttention(a!, b!, c!), [q, k, v]);
    // KV-cache alignment (Lk > Lq), plus a boolean mask
    const q2 = leaf(rng, [1, 2, 4]);
    const k2 = leaf(rng, [1, 4, 4]);
    const v2 = leaf(rng, [1, 4, 3]);
    gradcheck(([a, b, c]) => F.scaledDotProductAttention(a!, b!, c!, { causal: true }), [q2, k2, v2]);
    const mask = tensor([[true, false, true, true], [true, true, false, true]]);
    gradcheck(([a, b, c]) => F.scaledDotProductAttention(a!, b!, c!, { mask }), [q2, k2, v2]);
  }));

  test("gradcheck itself catches a wrong gradient", () => tidy(() => {
    // detach() hides part of the dependence: autograd gives x, finite differences 2x
    const x = f64([0.5, 1.5], [2], true);
    assert.throws(() => gradcheck(([t]) => t!.mul(t!.detach()), [x]), /finite differences/);
    // and the grads of the inputs are left cleared
    assert.equal(x.grad, undefined);
    assert.deepEqual(zeros([1]).shape, [1]);
  }));
});
