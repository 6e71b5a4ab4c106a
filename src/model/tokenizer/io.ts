// tokenizer.json files: read with errors that name the file, written atomically (a temp file renamed into
// place) so that a killed training run never leaves a half-written tokenizer where a model expects one.
import fs from "node:fs";
import path from "node:path";
import { TokenizerFormatError, type TokenizerJson } from "./format.js";
import { Tokenizer } from "./tokenizer.js";

export function loadTokenizer(file: string): Tokenizer {
  return Tokenizer.fromJson(readTokenizerJson(file), file);
}

export function readTokenizerJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(e.code === "ENOENT" ? `${file}: no such tokenizer file` : `${file}: ${e.message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TokenizerFormatError(file, `not valid JSON (${(err as Error).message})`);
  }
}

export function writeTokenizerJson(file: string, json: TokenizerJson): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(temp, JSON.stringify(json, null, 2) + "\n");
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
