// The interface every decoder gives the loader: a header's facts and the samples, block by block.
import type { ContainerFormat } from "./sniff.js";

export interface PcmSource {
  format: ContainerFormat;
  /** A short description of the codec inside, e.g. "PCM 24-bit" or "MPEG-1 Layer III". */
  codec: string;
  sampleRate: number;
  channels: number;
  /** Duration from the header, before decoding (seconds), if the format says. */
  headerDuration?: number;
  /** True when headerDuration is exact (WAV, FLAC): decoding less than it means the file is cut short. */
  exactDuration?: boolean;
  /** Blocks of interleaved float32 samples (nominally in [-1, 1]), in order. */
  blocks(): AsyncIterable<Float32Array>;
  /** Releases the file and decoder; idempotent. blocks() calls it when it ends; call it if you stop early. */
  close(): void;
}
