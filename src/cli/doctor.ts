// `gamma doctor`: what the engine runs on, and how fast — the first thing to run on a new machine.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { blasInfo, configureThreads, cpuPeak, devices, directSgemmGflops, libtorchVersion, matmulGflops } from "../engine/index.js";
import { mallocTuned, native } from "../engine/native.js";
import { packageVersion, repoRoot } from "./paths.js";
import { ffmpegAvailable } from "../audio/ffmpeg.js";

function audioDecoders(): string[] {
  const c = native.codecs();
  return ["WAV", "MP3 (minimp3)", "Ogg Opus (libopus)", ...(c.vorbis ? ["Ogg Vorbis (libvorbis)"] : []), ...(c.flac ? ["FLAC (libFLAC)"] : [])];
}

export interface DoctorReport {
  gamma: string;
  node: string;
  libtorch: { version: string; source: string; root: string; cuda: boolean };
  devices: string[];
  threads: { intraOp: number; blas: number };
  mallocTuned: boolean;
  blas: ReturnType<typeof blasInfo>;
  cpu: ReturnType<typeof cpuPeak>;
  matmul: { n: number; gflops: number; directSgemmGflops: number | null; ratioToDirect: number | null; fractionOfPeak: number };
  cudaMatmulGflops?: number;
  audio: { native: string[]; ffmpeg: boolean };
}

function buildInfo(): { source: string; root: string } {
  const file = path.join(repoRoot(), "native/libtorch.json");
  if (!existsSync(file)) return { source: "unknown", root: "unknown" };
  const j = JSON.parse(readFileSync(file, "utf8")) as { source: string; root: string };
  return { source: j.source, root: j.root };
}

export function runDoctor(o: { quick?: boolean } = {}): DoctorReport {
  const threads = configureThreads();
  const iterations = o.quick ? 2 : 5;
  const gflops = matmulGflops(1024, { iterations });
  const direct = directSgemmGflops(1024, { iterations });
  const cpu = cpuPeak();
  const report: DoctorReport = {
    gamma: packageVersion(),
    node: process.version,
    libtorch: { version: libtorchVersion(), ...buildInfo(), cuda: native.version().cuda },
    devices: devices(),
    threads,
    mallocTuned,
    blas: blasInfo(),
    cpu,
    audio: { native: audioDecoders(), ffmpeg: ffmpegAvailable() },
    matmul: { n: 1024, gflops, directSgemmGflops: direct, ratioToDirect: direct ? gflops / direct : null, fractionOfPeak: gflops / cpu.gflops },
  };
  if (report.devices.includes("cuda:0")) report.cudaMatmulGflops = matmulGflops(4096, { iterations: 10, device: "cuda:0" });
  return report;
}

export function printDoctor(r: DoctorReport): void {
  const f = (x: number) => x.toFixed(1);
  const lines = [
    `gamma-music ${r.gamma} (node ${r.node})`,
    `engine     libtorch ${r.libtorch.version} from ${r.libtorch.source} (${r.libtorch.root}), CUDA ${r.libtorch.cuda ? "yes" : "no"}`,
    `devices    ${r.devices.join(", ")}`,
    `threads    libtorch intra-op ${r.threads.intraOp}, BLAS ${r.threads.blas}; freed memory kept for reuse: ${r.mallocTuned ? "yes" : "no"}`,
    `BLAS       ${r.blas.name}${r.blas.core ? ` (${r.blas.core} kernels)` : ""}${r.blas.library ? ` ${r.blas.library}` : ""}`,
    `cpu        ${r.cpu.model}: ${r.cpu.cores} cores x ${r.cpu.ghz.toFixed(2)} GHz x ${r.cpu.flopsPerCycle} FLOP/cycle = ${f(r.cpu.gflops)} GFLOP/s fp32 peak`,
    `matmul     fp32 1024^3: ${f(r.matmul.gflops)} GFLOP/s (${(100 * r.matmul.fractionOfPeak).toFixed(0)}% of peak` +
      (r.matmul.directSgemmGflops ? `; BLAS sgemm called directly: ${f(r.matmul.directSgemmGflops)} GFLOP/s, ratio ${r.matmul.ratioToDirect!.toFixed(2)})` : ")"),
  ];
  lines.push(`audio      decoders: ${r.audio.native.join(", ")}; ffmpeg ${r.audio.ffmpeg ? "installed (M4A/AAC, AIFF, WebM)" : "not installed (M4A/AAC unreadable)"}`);
  if (r.cudaMatmulGflops !== undefined) lines.push(`cuda       fp32 4096^3 matmul: ${f(r.cudaMatmulGflops)} GFLOP/s`);
  console.log(lines.join("\n"));
}

