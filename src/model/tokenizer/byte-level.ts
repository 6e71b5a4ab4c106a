// The byte-level alphabet of GPT-2 style BPE: every byte 0..255 is written as one printable character, so a
// vocabulary of strings can cover any UTF-8 text without an unknown token. Printable Latin-1 bytes stand for
// themselves; the others (control characters, space, 0x7F-0xA0, 0xAD) are shifted to U+0100 and up, in byte
// order — space becomes "Ġ", newline "Ċ". This is the table every byte-level tokenizer.json (GPT-2, Qwen2,
// Llama-3) is written in, so it must be exactly this one.

function buildByteToChar(): string[] {
  const table: string[] = [];
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table.push(String.fromCodePoint(printable ? byte : 256 + shifted++));
  }
  return table;
}

/** BYTE_TO_CHAR[b] is the one-character symbol of byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const CHAR_TO_BYTE = new Map<string, number>(BYTE_TO_CHAR.map((char, byte) => [char, byte]));

const utf8 = new TextEncoder();

/**
 * The UTF-8 bytes of text, each written as its byte-level symbol. Encodes by hand: it runs on every piece of
 * every text, and a TextEncoder call per short piece costs more than the rest of pre-tokenization.
 */
export function toByteLevel(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out += BYTE_TO_CHAR[code];
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = text.charCodeAt(i + 1);
      const paired = code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
      code = paired ? 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00) : 0xfffd; // a lone surrogate is U+FFFD, as in TextEncoder
      if (paired) i++;
    }
    if (code < 0x800) out += BYTE_TO_CHAR[0xc0 | (code >> 6)]! + BYTE_TO_CHAR[0x80 | (code & 0x3f)]!;
    else if (code < 0x10000) out += BYTE_TO_CHAR[0xe0 | (code >> 12)]! + BYTE_TO_CHAR[0x80 | ((code >> 6) & 0x3f)]! + BYTE_TO_CHAR[0x80 | (code & 0x3f)]!;
    else out += BYTE_TO_CHAR[0xf0 | (code >> 18)]! + BYTE_TO_CHAR[0x80 | ((code >> 12) & 0x3f)]! + BYTE_TO_CHAR[0x80 | ((code >> 6) & 0x3f)]! + BYTE_TO_CHAR[0x80 | (code & 0x3f)]!;
  }
  return out;
}

/**
 * The bytes a token stands for. Like the Hugging Face ByteLevel decoder: a token made only of byte-level
 * symbols is read through the table; any other token (an added token such as "<|im_start|>" may hold
 * characters outside the table) is taken as its own UTF-8 text.
 */
export function tokenBytes(token: string): Uint8Array {
  const bytes = new Uint8Array(token.length);
  let n = 0;
  for (const char of token) {
    const byte = CHAR_TO_BYTE.get(char);
    if (byte === undefined) return utf8.encode(token);
    bytes[n++] = byte;
  }
  return bytes.subarray(0, n);
}
