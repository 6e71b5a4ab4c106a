// The FLOP counter behind bench:train's achieved GFLOP/s: exact counts for linear layers, convolutions and
// attention, forward and backward, by which operands need gradients.
import assert from "node:assert/strict";
import { test } from "node:test";
import { enableGrad, noGrad } from "../src/engine/autograd.js";
import { countFlops } from "../src/engine/flops.js";
import * as F from "../src/engine/functional.js";
import { tidy } from "../src/engine/scope.js";
import { randn } from "../src/engine/tensor.js";

test("a linear layer counts 2·rows·in·out forward, and one product per operand that needs a gradient backward", () => tidy(() => {
  const x = randn([5, 3, 8]), w = randn([16, 8]);
  const forward = 2 * 15 * 8 * 16;
  assert.deepEqual(countFlops(() => F.linear(x, w))[1], { forward, backward: 0 }, "nothing needs a gradient");
  w.requiresGrad = true;
  assert.deepEqual(enableGrad(() => countFlops(() => F.linear(x, w)))[1], { forward, backward: forward }, "a trained weight: dW");
  x.requiresGrad = true;
  assert.deepEqual(enableGrad(() => countFlops(() => F.linear(x, w)))[1], { forward, backward: 2 * forward }, "dW and dX");
  assert.deepEqual(noGrad(() => countFlops(() => F.linear(x, w)))[1], { forward, backward: 0 }, "no backward under no_grad");
}));

test("convolutions and attention are counted; nested counts add to the outer one; nothing is counted outside", () => tidy(() => {
  const x = randn([2, 4, 20]), w = randn([6, 4, 3]);
  const [y, conv] = countFlops(() => F.conv1d(x, w, undefined, { stride: 2, padding: 1 }));
  assert.deepEqual(y.shape, [2, 6, 10]);
  assert.equal(conv.forward, 2 * (2 * 6 * 10) * 4 * 3);
  const q = randn([1, 2, 7, 8]), k = randn([1, 2, 9, 8]);
  k.requiresGrad = true;
  const [, outer] = enableGrad(() => countFlops(() => {
    const [, inner] = countFlops(() => F.scaledDotProductAttention(q, k, k));
    assert.equal(inner.forward, 2 * (2 * 2 * 7 * 8 * 9));
    // q k^T: dK only; P v: dP (the scores depend on k) and dV.
    assert.equal(inner.backward, 2 * 7 * 8 * 9 * 2 * (1 + 2));
    F.linear(randn([3, 8]), randn([4, 8]));
  }));
  assert.equal(outer.forward, 2 * (2 * 2 * 7 * 8 * 9) + 2 * 3 * 8 * 4);
}));
