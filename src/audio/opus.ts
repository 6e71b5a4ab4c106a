// Ogg Opus decoding (RFC 7845) with the opus-decoder package (MIT; libopus, BSD) on packets from our Ogg
// demuxer. Decodes at 48 kHz, drops the encoder's pre-skip and trims the end to the last granule position.
import fs from "node:fs";
import { OpusDecoder } from "opus-decoder";
import { AudioError } from "./errors.js";
import { oggPackets } from "./ogg.js";
import type { PcmSource } from "./source.js";

export function openOggOpus(file: string): PcmSource {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const packets = oggPackets(file, bytes);
  const head = packets.next();
  if (head.done || new TextDecoder().decode(head.value.data.subarray(0, 8)) !== "OpusHead" || head.value.data.length < 19)
    throw new AudioError(file, "Ogg Opus without a valid OpusHead packet");
  const h = head.value.data;
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const channels = h[9]!;
  const preSkip = hv.getUint16(10, true);
  const family = h[18]!;
  const mapping = family === 0 ? {} : {
    streamCount: h[19]!, coupledStreamCount: h[20]!, channelMappingTable: Array.from(h.subarray(21, 21 + channels)),
  };
  if (channels < 1) throw new AudioError(file, "Ogg Opus declares 0 channels");
  // The last page's granule position is the stream's length at 48 kHz, pre-skip included.
  let lastGranule = -1n;
  for (let p = bytes.length - 14; p >= 0; p--) {
    if (bytes[p] === 0x4f && bytes[p + 1] === 0x67 && bytes[p + 2] === 0x67 && bytes[p + 3] === 0x53) {
      lastGranule = new DataView(bytes.buffer, bytes.byteOffset + p + 6, 8).getBigInt64(0, true);
      break;
    }
  }
  const totalFrames = lastGranule > 0n ? Number(lastGranule) - preSkip : undefined;
  return {
    format: "ogg-opus",
    codec: "Opus",
    sampleRate: 48000,
    channels,
    headerDuration: totalFrames !== undefined ? totalFrames / 48000 : undefined,
    close() { /* the decoder lives only inside blocks() */ },
    async *blocks() {
      const decoder = new OpusDecoder({ channels, preSkip: 0, ...mapping });
      await decoder.ready;
      try {
        let skip = preSkip;
        let emitted = 0;
        let failures = 0, decoded = 0;
        let batch: Uint8Array[] = [];
        const flush = function* (): Generator<Float32Array> {
          if (!batch.length) return;
          const out = decoder.decodeFrames(batch);
          batch = [];
          failures += out.errors.length;
          decoded += out.samplesDecoded;
          let n = out.samplesDecoded;
          const from = Math.min(skip, n);
          skip -= from;
          if (totalFrames !== undefined) n = Math.min(n, from + Math.max(0, totalFrames - emitted));
          if (n <= from) return;
          const block = new Float32Array((n - from) * channels);
          for (let c = 0; c < channels; c++) {
            const plane = out.channelData[c]!;
            for (let i = from, j = c; i < n; i++, j += channels) block[j] = plane[i]!;
          }
          emitted += n - from;
          yield block;
        };
        let first = true;
        for (const packet of packets) {
          if (first) { first = false; continue; } // OpusTags
          batch.push(packet.data);
          if (batch.length >= 250) yield* flush();
        }
        yield* flush();
        if (decoded === 0 && failures > 0) throw new AudioError(file, `no Opus packet could be decoded (${failures} errors)`);
      } finally {
        decoder.free();
      }
    },
  };
}
