// The Tensor: a libtorch tensor seen from TypeScript. Methods mirror torch's names (camelCase) and return new
// tensors; in-place methods end in an underscore. Every tensor joins the innermost `tidy` scope (scope.ts).
import { native, type NativeTensor } from "./native.js";
import { type Disposable, setTensorPredicate, track } from "./scope.js";
import type { Generator } from "./random.js";

export type DType =
  | "float32" | "float16" | "bfloat16" | "float64"
  | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool" | "complex64" | "complex128";
export type Device = "cpu" | "cuda" | `cuda:${number}`;
export type Scalar = number | boolean;

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export const FLOAT_DTYPES: readonly DType[] = ["float32", "float16", "bfloat16", "float64"];

/** Bytes per element of each dtype (as stored in memory and in safetensors files). */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1, complex64: 8,
  complex128: 16,
};

type TypedArrayFor = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

/** A typed array over raw element bytes of a dtype (float16/bfloat16 as Uint16 bits, bool as bytes). */
export function typedArrayView(dtype: DType, buffer: ArrayBuffer): TypedArrayFor {
  switch (dtype) {
    case "float32": case "complex64": return new Float32Array(buffer);
    case "float64": case "complex128": return new Float64Array(buffer);
    case "int64": return new BigInt64Array(buffer);
    case "int32": return new Int32Array(buffer);
    case "int16": return new Int16Array(buffer);
    case "int8": return new Int8Array(buffer);
    case "uint8": case "bool": return new Uint8Array(buffer);
    case "float16": case "bfloat16": return new Uint16Array(buffer);
  }
}

/** The typed array class that holds a dtype's elements (raw bits for float16/bfloat16, 0/1 bytes for bool). */
function containerOf(dtype: DType): string {
  switch (dtype) {
    case "float32": case "complex64": return "Float32Array";
    case "float64": case "complex128": return "Float64Array";
    case "int64": return "BigInt64Array";
    case "int32": return "Int32Array";
    case "int16": return "Int16Array";
    case "int8": return "Int8Array";
    case "uint8": case "bool": return "Uint8Array";
    case "float16": case "bfloat16": return "Uint16Array";
  }
}

/** The dtype a typed array holds by itself (undefined for Uint16Array, Uint32Array and other element types). */
function naturalDtype(data: ArrayBufferView): DType | undefined {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array) return "uint8";
  return undefined;
}

type Nested = number | boolean | Nested[];

function flatten(data: Nested, shape: number[], out: number[], depth: number): void {
  if (Array.isArray(data)) {
    if (shape.length <= depth) shape.push(data.length);
    else if (shape[depth] !== data.length) throw new RangeError(`tensor(): ragged nested array at depth ${depth}`);
    for (const d of data) flatten(d, shape, out, depth + 1);
  } else {
    if (depth !== shape.length) throw new RangeError("tensor(): ragged nested array");
    out.push(typeof data === "boolean" ? (data ? 1 : 0) : data);
  }
}

// The safety net: a tensor that is garbage collected without dispose() frees its native memory when V8 runs
// finalization callbacks (between event-loop turns, so tidy/dispose is what keeps a tight loop's memory flat).
const collected = new FinalizationRegistry<NativeTensor>((h) => native.dispose(h));

export class Tensor implements Disposable {
  private handle: NativeTensor | null;
  private cachedShape: number[] | undefined;

  /** Wraps a native handle; users create tensors with tensor(), zeros(), randn() and friends. */
  constructor(handle: NativeTensor) {
    this.handle = handle;
    collected.register(this, handle, this);
    track(this);
  }

  /** The native handle (for the engine's own modules). Throws once disposed. */
  get h(): NativeTensor {
    if (this.handle === null) throw new Error("tensor used after dispose()");
    return this.handle;
  }

  get disposed(): boolean {
    return this.handle === null;
  }

  /** Drops this tensor's reference to its memory now (idempotent). */
  dispose(): void {
    if (this.handle === null) return;
    native.dispose(this.handle);
    collected.unregister(this);
    this.handle = null;
  }

  // ---- properties -----------------------------------------------------------------------------------------
  get shape(): number[] {
    this.cachedShape ??= native.shape(this.h);
    return this.cachedShape.slice();
  }
  get ndim(): number { return this.shape.length; }
  get dtype(): DType { return native.dtype(this.h) as DType; }
  get device(): Device { return native.device(this.h) as Device; }
  get numel(): number { return native.numel(this.h); }
  get isContiguous(): boolean { return native.isContiguous(this.h); }
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? s.length + dim : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`size(${dim}): tensor has ${s.length} dimensions`);
    return s[d]!;
  }

  // ---- data out -------------------------------------------------------------------------------------------
  /** Elements as the typed array of this dtype (float16/bfloat16 as raw Uint16 bits, bool as Uint8, complex as interleaved float32). */
  data(): TypedArrayFor { return typedArrayView(this.dtype, native.toBuffer(this.h)); }
  private refuseComplex(what: string): void {
    const d = this.dtype;
    if (d === "complex64" || d === "complex128") throw new TypeError(`${what}: ${d} tensor; take .abs(), .real(), .imag() or .viewAsReal() first`);
  }
  /** Elements converted to float32. */
  toFloat32Array(): Float32Array {
    this.refuseComplex("toFloat32Array");
    if (this.dtype === "float32") return new Float32Array(native.toBuffer(this.h));
    const t = native.to(this.h, "float32");
    try { return new Float32Array(native.toBuffer(t)); } finally { native.dispose(t); }
  }
  /** Elements converted to float64 (exact for every integer up to 2^53). */
  toFloat64Array(): Float64Array {
    this.refuseComplex("toFloat64Array");
    if (this.dtype === "float64") return new Float64Array(native.toBuffer(this.h));
    const t = native.to(this.h, "float64");
    try { return new Float64Array(native.toBuffer(t)); } finally { native.dispose(t); }
  }
  /** A flat number array of all elements. */
  toList(): number[] { return Array.from(this.toFloat64Array()); }
  /** Nested arrays in the tensor's shape. */
  toArray(): Nested {
    const flat = this.toFloat64Array();
    const shape = this.shape;
    const build = (dim: number, offset: number): Nested => {
      if (dim === shape.length) return flat[offset]!;
      const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
  /** The value of a one-element tensor. */
  item(): number { return Number(native.item(this.h)); }

  // ---- conversion ------------------------------------------------------------------------------------------
  to(target: DType | Device | { dtype?: DType; device?: Device }): Tensor {
    const o = typeof target === "string" ? (target === "cpu" || target.startsWith("cuda") ? { device: target as Device } : { dtype: target as DType }) : target;
    return wrap(native.to(this.h, o.dtype, o.device));
  }
  float(): Tensor { return this.to("float32"); }
  long(): Tensor { return this.to("int64"); }
  clone(): Tensor { return wrap(native.clone(this.h)); }
  contiguous(): Tensor { return wrap(native.contiguous(this.h)); }

  // ---- autograd ----------------------------------------------------------------------------------------------
  get requiresGrad(): boolean { return native.requiresGrad(this.h); }
  set requiresGrad(value: boolean) { native.setRequiresGrad(this.h, value); }
  requiresGrad_(value = true): this { native.setRequiresGrad(this.h, value); return this; }
  /** The accumulated gradient, or undefined. Each read returns a new handle onto the same memory. */
  get grad(): Tensor | undefined {
    const g = native.grad(this.h);
    return g === undefined ? undefined : wrap(g);
  }
  set grad(g: Tensor | undefined) { native.setGrad(this.h, g?.h); }
  get isLeaf(): boolean { return native.isLeaf(this.h); }
  /** Backpropagates from this tensor (a scalar, or give the gradient of the same shape). */
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    native.backward(this.h, gradient?.h, options.retainGraph ?? false);
  }
  detach(): Tensor { return wrap(native.detach(this.h)); }

  // ---- elementwise -----------------------------------------------------------------------------------------
  add(other: Tensor | Scalar, alpha?: number): Tensor { return wrap(typeof other === "object" ? native.add(this.h, other.h, alpha) : native.addScalar(this.h, other, alpha)); }
  sub(other: Tensor | Scalar, alpha?: number): Tensor { return wrap(typeof other === "object" ? native.sub(this.h, other.h, alpha) : native.subScalar(this.h, other, alpha)); }
  mul(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.mul(this.h, other.h) : native.mulScalar(this.h, other)); }
  div(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.div(this.h, other.h) : native.divScalar(this.h, other)); }
  pow(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.pow(this.h, other.h) : native.powScalar(this.h, other)); }
  remainder(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.remainder(this.h, other.h) : native.remainderScalar(this.h, other)); }
  floorDivide(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.floorDivide(this.h, other.h) : native.floorDivideScalar(this.h, other)); }
  maximum(other: Tensor): Tensor { return wrap(native.maximum(this.h, other.h)); }
  minimum(other: Tensor): Tensor { return wrap(native.minimum(this.h, other.h)); }
  neg(): Tensor { return wrap(native.neg(this.h)); }
  exp(): Tensor { return wrap(native.exp(this.h)); }
  log(): Tensor { return wrap(native.log(this.h)); }
  log1p(): Tensor { return wrap(native.log1p(this.h)); }
  sqrt(): Tensor { return wrap(native.sqrt(this.h)); }
  rsqrt(): Tensor { return wrap(native.rsqrt(this.h)); }
  abs(): Tensor { return wrap(native.abs(this.h)); }
  sin(): Tensor { return wrap(native.sin(this.h)); }
  cos(): Tensor { return wrap(native.cos(this.h)); }
  tanh(): Tensor { return wrap(native.tanh(this.h)); }
  sigmoid(): Tensor { return wrap(native.sigmoid(this.h)); }
  relu(): Tensor { return wrap(native.relu(this.h)); }
  silu(): Tensor { return wrap(native.silu(this.h)); }
  /** GELU; approximate "tanh" is GPT-2's form, "none" the exact erf form (Whisper's). */
  gelu(approximate: "none" | "tanh" = "none"): Tensor { return wrap(native.gelu(this.h, approximate)); }
  erf(): Tensor { return wrap(native.erf(this.h)); }
  floor(): Tensor { return wrap(native.floor(this.h)); }
  ceil(): Tensor { return wrap(native.ceil(this.h)); }
  round(): Tensor { return wrap(native.round(this.h)); }
  sign(): Tensor { return wrap(native.sign(this.h)); }
  reciprocal(): Tensor { return wrap(native.reciprocal(this.h)); }
  square(): Tensor { return wrap(native.square(this.h)); }
  clamp(min?: number, max?: number): Tensor { return wrap(native.clamp(this.h, min, max)); }
  real(): Tensor { return wrap(native.real(this.h)); }
  imag(): Tensor { return wrap(native.imag(this.h)); }
  viewAsReal(): Tensor { return wrap(native.viewAsReal(this.h)); }
  isnan(): Tensor { return wrap(native.isnan(this.h)); }
  isfinite(): Tensor { return wrap(native.isfinite(this.h)); }

  // ---- comparisons and logic ---------------------------------------------------------------------------------
  eq(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.eq(this.h, other.h) : native.eqScalar(this.h, other)); }
  ne(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.ne(this.h, other.h) : native.neScalar(this.h, other)); }
  lt(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.lt(this.h, other.h) : native.ltScalar(this.h, other)); }
  le(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.le(this.h, other.h) : native.leScalar(this.h, other)); }
  gt(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.gt(this.h, other.h) : native.gtScalar(this.h, other)); }
  ge(other: Tensor | Scalar): Tensor { return wrap(typeof other === "object" ? native.ge(this.h, other.h) : native.geScalar(this.h, other)); }
  logicalAnd(other: Tensor): Tensor { return wrap(native.logicalAnd(this.h, other.h)); }
  logicalOr(other: Tensor): Tensor { return wrap(native.logicalOr(this.h, other.h)); }
  logicalNot(): Tensor { return wrap(native.logicalNot(this.h)); }
  /** Elements where mask is true replaced by value. */
  maskedFill(mask: Tensor, value: Tensor | Scalar): Tensor { return wrap(native.maskedFill(this.h, mask.h, rhs(value), isScalar(value))); }

  // ---- in place (use under noGrad for parameters) ----------------------------------------------------------
  copy_(src: Tensor): this { native.copy_(this.h, src.h); return this; }
  fill_(value: Scalar): this { native.fill_(this.h, value); return this; }
  zero_(): this { native.fill_(this.h, 0); return this; }
  add_(other: Tensor | Scalar, alpha?: number): this {
    if (typeof other === "object") native.add_(this.h, other.h, alpha);
    else native.addScalar_(this.h, other, alpha);
    return this;
  }
  mul_(other: Tensor | Scalar): this {
    if (typeof other === "object") native.mul_(this.h, other.h);
    else native.mulScalar_(this.h, other);
    return this;
  }
  normal_(mean = 0, std = 1, generator?: Generator): this { native.normal_(this.h, mean, std, generator?.native); return this; }
  uniform_(from = 0, to = 1, generator?: Generator): this { native.uniform_(this.h, from, to, generator?.native); return this; }

  // ---- shape and views -------------------------------------------------------------------------------------
  reshape(...shape: number[]): Tensor { return wrap(native.reshape(this.h, shape)); }
  view(...shape: number[]): Tensor { return wrap(native.view(this.h, shape)); }
  permute(...dims: number[]): Tensor { return wrap(native.permute(this.h, dims)); }
  transpose(dim0: number, dim1: number): Tensor { return wrap(native.transpose(this.h, dim0, dim1)); }
  /** Matrix transpose of the last two dimensions. */
  get mT(): Tensor { return this.transpose(-2, -1); }
  narrow(dim: number, start: number, length: number): Tensor { return wrap(native.narrow(this.h, dim, start, length)); }
  /** Python's t[start:end:step] along dim (negative indices count from the end). */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor { return wrap(native.slice(this.h, dim, start, end, step)); }
  /** t[index] along dim, removing that dimension. */
  select(dim: number, index: number): Tensor { return wrap(native.select(this.h, dim, index)); }
  indexSelect(dim: number, index: Tensor): Tensor { return wrap(native.indexSelect(this.h, dim, index.h)); }
  gather(dim: number, index: Tensor): Tensor { return wrap(native.gather(this.h, dim, index.h)); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return wrap(native.scatterAdd(this.h, dim, index.h, src.h)); }
  scatter(dim: number, index: Tensor, src: Tensor | Scalar): Tensor { return wrap(native.scatter(this.h, dim, index.h, rhs(src), isScalar(src))); }
  maskedSelect(mask: Tensor): Tensor { return wrap(native.maskedSelect(this.h, mask.h)); }
  split(sizeOrSizes: number | number[], dim = 0): Tensor[] { return native.split(this.h, sizeOrSizes, dim).map(wrap); }
  chunk(chunks: number, dim = 0): Tensor[] { return native.chunk(this.h, chunks, dim).map(wrap); }
  squeeze(dim?: number): Tensor { return wrap(native.squeeze(this.h, dim)); }
  unsqueeze(dim: number): Tensor { return wrap(native.unsqueeze(this.h, dim)); }
  expand(...shape: number[]): Tensor { return wrap(native.expand(this.h, shape)); }
  repeat(...reps: number[]): Tensor { return wrap(native.repeat(this.h, reps)); }
  flatten(startDim = 0, endDim = -1): Tensor { return wrap(native.flatten(this.h, startDim, endDim)); }
  flip(...dims: number[]): Tensor { return wrap(native.flip(this.h, dims)); }
  roll(shifts: number | number[], dims: number | number[]): Tensor {
    return wrap(native.roll(this.h, ([] as number[]).concat(shifts), ([] as number[]).concat(dims)));
  }
  triu(diagonal = 0): Tensor { return wrap(native.triu(this.h, diagonal)); }
  tril(diagonal = 0): Tensor { return wrap(native.tril(this.h, diagonal)); }
  /** Pads the last dimensions: pads = [lastLeft, lastRight, secondLastLeft, ...] as in torch.nn.functional.pad. */
  pad(pads: number[], mode: "constant" | "reflect" | "replicate" = "constant", value = 0): Tensor {
    return wrap(native.pad(this.h, pads, mode, value));
  }
  oneHot(numClasses: number): Tensor { return wrap(native.oneHot(this.h, numClasses)); }

  // ---- reductions ------------------------------------------------------------------------------------------
  sum(dim?: number | number[], keepdim = false, dtype?: DType): Tensor { return wrap(native.sum(this.h, dims(dim), keepdim, dtype)); }
  mean(dim?: number | number[], keepdim = false, dtype?: DType): Tensor { return wrap(native.mean(this.h, dims(dim), keepdim, dtype)); }
  prod(dim?: number, keepdim = false): Tensor { return wrap(native.prod(this.h, dim, keepdim)); }
  /** Variance with Bessel's correction by default (correction = 1), as torch.var. */
  var(dim?: number | number[], options: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return wrap(native.var(this.h, dims(dim), options.correction ?? 1, options.keepdim ?? false));
  }
  /** Maximum over all elements, or over one dimension (values and indices). */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(native.maxAll(this.h));
    const [v, i] = native.maxDim(this.h, dim, keepdim);
    return { values: wrap(v), indices: wrap(i) };
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return wrap(native.minAll(this.h));
    const [v, i] = native.minDim(this.h, dim, keepdim);
    return { values: wrap(v), indices: wrap(i) };
  }
  amax(dim: number | number[], keepdim = false): Tensor { return wrap(native.amax(this.h, dims(dim)!, keepdim)); }
  amin(dim: number | number[], keepdim = false): Tensor { return wrap(native.amin(this.h, dims(dim)!, keepdim)); }
  argmax(dim?: number, keepdim = false): Tensor { return wrap(native.argmax(this.h, dim, keepdim)); }
  argmin(dim?: number, keepdim = false): Tensor { return wrap(native.argmin(this.h, dim, keepdim)); }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return wrap(native.logsumexp(this.h, dims(dim)!, keepdim)); }
  cumsum(dim: number): Tensor { return wrap(native.cumsum(this.h, dim)); }
  all(): Tensor { return wrap(native.all(this.h)); }
  any(): Tensor { return wrap(native.any(this.h)); }
  norm(p = 2): Tensor { return wrap(native.norm(this.h, p)); }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [v, i] = native.topk(this.h, k, dim, largest, sorted);
    return { values: wrap(v), indices: wrap(i) };
  }
  sort(dim = -1, descending = false, stable = false): { values: Tensor; indices: Tensor } {
    const [v, i] = native.sort(this.h, dim, descending, stable);
    return { values: wrap(v), indices: wrap(i) };
  }
  argsort(dim = -1, descending = false): Tensor {
    const { values, indices } = this.sort(dim, descending, true);
    values.dispose();
    return indices;
  }

  // ---- linear algebra and activations as methods -----------------------------------------------------------
  matmul(other: Tensor): Tensor { return wrap(native.matmul(this.h, other.h)); }
  bmm(other: Tensor): Tensor { return wrap(native.bmm(this.h, other.h)); }
  softmax(dim: number, dtype?: DType): Tensor { return wrap(native.softmax(this.h, dim, dtype)); }
  logSoftmax(dim: number, dtype?: DType): Tensor { return wrap(native.logSoftmax(this.h, dim, dtype)); }

  toString(): string {
    if (this.disposed) return "Tensor(disposed)";
    return `Tensor(shape=[${this.shape.join(", ")}], dtype=${this.dtype}, device=${this.device})`;
  }
}

setTensorPredicate((v: unknown): v is Tensor => v instanceof Tensor);

function rhs(v: Tensor | Scalar): NativeTensor | Scalar {
  return v instanceof Tensor ? v.h : v;
}

function isScalar(v: Tensor | Scalar): v is Scalar {
  return !(v instanceof Tensor);
}

function dims(d: number | number[] | undefined): number[] | undefined {
  return d === undefined ? undefined : typeof d === "number" ? [d] : d;
}

/** Wraps a native handle in a Tensor (engine-internal). */
export function wrap(h: NativeTensor): Tensor {
  return new Tensor(h);
}

// Where tensors are created when the options name no device: torch.set_default_device's counterpart. `gamma
// --device cuda` sets it once, so model construction, weights, inputs and targets all land on the GPU without
// every stage naming a device.
let defaultDevice: Device = "cpu";
export function setDefaultDevice(device: Device): void { defaultDevice = device; }
export function getDefaultDevice(): Device { return defaultDevice; }
const dev = (o: TensorOptions): Device | undefined => o.device ?? (defaultDevice === "cpu" ? undefined : defaultDevice);

function finish(t: Tensor, o: TensorOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

// ---- creation ------------------------------------------------------------------------------------------------

/**
 * A tensor from numbers (nested arrays give the shape), booleans or a typed array (then `shape` gives the
 * shape; default 1-D). Numbers default to float32; the data is copied.
 */
export function tensor(data: Nested | ArrayBufferView, options: TensorOptions & { shape?: number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const natural = naturalDtype(data);
    const dtype = options.dtype ?? natural;
    if (!dtype) throw new TypeError(`tensor(): a ${data.constructor.name} needs an explicit dtype (float16/bfloat16 for raw 16-bit floats)`);
    if (data.constructor.name === containerOf(dtype)) {
      // The array holds this dtype's elements as they are (raw bits for float16/bfloat16): copy the bytes.
      const elements = data.byteLength / DTYPE_SIZE[dtype];
      return finish(wrap(native.fromBuffer(data, dtype, options.shape ?? [elements], dev(options))), options);
    }
    // Another element type: keep the values and convert, as torch.tensor(array, dtype=...) does.
    const source = natural ? tensor(data, { shape: options.shape })
      : tensor(Float64Array.from(data as unknown as ArrayLike<number>), { shape: options.shape });
    const out = source.to({ dtype, device: dev(options) });
    source.dispose();
    return finish(out, options);
  }
  const shape: number[] = [];
  const flat: number[] = [];
  flatten(data, shape, flat, 0);
  let first: Nested = data;
  while (Array.isArray(first)) first = first[0] ?? 0;
  const isBool = typeof first === "boolean";
  const dtype = options.dtype ?? (isBool ? "bool" : "float32");
  const shapeOut = options.shape ?? shape;
  let buf: ArrayBufferView;
  switch (dtype) {
    case "float32": buf = Float32Array.from(flat); break;
    case "float64": buf = Float64Array.from(flat); break;
    case "int64": buf = BigInt64Array.from(flat, (x) => BigInt(Math.trunc(x))); break;
    case "int32": buf = Int32Array.from(flat); break;
    case "int16": buf = Int16Array.from(flat); break;
    case "int8": buf = Int8Array.from(flat); break;
    case "uint8": case "bool": buf = Uint8Array.from(flat, (x) => (dtype === "bool" ? (x ? 1 : 0) : x)); break;
    default: {
      // float16 / bfloat16 / complex64: build in float32 and convert in libtorch.
      const f = wrap(native.fromBuffer(Float32Array.from(flat), "float32", shapeOut));
      const t = f.to({ dtype, device: dev(options) });
      f.dispose();
      return finish(t, options);
    }
  }
  return finish(wrap(native.fromBuffer(buf, dtype, shapeOut, dev(options))), options);
}

export function zeros(shape: number[], o: TensorOptions = {}): Tensor { return finish(wrap(native.zeros(shape, o.dtype, dev(o))), o); }
export function ones(shape: number[], o: TensorOptions = {}): Tensor { return finish(wrap(native.ones(shape, o.dtype, dev(o))), o); }
export function empty(shape: number[], o: TensorOptions = {}): Tensor { return finish(wrap(native.empty(shape, o.dtype, dev(o))), o); }
export function full(shape: number[], value: Scalar, o: TensorOptions = {}): Tensor {
  return finish(wrap(native.full(shape, value, o.dtype, dev(o))), o);
}
export function zerosLike(t: Tensor, o: TensorOptions = {}): Tensor { return zeros(t.shape, { dtype: t.dtype, device: t.device, ...o }); }
export function onesLike(t: Tensor, o: TensorOptions = {}): Tensor { return ones(t.shape, { dtype: t.dtype, device: t.device, ...o }); }
export function fullLike(t: Tensor, value: Scalar, o: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, device: t.device, ...o });
}
/** arange(end) or arange(start, end, step); int64 when all arguments are integers, as torch. */
export function arange(startOrEnd: number, end?: number, step = 1, o: TensorOptions = {}): Tensor {
  const [s, e] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
  return finish(wrap(native.arange(s, e, step, o.dtype, dev(o))), o);
}
export function linspace(start: number, end: number, steps: number, o: TensorOptions = {}): Tensor {
  return finish(wrap(native.linspace(start, end, steps, o.dtype, dev(o))), o);
}
export function eye(n: number, o: TensorOptions = {}): Tensor { return finish(wrap(native.eye(n, o.dtype, dev(o))), o); }
/** Standard normal samples; with a generator the numbers are the same on every device. */
export function randn(shape: number[], o: RandomOptions = {}): Tensor {
  return finish(wrap(native.randn(shape, o.generator?.native, o.dtype, dev(o))), o);
}
export function rand(shape: number[], o: RandomOptions = {}): Tensor {
  return finish(wrap(native.rand(shape, o.generator?.native, o.dtype, dev(o))), o);
}
/** Integers in [low, high). */
export function randint(low: number, high: number, shape: number[], o: RandomOptions = {}): Tensor {
  return finish(wrap(native.randint(low, high, shape, o.generator?.native, o.dtype, dev(o))), o);
}
export function randperm(n: number, o: RandomOptions = {}): Tensor {
  return finish(wrap(native.randperm(n, o.generator?.native, o.dtype, dev(o))), o);
}

// ---- functions of several tensors -----------------------------------------------------------------------------
export function cat(tensors: Tensor[], dim = 0): Tensor { return wrap(native.cat(tensors.map((t) => t.h), dim)); }
export function stack(tensors: Tensor[], dim = 0): Tensor { return wrap(native.stack(tensors.map((t) => t.h), dim)); }
export function where(cond: Tensor, a: Tensor | Scalar, b: Tensor | Scalar): Tensor {
  return wrap(native.where(cond.h, rhs(a), rhs(b), isScalar(a), isScalar(b)));
}
/**
 * Samples n indices per row of a probability (or unnormalised weight) matrix. With a generator (a CPU one) the
 * draw is made on the CPU and the indices moved back: the same seed samples the same tokens on every device.
 */
export function multinomial(probs: Tensor, n: number, options: { replacement?: boolean; generator?: Generator } = {}): Tensor {
  const draw = (p: Tensor) => wrap(native.multinomial(p.h, n, options.replacement ?? false, options.generator?.native));
  if (!options.generator || probs.device === "cpu") return draw(probs);
  const onCpu = probs.to("cpu"), picked = draw(onCpu), back = picked.to(probs.device);
  onCpu.dispose();
  picked.dispose();
  return back;
}
