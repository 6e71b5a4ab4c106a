// libtorch and argument errors become JavaScript errors carrying libtorch's message, and the process keeps
// running: every test here provokes one and then checks that ordinary work still succeeds.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as F from "../src/engine/functional.js";
import { Generator } from "../src/engine/random.js";
import { cudaAvailable } from "../src/engine/runtime.js";
import { scopeDepth, tidy } from "../src/engine/scope.js";
import { cat, type DType, type Tensor, tensor, zeros } from "../src/engine/tensor.js";
import { f64, i64, values } from "./helpers.js";

/** Asserts fn throws an instance of type whose message matches re, and returns the message. */
function throwsWith(fn: () => unknown, type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, re: RegExp): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected a throw matching ${re}`);
  assert.ok(caught instanceof type, `expected ${type.name}, got ${(caught as Error)?.constructor?.name}: ${(caught as Error)?.message}`);
  const message = (caught as Error).message;
  assert.match(message, re);
  // libtorch's C++ backtrace stays out of the message
  assert.doesNotMatch(message, /Exception raised from|frame #\d/);
  return message;
}

/** Something ordinary that must keep working after each failure. */
function stillWorks(): void {
  tidy(() => {
    assert.deepEqual(values(f64([1, 2, 3, 4], [2, 2]).matmul(f64([1, 0, 0, 1], [2, 2])).add(1)), [2, 3, 4, 5]);
  });
}

describe("libtorch errors become JavaScript errors", () => {
  test("matmul shape mismatch: the message mentions the shapes", () => tidy(() => {
    throwsWith(() => zeros([2, 3]).matmul(zeros([4, 5])), Error, /2x3 and 4x5/);
    throwsWith(() => zeros([2, 3, 4]).bmm(zeros([2, 5, 6])), Error, /4.*5|size/);
    throwsWith(() => F.linear(zeros([2, 3]), zeros([4, 5])), Error, /2x3 and 5x4/);
    throwsWith(() => zeros([2, 3]).add(zeros([4])), Error, /size of tensor a \(3\) must match the size of tensor b \(4\)/);
    throwsWith(() => cat([zeros([2, 3]), zeros([2, 4])], 0), Error, /Sizes of tensors must match/);
    stillWorks();
  }));

  test("a bad dtype string", () => tidy(() => {
    throwsWith(() => zeros([2], { dtype: "float99" as DType }), Error, /unknown dtype 'float99'/);
    throwsWith(() => tensor([1, 2]).to("int128" as DType), Error, /unknown dtype 'int128'/);
    throwsWith(() => tensor([1, 2], { dtype: "half" as DType }), Error, /unknown dtype 'half'/);
    stillWorks();
  }));

  test("index out of range in indexSelect, embedding, gather, select, crossEntropy", () => tidy(() => {
    throwsWith(() => zeros([3]).indexSelect(0, i64([5])), Error, /index out of range/);
    throwsWith(() => zeros([3, 2]).indexSelect(0, i64([0, -1])), Error, /index out of range/);
    throwsWith(() => F.embedding(i64([7]), zeros([3, 2])), Error, /index out of range/);
    throwsWith(() => F.embedding(i64([-1]), zeros([3, 2])), Error, /index out of range/);
    throwsWith(() => zeros([2, 3]).gather(1, i64([3], [1, 1])), Error, /out of bounds/);
    throwsWith(() => zeros([2, 3]).select(1, 3), Error, /out of range/);
    throwsWith(() => zeros([2, 3]).narrow(1, 2, 2), Error, /exceeds dimension size/);
    throwsWith(() => F.crossEntropy(zeros([2, 3]), i64([0, 5])), Error, /Target 5 is out of bounds/);
    stillWorks();
  }));

  test("a cuda tensor on this cpu-only build: the message says there is no CUDA", { skip: cudaAvailable() ? "this libtorch has CUDA" : false }, () => tidy(() => {
    throwsWith(() => zeros([2], { device: "cuda" }), Error, /no CUDA/);
    throwsWith(() => tensor([1, 2], { device: "cuda:0" }), Error, /no CUDA/);
    throwsWith(() => tensor([1, 2]).to("cuda"), Error, /no CUDA/);
    throwsWith(() => F.hannWindow(4).to({ device: "cuda:1" }), Error, /no CUDA/);
    stillWorks();
  }));

  test("reshape or view to an incompatible size", () => tidy(() => {
    throwsWith(() => zeros([2, 3]).reshape(4, 2), Error, /shape '\[4, 2\]' is invalid for input of size 6/);
    throwsWith(() => zeros([2, 3]).view(5, -1), Error, /shape '\[5, -1\]' is invalid for input of size 6/);
    throwsWith(() => zeros([2, 3]).transpose(0, 1).view(6), Error, /view size is not compatible/);
    throwsWith(() => zeros([2, 3]).expand(4, 3), Error, /expanded size/);
    throwsWith(() => zeros([2, 3]).permute(0), Error, /number of dimensions/);
    stillWorks();
  }));

  test("using a tensor after dispose()", () => {
    const t = tensor([1, 2, 3]);
    t.dispose();
    assert.equal(t.disposed, true);
    t.dispose(); // idempotent
    throwsWith(() => t.add(1), Error, /used after dispose/);
    throwsWith(() => t.shape, Error, /used after dispose/);
    throwsWith(() => t.toFloat32Array(), Error, /used after dispose/);
    const live = tensor([1, 2, 3]);
    throwsWith(() => live.add(t), Error, /used after dispose/);
    throwsWith(() => cat([live, t]), Error, /used after dispose/);
    assert.equal(String(t), "Tensor(disposed)");
    // tensors made inside tidy are disposed at its end unless returned
    let inner: Tensor | undefined;
    const kept = tidy(() => {
      inner = tensor([4, 5]);
      return tensor([6]);
    });
    assert.equal(inner!.disposed, true);
    throwsWith(() => inner!.sum(), Error, /used after dispose/);
    assert.equal(kept.disposed, false);
    assert.deepEqual(values(kept), [6]);
    // a view stays valid after its base is disposed
    const base = f64([1, 2, 3, 4], [4]);
    const view = base.narrow(0, 1, 2);
    base.dispose();
    assert.deepEqual(values(view), [2, 3]);
    live.dispose();
    kept.dispose();
    view.dispose();
    stillWorks();
  });

  test("wrong argument types give TypeErrors", () => tidy(() => {
    const x = tensor([1, 2, 3]);
    throwsWith(() => x.add("x" as unknown as Tensor), TypeError, /must be a (tensor|number)/);
    throwsWith(() => x.sub([1] as unknown as Tensor), TypeError, /must be a (tensor|number)/);
    throwsWith(() => x.gt(null as unknown as Tensor), TypeError, /./);
    throwsWith(() => x.matmul("x" as unknown as Tensor), TypeError, /must be a tensor/);
    throwsWith(() => x.mul({} as unknown as Tensor), TypeError, /must be a tensor/);
    throwsWith(() => cat([x, 3 as unknown as Tensor]), TypeError, /must be (a tensor|an array of tensors)/);
    throwsWith(() => x.reshape(1.5, 2), TypeError, /array of integers/);
    throwsWith(() => x.narrow(0, 0.5, 1), TypeError, /an integer/);
    throwsWith(() => x.narrow(0, "0" as unknown as number, 1), TypeError, /an integer/);
    throwsWith(() => zeros("abc" as unknown as number[]), TypeError, /array of integers/);
    throwsWith(() => x.softmax(0, 5 as unknown as DType), TypeError, /a string/);
    throwsWith(() => F.dropout(x, 0.5, "yes" as unknown as boolean), TypeError, /a boolean/);
    throwsWith(() => tensor(new Uint16Array([1, 2])), TypeError, /needs an explicit dtype/);
    throwsWith(() => x.pad([1, 1], "wrap" as "reflect"), Error, /mode must be constant, reflect or replicate/);
    throwsWith(() => F.crossEntropy(zeros([2, 3]), i64([0, 1]), { reduction: "avg" as "mean" }), Error, /reduction must be mean, sum or none/);
    stillWorks();
  }));

  test("malformed creation arguments", () => tidy(() => {
    throwsWith(() => tensor([[1, 2], [3]]), RangeError, /ragged/);
    throwsWith(() => tensor(new Float32Array(5), { shape: [2, 2] }), RangeError, /20 bytes given, shape needs 16/);
    throwsWith(() => zeros([-1, 2]), Error, /negative/i);
    throwsWith(() => new Generator(1).setState(new Uint8Array(3)), Error, /./);
    stillWorks();
  }));

  test("item() on a multi-element tensor", () => tidy(() => {
    throwsWith(() => zeros([2, 3]).item(), RangeError, /6 elements, not 1/);
    throwsWith(() => zeros([0]).item(), RangeError, /0 elements, not 1/);
    assert.equal(tensor([[2.5]]).item(), 2.5);
    stillWorks();
  }));

  test("autograd misuse", () => tidy(() => {
    const x = f64([1, 2], [2], true);
    throwsWith(() => x.mul(2).backward(), Error, /only for scalar outputs/);
    throwsWith(() => f64([1], [1]).sum().backward(), Error, /does not require grad/);
    throwsWith(() => x.mul(2).backward(f64([1, 2, 3], [3])), Error, /Mismatch in shape|shape/);
    stillWorks();
  }));

  test("an error inside tidy frees the scope's tensors and closes the scope", () => {
    const depth = scopeDepth();
    let made: Tensor | undefined;
    assert.throws(() => tidy(() => {
      made = tensor([1, 2]);
      return made.matmul(zeros([3, 3]));
    }), /cannot be multiplied|size/);
    assert.equal(made!.disposed, true);
    assert.equal(scopeDepth(), depth);
    stillWorks();
  });

  test("after all of them, normal ops still work", () => tidy(() => {
    const a = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(values(a.sum(1)), [6, 15]);
    assert.deepEqual(values(F.softmax(f64([0, 0], [2]), 0)), [0.5, 0.5]);
    const g = f64([3], [1], true);
    g.square().sum().backward();
    assert.deepEqual(values(g.grad!), [6]);
  }));
});
