// MP3 decoding with minimp3 (CC0) compiled to WebAssembly by the minimp3-wasm package (Apache-2.0). We use
// its .wasm through our own glue: one instance per file, the whole compressed file in wasm memory (a 20-minute
// MP3 is ~30 MB), decoded a few seconds at a time.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AudioError } from "./errors.js";
import type { PcmSource } from "./source.js";

interface Minimp3Exports {
  memory: WebAssembly.Memory;
  decoder_init(): void;
  decoder_set_mp3_data_size(size: number): void;
  decoder_mp3_data_offset(): number;
  decoder_mp3_data_size(): number;
  decoder_seek(seconds: number): void;
  decoder_current_time(): number;
  decoder_decode(seconds: number): void;
  decoder_pcm_data_offset(): number;
  decoder_pcm_data_size(): number;
  decode_results_sampling_rate(): number;
  decode_results_num_channels(): number;
  decode_results_num_samples(): number;
}

let compiled: WebAssembly.Module | undefined;
function wasmModule(): WebAssembly.Module {
  if (!compiled) {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve("minimp3-wasm/package.json")), "dist/decoder.opt.wasm");
    compiled = new WebAssembly.Module(fs.readFileSync(file));
  }
  return compiled;
}

const SECONDS_PER_BLOCK = 8;

export function openMp3(file: string): PcmSource {
  const data = fs.readFileSync(file);
  const wasm = new WebAssembly.Instance(wasmModule(), {}).exports as unknown as Minimp3Exports;
  wasm.decoder_init();
  wasm.decoder_set_mp3_data_size(data.byteLength);
  new Uint8Array(wasm.memory.buffer, wasm.decoder_mp3_data_offset(), data.byteLength).set(data);
  wasm.decoder_seek(-1); // seeking past the end scans every frame: the exact duration
  const duration = wasm.decoder_current_time();
  wasm.decoder_seek(0);
  // The stream's rate and channel count come with the first decoded frames.
  const first = decodeBlock(wasm, 0.05);
  if (!first || duration <= 0) throw new AudioError(file, "no MPEG audio frames found (not an MP3, or the file is cut before its first frame)");
  return {
    format: "mp3",
    codec: "MPEG Layer III",
    sampleRate: first.sampleRate,
    channels: first.channels,
    headerDuration: duration,
    close() { /* the wasm instance is garbage collected with the source */ },
    async *blocks() {
      yield first.samples;
      for (;;) {
        const block = decodeBlock(wasm, SECONDS_PER_BLOCK);
        if (!block) return;
        yield block.samples;
      }
    },
  };
}

function decodeBlock(wasm: Minimp3Exports, seconds: number): { samples: Float32Array; sampleRate: number; channels: number } | undefined {
  wasm.decoder_decode(seconds);
  const n = wasm.decode_results_num_samples();
  if (n === 0) return undefined;
  const pcm = new Int16Array(wasm.memory.buffer, wasm.decoder_pcm_data_offset(), n);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = pcm[i]! / 32768;
  return { samples, sampleRate: wasm.decode_results_sampling_rate(), channels: wasm.decode_results_num_channels() };
}
