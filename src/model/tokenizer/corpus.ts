// The training corpus of `gamma tokenizer train`: .txt files (one document each) and .jsonl files, where
// every string value of every line, found recursively, is a text — the shape of our dataset files
// (captions.jsonl, sft.jsonl, mcq.jsonl), so they train a tokenizer as they are.
import fs from "node:fs";
import path from "node:path";

export class Corpus {
  /** Bytes of the files read so far, for progress. */
  bytesRead = 0;
  readonly totalBytes: number;
  private readonly sizes: number[] = [];

  constructor(readonly files: readonly string[]) {
    if (files.length === 0) throw new Error("no corpus files given");
    for (const file of files) {
      const ext = path.extname(file);
      if (ext !== ".txt" && ext !== ".jsonl") throw new Error(`${file}: corpus files must be .txt (one document) or .jsonl (every string value is a text)`);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new Error(e.code === "ENOENT" ? `${file}: no such corpus file` : `${file}: ${e.message}`, { cause: err });
      }
      if (!stat.isFile()) throw new Error(`${file}: not a file`);
      this.sizes.push(stat.size);
    }
    this.totalBytes = this.sizes.reduce((a, b) => a + b, 0);
  }

  *texts(): Generator<string> {
    let before = 0;
    for (const [f, file] of this.files.entries()) {
      const content = fs.readFileSync(file, "utf8");
      if (path.extname(file) === ".txt") {
        yield content;
      } else {
        const lines = content.split("\n");
        for (const [i, line] of lines.entries()) {
          this.bytesRead += Buffer.byteLength(line) + 1;
          if (line.trim() === "") continue;
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch (err) {
            throw new Error(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`, { cause: err });
          }
          yield* stringsIn(value);
        }
      }
      before += this.sizes[f]!;
      this.bytesRead = before;
    }
  }
}

/** Every string in a JSON value, depth first, in document order. */
function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsIn(item);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) yield* stringsIn(item);
}
