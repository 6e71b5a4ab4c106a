// What a file's bytes are, whatever its name says (MP3 data under a .wav name is common in the wild).
export type ContainerFormat = "wav" | "mp3" | "flac" | "ogg-vorbis" | "ogg-opus" | "ogg-flac" | "ogg" | "mp4" | "aac" | "aiff" | "webm" | "unknown";

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

/** A plausible MPEG audio layer III frame header at `at` (sync, version, layer 3, valid bitrate and rate). */
export function isMp3FrameHeader(b: Uint8Array, at: number): boolean {
  if (at + 4 > b.length) return false;
  if (b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return false;
  const version = (b[at + 1]! >> 3) & 3, layer = (b[at + 1]! >> 1) & 3;
  const bitrate = b[at + 2]! >> 4, rate = (b[at + 2]! >> 2) & 3;
  return version !== 1 && layer === 1 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

function isAdtsHeader(b: Uint8Array, at: number): boolean {
  return at + 2 <= b.length && b[at] === 0xff && (b[at + 1]! & 0xf6) === 0xf0;
}

/** Size of an ID3v2 tag at the start, or 0. */
export function id3v2Size(b: Uint8Array): number {
  if (b.length < 10 || ascii(b, 0, 3) !== "ID3") return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + ((b[5]! & 0x10) ? 10 : 0);
}

/** Detects the format from the first bytes of a file (pass at least 64 bytes; more helps for MP3 after ID3). */
export function sniffFormat(head: Uint8Array): ContainerFormat {
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WAVE") return "wav";
  if (head.length >= 12 && ascii(head, 0, 4) === "RF64" && ascii(head, 8, 4) === "WAVE") return "wav";
  if (head.length >= 4 && ascii(head, 0, 4) === "fLaC") return "flac";
  if (head.length >= 12 && ascii(head, 0, 4) === "FORM" && /^AIF[FC]$/.test(ascii(head, 8, 4))) return "aiff";
  if (head.length >= 12 && ascii(head, 4, 4) === "ftyp") return "mp4";
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return "webm";
  if (head.length >= 4 && ascii(head, 0, 4) === "OggS") {
    // The first page carries the codec's identification packet right after the segment table.
    const segments = head[26] ?? 0;
    const body = 27 + segments;
    if (ascii(head, body, 8) === "OpusHead") return "ogg-opus";
    if (head[body] === 1 && ascii(head, body + 1, 6) === "vorbis") return "ogg-vorbis";
    if (ascii(head, body + 1, 4) === "FLAC") return "ogg-flac";
    return "ogg";
  }
  const id3 = id3v2Size(head);
  if (id3 > 0) {
    // An ID3 tag fronts MP3 (or, rarely, ADTS AAC); look at the first frame when it is in the bytes given.
    if (id3 + 4 <= head.length) return isAdtsHeader(head, id3) ? "aac" : "mp3";
    return "mp3";
  }
  if (isMp3FrameHeader(head, 0)) return "mp3";
  if (isAdtsHeader(head, 0)) return "aac";
  return "unknown";
}

/** How a format is described to people. */
export const FORMAT_NAMES: Record<ContainerFormat, string> = {
  wav: "WAV", mp3: "MP3", flac: "FLAC", "ogg-vorbis": "Ogg Vorbis", "ogg-opus": "Ogg Opus", "ogg-flac": "Ogg FLAC",
  ogg: "Ogg (unknown codec)", mp4: "MP4/M4A", aac: "AAC (ADTS)", aiff: "AIFF", webm: "WebM/Matroska", unknown: "unknown",
};
