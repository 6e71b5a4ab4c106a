// Decoding through ffmpeg for what no permissively licensed npm decoder covers here (M4A/AAC, WebM, AIFF, FLAC,
// Ogg Vorbis): used only when ffmpeg is installed, as a separate program (nothing of it is linked).
import { spawn, spawnSync } from "node:child_process";
import { AudioError } from "./errors.js";
import type { ContainerFormat } from "./sniff.js";
import type { PcmSource } from "./source.js";

let available: boolean | undefined;
export function ffmpegAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync("ffprobe", ["-version"], { stdio: "ignore" });
    const run = spawnSync("ffmpeg", ["-version"], { stdio: "ignore" });
    available = probe.status === 0 && run.status === 0;
  }
  return available;
}

interface Probe { streams?: { codec_type?: string; codec_name?: string; sample_rate?: string; channels?: number; duration?: string }[]; format?: { duration?: string } }

export function openWithFfmpeg(file: string, format: ContainerFormat): PcmSource {
  const probe = spawnSync("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", file], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (probe.status !== 0) throw new AudioError(file, `ffmpeg cannot read it: ${probe.stderr.trim().split("\n").pop() ?? "unknown error"}`);
  const info = JSON.parse(probe.stdout) as Probe;
  const stream = info.streams?.find((s) => s.codec_type === "audio");
  if (!stream) throw new AudioError(file, "the file has no audio stream");
  const sampleRate = Number(stream.sample_rate), channels = stream.channels ?? 0;
  if (!(sampleRate > 0) || !(channels > 0)) throw new AudioError(file, `ffprobe reports ${channels} channels at ${sampleRate} Hz`);
  const duration = Number(stream.duration ?? info.format?.duration);
  return {
    format,
    codec: `${stream.codec_name ?? "unknown"} (via ffmpeg)`,
    sampleRate,
    channels,
    headerDuration: Number.isFinite(duration) ? duration : undefined,
    close() { /* the ffmpeg process lives only inside blocks() */ },
    async *blocks() {
      const child = spawn("ffmpeg", ["-v", "error", "-nostdin", "-i", file, "-map", "0:a:0", "-f", "f32le", "-acodec", "pcm_f32le", "-"], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      let carry = Buffer.alloc(0);
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const usable = bytes.length - (bytes.length % (4 * channels));
        carry = Buffer.from(bytes.subarray(usable));
        if (usable) yield new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + usable));
      }
      const code = await exited;
      if (code !== 0) throw new AudioError(file, `ffmpeg failed to decode it: ${stderr.trim().split("\n").pop() ?? `exit ${code}`}`);
    },
  };
}
