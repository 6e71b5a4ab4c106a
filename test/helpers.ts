// Shared test helpers: tolerance comparisons, a deterministic float64 random source that does not depend on the
// engine, and a float64 central-finite-difference gradient checker for autograd.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/cli/paths.js";
import { noGrad } from "../src/engine/autograd.js";
import { tidy } from "../src/engine/scope.js";
import { type Tensor, tensor } from "../src/engine/tensor.js";

export interface Tolerance {
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance (to |expected|). */
  rtol?: number;
}

/**
 * Asserts |actual[i] - expected[i]| <= atol + rtol * |expected[i]| for every i (a number tol means atol = tol,
 * rtol = 0). NaN matches NaN and infinities must match exactly.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number | Tolerance = 1e-6, message = ""): void {
  const atol = typeof tol === "number" ? tol : tol.atol ?? 0;
  const rtol = typeof tol === "number" ? 0 : tol.rtol ?? 0;
  const where = message ? `${message}: ` : "";
  assert.equal(actual.length, expected.length, `${where}length ${actual.length} != expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${where}element ${i}: got ${a}, expected NaN`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assert.equal(a, e, `${where}element ${i}: got ${a}, expected ${e}`);
      continue;
    }
    const bound = atol + rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= bound)) {
      assert.fail(`${where}element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${bound})`);
    }
  }
}

/** A tensor's elements as plain float64 numbers (row-major). */
export function values(t: Tensor): number[] {
  return Array.from(t.toFloat64Array());
}

/** Integer elements of an int64 (or other integer) tensor as numbers. */
export function ints(t: Tensor): number[] {
  return Array.from(t.toFloat64Array(), (v) => Math.round(v));
}

/** Product of a shape's sizes. */
export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Deterministic pseudo-random numbers (mulberry32), independent of the engine's generators. */
export class Rng {
  private s: number;
  constructor(seed = 1) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo = -1, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  array(n: number, lo = -1, hi = 1): number[] {
    return Array.from({ length: n }, () => this.uniform(lo, hi));
  }
  normals(n: number): number[] {
    return Array.from({ length: n }, () => this.normal());
  }
}

/** A float64 tensor of the given shape from flat data. */
export function f64(data: ArrayLike<number>, shape: number[], requiresGrad = false): Tensor {
  assert.equal(data.length, numelOf(shape), "f64(): data length does not match the shape");
  return tensor(Float64Array.from(data), { dtype: "float64", shape, requiresGrad });
}

/** A float32 tensor of the given shape from flat data. */
export function f32(data: ArrayLike<number>, shape: number[]): Tensor {
  assert.equal(data.length, numelOf(shape), "f32(): data length does not match the shape");
  return tensor(Float32Array.from(data), { dtype: "float32", shape });
}

/** An int64 tensor of the given shape from flat integer data. */
export function i64(data: ArrayLike<number>, shape: number[] = [data.length]): Tensor {
  assert.equal(data.length, numelOf(shape), "i64(): data length does not match the shape");
  return tensor(BigInt64Array.from(Array.from(data), (x) => BigInt(x)), { dtype: "int64", shape });
}

/** Rounds to float32 (what a float32 tensor will hold), so references can start from the same inputs. */
export function roundF32(data: ArrayLike<number>): number[] {
  return Array.from(Float32Array.from(data));
}

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-6). */
  tol?: number;
  /** Relative tolerance (default: tol). */
  rtol?: number;
  /** "weighted" (default) dots the output with a fixed random weight; "sum" sums it. */
  reduce?: "weighted" | "sum";
  /** Seed of the output weight. */
  seed?: number;
}

/**
 * Compares autograd's gradients with float64 central finite differences. Checks every input whose
 * requiresGrad is set (those must be float64 leaves); the others (integer indices, fixed tensors) are passed
 * through unchanged. The scalar whose gradient is checked is sum(fn(inputs) * w) with w a fixed random tensor
 * (or all ones for reduce: "sum"). Each input element is perturbed by copying its data and rebuilding the tensor.
 */
export function gradcheck(fn: (inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): void {
  const eps = options.eps ?? 1e-6;
  const atol = options.tol ?? 1e-6;
  const rtol = options.rtol ?? atol;
  const checked = inputs.map((t) => t.requiresGrad);
  assert.ok(checked.some((c) => c), "gradcheck: no input has requiresGrad set");
  inputs.forEach((t, i) => {
    if (!checked[i]) return;
    assert.equal(t.dtype, "float64", `gradcheck: input ${i} must be float64, is ${t.dtype}`);
    assert.ok(t.isLeaf, `gradcheck: input ${i} must be a leaf tensor`);
    t.grad = undefined;
  });

  try {
    tidy(() => check(fn, inputs, checked, eps, atol, rtol, options));
  } finally {
    inputs.forEach((t, i) => {
      if (checked[i]) t.grad = undefined;
    });
  }
}

function check(fn: (inputs: Tensor[]) => Tensor, inputs: Tensor[], checked: boolean[], eps: number, atol: number, rtol: number,
  options: GradcheckOptions): void {
  const out = fn(inputs);
  const outShape = out.shape;
  const n = numelOf(outShape);
  const rng = new Rng(options.seed ?? 1234);
  const w = Float64Array.from({ length: n }, () => (options.reduce === "sum" ? 1 : rng.uniform(0.5, 1.5) * (rng.next() < 0.5 ? -1 : 1)));
  const weight = tensor(w, { dtype: "float64", shape: outShape });
  out.mul(weight).sum().backward();

  const objective = (args: Tensor[]): number =>
    noGrad(() =>
      tidy(() => {
        const o = fn(args).toFloat64Array();
        assert.equal(o.length, n, "gradcheck: output size changed under perturbation");
        let s = 0;
        for (let k = 0; k < n; k++) s += o[k]! * w[k]!;
        return s;
      }),
    );

  inputs.forEach((input, i) => {
    if (!checked[i]) return;
    const shape = input.shape;
    const base = input.detach().toFloat64Array();
    const g = input.grad;
    const analytic = g ? g.toFloat64Array() : new Float64Array(base.length);
    assert.equal(analytic.length, base.length, `gradcheck: grad of input ${i} has the wrong size`);
    const perturbed = (j: number, delta: number): number =>
      tidy(() => {
        const d = Float64Array.from(base);
        d[j] = d[j]! + delta;
        const args = inputs.map((t, k) => (k === i ? tensor(d, { dtype: "float64", shape }) : t));
        return objective(args);
      });
    for (let j = 0; j < base.length; j++) {
      const numeric = (perturbed(j, eps) - perturbed(j, -eps)) / (2 * eps);
      const a = analytic[j]!;
      const bound = atol + rtol * Math.abs(numeric);
      if (!(Math.abs(a - numeric) <= bound)) {
        assert.fail(`gradcheck: input ${i} (shape [${shape.join(", ")}]) element ${j}: autograd ${a}, finite differences ${numeric} ` +
          `(|diff| ${Math.abs(a - numeric)} > ${bound})`);
      }
    }
  });
}

/**
 * The shared data folder (POP909, real clips): $GAMMA_SHARED_DATA, or ../shared/data beside the repository.
 * Undefined when absent: tests that need it skip.
 */
export function sharedDataDir(): string | undefined {
  const candidates = [process.env.GAMMA_SHARED_DATA, path.join(repoRoot(), "../shared/data")].filter((p): p is string => !!p);
  return candidates.find((p) => fs.existsSync(p));
}
