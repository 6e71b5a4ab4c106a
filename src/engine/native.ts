// Loads the native addon (native/build/Release/gamma_native.node) and describes its functions.
// The addon is a one-to-one layer over libtorch; src/engine/tensor.ts is the API people use.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A libtorch tensor owned by the addon, named by a number (a slot in the addon's tensor table and its
 * generation). Branded so that plain numbers are not passed by mistake.
 */
export type NativeTensor = number & { readonly __nativeTensor: unique symbol };
export interface NativeGenerator {
  getState(): Uint8Array;
  setState(state: Uint8Array): void;
  initialSeed(): bigint;
  manualSeed(seed: number): void;
  tuneMalloc(mmapThreshold: number, trimThreshold: number): boolean;
}

/** A file being decoded by a system codec library compiled into the addon (libvorbisfile, libFLAC). */
export interface NativeAudioDecoder {
  readonly sampleRate: number;
  readonly channels: number;
  /** Total frames from the header, or -1 when unknown. */
  readonly totalFrames: number;
  readonly bitsPerSample: number;
  /** Up to maxFrames frames of interleaved float32 samples; empty at the end. */
  read(maxFrames: number): Float32Array;
  close(): void;
}

type H = NativeTensor;
type Num = number | boolean;
type TOrNum = H | Num;
type Gen = NativeGenerator | undefined;

export interface NativeAddon {
  Generator: new (seed?: number | bigint) => NativeGenerator;
  AudioDecoder: new (path: string, codec: "vorbis" | "flac" | "ogg-flac") => NativeAudioDecoder;
  codecs(): { vorbis: boolean; flac: boolean };
  fromBuffer(data: ArrayBufferView, dtype: string, shape: number[], device?: string): H;
  toBuffer(t: H): ArrayBuffer;
  item(t: H): number | boolean;
  zeros(shape: number[], dtype?: string, device?: string): H;
  ones(shape: number[], dtype?: string, device?: string): H;
  empty(shape: number[], dtype?: string, device?: string): H;
  full(shape: number[], value: Num, dtype?: string, device?: string): H;
  arange(start: number, end: number, step: number, dtype?: string, device?: string): H;
  linspace(start: number, end: number, steps: number, dtype?: string, device?: string): H;
  eye(n: number, dtype?: string, device?: string): H;
  randn(shape: number[], gen: Gen, dtype?: string, device?: string): H;
  rand(shape: number[], gen: Gen, dtype?: string, device?: string): H;
  randint(low: number, high: number, shape: number[], gen: Gen, dtype?: string, device?: string): H;
  randperm(n: number, gen: Gen, dtype?: string, device?: string): H;
  shape(t: H): number[];
  dtype(t: H): string;
  device(t: H): string;
  numel(t: H): number;
  isContiguous(t: H): boolean;
  isDisposed(t: H): boolean;
  dispose(t: H): boolean;
  storageBytes(t: H): number;
  requiresGrad(t: H): boolean;
  setRequiresGrad(t: H, value: boolean): void;
  grad(t: H): H | undefined;
  setGrad(t: H, g: H | undefined): void;
  backward(t: H, grad?: H, retainGraph?: boolean): void;
  detach(t: H): H;
  isLeaf(t: H): boolean;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;

  // elementwise
  neg(t: H): H; exp(t: H): H; log(t: H): H; log1p(t: H): H; sqrt(t: H): H; rsqrt(t: H): H; abs(t: H): H;
  sin(t: H): H; cos(t: H): H; tanh(t: H): H; sigmoid(t: H): H; relu(t: H): H; silu(t: H): H; erf(t: H): H;
  floor(t: H): H; ceil(t: H): H; round(t: H): H; sign(t: H): H; reciprocal(t: H): H; square(t: H): H;
  logicalNot(t: H): H; isnan(t: H): H; isfinite(t: H): H; real(t: H): H; imag(t: H): H; viewAsReal(t: H): H;
  contiguous(t: H): H; clone(t: H): H;
  gelu(t: H, approximate: string): H;
  clamp(t: H, min: number | undefined, max: number | undefined): H;
  add(a: H, b: H, alpha?: number): H; sub(a: H, b: H, alpha?: number): H;
  addScalar(a: H, b: Num, alpha?: number): H; subScalar(a: H, b: Num, alpha?: number): H;
  mul(a: H, b: H): H; div(a: H, b: H): H; pow(a: H, b: H): H; eq(a: H, b: H): H; ne(a: H, b: H): H;
  lt(a: H, b: H): H; le(a: H, b: H): H; gt(a: H, b: H): H; ge(a: H, b: H): H; remainder(a: H, b: H): H;
  floorDivide(a: H, b: H): H;
  mulScalar(a: H, b: Num): H; divScalar(a: H, b: Num): H; powScalar(a: H, b: Num): H; eqScalar(a: H, b: Num): H;
  neScalar(a: H, b: Num): H; ltScalar(a: H, b: Num): H; leScalar(a: H, b: Num): H; gtScalar(a: H, b: Num): H;
  geScalar(a: H, b: Num): H; remainderScalar(a: H, b: Num): H; floorDivideScalar(a: H, b: Num): H;
  maximum(a: H, b: H): H; minimum(a: H, b: H): H; logicalAnd(a: H, b: H): H; logicalOr(a: H, b: H): H;
  where(cond: H, a: TOrNum, b: TOrNum, aIsScalar: boolean, bIsScalar: boolean): H;
  maskedFill(t: H, mask: H, value: TOrNum, valueIsScalar: boolean): H;
  to(t: H, dtype?: string, device?: string, copy?: boolean): H;
  copy_(dst: H, src: H): void; setData(t: H, src: H): void; fill_(t: H, v: Num): void;
  add_(t: H, o: H, alpha?: number): void; addScalar_(t: H, o: Num, alpha?: number): void;
  mul_(t: H, o: H): void; mulScalar_(t: H, o: Num): void; normal_(t: H, mean: number, std: number, gen?: Gen): void;
  uniform_(t: H, from: number, to: number, gen?: Gen): void;

  // shape
  reshape(t: H, shape: number[]): H; view(t: H, shape: number[]): H; permute(t: H, dims: number[]): H;
  transpose(t: H, a: number, b: number): H; narrow(t: H, dim: number, start: number, length: number): H;
  slice(t: H, dim: number, start: number | undefined, end: number | undefined, step: number): H;
  select(t: H, dim: number, index: number): H;
  indexSelect(t: H, dim: number, index: H): H; gather(t: H, dim: number, index: H): H;
  scatterAdd(t: H, dim: number, index: H, src: H): H; scatter(t: H, dim: number, index: H, src: TOrNum, srcIsScalar: boolean): H;
  maskedSelect(t: H, mask: H): H;
  cat(ts: H[], dim: number): H; stack(ts: H[], dim: number): H;
  split(t: H, sizes: number | number[], dim: number): H[]; chunk(t: H, chunks: number, dim: number): H[];
  squeeze(t: H, dim?: number): H; unsqueeze(t: H, dim: number): H; expand(t: H, shape: number[]): H;
  repeat(t: H, reps: number[]): H; flatten(t: H, start: number, end: number): H; flip(t: H, dims: number[]): H;
  roll(t: H, shifts: number[], dims: number[]): H;
  triu(t: H, k: number): H; tril(t: H, k: number): H;
  pad(t: H, pads: number[], mode: string, value: number): H;
  oneHot(t: H, classes: number): H;

  // reductions
  sum(t: H, dims: number[] | undefined, keepdim: boolean, dtype?: string): H;
  mean(t: H, dims: number[] | undefined, keepdim: boolean, dtype?: string): H;
  prod(t: H, dim: number | undefined, keepdim: boolean): H;
  var(t: H, dims: number[] | undefined, correction: number, keepdim: boolean): H;
  amax(t: H, dims: number[], keepdim: boolean): H; amin(t: H, dims: number[], keepdim: boolean): H;
  maxAll(t: H): H; minAll(t: H): H;
  maxDim(t: H, dim: number, keepdim: boolean): [H, H]; minDim(t: H, dim: number, keepdim: boolean): [H, H];
  argmax(t: H, dim: number | undefined, keepdim: boolean): H; argmin(t: H, dim: number | undefined, keepdim: boolean): H;
  logsumexp(t: H, dims: number[], keepdim: boolean): H; cumsum(t: H, dim: number): H;
  all(t: H): H; any(t: H): H; norm(t: H, p: number): H;
  topk(t: H, k: number, dim: number, largest: boolean, sorted: boolean): [H, H];
  sort(t: H, dim: number, descending: boolean, stable: boolean): [H, H];
  multinomial(probs: H, n: number, replacement: boolean, gen?: Gen): H;

  // nn
  matmul(a: H, b: H): H; bmm(a: H, b: H): H; mm(a: H, b: H): H; linear(x: H, w: H, b?: H): H;
  conv1d(x: H, w: H, b: H | undefined, stride: number, padding: number, dilation: number, groups: number): H;
  conv2d(x: H, w: H, b: H | undefined, stride: number[], padding: number[], dilation: number[], groups: number): H;
  avgPool1d(x: H, kernel: number, stride: number, padding: number): H;
  maxPool1d(x: H, kernel: number, stride: number, padding: number): H;
  avgPool2d(x: H, kernel: number[], stride: number[], padding: number[]): H;
  maxPool2d(x: H, kernel: number[], stride: number[], padding: number[]): H;
  embedding(weight: H, indices: H, paddingIdx: number): H;
  layerNorm(x: H, shape: number[], weight: H | undefined, bias: H | undefined, eps: number): H;
  softmax(x: H, dim: number, dtype?: string): H; logSoftmax(x: H, dim: number, dtype?: string): H;
  dropout(x: H, p: number, train: boolean): H;
  crossEntropy(logits: H, target: H, weight: H | undefined, reduction: string, ignoreIndex: number, labelSmoothing: number): H;
  mseLoss(a: H, b: H): H;
  bceWithLogits(logits: H, target: H, posWeight?: H): H;
  stft(x: H, nFft: number, hop: number, winLength: number, window: H | undefined, center: boolean, padMode: string,
       normalized: boolean, onesided: boolean): H;

  // runtime
  version(): { libtorch: string; cuda: boolean; config: string; parallel: string };
  cudaDeviceCount(): number;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  blasInfo(): { name: string; config?: string; core?: string; threads?: number; library?: string; cblasSgemm: boolean };
  setBlasThreads(n: number): boolean;
  sgemmDirect(n: number, iterations: number): number | null;
  manualSeed(seed: number): void;
  tuneMalloc(mmapThreshold: number, trimThreshold: number): boolean;
  memoryStats(): { liveTensors: number; liveBytes: number; slots: number };
  adamwStep(params: H[], expAvg: H[], expAvgSq: H[], lr: number, beta1: number, beta2: number, eps: number,
            weightDecay: number, step: number): void;
  clipGradNorm(params: H[], maxNorm: number): number;
  zeroGrad(params: H[]): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/src/engine -> repository root (three up); src/engine when run from sources (two up).
const roots = [path.resolve(here, "../../.."), path.resolve(here, "../..")];

function load(): NativeAddon {
  const candidates = roots.map((r) => path.join(r, "native/build/Release/gamma_native.node"));
  if (process.env.GAMMA_NATIVE) candidates.unshift(process.env.GAMMA_NATIVE);
  const file = candidates.find((c) => existsSync(c));
  if (!file) {
    throw new Error(
      "gamma: the native engine is not built (looked for " + candidates.join(", ") + "). " +
      "Run ./setup.sh in the gamma-music folder (it installs libtorch and builds the addon).",
    );
  }
  const require = createRequire(import.meta.url);
  try {
    return require(file) as NativeAddon;
  } catch (err) {
    throw new Error(`gamma: could not load the native engine ${file}: ${(err as Error).message}. ` +
      "Rebuild it with `npm run build:native -- --force` (the libtorch it was built against may have changed).", { cause: err });
  }
}

export const native: NativeAddon = load();

// Keep freed tensor memory in the process for reuse (see TuneMalloc in native/src/runtime.cc): blocks up to
// 32 MiB (glibc's ceiling) stay in the heap and the heap is not trimmed below 1 GiB.
// GAMMA_MALLOC_TUNE=0 leaves glibc's defaults.
export const mallocTuned: boolean = process.env.GAMMA_MALLOC_TUNE === "0" ? false : native.tuneMalloc(32 * 2 ** 20, 2 ** 30);
