// WAV (RIFF/RF64) decoding: PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count.
// Reads the data chunk in blocks with positional reads, so a long file never sits in memory whole.
import fs from "node:fs";
import { AudioError } from "./errors.js";
import type { PcmSource } from "./source.js";

const WAVE_FORMAT_PCM = 1, WAVE_FORMAT_IEEE_FLOAT = 3, WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const CODEC_NAMES: Record<number, string> = { 2: "MS ADPCM", 6: "A-law", 7: "mu-law", 0x11: "IMA ADPCM", 0x55: "MP3", 0x50: "MPEG" };

interface WavLayout {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

function parseLayout(file: string, fd: number, fileSize: number): WavLayout {
  const riff = readAt(fd, 0, 12);
  if (riff.length < 12) throw new AudioError(file, "truncated WAV: the RIFF header is incomplete");
  const rf64 = riff.toString("latin1", 0, 4) === "RF64";
  let pos = 12;
  let fmt: Omit<WavLayout, "dataOffset" | "dataBytes"> | undefined;
  let ds64DataSize: number | undefined;
  while (pos + 8 <= fileSize) {
    const head = readAt(fd, pos, 8);
    if (head.length < 8) break;
    const id = head.toString("latin1", 0, 4);
    let size = head.readUInt32LE(4);
    if (id === "ds64") {
      const body = readAt(fd, pos + 8, Math.min(size, 28));
      if (body.length >= 16) ds64DataSize = Number(body.readBigUInt64LE(8));
    } else if (id === "fmt ") {
      const body = readAt(fd, pos + 8, Math.min(size, 40));
      if (body.length < 16) throw new AudioError(file, "truncated WAV: the fmt chunk is incomplete");
      let formatTag = body.readUInt16LE(0);
      const bitsPerSample = body.readUInt16LE(14);
      if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
        if (body.length < 26) throw new AudioError(file, "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
        formatTag = body.readUInt16LE(24); // the first two bytes of the sub-format GUID are the format tag
      }
      fmt = { formatTag, channels: body.readUInt16LE(2), sampleRate: body.readUInt32LE(4), bitsPerSample };
    } else if (id === "data") {
      if (!fmt) throw new AudioError(file, "WAV has its data chunk before the fmt chunk");
      if (rf64 && size === 0xffffffff && ds64DataSize !== undefined) size = ds64DataSize;
      const available = fileSize - (pos + 8);
      if (size === 0xffffffff || size === 0) size = available; // streamed writers leave the size open
      if (size > available) {
        throw new AudioError(file, `truncated WAV: the data chunk declares ${size} bytes but the file holds ${available} (an interrupted download or copy?)`);
      }
      return { ...fmt, dataOffset: pos + 8, dataBytes: size };
    }
    pos += 8 + size + (size & 1);
  }
  throw new AudioError(file, fmt ? "WAV has no data chunk" : "WAV has no fmt chunk");
}

/** Opens a WAV file; the samples are read when the returned source's blocks are iterated. */
export function openWav(file: string): PcmSource {
  const fd = fs.openSync(file, "r");
  let layout: WavLayout;
  try {
    layout = parseLayout(file, fd, fs.fstatSync(fd).size);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  const { formatTag, channels, sampleRate, bitsPerSample } = layout;
  const isFloat = formatTag === WAVE_FORMAT_IEEE_FLOAT;
  if (formatTag !== WAVE_FORMAT_PCM && !isFloat) {
    fs.closeSync(fd);
    const name = CODEC_NAMES[formatTag] ?? `format tag 0x${formatTag.toString(16).padStart(4, "0")}`;
    throw new AudioError(file, `WAV codec ${name} is not supported (PCM and IEEE float are); convert it, e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav`);
  }
  if (isFloat ? bitsPerSample !== 32 && bitsPerSample !== 64 : ![8, 16, 24, 32].includes(bitsPerSample)) {
    fs.closeSync(fd);
    throw new AudioError(file, `WAV ${isFloat ? "float" : "PCM"} with ${bitsPerSample} bits per sample is not supported`);
  }
  if (channels < 1 || channels > 64) {
    fs.closeSync(fd);
    throw new AudioError(file, `WAV declares ${channels} channels`);
  }
  if (sampleRate < 1000 || sampleRate > 768000) {
    fs.closeSync(fd);
    throw new AudioError(file, `WAV declares a sample rate of ${sampleRate} Hz`);
  }
  const bytesPerFrame = (bitsPerSample / 8) * channels;
  const frames = Math.floor(layout.dataBytes / bytesPerFrame);
  let open = true;
  const close = () => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  return {
    format: "wav",
    codec: isFloat ? `IEEE float ${bitsPerSample}-bit` : `PCM ${bitsPerSample}-bit`,
    sampleRate,
    channels,
    headerDuration: frames / sampleRate,
    exactDuration: true,
    close,
    async *blocks() {
      try {
        const framesPerBlock = 1 << 16;
        for (let frame = 0; frame < frames; frame += framesPerBlock) {
          const n = Math.min(framesPerBlock, frames - frame);
          const bytes = readAt(fd, layout.dataOffset + frame * bytesPerFrame, n * bytesPerFrame);
          yield convert(bytes, bitsPerSample, isFloat);
        }
      } finally {
        close();
      }
    },
  };
}

/** Interleaved samples to float32 in [-1, 1): integers are scaled by 2^(bits - 1), 8-bit is unsigned. */
function convert(bytes: Buffer, bits: number, isFloat: boolean): Float32Array {
  const n = bytes.length / (bits / 8);
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isFloat && bits === 32) for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (isFloat) for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  else if (bits === 8) for (let i = 0; i < n; i++) out[i] = (bytes[i]! - 128) / 128;
  else if (bits === 16) for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true) / 32768;
  else if (bits === 24) {
    for (let i = 0; i < n; i++) {
      const v = bytes[3 * i]! | (bytes[3 * i + 1]! << 8) | (bytes[3 * i + 2]! << 16);
      out[i] = ((v << 8) >> 8) / 8388608;
    }
  } else for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true) / 2147483648;
  return out;
}
