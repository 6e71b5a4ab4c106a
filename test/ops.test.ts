// Forward values of every op family, checked against values computed by hand or by plain float64 TypeScript
// reference implementations in this file (never by calling the same op again).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as F from "../src/engine/functional.js";
import { Generator, manualSeed } from "../src/engine/random.js";
import { tidy } from "../src/engine/scope.js";
import {
  arange, cat, eye, full, linspace, multinomial, ones, rand, randint, randn, randperm, stack, type Tensor, tensor, where, zeros,
} from "../src/engine/tensor.js";
import { assertClose, f32, f64, i64, ints, numelOf, Rng, roundF32, values } from "./helpers.js";

// ---- small float64 reference toolkit ----------------------------------------------------------------------

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

/** Builds a flat row-major array of the given shape from f(multi-index). */
function build(shape: readonly number[], f: (ix: number[]) => number): number[] {
  const n = numelOf(shape);
  const st = strides(shape);
  const out = new Array<number>(n);
  for (let flat = 0; flat < n; flat++) {
    const ix = shape.map((_, d) => Math.floor(flat / st[d]!) % shape[d]!);
    out[flat] = f(ix);
  }
  return out;
}

/** Reads element ix of flat row-major data of the given shape. */
function at(data: ArrayLike<number>, shape: readonly number[], ix: readonly number[]): number {
  const st = strides(shape);
  let off = 0;
  for (let d = 0; d < shape.length; d++) off += ix[d]! * st[d]!;
  return data[off]!;
}

/** erf by its everywhere-positive series: erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)). */
function erfRef(x: number): number {
  if (x < 0) return -erfRef(-x);
  if (x > 6) return 1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 400; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}
const sigmoidRef = (x: number): number => 1 / (1 + Math.exp(-x));
const geluErfRef = (x: number): number => 0.5 * x * (1 + erfRef(x / Math.SQRT2));
const geluTanhRef = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** log(sum(exp(row))) computed stably. */
function lseRef(row: readonly number[]): number {
  const m = Math.max(...row);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
}
function softmaxRef(row: readonly number[]): number[] {
  const l = lseRef(row);
  return row.map((v) => Math.exp(v - l));
}
/** Splits flat data into rows of length n. */
function rows(data: readonly number[], n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < data.length; i += n) out.push(data.slice(i, i + n));
  return out;
}

/** IEEE half-precision bits to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f ? NaN : sign * Infinity;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}
/** bfloat16 bits to a number (the upper half of a float32). */
function bf16ToNumber(b: number): number {
  return new Float32Array(new Uint32Array([b << 16]).buffer)[0]!;
}

/** The elements of a non-int64 tensor's data() (raw bits for float16/bfloat16, interleaved for complex64). */
function raw(t: Tensor): number[] {
  const d = t.data();
  assert.ok(!(d instanceof BigInt64Array), "raw(): int64 data is bigint");
  return Array.from(d as Exclude<typeof d, BigInt64Array>);
}

// ---------------------------------------------------------------------------------------------------------
describe("creation", () => {
  test("zeros, ones, full", () => tidy(() => {
    const z = zeros([2, 3]);
    assert.deepEqual(z.shape, [2, 3]);
    assert.equal(z.dtype, "float32");
    assert.deepEqual(values(z), [0, 0, 0, 0, 0, 0]);
    const o = ones([4], { dtype: "float64" });
    assert.equal(o.dtype, "float64");
    assert.deepEqual(values(o), [1, 1, 1, 1]);
    const f = full([2, 2], 2.5);
    assert.equal(f.dtype, "float32");
    assert.deepEqual(values(f), [2.5, 2.5, 2.5, 2.5]);
    const fi = full([3], 7, { dtype: "int64" });
    assert.equal(fi.dtype, "int64");
    assert.deepEqual(Array.from(fi.data() as BigInt64Array), [7n, 7n, 7n]);
    const fb = full([2], true, { dtype: "bool" });
    assert.equal(fb.dtype, "bool");
    assert.deepEqual(raw(fb), [1, 1]);
    assert.deepEqual(zeros([0, 3]).shape, [0, 3]);
    assert.equal(zeros([]).numel, 1);
    assert.equal(ones([2], { requiresGrad: true }).requiresGrad, true);
  }));

  test("arange: int64 for integer arguments, float32 otherwise", () => tidy(() => {
    const a = arange(5);
    assert.equal(a.dtype, "int64");
    assert.deepEqual(Array.from(a.data() as BigInt64Array), [0n, 1n, 2n, 3n, 4n]);
    const b = arange(2, 11, 3);
    assert.equal(b.dtype, "int64");
    assert.deepEqual(ints(b), [2, 5, 8]);
    const down = arange(3, 0, -1);
    assert.equal(down.dtype, "int64");
    assert.deepEqual(ints(down), [3, 2, 1]);
    const c = arange(0, 1, 0.25);
    assert.equal(c.dtype, "float32");
    assert.deepEqual(values(c), [0, 0.25, 0.5, 0.75]);
    const d = arange(0, 2.5);
    assert.equal(d.dtype, "float32");
    assert.deepEqual(values(d), [0, 1, 2]);
    const e = arange(4, undefined, 1, { dtype: "float64" });
    assert.equal(e.dtype, "float64");
    assert.deepEqual(values(e), [0, 1, 2, 3]);
  }));

  test("linspace and eye", () => tidy(() => {
    const l = linspace(0, 1, 5);
    assert.equal(l.dtype, "float32");
    assertClose(values(l), [0, 0.25, 0.5, 0.75, 1], 1e-7);
    const l2 = linspace(-1, 2, 7, { dtype: "float64" });
    assert.equal(l2.dtype, "float64");
    assertClose(values(l2), [-1, -0.5, 0, 0.5, 1, 1.5, 2], 1e-15);
    assertClose(values(linspace(3, 3, 1)), [3], 0);
    const i3 = eye(3);
    assert.deepEqual(i3.shape, [3, 3]);
    assert.deepEqual(values(i3), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const i2 = eye(2, { dtype: "int64" });
    assert.equal(i2.dtype, "int64");
    assert.deepEqual(ints(i2), [1, 0, 0, 1]);
  }));

  test("randn/rand/randint/randperm: same seed same numbers, different seed different numbers", () => tidy(() => {
    const same = (make: (g: Generator) => Tensor): void => {
      const a = values(make(new Generator(42)));
      const b = values(make(new Generator(42)));
      const c = values(make(new Generator(43)));
      assert.deepEqual(a, b, "same seed must give the same numbers");
      assert.notDeepEqual(a, c, "different seeds must give different numbers");
    };
    same((g) => randn([64], { generator: g }));
    same((g) => rand([64], { generator: g }));
    same((g) => randint(0, 1000, [64], { generator: g }));
    same((g) => randperm(50, { generator: g }));

    // successive draws move the stream on; manualSeed and setState replay it
    const g = new Generator(5);
    const first = values(randn([16], { generator: g }));
    const second = values(randn([16], { generator: g }));
    assert.notDeepEqual(first, second);
    g.manualSeed(5);
    assert.deepEqual(values(randn([16], { generator: g })), first);
    const state = g.getState();
    const next = values(rand([16], { generator: g }));
    g.setState(state);
    assert.deepEqual(values(rand([16], { generator: g })), next);
  }));

  test("rand is in [0, 1), randint in [low, high), randperm is a permutation", () => tidy(() => {
    const g = new Generator(1);
    const u = values(rand([10000], { generator: g }));
    assert.ok(Math.min(...u) >= 0 && Math.max(...u) < 1, "rand outside [0, 1)");
    const mean = u.reduce((s, v) => s + v, 0) / u.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `rand mean ${mean}`);

    const ri = randint(-3, 5, [10000], { generator: g });
    assert.equal(ri.dtype, "int64");
    const r = ints(ri);
    assert.ok(r.every((v) => Number.isInteger(v) && v >= -3 && v < 5), "randint outside [low, high)");
    assert.deepEqual([...new Set(r)].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3, 4]);
    assert.equal(randint(0, 10, [3], { dtype: "int32", generator: g }).dtype, "int32");

    const p = randperm(20, { generator: g });
    assert.equal(p.dtype, "int64");
    assert.deepEqual(ints(p).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  }));

  test("randn has mean ~0 and std ~1 over 10k samples", () => tidy(() => {
    const x = values(randn([10000], { generator: new Generator(123) }));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.05, `std ${std}`);
    assert.equal(randn([2], { dtype: "float64" }).dtype, "float64");
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("dtypes and typed-array round trips", () => {
  test("float32", () => tidy(() => {
    const src = new Float32Array([1.5, -2, 3.25, 1e-3, -0, 3.4e38]);
    const t = tensor(src, { shape: [2, 3] });
    assert.equal(t.dtype, "float32");
    assert.deepEqual(t.shape, [2, 3]);
    const d = t.data();
    assert.ok(d instanceof Float32Array);
    assert.deepEqual(Array.from(d), Array.from(src));
    assert.deepEqual(Array.from(t.toFloat32Array()), Array.from(src));
    assert.equal(tensor([1, 2]).dtype, "float32");
  }));

  test("float64 is exact", () => tidy(() => {
    const src = new Float64Array([Math.PI, -1e-300, 1e300, 0.1, 2 ** 53 + 2]);
    const t = tensor(src);
    assert.equal(t.dtype, "float64");
    const d = t.data();
    assert.ok(d instanceof Float64Array);
    assert.deepEqual(Array.from(d), Array.from(src));
    assert.deepEqual(Array.from(t.toFloat32Array()), Array.from(Float32Array.from(src)));
    assert.deepEqual(raw(tensor([0.1, 0.2], { dtype: "float64" })), [0.1, 0.2]);
  }));

  test("int64 keeps all 64 bits", () => tidy(() => {
    const src = new BigInt64Array([2n ** 53n + 1n, -(2n ** 62n), 0n, 7n, 2n ** 63n - 1n, -(2n ** 63n)]);
    const t = tensor(src, { shape: [3, 2] });
    assert.equal(t.dtype, "int64");
    assert.deepEqual(t.shape, [3, 2]);
    assert.deepEqual(Array.from(t.data() as BigInt64Array), Array.from(src));
    assert.deepEqual(Array.from(tensor([1, -2, 3], { dtype: "int64" }).data() as BigInt64Array), [1n, -2n, 3n]);
  }));

  test("int32", () => tidy(() => {
    const src = new Int32Array([2147483647, -2147483648, 0, 5]);
    const t = tensor(src);
    assert.equal(t.dtype, "int32");
    const d = t.data();
    assert.ok(d instanceof Int32Array);
    assert.deepEqual(Array.from(d), Array.from(src));
    assert.deepEqual(Array.from(t.toFloat32Array()), [2147483648, -2147483648, 0, 5]);
  }));

  test("bool", () => tidy(() => {
    const t = tensor(new Uint8Array([1, 0, 1, 1]), { dtype: "bool", shape: [2, 2] });
    assert.equal(t.dtype, "bool");
    assert.deepEqual(raw(t), [1, 0, 1, 1]);
    assert.deepEqual(Array.from(t.toFloat32Array()), [1, 0, 1, 1]);
    const n = tensor([[true, false], [false, true]]);
    assert.equal(n.dtype, "bool");
    assert.deepEqual(raw(n), [1, 0, 0, 1]);
    assert.equal(tensor([true]).item(), 1);
  }));

  test("float16: raw bits in and out, decoded values match IEEE half", () => tidy(() => {
    const bits = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x8000];
    const t = tensor(new Uint16Array(bits), { dtype: "float16", shape: [2, 4] });
    assert.equal(t.dtype, "float16");
    assert.deepEqual(t.shape, [2, 4]);
    const d = t.data();
    assert.ok(d instanceof Uint16Array);
    assert.deepEqual(Array.from(d), bits);
    const expected = bits.map(halfToNumber); // 1, -2, 0.333251953125, 65504, 2^-24, inf, -inf, -0
    assert.deepEqual(Array.from(t.toFloat32Array()), expected);
    // from numbers: rounded to nearest half
    const h = tensor([1.5, -2.25, 0.1], { dtype: "float16" });
    assert.deepEqual(raw(h), [0x3e00, 0xc080, 0x2e66]);
    assert.deepEqual(Array.from(h.toFloat32Array()), [1.5, -2.25, halfToNumber(0x2e66)]);
  }));

  test("bfloat16: raw bits in and out", () => tidy(() => {
    const bits = [0x3f80, 0xc040, 0x3dcd, 0x4049];
    const t = tensor(new Uint16Array(bits), { dtype: "bfloat16" });
    assert.equal(t.dtype, "bfloat16");
    assert.deepEqual(raw(t), bits);
    assert.deepEqual(Array.from(t.toFloat32Array()), bits.map(bf16ToNumber)); // 1, -3, 0.10009765625, 3.140625
    const b = tensor([1.5, -3, 0.1], { dtype: "bfloat16" });
    assert.deepEqual(raw(b), [0x3fc0, 0xc040, 0x3dcd]);
    // conversion from float32 rounds to nearest even
    assert.deepEqual(raw(tensor([Math.PI]).to("bfloat16")), [0x4049]);
  }));

  test("typed-array views (subarray) keep their offset", () => tidy(() => {
    const buf = new Float32Array([9, 1, 2, 3, 9]);
    assert.deepEqual(values(tensor(buf.subarray(1, 4))), [1, 2, 3]);
    const bits = new Uint16Array([0xffff, 0x3c00, 0x4000]).subarray(1);
    assert.deepEqual(values(tensor(bits, { dtype: "float16" })), [1, 2]);
  }));

  // A typed array given another dtype keeps its values (converted); raw bits only through the dtype's own container.
  test("a typed array given another dtype converts its values (or refuses)", () => tidy(() => {
    const convertsOrThrows = (make: () => Tensor, shape: number[], expected: number[]): void => {
      let t: Tensor;
      try {
        t = make();
      } catch (err) {
        assert.ok(err instanceof TypeError || err instanceof RangeError, `unclear error: ${String(err)}`);
        assert.match((err as Error).message, /dtype/);
        return;
      }
      assert.deepEqual(t.shape, shape);
      assertClose(values(t), expected, 1e-7);
    };
    convertsOrThrows(() => tensor(new Float64Array([0.1, 2]), { dtype: "float32" }), [2], [Math.fround(0.1), 2]);
    convertsOrThrows(() => tensor(new Int32Array([1, 2]), { dtype: "float32" }), [2], [1, 2]);
    convertsOrThrows(() => tensor(new Float32Array([1, 2, 3]), { dtype: "float64" }), [3], [1, 2, 3]);
  }));

  test("conversion between dtypes", () => tidy(() => {
    const x = tensor([1.7, -1.7, 2.5]);
    assert.deepEqual(ints(x.to("int64")), [1, -1, 2]); // truncation toward zero
    assert.equal(x.long().dtype, "int64");
    assert.equal(x.to("float64").dtype, "float64");
    assert.deepEqual(values(tensor([0, 2, -1]).to("bool")), [0, 1, 1]);
    assert.equal(i64([1]).float().dtype, "float32");
  }));

  test("integer tensors stay integer after adding an integer number", () => tidy(() => {
    const a = tensor(new BigInt64Array([2n ** 53n, -5n]));
    const b = a.add(1);
    assert.equal(b.dtype, "int64");
    assert.deepEqual(Array.from(b.data() as BigInt64Array), [2n ** 53n + 1n, -4n]);
    assert.equal(a.sub(3).dtype, "int64");
    assert.equal(a.mul(3).dtype, "int64");
    const c = tensor(new Int32Array([1, 2])).add(2);
    assert.equal(c.dtype, "int32");
    assert.deepEqual(raw(c), [3, 4]);
    // a non-integral number promotes to the default float dtype, as torch
    const d = i64([1, 2]).add(0.5);
    assert.equal(d.dtype, "float32");
    assert.deepEqual(values(d), [1.5, 2.5]);
    // true division of integers is float
    assert.equal(i64([3]).div(2).dtype, "float32");
    assert.equal(i64([3]).div(2).item(), 1.5);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("shape and view ops", () => {
  const S = [2, 3, 4];
  const base = (): Tensor => arange(24, undefined, 1, { dtype: "float64" }).reshape(2, 3, 4);
  const v = (i: number, j: number, k: number): number => 12 * i + 4 * j + k;

  test("reshape, view, flatten", () => tidy(() => {
    const a = base();
    assert.deepEqual(a.shape, S);
    assert.deepEqual(values(a), build(S, ([i, j, k]) => v(i!, j!, k!)));
    const r = a.reshape(4, 6);
    assert.deepEqual(r.shape, [4, 6]);
    assert.deepEqual(values(r), Array.from({ length: 24 }, (_, i) => i));
    assert.deepEqual(a.reshape(-1, 4).shape, [6, 4]);
    assert.deepEqual(a.view(6, -1).shape, [6, 4]);
    assert.deepEqual(a.view(24).shape, [24]);
    assert.deepEqual(a.flatten().shape, [24]);
    assert.deepEqual(a.flatten(1).shape, [2, 12]);
    assert.deepEqual(a.flatten(0, 1).shape, [6, 4]);
    assert.deepEqual(values(a.flatten(0, 1)), Array.from({ length: 24 }, (_, i) => i));
    assert.equal(a.size(-1), 4);
    assert.equal(a.ndim, 3);
    assert.equal(a.numel, 24);
  }));

  test("permute, transpose, contiguous", () => tidy(() => {
    const a = base();
    const p = a.permute(2, 0, 1);
    assert.deepEqual(p.shape, [4, 2, 3]);
    assert.equal(p.isContiguous, false);
    assert.deepEqual(values(p), build([4, 2, 3], ([k, i, j]) => v(i!, j!, k!)));
    const c = p.contiguous();
    assert.equal(c.isContiguous, true);
    assert.deepEqual(values(c), values(p));
    const t = a.transpose(0, 2);
    assert.deepEqual(t.shape, [4, 3, 2]);
    assert.deepEqual(values(t), build([4, 3, 2], ([k, j, i]) => v(i!, j!, k!)));
    const m = a.mT;
    assert.deepEqual(m.shape, [2, 4, 3]);
    assert.deepEqual(values(m), build([2, 4, 3], ([i, k, j]) => v(i!, j!, k!)));
    // view of a transposed (non-contiguous) tensor fails, reshape copies
    assert.deepEqual(values(t.reshape(24)), build([4, 3, 2], ([k, j, i]) => v(i!, j!, k!)));
  }));

  test("narrow, slice with step and negative indices, select", () => tidy(() => {
    const a = base();
    const n = a.narrow(1, 1, 2);
    assert.deepEqual(n.shape, [2, 2, 4]);
    assert.deepEqual(values(n), build([2, 2, 4], ([i, j, k]) => v(i!, j! + 1, k!)));
    const s1 = a.slice(2, 1, undefined, 2); // [..., 1::2]
    assert.deepEqual(s1.shape, [2, 3, 2]);
    assert.deepEqual(values(s1), build([2, 3, 2], ([i, j, k]) => v(i!, j!, 1 + 2 * k!)));
    const s2 = a.slice(-1, -3); // [..., -3:]
    assert.deepEqual(s2.shape, [2, 3, 3]);
    assert.deepEqual(values(s2), build([2, 3, 3], ([i, j, k]) => v(i!, j!, k! + 1)));
    const s3 = a.slice(1, 0, -1); // [:, :-1]
    assert.deepEqual(s3.shape, [2, 2, 4]);
    assert.deepEqual(values(s3), build([2, 2, 4], ([i, j, k]) => v(i!, j!, k!)));
    const s4 = a.slice(2, 0, 4, 3); // [..., 0:4:3]
    assert.deepEqual(values(s4), build([2, 3, 2], ([i, j, k]) => v(i!, j!, 3 * k!)));
    const s5 = arange(10).slice(0, -8, -2, 3); // [2:8:3] = 2, 5
    assert.deepEqual(ints(s5), [2, 5]);
    const sel = a.select(1, 2);
    assert.deepEqual(sel.shape, [2, 4]);
    assert.deepEqual(values(sel), build([2, 4], ([i, k]) => v(i!, 2, k!)));
    const selNeg = a.select(-1, -1);
    assert.deepEqual(values(selNeg), build([2, 3], ([i, j]) => v(i!, j!, 3)));
  }));

  test("indexSelect and gather", () => tidy(() => {
    const a = base();
    const is = a.indexSelect(2, i64([3, 0, 3]));
    assert.deepEqual(is.shape, [2, 3, 3]);
    assert.deepEqual(values(is), build([2, 3, 3], ([i, j, k]) => v(i!, j!, [3, 0, 3][k!]!)));
    const is0 = a.indexSelect(0, i64([1]));
    assert.deepEqual(values(is0), build([1, 3, 4], ([, j, k]) => v(1, j!, k!)));

    const x = f64([10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33], [3, 4]);
    const g1 = x.gather(1, i64([0, 3, 2, 2, 1, 0], [3, 2]));
    assert.deepEqual(g1.shape, [3, 2]);
    assert.deepEqual(values(g1), [10, 13, 22, 22, 31, 30]);
    const g0 = x.gather(0, i64([2, 0, 1, 2], [1, 4]));
    assert.deepEqual(values(g0), [30, 11, 22, 33]);
  }));

  test("scatterAdd and scatter", () => tidy(() => {
    const idx = i64([0, 1, 0, 2, 2, 3, 3, 0, 0], [3, 3]);
    const src = f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    const r = zeros([3, 4], { dtype: "float64" }).scatterAdd(1, idx, src);
    assert.deepEqual(values(r), [4, 2, 0, 0, 0, 0, 9, 6, 17, 0, 0, 7]);
    const onBase = ones([3, 4], { dtype: "float64" }).scatterAdd(1, idx, src);
    assert.deepEqual(values(onBase), [5, 3, 1, 1, 1, 1, 10, 7, 18, 1, 1, 8]);
    const along0 = zeros([2, 2], { dtype: "float64" }).scatterAdd(0, i64([1, 1, 1, 0], [2, 2]), f64([1, 2, 3, 4], [2, 2]));
    assert.deepEqual(values(along0), [0, 4, 4, 2]);
    const sc = zeros([2, 3]).scatter(1, i64([2, 0], [2, 1]), 5);
    assert.deepEqual(values(sc), [0, 0, 5, 5, 0, 0]);
  }));

  test("cat and stack", () => tidy(() => {
    const a = f64([1, 2, 3, 4], [2, 2]);
    const b = f64([5, 6], [1, 2]);
    const c0 = cat([a, b]);
    assert.deepEqual(c0.shape, [3, 2]);
    assert.deepEqual(values(c0), [1, 2, 3, 4, 5, 6]);
    const c1 = cat([a, f64([7, 8, 9, 10, 11, 12], [2, 3])], 1);
    assert.deepEqual(c1.shape, [2, 5]);
    assert.deepEqual(values(c1), [1, 2, 7, 8, 9, 3, 4, 10, 11, 12]);
    assert.deepEqual(values(cat([a, a], -1)), [1, 2, 1, 2, 3, 4, 3, 4]);
    const x = f64([1, 2, 3], [3]);
    const y = f64([4, 5, 6], [3]);
    const s0 = stack([x, y]);
    assert.deepEqual(s0.shape, [2, 3]);
    assert.deepEqual(values(s0), [1, 2, 3, 4, 5, 6]);
    const s1 = stack([x, y], 1);
    assert.deepEqual(s1.shape, [3, 2]);
    assert.deepEqual(values(s1), [1, 4, 2, 5, 3, 6]);
    const s2 = stack([a, a.mul(10)], -1);
    assert.deepEqual(s2.shape, [2, 2, 2]);
    assert.deepEqual(values(s2), [1, 10, 2, 20, 3, 30, 4, 40]);
  }));

  test("split by size and by sizes, chunk", () => tidy(() => {
    const x = arange(10, undefined, 1, { dtype: "float64" }).reshape(5, 2);
    const bySize = x.split(2);
    assert.deepEqual(bySize.map((t) => t.shape), [[2, 2], [2, 2], [1, 2]]);
    assert.deepEqual(bySize.map(values), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const bySizes = x.split([1, 3, 1]);
    assert.deepEqual(bySizes.map(values), [[0, 1], [2, 3, 4, 5, 6, 7], [8, 9]]);
    const cols = x.split(1, 1);
    assert.deepEqual(cols.map(values), [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]);
    const ch = arange(7).chunk(3);
    assert.deepEqual(ch.map(ints), [[0, 1, 2], [3, 4, 5], [6]]);
    const ch1 = arange(12).reshape(2, 6).chunk(2, 1);
    assert.deepEqual(ch1.map((t) => t.shape), [[2, 3], [2, 3]]);
    assert.deepEqual(ch1.map(ints), [[0, 1, 2, 6, 7, 8], [3, 4, 5, 9, 10, 11]]);
  }));

  test("squeeze, unsqueeze, expand", () => tidy(() => {
    const z = zeros([1, 3, 1, 2]);
    assert.deepEqual(z.squeeze().shape, [3, 2]);
    assert.deepEqual(z.squeeze(2).shape, [1, 3, 2]);
    assert.deepEqual(z.squeeze(1).shape, [1, 3, 1, 2]);
    assert.deepEqual(z.squeeze(-2).shape, [1, 3, 2]);
    assert.deepEqual(z.unsqueeze(0).shape, [1, 1, 3, 1, 2]);
    assert.deepEqual(z.unsqueeze(-1).shape, [1, 3, 1, 2, 1]);
    const c = f64([1, 2, 3], [3, 1]);
    const e = c.expand(3, 4);
    assert.deepEqual(e.shape, [3, 4]);
    assert.deepEqual(values(e), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    assert.equal(e.isContiguous, false);
    const e2 = f64([1, 2], [2]).expand(3, -1);
    assert.deepEqual(values(e2), [1, 2, 1, 2, 1, 2]);
    assert.deepEqual(c.unsqueeze(0).expand(2, -1, 4).shape, [2, 3, 4]);
    assert.deepEqual(values(f64([1, 2], [2]).repeat(2, 2)), [1, 2, 1, 2, 1, 2, 1, 2]);
  }));

  /** Reference padding of the last dimensions of x (shape) with torch's pad layout. */
  function padRef(x: number[], shape: number[], pads: number[], mode: "constant" | "reflect" | "replicate", value = 0): { data: number[]; shape: number[] } {
    const nd = shape.length;
    const out = shape.slice();
    for (let p = 0; p < pads.length / 2; p++) out[nd - 1 - p] = shape[nd - 1 - p]! + pads[2 * p]! + pads[2 * p + 1]!;
    const data = build(out, (ix) => {
      const src = ix.slice();
      for (let p = 0; p < pads.length / 2; p++) {
        const d = nd - 1 - p;
        const n = shape[d]!;
        let i = ix[d]! - pads[2 * p]!;
        if (i < 0 || i >= n) {
          if (mode === "constant") return value;
          if (mode === "replicate") i = Math.min(Math.max(i, 0), n - 1);
          else i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        src[d] = i;
      }
      return at(x, shape, src);
    });
    return { data, shape: out };
  }

  test("pad: constant, reflect, replicate", () => tidy(() => {
    const m = [1, 2, 3, 4];
    const c1 = f64(m, [2, 2]).pad([1, 2], "constant", 9);
    assert.deepEqual(c1.shape, [2, 5]);
    assert.deepEqual(values(c1), [9, 1, 2, 9, 9, 9, 3, 4, 9, 9]);
    const c2 = F.pad(f64(m, [2, 2]), [1, 0, 0, 1]);
    assert.deepEqual(c2.shape, [3, 3]);
    assert.deepEqual(values(c2), [0, 1, 2, 0, 3, 4, 0, 0, 0]);
    assert.deepEqual(values(f64(m, [2, 2]).pad([-1, 0])), [2, 4]); // negative pads crop

    const rng = new Rng(3);
    const cases: { shape: number[]; pads: number[]; mode: "constant" | "reflect" | "replicate" }[] = [
      { shape: [1, 1, 5], pads: [2, 3], mode: "reflect" },
      { shape: [2, 6], pads: [3, 1], mode: "reflect" },
      { shape: [1, 2, 3, 4], pads: [1, 2, 2, 1], mode: "reflect" },
      { shape: [2, 3, 3], pads: [1, 1, 2, 0], mode: "reflect" },
      { shape: [1, 2, 4], pads: [3, 2], mode: "replicate" },
      { shape: [3, 4], pads: [0, 5], mode: "replicate" },
      { shape: [1, 1, 2, 3], pads: [2, 1, 1, 3], mode: "replicate" },
      { shape: [2, 3, 4], pads: [1, 2, 3, 0], mode: "constant" },
    ];
    for (const { shape, pads, mode } of cases) {
      const data = rng.array(numelOf(shape));
      const ref = padRef(data, shape, pads, mode, mode === "constant" ? -2 : 0);
      const got = f64(data, shape).pad(pads, mode, mode === "constant" ? -2 : 0);
      assert.deepEqual(got.shape, ref.shape, `${mode} ${JSON.stringify(pads)} shape`);
      assertClose(values(got), ref.data, 0, `${mode} ${JSON.stringify(pads)} on [${shape.join(", ")}]`);
    }
    // hand-checked reflect and replicate values
    assert.deepEqual(values(f64([1, 2, 3, 4], [1, 4]).pad([2, 1], "reflect")), [3, 2, 1, 2, 3, 4, 3]);
    assert.deepEqual(values(f64([1, 2, 3], [1, 3]).pad([1, 2], "replicate")), [1, 1, 2, 3, 3, 3]);
  }));

  test("flip", () => tidy(() => {
    const a = base();
    assert.deepEqual(values(a.flip(0)), build(S, ([i, j, k]) => v(1 - i!, j!, k!)));
    assert.deepEqual(values(a.flip(0, 2)), build(S, ([i, j, k]) => v(1 - i!, j!, 3 - k!)));
    assert.deepEqual(values(a.flip(-1)), build(S, ([i, j, k]) => v(i!, j!, 3 - k!)));
    assert.deepEqual(ints(arange(5).roll(2, 0)), [3, 4, 0, 1, 2]);
  }));

  test("triu and tril with diagonal offsets", () => tidy(() => {
    const shape = [4, 5];
    const data = Array.from({ length: 20 }, (_, i) => i + 1);
    const x = f64(data, shape);
    for (const d of [-2, -1, 0, 1, 3]) {
      assert.deepEqual(values(x.triu(d)), build(shape, ([i, j]) => (j! - i! >= d ? at(data, shape, [i!, j!]) : 0)), `triu(${d})`);
      assert.deepEqual(values(x.tril(d)), build(shape, ([i, j]) => (j! - i! <= d ? at(data, shape, [i!, j!]) : 0)), `tril(${d})`);
    }
    assert.deepEqual(values(x.triu()), build(shape, ([i, j]) => (j! >= i! ? at(data, shape, [i!, j!]) : 0)));
    // batched: applies to the last two dimensions
    const b = ones([2, 3, 3]).tril(-1);
    assert.deepEqual(values(b), [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0]);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("elementwise math and comparisons", () => {
  const rng = new Rng(11);
  const A = rng.array(6, -3, 3);
  const B = rng.array(6, 0.5, 2.5);
  const P = rng.array(6, 0.1, 4);

  test("binary arithmetic with tensors, numbers, broadcasting and alpha", () => tidy(() => {
    const a = f64(A, [2, 3]);
    const b = f64(B, [2, 3]);
    const zip = (f: (x: number, y: number) => number): number[] => A.map((x, i) => f(x, B[i]!));
    assertClose(values(a.add(b)), zip((x, y) => x + y), 1e-15);
    assertClose(values(a.sub(b)), zip((x, y) => x - y), 1e-15);
    assertClose(values(a.mul(b)), zip((x, y) => x * y), 1e-15);
    assertClose(values(a.div(b)), zip((x, y) => x / y), 1e-14);
    assertClose(values(b.pow(a)), zip((x, y) => y ** x), { rtol: 1e-14 });
    assertClose(values(a.add(b, 2.5)), zip((x, y) => x + 2.5 * y), 1e-14);
    assertClose(values(a.sub(b, -0.5)), zip((x, y) => x + 0.5 * y), 1e-14);
    assertClose(values(a.add(1.25)), A.map((x) => x + 1.25), 1e-15);
    assertClose(values(a.sub(2)), A.map((x) => x - 2), 1e-15);
    assertClose(values(a.mul(-3)), A.map((x) => -3 * x), 1e-15);
    assertClose(values(a.div(4)), A.map((x) => x / 4), 1e-15);
    assertClose(values(a.pow(2)), A.map((x) => x * x), 1e-14);
    assertClose(values(f64(P, [6]).pow(0.5)), P.map(Math.sqrt), 1e-14);
    // broadcasting [2, 3] with [3] and with [2, 1]
    const row = f64([10, 20, 30], [3]);
    assertClose(values(a.add(row)), A.map((x, i) => x + [10, 20, 30][i % 3]!), 1e-14);
    const col = f64([100, 200], [2, 1]);
    assertClose(values(a.mul(col)), A.map((x, i) => x * (i < 3 ? 100 : 200)), 1e-12);
    assert.deepEqual(a.add(col).shape, [2, 3]);
    assert.deepEqual(f64([1, 2], [2, 1]).add(f64([1, 2, 3], [1, 3])).shape, [2, 3]);
    // float32 results round like float32
    assertClose(values(f32(A, [6]).mul(f32(B, [6]))), roundF32(A.map((x, i) => Math.fround(x) * Math.fround(B[i]!))), 0);
  }));

  test("remainder, floorDivide, maximum, minimum", () => tidy(() => {
    const a = f64([-7, 7, -7, 7, 5.5, 0], [6]);
    const b = f64([2, -2, -2, 2, 2, 3], [6]);
    // Python semantics: remainder takes the divisor's sign; floor_divide rounds down (libtorch 1.13)
    assert.deepEqual(values(a.remainder(b)), [1, -1, -1, 1, 1.5, 0]);
    assert.deepEqual(values(a.floorDivide(b)), [-4, -4, 3, 3, 2, 0]);
    assert.deepEqual(values(a.remainder(3)), [2, 1, 2, 1, 2.5, 0]);
    assert.deepEqual(values(a.maximum(b)), [2, 7, -2, 7, 5.5, 3]);
    assert.deepEqual(values(a.minimum(b)), [-7, -2, -7, 2, 2, 0]);
    assert.deepEqual(ints(i64([7, -7]).floorDivide(2)), [3, -4]);
  }));

  test("unary math vs Math", () => tidy(() => {
    const xs = [-2.5, -1.2, -0.3, 0, 0.4, 1.1, 2.9, 4.2];
    const pos = [0.01, 0.3, 1, 2.5, 7, 100];
    const x = f64(xs, [xs.length]);
    const p = f64(pos, [pos.length]);
    const check = (t: Tensor, src: number[], f: (v: number) => number, name: string): void =>
      assertClose(values(t), src.map(f), { atol: 1e-14, rtol: 1e-13 }, name);
    check(x.neg(), xs, (v) => -v, "neg");
    check(x.exp(), xs, Math.exp, "exp");
    check(p.log(), pos, Math.log, "log");
    check(p.log1p(), pos, Math.log1p, "log1p");
    check(p.sqrt(), pos, Math.sqrt, "sqrt");
    check(p.rsqrt(), pos, (v) => 1 / Math.sqrt(v), "rsqrt");
    check(x.abs(), xs, Math.abs, "abs");
    check(x.sin(), xs, Math.sin, "sin");
    check(x.cos(), xs, Math.cos, "cos");
    check(x.tanh(), xs, Math.tanh, "tanh");
    check(x.sigmoid(), xs, sigmoidRef, "sigmoid");
    check(x.relu(), xs, (v) => Math.max(v, 0), "relu");
    check(x.erf(), xs, erfRef, "erf");
    check(x.floor(), xs, Math.floor, "floor");
    check(x.ceil(), xs, Math.ceil, "ceil");
    check(x.sign(), xs, Math.sign, "sign");
    check(p.reciprocal(), pos, (v) => 1 / v, "reciprocal");
    check(x.square(), xs, (v) => v * v, "square");
    check(x.clamp(-1, 1), xs, (v) => Math.min(Math.max(v, -1), 1), "clamp");
    check(x.clamp(0.5), xs, (v) => Math.max(v, 0.5), "clamp min");
    check(x.clamp(undefined, 0.5), xs, (v) => Math.min(v, 0.5), "clamp max");
    // torch.round rounds half to even
    assert.deepEqual(values(f64([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6], [7]).round()), [0, 2, 2, -0, -2, 2, -3]);
    const special = f64([NaN, Infinity, -Infinity, 1], [4]);
    assert.deepEqual(values(special.isnan()), [1, 0, 0, 0]);
    assert.deepEqual(values(special.isfinite()), [0, 0, 0, 1]);
    assert.equal(special.isnan().dtype, "bool");
  }));

  test("erf reference agrees with a table", () => {
    // Abramowitz & Stegun / high-precision published values
    assertClose([0.1, 0.5, 1, 1.5, 2, 3].map(erfRef),
      [0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9661051464753108, 0.9953222650189527, 0.9999779095030014], 1e-15);
  });

  test("comparisons and logic give bool tensors", () => tidy(() => {
    const a = f64([1, 2, 3, 4], [4]);
    const b = f64([4, 2, 1, 4], [4]);
    const cmp = (t: Tensor, expected: number[]): void => {
      assert.equal(t.dtype, "bool");
      assert.deepEqual(values(t), expected);
    };
    cmp(a.eq(b), [0, 1, 0, 1]);
    cmp(a.ne(b), [1, 0, 1, 0]);
    cmp(a.lt(b), [1, 0, 0, 0]);
    cmp(a.le(b), [1, 1, 0, 1]);
    cmp(a.gt(b), [0, 0, 1, 0]);
    cmp(a.ge(b), [0, 1, 1, 1]);
    cmp(a.eq(3), [0, 0, 1, 0]);
    cmp(a.gt(2.5), [0, 0, 1, 1]);
    cmp(a.le(2), [1, 1, 0, 0]);
    cmp(a.gt(1).logicalAnd(a.lt(4)), [0, 1, 1, 0]);
    cmp(a.lt(2).logicalOr(a.gt(3)), [1, 0, 0, 1]);
    cmp(a.gt(2).logicalNot(), [1, 1, 0, 0]);
    assert.equal(a.gt(0).all().item(), 1);
    assert.equal(a.gt(3).any().item(), 1);
    assert.equal(a.gt(4).any().item(), 0);
    assert.deepEqual(values(a.maskedSelect(a.gt(2))), [3, 4]);
  }));

  test("where with tensor and number branches", () => tidy(() => {
    const cond = tensor([true, false, true, false]);
    const a = f64([1, 2, 3, 4], [4]);
    const b = f64([-1, -2, -3, -4], [4]);
    assert.deepEqual(values(where(cond, a, b)), [1, -2, 3, -4]);
    assert.deepEqual(values(where(cond, a, 0.5)), [1, 0.5, 3, 0.5]);
    assert.deepEqual(values(where(cond, 7, b)), [7, -2, 7, -4]);
    assert.deepEqual(values(where(cond, 1, 0)), [1, 0, 1, 0]);
    // broadcasting condition [2, 1] against [2, 2]
    const c2 = tensor([[true], [false]]);
    assert.deepEqual(values(where(c2, f64([1, 2, 3, 4], [2, 2]), f64([5, 6, 7, 8], [2, 2]))), [1, 2, 7, 8]);
  }));

  test("maskedFill", () => tidy(() => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const mask = tensor([[true, false, false], [false, false, true]]);
    assert.deepEqual(values(x.maskedFill(mask, 0)), [0, 2, 3, 4, 5, 0]);
    assert.deepEqual(values(x.maskedFill(mask, -Infinity)), [-Infinity, 2, 3, 4, 5, -Infinity]);
    // broadcast mask [3] over rows
    assert.deepEqual(values(x.maskedFill(tensor([false, true, false]), 9.5)), [1, 9.5, 3, 4, 9.5, 6]);
    // the value as a 0-d tensor
    assert.deepEqual(values(x.maskedFill(mask, f64([7], []))), [7, 2, 3, 4, 5, 7]);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("reductions", () => {
  const rng = new Rng(21);
  const shape = [3, 4];
  const X = rng.array(12, -2, 2);
  const R = rows(X, 4);
  const sum = (a: number[]): number => a.reduce((s, v) => s + v, 0);
  const col = (j: number): number[] => R.map((r) => r[j]!);
  const varRef = (a: number[], correction: number): number => {
    const m = sum(a) / a.length;
    return sum(a.map((v) => (v - m) ** 2)) / (a.length - correction);
  };

  test("sum and mean over all and over dims, keepdim", () => tidy(() => {
    const x = f64(X, shape);
    assertClose([x.sum().item()], [sum(X)], 1e-13);
    assert.deepEqual(x.sum().shape, []);
    assertClose(values(x.sum(0)), [0, 1, 2, 3].map((j) => sum(col(j))), 1e-13);
    const s1 = x.sum(1, true);
    assert.deepEqual(s1.shape, [3, 1]);
    assertClose(values(s1), R.map(sum), 1e-13);
    assertClose(values(x.sum([0, 1])), [sum(X)], 1e-13);
    assertClose(values(x.sum(-1)), R.map(sum), 1e-13);
    assertClose([x.mean().item()], [sum(X) / 12], 1e-14);
    assertClose(values(x.mean(0)), [0, 1, 2, 3].map((j) => sum(col(j)) / 3), 1e-14);
    const m1 = x.mean(1, true);
    assert.deepEqual(m1.shape, [3, 1]);
    assertClose(values(m1), R.map((r) => sum(r) / 4), 1e-14);
    // integer sums stay integer; a dtype argument accumulates in that dtype
    const ii = i64([1, 2, 3]);
    assert.equal(ii.sum().dtype, "int64");
    assert.equal(ii.sum().item(), 6);
    assert.equal(ii.sum(undefined, false, "float64").dtype, "float64");
    assert.equal(f32([1, 2], [2]).mean(undefined, false, "float64").dtype, "float64");
  }));

  test("var with correction 1 and 0", () => tidy(() => {
    const x = f64(X, shape);
    assertClose([x.var().item()], [varRef(X, 1)], 1e-14);
    assertClose([x.var(undefined, { correction: 0 }).item()], [varRef(X, 0)], 1e-14);
    assertClose(values(x.var(1)), R.map((r) => varRef(r, 1)), 1e-14);
    const v0 = x.var(0, { correction: 0, keepdim: true });
    assert.deepEqual(v0.shape, [1, 4]);
    assertClose(values(v0), [0, 1, 2, 3].map((j) => varRef(col(j), 0)), 1e-14);
    assertClose(values(f64([1, 2, 3, 4], [4]).var()), [5 / 3], 1e-15);
    assertClose(values(f64([1, 2, 3, 4], [4]).var(0, { correction: 0 })), [1.25], 1e-15);
  }));

  test("max/min overall and by dim with indices, argmax/argmin, amax/amin", () => tidy(() => {
    const x = f64(X, shape);
    assert.equal(x.max().item(), Math.max(...X));
    assert.equal(x.min().item(), Math.min(...X));
    const argmaxRow = (r: number[]): number => r.indexOf(Math.max(...r));
    const argminRow = (r: number[]): number => r.indexOf(Math.min(...r));
    const m1 = x.max(1);
    assert.deepEqual(m1.values.shape, [3]);
    assert.deepEqual(values(m1.values), R.map((r) => Math.max(...r)));
    assert.equal(m1.indices.dtype, "int64");
    assert.deepEqual(ints(m1.indices), R.map(argmaxRow));
    const m0 = x.min(0, true);
    assert.deepEqual(m0.values.shape, [1, 4]);
    assert.deepEqual(values(m0.values), [0, 1, 2, 3].map((j) => Math.min(...col(j))));
    assert.deepEqual(ints(m0.indices), [0, 1, 2, 3].map((j) => argminRow(col(j))));
    assert.equal(x.argmax().item(), X.indexOf(Math.max(...X)));
    assert.deepEqual(ints(x.argmax(1)), R.map(argmaxRow));
    assert.deepEqual(ints(x.argmin(0)), [0, 1, 2, 3].map((j) => argminRow(col(j))));
    assert.deepEqual(values(x.amax(1)), R.map((r) => Math.max(...r)));
    assert.deepEqual(values(x.amin([0, 1])), [Math.min(...X)]);
  }));

  test("logsumexp matches a stable reference, also for large magnitudes", () => tidy(() => {
    const x = f64(X, shape);
    assertClose(values(x.logsumexp(1)), R.map(lseRef), 1e-13);
    assertClose(values(x.logsumexp(0)), [0, 1, 2, 3].map((j) => lseRef(col(j))), 1e-13);
    assertClose(values(x.logsumexp([0, 1])), [lseRef(X)], 1e-13);
    assert.deepEqual(x.logsumexp(1, true).shape, [3, 1]);
    const big = [1000, 1001, 999, -1000, -1001, -999];
    const lb = f32(big, [2, 3]).logsumexp(1);
    assertClose(values(lb), [lseRef([1000, 1001, 999]), lseRef([-1000, -1001, -999])], { rtol: 1e-6 });
    assert.ok(values(lb).every(Number.isFinite), "logsumexp overflowed");
  }));

  test("prod, cumsum, norm", () => tidy(() => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.equal(x.prod().item(), 720);
    assert.deepEqual(values(x.prod(1)), [6, 120]);
    assert.deepEqual(values(x.cumsum(1)), [1, 3, 6, 4, 9, 15]);
    assert.deepEqual(values(x.cumsum(0)), [1, 2, 3, 5, 7, 9]);
    assertClose([x.norm().item()], [Math.sqrt(91)], 1e-14);
    assertClose([x.norm(1).item()], [21], 1e-14);
  }));

  test("topk and sort (values and indices, descending)", () => tidy(() => {
    const data = [3, 1, 4, 1.5, 5, 9, 2, 6];
    const x = f32(data, [8]);
    const t = x.topk(3);
    assert.deepEqual(values(t.values), [9, 6, 5]);
    assert.deepEqual(ints(t.indices), [5, 7, 4]);
    assert.equal(t.indices.dtype, "int64");
    const small = x.topk(2, -1, false);
    assert.deepEqual(values(small.values), [1, 1.5]);
    assert.deepEqual(ints(small.indices), [1, 3]);
    const desc = x.sort(-1, true);
    const order = data.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
    assert.deepEqual(values(desc.values), order.map((o) => o[0]));
    assert.deepEqual(ints(desc.indices), order.map((o) => o[1]));
    const asc = x.sort();
    assert.deepEqual(values(asc.values), [...data].sort((a, b) => a - b));
    assert.deepEqual(ints(x.argsort()), data.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map((o) => o[1]));
    // 2-D, along dim 0
    const m = f64([1, 8, 3, 4, 2, 9], [3, 2]); // columns [1, 3, 2] and [8, 4, 9]
    const tk = m.topk(2, 0);
    assert.deepEqual(tk.values.shape, [2, 2]);
    assert.deepEqual(values(tk.values), [3, 9, 2, 8]);
    assert.deepEqual(ints(tk.indices), [1, 2, 2, 0]);
    const s = m.sort(1, true);
    assert.deepEqual(values(s.values), [8, 1, 4, 3, 9, 2]);
    assert.deepEqual(ints(s.indices), [1, 0, 1, 0, 1, 0]);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("linear algebra", () => {
  const rng = new Rng(31);
  /** Reference [m, k] x [k, n]. */
  function mm(a: number[], b: number[], m: number, k: number, n: number): number[] {
    return build([m, n], ([i, j]) => {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i! * k + t]! * b[t * n + j!]!;
      return s;
    });
  }

  test("matmul: 2-D, batched with broadcasting, vector cases", () => tidy(() => {
    const A = rng.array(2 * 3 * 4);
    const B = rng.array(4 * 5);
    const r = f64(A, [2, 3, 4]).matmul(f64(B, [4, 5]));
    assert.deepEqual(r.shape, [2, 3, 5]);
    assertClose(values(r), [...mm(A.slice(0, 12), B, 3, 4, 5), ...mm(A.slice(12), B, 3, 4, 5)], 1e-14);
    const a2 = A.slice(0, 12);
    assertClose(values(f64(a2, [3, 4]).matmul(f64(B, [4, 5]))), mm(a2, B, 3, 4, 5), 1e-14);
    // vector . vector is a 0-d scalar; matrix . vector a vector
    const dot = f64([1, 2, 3], [3]).matmul(f64([4, 5, 6], [3]));
    assert.deepEqual(dot.shape, []);
    assert.equal(dot.item(), 32);
    const mv = f64(a2, [3, 4]).matmul(f64([1, 0, -1, 2], [4]));
    assert.deepEqual(mv.shape, [3]);
    assertClose(values(mv), mm(a2, [1, 0, -1, 2], 3, 4, 1), 1e-14);
    // float32 matches within float32 rounding
    assertClose(values(f32(a2, [3, 4]).matmul(f32(B, [4, 5]))), mm(roundF32(a2), roundF32(B), 3, 4, 5), 1e-6);
  }));

  test("bmm", () => tidy(() => {
    const A = rng.array(2 * 3 * 4);
    const B = rng.array(2 * 4 * 2);
    const r = f64(A, [2, 3, 4]).bmm(f64(B, [2, 4, 2]));
    assert.deepEqual(r.shape, [2, 3, 2]);
    assertClose(values(r), [...mm(A.slice(0, 12), B.slice(0, 8), 3, 4, 2), ...mm(A.slice(12), B.slice(8), 3, 4, 2)], 1e-14);
  }));

  test("linear: x W^T + b, with and without bias, 3-D input", () => tidy(() => {
    const X = rng.array(2 * 3 * 5);
    const W = rng.array(4 * 5);
    const Bv = rng.array(4);
    const Wt = build([5, 4], ([i, j]) => W[j! * 5 + i!]!);
    const ref = mm(X, Wt, 6, 5, 4);
    const y = F.linear(f64(X, [2, 3, 5]), f64(W, [4, 5]), f64(Bv, [4]));
    assert.deepEqual(y.shape, [2, 3, 4]);
    assertClose(values(y), ref.map((v, i) => v + Bv[i % 4]!), 1e-14);
    const y2 = F.linear(f64(X, [6, 5]), f64(W, [4, 5]));
    assert.deepEqual(y2.shape, [6, 4]);
    assertClose(values(y2), ref, 1e-14);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("convolution and pooling", () => {
  /** Naive conv1d: x [B, Cin, L], w [Cout, Cin/groups, K]. */
  function conv1dRef(x: number[], xs: number[], w: number[], ws: number[], bias: number[] | undefined,
    stride: number, padding: number, dilation: number, groups: number): { data: number[]; shape: number[] } {
    const [B, Cin, L] = xs as [number, number, number];
    const [Cout, Cg, K] = ws as [number, number, number];
    assert.equal(Cg * groups, Cin);
    const Lout = Math.floor((L + 2 * padding - dilation * (K - 1) - 1) / stride) + 1;
    const outPerGroup = Cout / groups;
    const shape = [B, Cout, Lout];
    const data = build(shape, ([b, o, t]) => {
      const g = Math.floor(o! / outPerGroup);
      let s = bias ? bias[o!]! : 0;
      for (let c = 0; c < Cg; c++) {
        for (let k = 0; k < K; k++) {
          const pos = t! * stride + k * dilation - padding;
          if (pos < 0 || pos >= L) continue;
          s += w[(o! * Cg + c) * K + k]! * x[(b! * Cin + g * Cg + c) * L + pos]!;
        }
      }
      return s;
    });
    return { data, shape };
  }

  test("conv1d with stride, padding, dilation and groups vs a naive loop", () => tidy(() => {
    const rng = new Rng(41);
    const cases = [
      { B: 2, Cin: 3, L: 10, Cout: 4, K: 3, stride: 1, padding: 0, dilation: 1, groups: 1, bias: false },
      { B: 1, Cin: 2, L: 11, Cout: 3, K: 3, stride: 2, padding: 1, dilation: 2, groups: 1, bias: true },
      { B: 2, Cin: 4, L: 9, Cout: 6, K: 2, stride: 1, padding: 2, dilation: 1, groups: 2, bias: true },
      { B: 1, Cin: 3, L: 8, Cout: 3, K: 3, stride: 3, padding: 1, dilation: 1, groups: 3, bias: true },
      { B: 2, Cin: 2, L: 12, Cout: 4, K: 4, stride: 2, padding: 3, dilation: 3, groups: 2, bias: false },
    ];
    for (const c of cases) {
      const xs = [c.B, c.Cin, c.L];
      const ws = [c.Cout, c.Cin / c.groups, c.K];
      const x = rng.array(numelOf(xs));
      const w = rng.array(numelOf(ws));
      const b = c.bias ? rng.array(c.Cout) : undefined;
      const ref = conv1dRef(x, xs, w, ws, b, c.stride, c.padding, c.dilation, c.groups);
      const y = F.conv1d(f64(x, xs), f64(w, ws), b ? f64(b, [c.Cout]) : undefined,
        { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
      assert.deepEqual(y.shape, ref.shape, JSON.stringify(c));
      assertClose(values(y), ref.data, 1e-13, JSON.stringify(c));
      // float32 too
      const y32 = F.conv1d(f32(x, xs), f32(w, ws), b ? f32(b, [c.Cout]) : undefined,
        { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
      assertClose(values(y32), ref.data, 1e-5, "float32 " + JSON.stringify(c));
    }
  }));

  test("conv2d with stride and padding vs a naive loop", () => tidy(() => {
    const rng = new Rng(42);
    const [B, Cin, H, W, Cout, KH, KW] = [1, 2, 5, 6, 3, 3, 2];
    const x = rng.array(B * Cin * H * W);
    const w = rng.array(Cout * Cin * KH * KW);
    const bias = rng.array(Cout);
    const [sh, sw, ph, pw] = [2, 1, 1, 0];
    const Ho = Math.floor((H + 2 * ph - KH) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - KW) / sw) + 1;
    const ref = build([B, Cout, Ho, Wo], ([b, o, i, j]) => {
      let s = bias[o!]!;
      for (let c = 0; c < Cin; c++) {
        for (let ki = 0; ki < KH; ki++) {
          for (let kj = 0; kj < KW; kj++) {
            const r = i! * sh + ki - ph;
            const q = j! * sw + kj - pw;
            if (r < 0 || r >= H || q < 0 || q >= W) continue;
            s += w[((o! * Cin + c) * KH + ki) * KW + kj]! * x[((b! * Cin + c) * H + r) * W + q]!;
          }
        }
      }
      return s;
    });
    const y = F.conv2d(f64(x, [B, Cin, H, W]), f64(w, [Cout, Cin, KH, KW]), f64(bias, [Cout]), { stride: [sh, sw], padding: [ph, pw] });
    assert.deepEqual(y.shape, [B, Cout, Ho, Wo]);
    assertClose(values(y), ref, 1e-13);
  }));

  /** Reference 1-d pooling over x [N, C, L] (avg counts padding, as torch's default count_include_pad). */
  function pool1dRef(x: number[], shape: number[], kernel: number, stride: number, padding: number, kind: "avg" | "max"): { data: number[]; shape: number[] } {
    const [N, C, L] = shape as [number, number, number];
    const Lout = Math.floor((L + 2 * padding - kernel) / stride) + 1;
    const out = [N, C, Lout];
    const data = build(out, ([n, c, t]) => {
      let s = 0;
      let m = -Infinity;
      for (let k = 0; k < kernel; k++) {
        const pos = t! * stride + k - padding;
        if (pos < 0 || pos >= L) continue;
        const v = x[(n! * C + c!) * L + pos]!;
        s += v;
        m = Math.max(m, v);
      }
      return kind === "avg" ? s / kernel : m;
    });
    return { data, shape: out };
  }

  test("avgPool1d and maxPool1d", () => tidy(() => {
    const rng = new Rng(43);
    const shape = [2, 3, 9];
    const x = rng.array(numelOf(shape));
    for (const [k, s, p] of [[3, 3, 0], [3, 2, 1], [2, 1, 0], [4, 2, 2], [5, 3, 2]] as const) {
      const avg = F.avgPool1d(f64(x, shape), k, s, p);
      const avgRef = pool1dRef(x, shape, k, s, p, "avg");
      assert.deepEqual(avg.shape, avgRef.shape);
      assertClose(values(avg), avgRef.data, 1e-14, `avg k${k} s${s} p${p}`);
      const mx = F.maxPool1d(f64(x, shape), k, s, p);
      const mxRef = pool1dRef(x, shape, k, s, p, "max");
      assert.deepEqual(mx.shape, mxRef.shape);
      assertClose(values(mx), mxRef.data, 0, `max k${k} s${s} p${p}`);
    }
    // default stride = kernel
    assert.deepEqual(values(F.avgPool1d(f64([1, 2, 3, 4, 5], [1, 1, 5]), 2)), [1.5, 3.5]);
    assert.deepEqual(values(F.maxPool1d(f64([1, 5, 3, 4, 2, 0], [1, 1, 6]), 3)), [5, 4]);
  }));

  test("avgPool2d and maxPool2d", () => tidy(() => {
    const x = f64(Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    assert.deepEqual(values(F.avgPool2d(x, [2, 2])), [2.5, 4.5, 10.5, 12.5]);
    assert.deepEqual(values(F.maxPool2d(x, [2, 2])), [5, 7, 13, 15]);
    assert.deepEqual(F.maxPool2d(x, [3, 3], [1, 1]).shape, [1, 1, 2, 2]);
    assert.deepEqual(values(F.maxPool2d(x, [3, 3], [1, 1])), [10, 11, 14, 15]);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("neural-network functions", () => {
  test("embedding picks rows", () => tidy(() => {
    const W = Array.from({ length: 15 }, (_, i) => i * 0.5 - 3);
    const y = F.embedding(i64([0, 4, 2, 2], [2, 2]), f64(W, [5, 3]));
    assert.deepEqual(y.shape, [2, 2, 3]);
    const row = (r: number): number[] => W.slice(3 * r, 3 * r + 3);
    assert.deepEqual(values(y), [...row(0), ...row(4), ...row(2), ...row(2)]);
    assert.deepEqual(F.embedding(i64([1]), f32(W, [5, 3])).shape, [1, 3]);
  }));

  /** Normalises each consecutive group of n elements: (x - mean) / sqrt(var_biased + eps) * w + b. */
  function normRef(x: number[], n: number, eps: number, w?: number[], b?: number[]): number[] {
    return rows(x, n).flatMap((r) => {
      const m = r.reduce((s, v) => s + v, 0) / n;
      const v = r.reduce((s, q) => s + (q - m) ** 2, 0) / n;
      return r.map((q, i) => ((q - m) / Math.sqrt(v + eps)) * (w ? w[i]! : 1) + (b ? b[i]! : 0));
    });
  }

  test("layerNorm vs the reference formula", () => tidy(() => {
    const rng = new Rng(51);
    const X = rng.array(2 * 3 * 4, -2, 3);
    const Wt = rng.array(4, 0.5, 1.5);
    const Bs = rng.array(4);
    const y = F.layerNorm(f64(X, [2, 3, 4]), [4], f64(Wt, [4]), f64(Bs, [4]));
    assert.deepEqual(y.shape, [2, 3, 4]);
    assertClose(values(y), normRef(X, 4, 1e-5, Wt, Bs), 1e-12);
    assertClose(values(F.layerNorm(f64(X, [2, 3, 4]), [4])), normRef(X, 4, 1e-5), 1e-12);
    // over the last two dimensions, custom eps
    const W12 = rng.array(12, 0.5, 1.5);
    const B12 = rng.array(12);
    assertClose(values(F.layerNorm(f64(X, [2, 3, 4]), [3, 4], f64(W12, [3, 4]), f64(B12, [3, 4]), 0.1)), normRef(X, 12, 0.1, W12, B12), 1e-12);
    // float32
    assertClose(values(F.layerNorm(f32(X, [6, 4]), [4], f32(Wt, [4]), f32(Bs, [4]))), normRef(roundF32(X), 4, 1e-5, roundF32(Wt), roundF32(Bs)), 1e-5);
  }));

  test("rmsNorm vs the reference formula", () => tidy(() => {
    const rng = new Rng(52);
    const X = rng.array(3 * 5, -2, 2);
    const Wt = rng.array(5, 0.5, 1.5);
    const ref = (x: number[], eps: number, w?: number[]): number[] =>
      rows(x, 5).flatMap((r) => {
        const ms = r.reduce((s, v) => s + v * v, 0) / r.length;
        return r.map((v, i) => (v / Math.sqrt(ms + eps)) * (w ? w[i]! : 1));
      });
    const y = F.rmsNorm(f32(X, [3, 5]), f32(Wt, [5]));
    assert.equal(y.dtype, "float32");
    assertClose(values(y), ref(roundF32(X), 1e-6, roundF32(Wt)), { atol: 1e-6, rtol: 1e-6 });
    assertClose(values(F.rmsNorm(f32(X, [3, 5]), undefined, 0.5)), ref(roundF32(X), 0.5), { atol: 1e-6, rtol: 1e-6 });
    // half precision in and out (computed in float32 inside)
    const h = F.rmsNorm(f32(X, [3, 5]).to("float16"), undefined);
    assert.equal(h.dtype, "float16");
    assertClose(values(h), ref(X, 1e-6), { atol: 5e-3, rtol: 5e-3 });
    // float64 keeps its dtype (the computation is documented to run in float32)
    const d = F.rmsNorm(f64(X, [3, 5]), f64(Wt, [5]));
    assert.equal(d.dtype, "float64");
    assertClose(values(d), ref(X, 1e-6, Wt), { atol: 1e-6, rtol: 1e-6 });
  }));

  test("softmax and logSoftmax, stable for large inputs", () => tidy(() => {
    const rng = new Rng(53);
    const X = rng.array(12, -4, 4);
    const x = f64(X, [3, 4]);
    assertClose(values(F.softmax(x, -1)), rows(X, 4).flatMap(softmaxRef), 1e-15);
    assertClose(values(F.logSoftmax(x, 1)), rows(X, 4).flatMap((r) => r.map((v) => v - lseRef(r))), 1e-14);
    // along dim 0: columns
    const colsSm = [0, 1, 2, 3].map((j) => softmaxRef([X[j]!, X[4 + j]!, X[8 + j]!]));
    assertClose(values(x.softmax(0)), build([3, 4], ([i, j]) => colsSm[j!]![i!]!), 1e-15);
    const big = [1000, 1001, 1002, -1000];
    assertClose(values(f32(big, [4]).softmax(0)), softmaxRef(big), 1e-7);
    assertClose(values(f32(big, [4]).logSoftmax(0)), big.map((v) => v - lseRef(big)), { atol: 1e-4, rtol: 1e-6 });
    // with a dtype argument, the result has that dtype
    const h = f32(X, [3, 4]).to("float16");
    const s = h.softmax(-1, "float32");
    assert.equal(s.dtype, "float32");
    assertClose(values(s), rows(values(h), 4).flatMap(softmaxRef), 1e-6);
    // rows of -inf but one give exact one-hot
    assert.deepEqual(values(f32([-Infinity, 0, -Infinity], [3]).softmax(0)), [0, 1, 0]);
  }));

  test("gelu (erf and tanh forms), silu, sigmoid, tanh, relu vs Math formulas", () => tidy(() => {
    const xs = [-6, -3.5, -2, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 2, 3.5, 6];
    const x = f64(xs, [xs.length]);
    const tol = { atol: 1e-15, rtol: 1e-13 };
    assertClose(values(F.gelu(x)), xs.map(geluErfRef), tol, "gelu erf");
    assertClose(values(x.gelu("none")), xs.map(geluErfRef), tol, "gelu none");
    assertClose(values(F.gelu(x, "tanh")), xs.map(geluTanhRef), tol, "gelu tanh");
    assertClose(values(F.silu(x)), xs.map((v) => v * sigmoidRef(v)), tol, "silu");
    assertClose(values(F.sigmoid(x)), xs.map(sigmoidRef), tol, "sigmoid");
    assertClose(values(F.tanh(x)), xs.map(Math.tanh), tol, "tanh");
    assertClose(values(F.relu(x)), xs.map((v) => Math.max(0, v)), 0, "relu");
    // known values: gelu(1) = 0.8413447460685429, tanh-gelu(1) = 0.8411919906082768
    assertClose([F.gelu(f64([1], [1])).item(), F.gelu(f64([1], [1]), "tanh").item()], [0.8413447460685429, 0.8411919906082768], 1e-15);
    // float32 too
    assertClose(values(F.gelu(f32(xs, [xs.length]))), xs.map(geluErfRef), { atol: 1e-6, rtol: 1e-6 });
  }));

  test("dropout: p=0 identity, training statistics, eval identity", () => tidy(() => {
    const x = f64(new Rng(54).array(50), [5, 10]);
    assert.deepEqual(values(F.dropout(x, 0, true)), values(x));
    assert.deepEqual(values(F.dropout(x, 0.5, false)), values(x));
    manualSeed(0);
    const p = 0.3;
    const y = values(F.dropout(ones([20000]), p, true));
    const zeros_ = y.filter((v) => v === 0).length;
    assert.ok(Math.abs(zeros_ / y.length - p) < 0.02, `fraction zeroed ${zeros_ / y.length}, expected ~${p}`);
    const survivors = y.filter((v) => v !== 0);
    assertClose(survivors, survivors.map(() => 1 / (1 - p)), 1e-6, "survivors scaled by 1/(1-p)");
    // the same seed gives the same mask
    manualSeed(0);
    assert.deepEqual(values(F.dropout(ones([20000]), p, true)), y);
    assert.throws(() => F.dropout(x, 1, true), RangeError);
    assert.throws(() => F.dropout(x, -0.1, true), RangeError);
  }));

  /** torch's cross entropy: rows with target === ignore are excluded (from the mean too). */
  function ceRef(logits: number[], C: number, targets: number[], o: { ignore?: number; smoothing?: number; reduction?: "mean" | "sum" | "none"; weight?: number[] } = {}): number[] {
    const ignore = o.ignore ?? -100;
    const s = o.smoothing ?? 0;
    const per: number[] = [];
    let wsum = 0;
    rows(logits, C).forEach((r, n) => {
      const y = targets[n]!;
      if (y === ignore) {
        per.push(0);
        return;
      }
      const l = lseRef(r);
      const logp = r.map((v) => v - l);
      const w = o.weight ? o.weight[y]! : 1;
      const nll = -logp[y]! * w;
      const smooth = -logp.reduce((a, b) => a + b, 0) / C;
      per.push((1 - s) * nll + s * smooth);
      wsum += w;
    });
    const red = o.reduction ?? "mean";
    if (red === "none") return per;
    const total = per.reduce((a, b) => a + b, 0);
    return [red === "sum" ? total : total / wsum];
  }

  test("crossEntropy vs a reference: ignoreIndex, labelSmoothing, reductions, class weights", () => tidy(() => {
    const rng = new Rng(55);
    const C = 4;
    const L = rng.array(6 * C, -3, 3);
    const T = [0, 3, -100, 2, 1, 3];
    const logits = f64(L, [6, C]);
    const target = i64(T);
    const tol = 1e-13;
    assertClose([F.crossEntropy(logits, target).item()], ceRef(L, C, T), tol, "plain (default ignore -100)");
    assertClose([F.crossEntropy(logits, target, { labelSmoothing: 0.2 }).item()], ceRef(L, C, T, { smoothing: 0.2 }), tol, "label smoothing");
    assertClose([F.crossEntropy(logits, target, { reduction: "sum" }).item()], ceRef(L, C, T, { reduction: "sum" }), tol, "sum");
    assertClose(values(F.crossEntropy(logits, target, { reduction: "none" })), ceRef(L, C, T, { reduction: "none" }), tol, "none");
    assertClose(values(F.crossEntropy(logits, target, { reduction: "none", labelSmoothing: 0.1 })),
      ceRef(L, C, T, { reduction: "none", smoothing: 0.1 }), tol, "none + smoothing");
    // a custom ignore index: rows with target 3 are dropped from the mean
    const T2 = [0, 3, 1, 2, 1, 3];
    assertClose([F.crossEntropy(logits, i64(T2), { ignoreIndex: 3 }).item()], ceRef(L, C, T2, { ignore: 3 }), tol, "ignoreIndex 3");
    assertClose([F.crossEntropy(logits, i64(T2), { ignoreIndex: 3, labelSmoothing: 0.3 }).item()],
      ceRef(L, C, T2, { ignore: 3, smoothing: 0.3 }), tol, "ignoreIndex 3 + smoothing");
    // the ignored rows really are excluded: the mean equals the mean over the kept rows only
    const kept = [0, 2, 3, 4];
    const keptLogits = kept.flatMap((n) => L.slice(n * C, n * C + C));
    assertClose([F.crossEntropy(logits, i64(T2), { ignoreIndex: 3 }).item()],
      [F.crossEntropy(f64(keptLogits, [4, C]), i64(kept.map((n) => T2[n]!))).item()], tol);
    // class weights: weighted mean
    const W = [0.5, 2, 1, 1.5];
    assertClose([F.crossEntropy(logits, target, { weight: f64(W, [C]) }).item()], ceRef(L, C, T, { weight: W }), tol, "weights");
    // [N, C, T] logits with [N, T] targets
    const L3 = rng.array(2 * C * 3);
    const T3 = [1, 0, 3, 2, 2, -100];
    const asRows = build([2, 3, C], ([n, t, c]) => L3[(n! * C + c!) * 3 + t!]!); // move classes last
    assertClose([F.crossEntropy(f64(L3, [2, C, 3]), i64(T3, [2, 3])).item()], ceRef(asRows, C, T3), tol, "[N, C, T]");
    // float32 logits
    assertClose([F.crossEntropy(f32(L, [6, C]), target, { labelSmoothing: 0.2 }).item()], ceRef(roundF32(L), C, T, { smoothing: 0.2 }), 1e-6);
    // hand-computed: logits [1, 2, 3], target 2, smoothing 0.1
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const hand = 0.9 * (lse - 3) + (0.1 * ((lse - 1) + (lse - 2) + (lse - 3))) / 3;
    assertClose([F.crossEntropy(f64([1, 2, 3], [1, 3]), i64([2]), { labelSmoothing: 0.1 }).item()], [hand], 1e-14);
  }));

  test("mseLoss and binaryCrossEntropyWithLogits", () => tidy(() => {
    const a = [1, 2, 3, 4];
    const b = [1.5, 1, 3, 6];
    assertClose([F.mseLoss(f64(a, [4]), f64(b, [4])).item()], [(0.25 + 1 + 0 + 4) / 4], 1e-15);
    const z = [-2, 0.5, 3];
    const y = [0, 1, 1];
    const bce = z.map((v, i) => -(y[i]! * Math.log(sigmoidRef(v)) + (1 - y[i]!) * Math.log(1 - sigmoidRef(v))));
    assertClose([F.binaryCrossEntropyWithLogits(f64(z, [3]), f64(y, [3])).item()], [bce.reduce((s, v) => s + v, 0) / 3], 1e-14);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("sampling", () => {
  test("multinomial: deterministic with a Generator, never picks zero-probability classes, frequencies follow probabilities", () => tidy(() => {
    const probs = [0.2, 0, 0.5, 0.3];
    const p = f32(probs, [4]);
    const a = ints(multinomial(p, 50, { replacement: true, generator: new Generator(7) }));
    const b = ints(multinomial(p, 50, { replacement: true, generator: new Generator(7) }));
    const c = ints(multinomial(p, 50, { replacement: true, generator: new Generator(8) }));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);

    const n = 20000;
    const draws = multinomial(p, n, { replacement: true, generator: new Generator(9) });
    assert.equal(draws.dtype, "int64");
    assert.deepEqual(draws.shape, [n]);
    const counts = [0, 0, 0, 0];
    for (const d of ints(draws)) counts[d] = counts[d]! + 1;
    assert.equal(counts[1], 0, "sampled a zero-probability class");
    counts.forEach((k, i) => assert.ok(Math.abs(k / n - probs[i]!) < 0.015, `class ${i}: frequency ${k / n}, probability ${probs[i]}`));

    // unnormalised weights work the same way
    const w = ints(multinomial(f32([2, 0, 5, 3], [4]), n, { replacement: true, generator: new Generator(9) }));
    assert.deepEqual(w, ints(draws));

    // without replacement: distinct, and only the non-zero classes when n equals their count
    const nr = ints(multinomial(p, 3, { generator: new Generator(10) }));
    assert.deepEqual([...nr].sort(), [0, 2, 3]);
    // batched rows
    const rowsT = multinomial(f32([0, 1, 0, 0, 0, 0, 0, 1], [2, 4]), 5, { replacement: true, generator: new Generator(11) });
    assert.deepEqual(rowsT.shape, [2, 5]);
    assert.deepEqual(ints(rowsT), [1, 1, 1, 1, 1, 3, 3, 3, 3, 3]);
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("stft", () => {
  /** Reference STFT in float64: frames of x (reflect-padded by nFft/2 when center), windowed, DFT. */
  function stftRef(x: number[], nFft: number, hop: number, window: number[], o: { center?: boolean; onesided?: boolean; normalized?: boolean } = {}): { re: number[][]; im: number[][] } {
    let s = x;
    if (o.center ?? true) {
      const p = nFft / 2;
      const n = x.length;
      s = Array.from({ length: n + 2 * p }, (_, i) => {
        const j = i - p;
        return x[j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j]!;
      });
    }
    const frames = 1 + Math.floor((s.length - nFft) / hop);
    const freqs = (o.onesided ?? true) ? nFft / 2 + 1 : nFft;
    const scale = o.normalized ? 1 / Math.sqrt(nFft) : 1;
    const re: number[][] = [];
    const im: number[][] = [];
    for (let f = 0; f < freqs; f++) {
      re.push([]);
      im.push([]);
      for (let m = 0; m < frames; m++) {
        let r = 0;
        let q = 0;
        for (let n = 0; n < nFft; n++) {
          const v = s[m * hop + n]! * window[n]!;
          const ang = (-2 * Math.PI * f * n) / nFft;
          r += v * Math.cos(ang);
          q += v * Math.sin(ang);
        }
        re[f]!.push(r * scale);
        im[f]!.push(q * scale);
      }
    }
    return { re, im };
  }
  const hann = (n: number): number[] => Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  /** Interleaved (re, im) in [freq, frame] order, as complex64 data() gives. */
  const interleave = (r: { re: number[][]; im: number[][] }): number[] =>
    r.re.flatMap((row, f) => row.flatMap((v, m) => [v, r.im[f]![m]!]));

  test("hannWindow is the periodic Hann window", () => tidy(() => {
    assertClose(values(F.hannWindow(16, { dtype: "float64" })), hann(16), 1e-15);
    assertClose(values(F.hannWindow(8)), hann(8), 1e-7);
    assert.equal(F.hannWindow(8).dtype, "float32");
    assertClose(values(F.hannWindow(4, { dtype: "float64" })), [0, 0.5, 1, 0.5], 1e-15);
  }));

  test("stft (n_fft 16, hop 4, periodic Hann, center with reflect padding) vs a naive DFT", () => tidy(() => {
    const rng = new Rng(61);
    const x = roundF32(rng.array(40));
    const w = hann(16);
    const y = F.stft(f32(x, [40]), 16, { hopLength: 4, window: F.hannWindow(16) });
    assert.equal(y.dtype, "complex64");
    assert.deepEqual(y.shape, [9, 11]);
    const ref = stftRef(x, 16, 4, roundF32(w));
    assertClose(raw(y), interleave(ref), 1e-5);
    assertClose(values(y.real()), ref.re.flat(), 1e-5);
    assertClose(values(y.imag()), ref.im.flat(), 1e-5);
    const vr = y.viewAsReal();
    assert.deepEqual(vr.shape, [9, 11, 2]);

    // batched input
    const x2 = roundF32(rng.array(40));
    const yb = F.stft(f32([...x, ...x2], [2, 40]), 16, { hopLength: 4, window: F.hannWindow(16) });
    assert.deepEqual(yb.shape, [2, 9, 11]);
    assertClose(raw(yb), [...interleave(ref), ...interleave(stftRef(x2, 16, 4, roundF32(w)))], 1e-5);

    // no centering, two-sided, normalized
    const yc = F.stft(f32(x, [40]), 16, { hopLength: 4, window: F.hannWindow(16), center: false, onesided: false, normalized: true });
    assert.deepEqual(yc.shape, [16, 7]);
    assertClose(raw(yc), interleave(stftRef(x, 16, 4, roundF32(w), { center: false, onesided: false, normalized: true })), 1e-5);

    // default hop is nFft / 4; no window means a rectangular one
    const yd = F.stft(f32(x, [40]), 8);
    assert.deepEqual(yd.shape, [5, 21]); // (40 + 8 - 8) / 2 + 1 frames
    assertClose(raw(yd), interleave(stftRef(x, 8, 2, new Array<number>(8).fill(1))), 1e-5);

    // a pure cosine at bin 2 of a 16-point frame: energy only at frequency 2 (away from the padded edges)
    const tone = Array.from({ length: 64 }, (_, n) => Math.cos((2 * Math.PI * 2 * n) / 16));
    const yt = F.stft(f32(tone, [64]), 16, { hopLength: 4, window: F.hannWindow(16) });
    const mag = values(yt.abs());
    const frame = 8; // an interior frame
    const col = Array.from({ length: 9 }, (_, f) => mag[f * 17 + frame]!);
    assert.equal(col.indexOf(Math.max(...col)), 2);
    assertClose([col[2]!], [4], 1e-4); // sum(w) / 2 = 8 / 2 for a periodic Hann of length 16
  }));

  test("stft of float64 input: values through viewAsReal", () => tidy(() => {
    const rng = new Rng(62);
    const x = rng.array(40);
    const y = F.stft(f64(x, [40]), 16, { hopLength: 4, window: F.hannWindow(16, { dtype: "float64" }) });
    assert.deepEqual(y.shape, [9, 11]);
    assertClose(values(y.viewAsReal()), interleave(stftRef(x, 16, 4, hann(16))), 1e-12);
  }));

  // complex128 (stft of float64 input) is a dtype of its own; data() is interleaved float64.
  test("stft of float64 input: dtype and data() of the complex128 result", () => tidy(() => {
    const y = F.stft(f64([1, 2, 3, 4, 5, 6, 7, 8], [8]), 4, { hopLength: 2, window: F.hannWindow(4, { dtype: "float64" }) });
    assert.equal(y.dtype as string, "complex128");
    const d = y.data() as unknown;
    assert.ok(d instanceof Float64Array, "data() of a complex128 tensor should be interleaved float64");
  }));
});

// ---------------------------------------------------------------------------------------------------------
describe("scaledDotProductAttention", () => {
  /** Reference attention for one head: q [Lq, d], k [Lk, d], v [Lk, dv]; allowed(i, j) masks, add(i, j) adds. */
  function attnRef(q: number[][], k: number[][], v: number[][], o: { scale?: number; causal?: boolean; allowed?: (i: number, j: number) => boolean; add?: (i: number, j: number) => number } = {}): number[][] {
    const d = q[0]!.length;
    const scale = o.scale ?? 1 / Math.sqrt(d);
    const Lq = q.length;
    const Lk = k.length;
    return q.map((qi, i) => {
      const scores = k.map((kj, j) => {
        if (o.causal && j > i + (Lk - Lq)) return -Infinity;
        if (o.allowed && !o.allowed(i, j)) return -Infinity;
        let s = 0;
        for (let t = 0; t < d; t++) s += qi[t]! * kj[t]!;
        return s * scale + (o.add ? o.add(i, j) : 0);
      });
      const p = softmaxRef(scores);
      return v[0]!.map((_, c) => p.reduce((s, pj, j) => s + pj * v[j]![c]!, 0));
    });
  }

  test("plain, causal (square and KV-cache aligned), boolean and additive masks, custom scale", () => tidy(() => {
    const rng = new Rng(71);
    const [B, Lq, Lk, d, dv] = [2, 3, 5, 4, 2];
    const Q = rng.array(B * Lq * d);
    const K = rng.array(B * Lk * d);
    const V = rng.array(B * Lk * dv);
    const q = f64(Q, [B, Lq, d]);
    const k = f64(K, [B, Lk, d]);
    const v = f64(V, [B, Lk, dv]);
    const per = (fn: (b: number) => number[][]): number[] => [0, 1].flatMap((b) => fn(b).flat());
    const qb = (b: number, L = Lq): number[][] => rows(Q.slice(b * L * d, (b + 1) * L * d), d);
    const kb = (b: number): number[][] => rows(K.slice(b * Lk * d, (b + 1) * Lk * d), d);
    const vb = (b: number): number[][] => rows(V.slice(b * Lk * dv, (b + 1) * Lk * dv), dv);

    const plain = F.scaledDotProductAttention(q, k, v);
    assert.deepEqual(plain.shape, [B, Lq, dv]);
    assertClose(values(plain), per((b) => attnRef(qb(b), kb(b), vb(b))), 1e-14, "plain");

    // causal with Lk > Lq: query i sees keys j <= i + (Lk - Lq)
    assertClose(values(F.scaledDotProductAttention(q, k, v, { causal: true })), per((b) => attnRef(qb(b), kb(b), vb(b), { causal: true })), 1e-14, "causal kv-cache");

    // causal, square: the first query sees only the first key
    const qs = f64(K, [B, Lk, d]);
    const cs = F.scaledDotProductAttention(qs, k, v, { causal: true });
    assertClose(values(cs), per((b) => attnRef(kb(b), kb(b), vb(b), { causal: true })), 1e-14, "causal square");
    assertClose(values(cs.select(1, 0)), [0, 1].flatMap((b) => vb(b)[0]!), 1e-15, "first query = first value");

    // boolean mask [Lq, Lk] (true keeps), additive mask, custom scale
    const keep = (i: number, j: number): boolean => (i + j) % 3 !== 0 || j === 0;
    const boolMask = tensor(Array.from({ length: Lq }, (_, i) => Array.from({ length: Lk }, (_, j) => keep(i, j))));
    assert.equal(boolMask.dtype, "bool");
    assertClose(values(F.scaledDotProductAttention(q, k, v, { mask: boolMask })), per((b) => attnRef(qb(b), kb(b), vb(b), { allowed: keep })), 1e-14, "bool mask");
    const add = (i: number, j: number): number => 0.3 * i - 0.2 * j;
    const addMask = f64(build([Lq, Lk], ([i, j]) => add(i!, j!)), [Lq, Lk]);
    assertClose(values(F.scaledDotProductAttention(q, k, v, { mask: addMask, scale: 0.7 })),
      per((b) => attnRef(qb(b), kb(b), vb(b), { add, scale: 0.7 })), 1e-14, "additive mask + scale");
    assertClose(values(F.scaledDotProductAttention(q, k, v, { causal: true, mask: boolMask })),
      per((b) => attnRef(qb(b), kb(b), vb(b), { causal: true, allowed: keep })), 1e-14, "causal + bool mask");
  }));

  test("4-D [batch, heads, L, d] in float32", () => tidy(() => {
    const rng = new Rng(72);
    const [B, H, L, d] = [1, 2, 4, 3];
    const Q = roundF32(rng.array(B * H * L * d));
    const K = roundF32(rng.array(B * H * L * d));
    const V = roundF32(rng.array(B * H * L * d));
    const y = F.scaledDotProductAttention(f32(Q, [B, H, L, d]), f32(K, [B, H, L, d]), f32(V, [B, H, L, d]), { causal: true });
    assert.deepEqual(y.shape, [B, H, L, d]);
    const ref = [0, 1].flatMap((h) => {
      const sl = (a: number[]): number[][] => rows(a.slice(h * L * d, (h + 1) * L * d), d);
      return attnRef(sl(Q), sl(K), sl(V), { causal: true }).flat();
    });
    assertClose(values(y), ref, 1e-6);
  }));
});
