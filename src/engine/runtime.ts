// The engine's runtime: versions, devices, threads, BLAS, memory. configureThreads() applies the defaults
// measured fastest on the project's 2-core machines (see README "Threads"): libtorch's own intra-op pool at 1
// thread, the BLAS using every core. Oversubscribing both pools doubled a transformer train step here.
import { readFileSync } from "node:fs";
import os from "node:os";
import { native } from "./native.js";
import { type Device, getDefaultDevice, setDefaultDevice, zeros } from "./tensor.js";

export interface ThreadConfig {
  /** libtorch intra-op threads (elementwise ops, reductions, convolutions outside BLAS). */
  intraOp: number;
  /** BLAS threads (matmul). */
  blas: number;
}

let current: ThreadConfig | undefined;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${v}: must be a positive integer`);
  return n;
}

/** Sets thread counts; unset fields come from GAMMA_THREADS / GAMMA_BLAS_THREADS or the measured defaults. */
export function configureThreads(config: Partial<ThreadConfig> = {}): ThreadConfig {
  const cores = os.availableParallelism();
  const intraOp = config.intraOp ?? envInt("GAMMA_THREADS") ?? 1;
  const blas = config.blas ?? envInt("GAMMA_BLAS_THREADS") ?? cores;
  native.setNumThreads(intraOp);
  native.setBlasThreads(blas);
  current = { intraOp, blas };
  return current;
}

export function threadConfig(): ThreadConfig {
  return current ?? configureThreads();
}

export function libtorchVersion(): string {
  return native.version().libtorch;
}

export function cudaAvailable(): boolean {
  return native.version().cuda && native.cudaDeviceCount() > 0;
}

/**
 * Makes `name` ("cpu", "cuda", "cuda:N") the device new tensors are created on (models, weights, inputs), after
 * checking that this build can use it; the error says what to do when it cannot.
 */
export function useDevice(name: string): Device {
  if (!/^(cpu|cuda(:\d+)?)$/.test(name)) throw new Error(`unknown device '${name}': use cpu, cuda or cuda:N`);
  if (name !== "cpu") {
    if (!native.version().cuda)
      throw new Error(`device '${name}': this build's libtorch (${libtorchVersion()}) has no CUDA; install a CUDA torch (pip install torch) and run ./setup.sh again, or use --device cpu`);
    const count = native.cudaDeviceCount(), index = name === "cuda" ? 0 : Number(name.slice(5));
    if (index >= count) throw new Error(`device '${name}': ${count === 0 ? "no CUDA GPU is visible" : `only ${count} CUDA GPU(s) are visible (cuda:0..cuda:${count - 1})`} (check nvidia-smi and CUDA_VISIBLE_DEVICES)`);
  }
  setDefaultDevice(name as Device);
  return name as Device;
}

/**
 * Waits until the default device has finished the work queued on it (a no-op on the CPU, where ops finish when
 * they return): a timer read after this measures the work, not the queueing. A scalar read back from the
 * device waits for every op queued before it on the same stream.
 */
export function synchronize(): void {
  if (getDefaultDevice() === "cpu") return;
  const t = zeros([1]);
  t.item();
  t.dispose();
}

export function devices(): string[] {
  const n = native.version().cuda ? native.cudaDeviceCount() : 0;
  return ["cpu", ...Array.from({ length: n }, (_, i) => `cuda:${i}`)];
}

export function blasInfo(): ReturnType<typeof native.blasInfo> {
  return native.blasInfo();
}

/** Live tensor handles and the bytes of CPU storage they own (as reported to V8). */
export function memoryStats(): { liveTensors: number; liveBytes: number; slots: number } {
  return native.memoryStats();
}

/** Seconds per n x n x n sgemm called straight in the BLAS libtorch uses (null if it has no CBLAS symbol). */
export function sgemmDirectSeconds(n: number, iterations: number): number | null {
  return native.sgemmDirect(n, iterations);
}

/** The CPU's theoretical fp32 peak: cores x clock x FLOP per cycle (2 FMA units x 8 lanes x 2 with AVX2+FMA). */
export function cpuPeak(): { cores: number; ghz: number; flopsPerCycle: number; gflops: number; model: string; source: string } {
  const cpus = os.cpus();
  const cores = os.availableParallelism();
  const model = cpus[0]?.model ?? "unknown";
  let flags = "";
  let ghz = 0;
  let source = "os.cpus() speed";
  try {
    const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
    flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? "";
    // The nominal clock in the model name ("@ 2.45GHz") is the sustained rate; current MHz drifts with load.
    const nominal = /@\s*([\d.]+)\s*GHz/i.exec(model);
    if (nominal) { ghz = Number(nominal[1]); source = "model name"; }
    else {
      const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo);
      if (mhz) { ghz = Number(mhz[1]) / 1000; source = "/proc/cpuinfo cpu MHz"; }
    }
  } catch { /* not Linux */ }
  if (!ghz) ghz = (cpus[0]?.speed ?? 0) / 1000;
  const avx512 = /\bavx512f\b/.test(flags);
  const fma = /\bfma\b/.test(flags);
  const avx = /\bavx\b/.test(flags);
  // fp32 lanes per vector x 2 (FMA = multiply + add) x 2 (two FMA ports on current x86 cores).
  const flopsPerCycle = avx512 ? 64 : fma ? 32 : avx ? 16 : 8;
  return { cores, ghz, flopsPerCycle, gflops: cores * ghz * flopsPerCycle, model, source };
}
