// Ogg Vorbis, FLAC and Ogg FLAC through the system's libvorbisfile and libFLAC (BSD-3), compiled into the
// engine's addon when their headers were present at build time (setup.sh installs them on Debian).
import { native } from "../engine/native.js";
import { AudioError } from "./errors.js";
import type { ContainerFormat } from "./sniff.js";
import type { PcmSource } from "./source.js";

export function nativeCodecAvailable(format: ContainerFormat): boolean {
  const c = native.codecs();
  return format === "ogg-vorbis" ? c.vorbis : format === "flac" || format === "ogg-flac" ? c.flac : false;
}

export function openNativeCodec(file: string, format: "ogg-vorbis" | "flac" | "ogg-flac"): PcmSource {
  const codec = format === "ogg-vorbis" ? "vorbis" : format;
  let decoder;
  try {
    decoder = new native.AudioDecoder(file, codec);
  } catch (err) {
    throw new AudioError(file, (err as Error).message);
  }
  const { sampleRate, channels, totalFrames, bitsPerSample } = decoder;
  if (channels < 1 || sampleRate < 1) {
    decoder.close();
    throw new AudioError(file, `the stream declares ${channels} channels at ${sampleRate} Hz`);
  }
  return {
    format,
    codec: format === "ogg-vorbis" ? "Vorbis" : `FLAC ${bitsPerSample}-bit`,
    sampleRate,
    channels,
    headerDuration: totalFrames >= 0 ? totalFrames / sampleRate : undefined,
    // FLAC's STREAMINFO states the exact length; Vorbis's comes from the last page present, so a cut file agrees with itself.
    exactDuration: format !== "ogg-vorbis" && totalFrames >= 0,
    close: () => decoder.close(),
    async *blocks() {
      try {
        for (;;) {
          let block: Float32Array;
          try {
            block = decoder.read(1 << 16);
          } catch (err) {
            throw new AudioError(file, (err as Error).message);
          }
          if (block.length === 0) return;
          yield block;
        }
      } finally {
        decoder.close();
      }
    },
  };
}
