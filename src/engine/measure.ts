// Small timing helpers shared by `gamma doctor` and the benchmarks: best-of-N wall time, matmul rates.
import { noGrad } from "./autograd.js";
import { tidy } from "./scope.js";
import { type Device, randn } from "./tensor.js";
import { Generator } from "./random.js";
import { native } from "./native.js";
import { cpuPeak } from "./runtime.js";

/** Best (minimum) seconds per call over `repeats` rounds of `iterations` calls, after one warm-up round. */
export function bestSeconds(fn: () => void, iterations: number, repeats: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / iterations);
  }
  return best;
}

/** GFLOP/s of an fp32 n x n x n matmul through libtorch (best of several rounds). */
export function matmulGflops(n = 1024, o: { iterations?: number; repeats?: number; device?: Device } = {}): number {
  return noGrad(() => tidy(() => {
    const g = new Generator(0);
    const a = randn([n, n], { generator: g, device: o.device });
    const b = randn([n, n], { generator: g, device: o.device });
    const secs = bestSeconds(() => {
      const c = a.matmul(b);
      if (c.device !== "cpu") c.sum().item(); // wait for the device
      c.dispose();
    }, o.iterations ?? 5, o.repeats ?? 3);
    return (2 * n ** 3) / secs / 1e9;
  }));
}

/** GFLOP/s of the same sgemm called directly in the BLAS libtorch uses, or null if none is exposed. */
export function directSgemmGflops(n = 1024, o: { iterations?: number; repeats?: number } = {}): number | null {
  let best = Infinity;
  for (let r = 0; r < (o.repeats ?? 3); r++) {
    const s = native.sgemmDirect(n, o.iterations ?? 5);
    if (s === null) return null;
    best = Math.min(best, s);
  }
  return (2 * n ** 3) / best / 1e9;
}

/**
 * The rate a benchmark's achieved GFLOP/s is a fraction of: the CPU's FMA peak on the CPU; on a GPU, the fp32
 * matmul rate measured on it now (8192^3), the fastest the engine's float32 work can go there.
 */
export function referenceRate(device: Device): { gflops: number; key: "cpu_peak_gflops" | "device_matmul_gflops" } {
  if (device === "cpu") return { gflops: cpuPeak().gflops, key: "cpu_peak_gflops" };
  return { gflops: matmulGflops(8192, { iterations: 10, device }), key: "device_matmul_gflops" };
}
