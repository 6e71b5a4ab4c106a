// Ogg demuxing (RFC 3533): pages into packets, for Ogg Opus decoding. Reads the whole file (Opus is ~1 MB a
// minute), checks page structure, and hands out packets with the granule position of the page they end on.
import { AudioError } from "./errors.js";

export interface OggPacket {
  data: Uint8Array;
  /** Granule position of the page on which this packet ends (-1 when no packet ends there). */
  granule: bigint;
  serial: number;
}

export function* oggPackets(file: string, bytes: Uint8Array): Generator<OggPacket> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let partial: Uint8Array[] = [];
  let firstSerial: number | undefined;
  while (pos < bytes.length) {
    if (pos + 27 > bytes.length) throw new AudioError(file, `truncated Ogg: a page header is cut at byte ${pos}`);
    if (bytes[pos] !== 0x4f || bytes[pos + 1] !== 0x67 || bytes[pos + 2] !== 0x67 || bytes[pos + 3] !== 0x53)
      throw new AudioError(file, `corrupt Ogg: no page at byte ${pos}`);
    const granule = view.getBigInt64(pos + 6, true);
    const serial = view.getUint32(pos + 14, true);
    const segments = bytes[pos + 26]!;
    const tableEnd = pos + 27 + segments;
    if (tableEnd > bytes.length) throw new AudioError(file, `truncated Ogg: a segment table is cut at byte ${pos}`);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[pos + 27 + i]!;
    if (tableEnd + bodyLength > bytes.length) throw new AudioError(file, `truncated Ogg: the page at byte ${pos} needs ${bodyLength} bytes, ${bytes.length - tableEnd} remain`);
    firstSerial ??= serial;
    if (serial === firstSerial) {
      // Packets are runs of segments ending in a lacing value below 255.
      let at = tableEnd, start = tableEnd;
      const ended: Uint8Array[] = [];
      for (let i = 0; i < segments; i++) {
        const lace = bytes[pos + 27 + i]!;
        at += lace;
        if (lace < 255) {
          partial.push(bytes.subarray(start, at));
          ended.push(partial.length === 1 ? partial[0]! : Buffer.concat(partial));
          partial = [];
          start = at;
        }
      }
      if (start < at) partial.push(bytes.subarray(start, at));
      for (const data of ended) yield { data, granule, serial };
    }
    pos = tableEnd + bodyLength;
  }
}
