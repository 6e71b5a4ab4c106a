// Audio test fixtures shared by the decoder and CLI suites: a WAV writer (RIFF by hand, every encoding the
// loader claims), hand-made Ogg pages, ffmpeg-made files for the compressed formats, the bad inputs every
// entry point must refuse with one clear line, and small signal measurements (tone correlation, DFT power).
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Rng } from "./helpers.js";

// ---------------------------------------------------------------------------------------------------------
// Temp dirs

/** A fresh temp directory; remove it with fs.rmSync(dir, { recursive: true, force: true }). */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gamma-${prefix}-`));
}

// ---------------------------------------------------------------------------------------------------------
// WAV writing

export type WavEncoding = "pcm8" | "pcm16" | "pcm24" | "pcm32" | "float32" | "float64";
export const WAV_ENCODINGS: WavEncoding[] = ["pcm8", "pcm16", "pcm24", "pcm32", "float32", "float64"];
export const BITS: Record<WavEncoding, number> = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64 };
export const isFloat = (e: WavEncoding): boolean => e === "float32" || e === "float64";

/** The codec string the loader reports for an encoding. */
export function codecName(e: WavEncoding): string {
  return isFloat(e) ? `IEEE float ${BITS[e]}-bit` : `PCM ${BITS[e]}-bit`;
}

/** Largest error of one quantised sample against the value written (float formats: float32 rounding). */
export function quantisationStep(e: WavEncoding): number {
  // the loader returns float32: nothing is closer than float32's step near full scale
  return Math.max(2 ** -23, isFloat(e) ? 0 : 2 ** -(BITS[e] - 1));
}

export interface Chunk {
  id: string;
  body: Buffer;
}

/** A RIFF chunk: id, little-endian size, body and a pad byte when the size is odd. */
export function riffChunk(id: string, body: Buffer, declaredSize = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 4, "latin1");
  head.writeUInt32LE(declaredSize, 4);
  return Buffer.concat([head, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export interface WavOptions {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  /** Interleaved samples, nominally in [-1, 1]. */
  samples: ArrayLike<number>;
  /** Write a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with the PCM or IEEE float sub-format GUID. */
  extensible?: boolean;
  /** Override the format tag (e.g. 2, MS ADPCM) and bits per sample written in the fmt chunk. */
  formatTag?: number;
  bitsPerSample?: number;
  /** Chunks before the fmt chunk, between fmt and data, and after data. */
  first?: Chunk[];
  beforeData?: Chunk[];
  after?: Chunk[];
  /** Declared size of the data chunk (default: the bytes written). */
  dataSize?: number;
}

export interface EncodedWav {
  bytes: Buffer;
  frames: number;
  /** Interleaved samples as an exact decoder returns them (float32 values, kept as float64 numbers). */
  decoded: Float64Array;
}

/** Writes one sample at byte offset `at` and returns the value a decoder gives back. */
function putSample(buf: Buffer, at: number, x: number, e: WavEncoding): number {
  const int = (scale: number) => Math.max(-scale, Math.min(scale - 1, Math.round(x * scale)));
  switch (e) {
    case "pcm8": { const q = int(128); buf[at] = q + 128; return q / 128; }
    case "pcm16": { const q = int(32768); buf.writeInt16LE(q, at); return q / 32768; }
    case "pcm24": { const q = int(2 ** 23); buf.writeIntLE(q, at, 3); return q / 2 ** 23; }
    case "pcm32": { const q = int(2 ** 31); buf.writeInt32LE(q, at); return Math.fround(q / 2 ** 31); }
    case "float32": buf.writeFloatLE(x, at); return Math.fround(x);
    case "float64": buf.writeDoubleLE(x, at); return Math.fround(x);
  }
}

// KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00aa00389b71}
function subFormatGuid(tag: number): Buffer {
  const g = Buffer.from([0, 0, 0, 0, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);
  g.writeUInt16LE(tag, 0);
  return g;
}

export function encodeWav(o: WavOptions): EncodedWav {
  const bits = o.bitsPerSample ?? BITS[o.encoding];
  const bytesPerSample = BITS[o.encoding] / 8;
  const frames = Math.floor(o.samples.length / o.channels);
  const data = Buffer.alloc(frames * o.channels * bytesPerSample);
  const decoded = new Float64Array(frames * o.channels);
  for (let i = 0; i < decoded.length; i++) decoded[i] = putSample(data, i * bytesPerSample, o.samples[i]!, o.encoding);

  const tag = o.formatTag ?? (isFloat(o.encoding) ? 3 : 1);
  const fmt = Buffer.alloc(o.extensible ? 40 : 16);
  fmt.writeUInt16LE(o.extensible ? 0xfffe : tag, 0);
  fmt.writeUInt16LE(o.channels, 2);
  fmt.writeUInt32LE(o.sampleRate, 4);
  fmt.writeUInt32LE(o.sampleRate * o.channels * bytesPerSample, 8);
  fmt.writeUInt16LE(o.channels * bytesPerSample, 12);
  fmt.writeUInt16LE(bits, 14);
  if (o.extensible) {
    fmt.writeUInt16LE(22, 16); // cbSize
    fmt.writeUInt16LE(bits, 18); // valid bits per sample
    fmt.writeUInt32LE(o.channels >= 32 ? 0 : 2 ** o.channels - 1, 20); // channel mask: the first N speakers
    subFormatGuid(tag).copy(fmt, 24);
  }
  const chunks = [
    ...(o.first ?? []).map((c) => riffChunk(c.id, c.body)),
    riffChunk("fmt ", fmt),
    ...(o.beforeData ?? []).map((c) => riffChunk(c.id, c.body)),
    riffChunk("data", data, o.dataSize ?? data.length),
    ...(o.after ?? []).map((c) => riffChunk(c.id, c.body)),
  ];
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write("RIFF", 0, "latin1");
  head.writeUInt32LE(4 + body.length, 4);
  head.write("WAVE", 8, "latin1");
  return { bytes: Buffer.concat([head, body]), frames, decoded };
}

/** Mean over channels of interleaved samples (the loader's downmix), computed in the loader's order. */
export function downmix(interleaved: ArrayLike<number>, channels: number): Float64Array {
  const n = Math.floor(interleaved.length / channels);
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++, j++) s += interleaved[j]!;
    out[i] = s / channels;
  }
  return out;
}

/** Peak and RMS over all samples of all channels. */
export function level(interleaved: ArrayLike<number>): { peak: number; rms: number } {
  let peak = 0, sum = 0;
  for (let i = 0; i < interleaved.length; i++) {
    const v = interleaved[i]!;
    peak = Math.max(peak, Math.abs(v));
    sum += v * v;
  }
  return { peak, rms: Math.sqrt(sum / interleaved.length) };
}

/** Per-channel 440 Hz tones (different amplitude and phase per channel: the downmix is still a 440 Hz sine). */
export function toneChannel(c: number): { amplitude: number; phase: number } {
  return { amplitude: 0.5 - 0.04 * c, phase: 0.35 * c };
}
export function toneSamples(frames: number, channels: number, sampleRate: number, freq = 440): Float64Array {
  const out = new Float64Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const { amplitude, phase } = toneChannel(c);
      out[i * channels + c] = amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate + phase);
    }
  }
  return out;
}
/** The mono mix of toneSamples' channels at time t (seconds), exactly. */
export function toneMix(t: number, channels: number, freq = 440): number {
  let s = 0;
  for (let c = 0; c < channels; c++) {
    const { amplitude, phase } = toneChannel(c);
    s += amplitude * Math.sin(2 * Math.PI * freq * t + phase);
  }
  return s / channels;
}

/** A tone plus seeded noise per channel, within [-0.9, 0.9], for sample-exact comparisons. */
export function noisyTone(frames: number, channels: number, sampleRate: number, seed = 7): Float64Array {
  const rng = new Rng(seed);
  const out = toneSamples(frames, channels, sampleRate, 523.25);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * 0.8 + 0.45 * rng.uniform();
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Signal measurements

/**
 * How much of x (over [from, to)) is a sinusoid at freq, whatever its phase: the norm of x's projection on
 * span{sin, cos} at freq over the norm of x. 1 for a pure tone at freq, ~0 for anything else.
 */
export function toneCorrelation(x: ArrayLike<number>, rate: number, freq: number, from = 0, to = x.length): number {
  let s = 0, c = 0, ss = 0, cc = 0, e = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * freq * i) / rate, v = x[i]!;
    const sn = Math.sin(w), cs = Math.cos(w);
    s += v * sn; c += v * cs; ss += sn * sn; cc += cs * cs; e += v * v;
  }
  return e > 0 ? Math.sqrt((s * s) / ss + (c * c) / cc) / Math.sqrt(e) : 0;
}

/** Power of one DFT bin at an arbitrary frequency over [from, to). */
export function dftPower(x: ArrayLike<number>, rate: number, freq: number, from = 0, to = x.length): number {
  let s = 0, c = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    s += x[i]! * Math.sin(w);
    c += x[i]! * Math.cos(w);
  }
  return s * s + c * c;
}

/** Which of the candidate frequencies carries the most power. */
export function dominantFrequency(x: ArrayLike<number>, rate: number, candidates: number[], from = 0, to = x.length): number {
  let best = candidates[0]!, bestPower = -1;
  for (const f of candidates) {
    const p = dftPower(x, rate, f, from, to);
    if (p > bestPower) [best, bestPower] = [f, p];
  }
  return best;
}

/** Sign changes over [from, to). */
export function zeroCrossings(x: ArrayLike<number>, from = 0, to = x.length): number {
  let n = 0;
  for (let i = from + 1; i < to; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Ogg pages by hand (for corrupt-stream cases that need no encoder)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** One Ogg page holding one packet, with a correct CRC (libogg checks it). */
export function oggPage(packet: Buffer, o: { headerType?: number; granule?: bigint; serial?: number; sequence?: number } = {}): Buffer {
  const lacing: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    lacing.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const head = Buffer.alloc(27 + lacing.length);
  head.write("OggS", 0, "latin1");
  head[4] = 0;
  head[5] = o.headerType ?? 2;
  head.writeBigInt64LE(o.granule ?? 0n, 6);
  head.writeUInt32LE(o.serial ?? 0x1234, 14);
  head.writeUInt32LE(o.sequence ?? 0, 18);
  head[26] = lacing.length;
  lacing.forEach((l, i) => { head[27 + i] = l; });
  const page = Buffer.concat([head, packet]);
  let crc = 0;
  for (const b of page) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  page.writeUInt32LE(crc, 22);
  return page;
}

export function opusHead(channels = 1): Buffer {
  const h = Buffer.alloc(19);
  h.write("OpusHead", 0, "latin1");
  h[8] = 1;
  h[9] = channels;
  h.writeUInt16LE(312, 10);
  h.writeUInt32LE(48000, 12);
  return h;
}

export function vorbisIdHeader(channels = 1, rate = 16000): Buffer {
  const h = Buffer.alloc(30);
  h[0] = 1;
  h.write("vorbis", 1, "latin1");
  h[11] = channels;
  h.writeUInt32LE(rate, 12);
  h.writeInt32LE(64000, 20);
  h[28] = 0xb8; // block sizes 256 and 2048
  h[29] = 1; // framing
  return h;
}

// ---------------------------------------------------------------------------------------------------------
// ffmpeg

function runs(cmd: string): boolean {
  try {
    return spawnSync(cmd, ["-version"], { stdio: "ignore" }).status === 0;
  } catch {
    return false;
  }
}

/** ffmpeg and ffprobe on PATH (the loader needs both for M4A). */
export const HAVE_FFMPEG = runs("ffmpeg") && runs("ffprobe");

/** The encoders this ffmpeg has (empty without ffmpeg). */
export const FFMPEG_ENCODERS: ReadonlySet<string> = (() => {
  if (!HAVE_FFMPEG) return new Set<string>();
  const r = spawnSync("ffmpeg", ["-hide_banner", "-encoders"], { encoding: "utf8" });
  return new Set((r.stdout ?? "").split("\n").map((l) => /^\s*A\S*\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => !!x));
})();

/** Why a test needing ffmpeg with these encoders must skip, or false. */
export function ffmpegSkip(...encoders: string[]): string | false {
  if (!HAVE_FFMPEG) return "ffmpeg/ffprobe not on PATH";
  const missing = encoders.filter((e) => !FFMPEG_ENCODERS.has(e));
  return missing.length ? `this ffmpeg has no ${missing.join(", ")} encoder` : false;
}

const execFileP = promisify(execFile);
export async function ffmpeg(...args: string[]): Promise<void> {
  await execFileP("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args], { timeout: 60_000 });
}

export interface EncodedFixture {
  /** What the loader must call it. */
  format: string;
  file: string;
  /** ffmpeg encoder it needs. */
  encoder: string;
  sampleRate: number;
  /** Allowed |duration - source duration| in seconds (codec delay and padding). */
  durationTolerance: number;
}

/** The compressed fixtures made from one source WAV (not written: see writeEncodedFixtures). */
export function encodedFixtureSpecs(dir: string): (EncodedFixture & { args: string[] })[] {
  const f = (name: string) => path.join(dir, name);
  return [
    { format: "mp3", file: f("id3.mp3"), encoder: "libmp3lame", sampleRate: 44100, durationTolerance: 0.1,
      args: ["-c:a", "libmp3lame", "-b:a", "128k", "-id3v2_version", "3", "-metadata", "title=x"] },
    // ffmpeg 5's mp3 muxer has no -write_id3v2; -id3v2_version 0 writes no tag
    { format: "mp3", file: f("bare.mp3"), encoder: "libmp3lame", sampleRate: 44100, durationTolerance: 0.1,
      args: ["-c:a", "libmp3lame", "-b:a", "128k", "-id3v2_version", "0"] },
    { format: "flac", file: f("tone.flac"), encoder: "flac", sampleRate: 44100, durationTolerance: 1e-9, args: ["-c:a", "flac"] },
    { format: "ogg-vorbis", file: f("tone.ogg"), encoder: "libvorbis", sampleRate: 44100, durationTolerance: 0.01,
      args: ["-c:a", "libvorbis", "-q:a", "4"] },
    { format: "ogg-opus", file: f("tone.opus"), encoder: "libopus", sampleRate: 48000, durationTolerance: 0.01,
      args: ["-c:a", "libopus", "-b:a", "96k"] },
    { format: "ogg-flac", file: f("tone.oga"), encoder: "flac", sampleRate: 44100, durationTolerance: 1e-9, args: ["-c:a", "flac", "-f", "ogg"] },
    { format: "mp4", file: f("tone.m4a"), encoder: "aac", sampleRate: 44100, durationTolerance: 0.1, args: ["-c:a", "aac", "-b:a", "128k"] },
  ];
}

/** Encodes every fixture this ffmpeg can make from `source`, concurrently; returns those written. */
export async function writeEncodedFixtures(dir: string, source: string): Promise<EncodedFixture[]> {
  const specs = encodedFixtureSpecs(dir).filter((s) => FFMPEG_ENCODERS.has(s.encoder));
  await Promise.all(specs.map((s) => ffmpeg("-i", source, ...s.args, s.file)));
  return specs.map(({ args: _args, ...rest }) => rest);
}

// ---------------------------------------------------------------------------------------------------------
// Bad inputs

export interface BadInput {
  name: string;
  file: string;
  /** What the message after "<file>: " must say. */
  problem: RegExp[];
  /** Why the case cannot run here, or false. */
  skip: string | false;
  /** Also run through the CLI (each CLI run costs a process start with libtorch). */
  cli: boolean;
}

/** A 2-hour 8 kHz mono 16-bit WAV: a real header, the data extended as a sparse file. */
export function writeTwoHourWav(file: string): void {
  const dataBytes = 2 * 3600 * 8000 * 2;
  const head = encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 8000, samples: [], dataSize: dataBytes }).bytes;
  fs.writeFileSync(file, head);
  fs.truncateSync(file, head.length + dataBytes);
}

/**
 * Writes every bad input into dir. The ffmpeg-made ones (cut MP3 and FLAC) are written only when ffmpeg can
 * make them; their cases are then marked skipped. The whole files they were cut from stay in dir as
 * whole.mp3, whole-bare.mp3 and whole.flac (2.5 s, 16 kHz mono).
 */
export async function writeBadInputs(dir: string): Promise<BadInput[]> {
  const f = (name: string) => path.join(dir, name);
  const cases: BadInput[] = [];
  const add = (name: string, file: string, problem: RegExp[], o: { skip?: string | false; cli?: boolean } = {}) =>
    cases.push({ name, file, problem, skip: o.skip ?? false, cli: o.cli ?? true });

  fs.writeFileSync(f("empty.wav"), Buffer.alloc(0));
  add("an empty file", f("empty.wav"), [/empty/, /0 bytes/]);

  const short = encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 16000, samples: new Float64Array(500), dataSize: 100000 }).bytes;
  fs.writeFileSync(f("truncated.wav"), short);
  add("a truncated WAV (the data chunk declares more than the file holds)", f("truncated.wav"), [/truncated/i, /100000/]);

  const whole = encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 16000, samples: new Float64Array(500) }).bytes;
  fs.writeFileSync(f("header-cut.wav"), whole.subarray(0, 20));
  add("a WAV cut inside its header (20 bytes)", f("header-cut.wav"), [/truncated|incomplete/i]);
  fs.writeFileSync(f("header-cut-30.wav"), whole.subarray(0, 30));
  add("a WAV cut inside its fmt chunk (30 bytes)", f("header-cut-30.wav"), [/truncated|incomplete/i], { cli: false });

  const rng = new Rng(20240611);
  fs.writeFileSync(f("random.wav"), Buffer.from(Array.from({ length: 4096 }, () => rng.int(0, 256))));
  add("random bytes (seeded)", f("random.wav"), [/not a recognised audio format/]);

  const adpcm = encodeWav({ encoding: "pcm8", channels: 1, sampleRate: 16000, samples: new Float64Array(1000), formatTag: 2, bitsPerSample: 4 }).bytes;
  fs.writeFileSync(f("adpcm.wav"), adpcm);
  add("a WAV in MS ADPCM (format tag 2)", f("adpcm.wav"), [/MS ADPCM/, /not supported/]);

  const pcm12 = encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 16000, samples: new Float64Array(1000), bitsPerSample: 12 }).bytes;
  fs.writeFileSync(f("pcm12.wav"), pcm12);
  add("a WAV with 12 bits per sample", f("pcm12.wav"), [/12 bits/, /not supported/], { cli: false });

  fs.writeFileSync(f("song.mid"), Buffer.from("MThd\0\0\0\x06\0\0\0\x01\0\x60MTrk\0\0\0\x04\0\xff\x2f\0", "latin1"));
  add("a MIDI file", f("song.mid"), [/not a recognised audio format/, /4d 54 68 64/]);

  // The data chunk is last, declares 0 bytes (read as "to the end of the file") and nothing follows: 0 frames.
  fs.writeFileSync(f("zero-length.wav"), encodeWav({ encoding: "pcm16", channels: 2, sampleRate: 16000, samples: [] }).bytes);
  add("a valid WAV with no samples", f("zero-length.wav"), [/no audio samples/]);

  fs.mkdirSync(f("folder.wav"));
  add("a directory", f("folder.wav"), [/directory/]);

  add("a missing path", f("no-such-file.wav"), [/no such file/]);

  writeTwoHourWav(f("two-hours.wav"));
  add("a 2-hour WAV (over the 30-minute limit)", f("two-hours.wav"), [/2:00:00/, /30:00/, /limit/]);

  fs.writeFileSync(f("garbage.ogg"), Buffer.concat([Buffer.from("OggS", "latin1"), Buffer.from(Array.from({ length: 600 }, () => rng.int(0, 256)))]));
  add("a corrupt Ogg (OggS, then garbage)", f("garbage.ogg"), [/Ogg|ffmpeg/i]);

  fs.writeFileSync(f("corrupt.opus"), Buffer.concat([oggPage(opusHead()), Buffer.from(Array.from({ length: 600 }, () => rng.int(0, 256)))]));
  add("an Ogg Opus whose second page is garbage", f("corrupt.opus"), [/corrupt Ogg|truncated Ogg|Opus/], { cli: false });

  fs.writeFileSync(f("corrupt-vorbis.ogg"), Buffer.concat([oggPage(vorbisIdHeader()), Buffer.from(Array.from({ length: 600 }, () => rng.int(0, 256)))]));
  add("an Ogg Vorbis whose headers stop after the first page", f("corrupt-vorbis.ogg"), [/Vorbis|Ogg|ffmpeg/i], { cli: false });

  const nan = new Float64Array(1600).map((_, i) => 0.25 * Math.sin(i / 5));
  nan[800] = NaN;
  fs.writeFileSync(f("nan.wav"), encodeWav({ encoding: "float32", channels: 1, sampleRate: 16000, samples: nan }).bytes);
  add("a float WAV with a NaN sample", f("nan.wav"), [/NaN/]);

  const inf = new Float64Array(3200).map((_, i) => 0.25 * Math.sin(i / 5));
  inf[101] = Infinity;
  inf[2000] = -Infinity;
  fs.writeFileSync(f("inf.wav"), encodeWav({ encoding: "float64", channels: 2, sampleRate: 44100, samples: inf }).bytes);
  add("a float64 WAV (resampled) with infinite samples", f("inf.wav"), [/2 NaN or infinite/], { cli: false });

  // The first 100 bytes of an MP3 and a FLAC made by ffmpeg.
  const mp3Skip = ffmpegSkip("libmp3lame"), flacSkip = ffmpegSkip("flac");
  if (!mp3Skip || !flacSkip) {
    const src = f("cut-source.wav");
    // 2.5 s: also long enough to exceed a 1 s limit (the limit has 1 s of slack)
    fs.writeFileSync(src, encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 16000, samples: noisyTone(40000, 1, 16000, 5) }).bytes);
    await Promise.all([
      mp3Skip ? undefined : ffmpeg("-i", src, "-c:a", "libmp3lame", f("whole.mp3")),
      mp3Skip ? undefined : ffmpeg("-i", src, "-c:a", "libmp3lame", "-id3v2_version", "0", f("whole-bare.mp3")),
      flacSkip ? undefined : ffmpeg("-i", src, "-c:a", "flac", f("whole.flac")),
    ]);
    if (!mp3Skip) {
      fs.writeFileSync(f("cut.mp3"), fs.readFileSync(f("whole.mp3")).subarray(0, 100));
      fs.writeFileSync(f("cut-bare.mp3"), fs.readFileSync(f("whole-bare.mp3")).subarray(0, 100));
    }
    if (!flacSkip) fs.writeFileSync(f("cut.flac"), fs.readFileSync(f("whole.flac")).subarray(0, 100));
  }
  add("the first 100 bytes of an MP3 (ID3 tag, then a cut frame)", f("cut.mp3"), [/no MPEG audio frames found/], { skip: mp3Skip });
  add("the first 100 bytes of an MP3 without ID3", f("cut-bare.mp3"), [/no MPEG audio frames found/], { skip: mp3Skip, cli: false });
  add("the first 100 bytes of a FLAC", f("cut.flac"), [/FLAC/], { skip: flacSkip });
  return cases;
}

// ---------------------------------------------------------------------------------------------------------
// .npy reading

export interface Npy {
  major: number;
  minor: number;
  headerLength: number;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  data: Float32Array;
}

export function parseNpy(buf: Buffer): Npy {
  if (buf.length < 10 || buf.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error("npy: bad magic");
  const major = buf[6]!, minor = buf[7]!;
  const headerLength = buf.readUInt16LE(8);
  const header = buf.toString("latin1", 10, 10 + headerLength);
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`npy: bad header ${JSON.stringify(header)}`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const offset = 10 + headerLength;
  const bytes = buf.subarray(offset);
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(4 * i);
  return { major, minor, headerLength, descr, fortranOrder: fortran === "True", shape, data };
}
