// Loading any audio file the model can hear: sniff the content, decode block by block, downmix to mono,
// resample to the model rate, and measure level on the way. Memory is the output (16 kHz mono float32, ~4 MB
// a minute) plus one decoded block.
import fs from "node:fs";
import { AudioError } from "./errors.js";
import { ffmpegAvailable, openWithFfmpeg } from "./ffmpeg.js";
import { openMp3 } from "./mp3.js";
import { nativeCodecAvailable, openNativeCodec } from "./native-codecs.js";
import { openOggOpus } from "./opus.js";
import { StreamingResampler } from "./resample.js";
import { FORMAT_NAMES, type ContainerFormat, sniffFormat } from "./sniff.js";
import type { PcmSource } from "./source.js";
import { openWav } from "./wav.js";

export interface AudioInfo {
  file: string;
  /** What the content is (never the extension). */
  format: ContainerFormat;
  formatName: string;
  codec: string;
  sampleRate: number;
  channels: number;
  /** Seconds of audio decoded. */
  duration: number;
  /** Largest absolute sample over all channels (1.0 = full scale). */
  peak: number;
  /** Root mean square over all channels' samples. */
  rms: number;
}

export interface LoadedAudio {
  /** Mono samples at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  info: AudioInfo;
  /** Things worth telling the user that did not stop the load (silence, very short audio). */
  warnings: string[];
}

export interface LoadOptions {
  /** Output rate (default 16000, the model's). */
  sampleRate?: number;
  /** Longest audio accepted, in seconds (default 30 minutes). */
  maxDuration?: number;
}

export const DEFAULT_MAX_DURATION = 30 * 60;

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = Math.floor(seconds % 60);
  return h ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}

/** Checks the path and the first bytes, and opens the matching decoder. */
export function openAudio(file: string): PcmSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new AudioError(file, "no such file");
  }
  if (stat.isDirectory()) throw new AudioError(file, "is a directory, not an audio file");
  if (!stat.isFile()) throw new AudioError(file, "is not a regular file");
  if (stat.size === 0) throw new AudioError(file, "is empty (0 bytes)");
  const fd = fs.openSync(file, "r");
  const head = Buffer.alloc(Math.min(stat.size, 1 << 16));
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const format = sniffFormat(head);
  switch (format) {
    case "wav": return openWav(file);
    case "mp3": return openMp3(file);
    case "ogg-opus": return openOggOpus(file);
    case "ogg-vorbis": case "flac": case "ogg-flac":
      if (nativeCodecAvailable(format)) return openNativeCodec(file, format);
      break;
    case "unknown": {
      const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
      throw new AudioError(file, `not a recognised audio format (starts with ${hex}); gamma reads WAV, MP3, FLAC, Ogg Vorbis, Ogg Opus, and with ffmpeg installed M4A/AAC, AIFF and WebM`);
    }
    default:
      break;
  }
  if (!ffmpegAvailable()) throw new AudioError(file, `${FORMAT_NAMES[format]} audio needs ffmpeg, which is not installed (apt-get install ffmpeg), or convert it to WAV or MP3`);
  return openWithFfmpeg(file, format);
}

/** Decodes a whole file to mono at the requested rate. */
export async function loadAudio(file: string, o: LoadOptions = {}): Promise<LoadedAudio> {
  const rate = o.sampleRate ?? 16000;
  const maxDuration = o.maxDuration ?? DEFAULT_MAX_DURATION;
  const source = openAudio(file);
  try {
    return await decodeAll(file, source, rate, maxDuration);
  } finally {
    source.close();
  }
}

async function decodeAll(file: string, source: PcmSource, rate: number, maxDuration: number): Promise<LoadedAudio> {
  const tooLong = (seconds: number) =>
    new AudioError(file, `is ${clock(seconds)} long; the limit is ${clock(maxDuration)} (raise it with --max-duration SECONDS)`);
  if (source.headerDuration !== undefined && source.headerDuration > maxDuration + 1) throw tooLong(source.headerDuration);

  const { channels } = source;
  const resampler = source.sampleRate === rate ? undefined : new StreamingResampler(source.sampleRate, rate);
  let out = new Float32Array(Math.ceil(((source.headerDuration ?? 60) + 1) * rate));
  let outLength = 0;
  const append = (x: Float32Array) => {
    if (outLength + x.length > out.length) {
      const grown = new Float32Array(Math.max(out.length * 2, outLength + x.length));
      grown.set(out.subarray(0, outLength));
      out = grown;
    }
    out.set(x, outLength);
    outLength += x.length;
  };
  let frames = 0, peak = 0, sumSquares = 0, nonFinite = 0;
  for await (const block of source.blocks()) {
    const n = block.length / channels;
    const mono = new Float32Array(n);
    for (let i = 0, j = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < channels; c++, j++) {
        const v = block[j]!;
        if (!Number.isFinite(v)) { nonFinite++; continue; }
        s += v;
        const a = Math.abs(v);
        if (a > peak) peak = a;
        sumSquares += v * v;
      }
      mono[i] = s / channels;
    }
    frames += n;
    if (frames / source.sampleRate > maxDuration + 1) throw tooLong(frames / source.sampleRate);
    append(resampler ? resampler.push(mono) : mono);
  }
  if (resampler) append(resampler.flush());
  if (frames === 0) throw new AudioError(file, "contains no audio samples (zero-length audio)");
  if (nonFinite > 0) throw new AudioError(file, `contains ${nonFinite} NaN or infinite samples (a corrupt float WAV?)`);
  if (source.exactDuration && source.headerDuration !== undefined && frames / source.sampleRate < source.headerDuration - 0.01) {
    throw new AudioError(file, `truncated ${FORMAT_NAMES[source.format]}: the header declares ${source.headerDuration.toFixed(2)} s but only ${(frames / source.sampleRate).toFixed(2)} s could be decoded (an interrupted download or copy?)`);
  }

  const duration = frames / source.sampleRate;
  const warnings: string[] = [];
  if (peak === 0) warnings.push(`${file}: the audio is digital silence`);
  if (duration < 1) warnings.push(`${file}: the audio is only ${duration.toFixed(3)} s long`);
  return {
    samples: out.subarray(0, outLength),
    sampleRate: rate,
    info: {
      file, format: source.format, formatName: FORMAT_NAMES[source.format], codec: source.codec,
      sampleRate: source.sampleRate, channels, duration, peak, rms: Math.sqrt(sumSquares / (frames * channels)),
    },
    warnings,
  };
}
