// The run's metrics log, <run>/metrics.jsonl: one JSON object per line, e.g.
//   {"step":120,"time":1732630000.5,"split":"train","loss":2.31,"lr":0.0003,"tokens_per_s":5400}
//   {"step":500,"split":"eval","loss":2.05,"accuracy":0.41,"accuracy_temporal":0.38}
// Lines are appended one write at a time, so a killed run loses at most the line it was writing; readers drop
// such a torn last line, and the next append cuts it off before writing, so it never ends up mid-file.
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../audio/wav-write.js";

/** A metric's value as stored: JSON has no NaN or Infinity, so JSON.stringify writes those as null. */
export type MetricValue = number | string | boolean | null;

export interface MetricRecord {
  /** The optimizer step the record belongs to; the x axis of every plot. */
  step: number;
  /** "train" or "eval"; a record without one counts as train. */
  split?: string;
  [field: string]: MetricValue | undefined;
}

/** A record together with the exact line it was read from, so rewrites keep lines byte for byte. */
interface LoggedLine {
  record: MetricRecord;
  text: string;
}

export class MetricsLog {
  /** Whether this log has made sure the file does not end in a torn line (checked once, before the first write). */
  private tailChecked = false;

  constructor(readonly file: string) {}

  /** Appends one record as a single line. */
  append(record: MetricRecord): void {
    if (typeof record.step !== "number" || !Number.isFinite(record.step)) {
      throw new Error(`${this.file}: a metrics record needs a finite numeric step, got ${String(record.step)}`);
    }
    if (!this.tailChecked) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      cutTornTail(this.file);
      this.tailChecked = true;
    }
    // One appendFileSync is one write(2) of the whole line: once it returns, the line survives a kill of this process.
    fs.appendFileSync(this.file, JSON.stringify(record) + "\n");
  }

  /**
   * Reads every record in file order. A last line without its newline that does not parse is a write cut short by
   * a kill and is dropped; a bad line anywhere else is corruption and throws an error naming file:line.
   */
  static read(file: string): MetricRecord[] {
    return readLines(file).map((line) => line.record);
  }

  /**
   * Keeps only the records with step <= `step`, rewriting the file atomically (temp file + rename). Used when a run
   * resumes from a checkpoint older than the end of its log, so the curves do not show the replayed steps twice.
   * Returns how many records were removed.
   */
  truncateAfter(step: number): number {
    if (!fs.existsSync(this.file)) return 0;
    const lines = readLines(this.file);
    const kept = lines.filter((line) => line.record.step <= step);
    writeFileAtomic(this.file, kept.map((line) => line.text + "\n").join(""));
    this.tailChecked = true; // the rewrite ends in a newline
    return lines.length - kept.length;
  }
}

function readLines(file: string): LoggedLine[] {
  const text = fs.readFileSync(file, "utf8");
  const rows = text.split("\n");
  // The last piece is either "" (the file ends in a newline) or a line whose write may have been cut short.
  const lastIndex = rows.length - 1;
  const lines: LoggedLine[] = [];
  rows.forEach((row, index) => {
    const trimmed = row.trim();
    if (!trimmed) return;
    const isUnterminatedLast = index === lastIndex;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      if (isUnterminatedLast) return; // torn by a kill mid-write
      throw new Error(`${file}:${index + 1}: corrupt metrics line (${(err as Error).message}): ${preview(trimmed)}`, { cause: err });
    }
    if (!isRecord(parsed)) {
      throw new Error(`${file}:${index + 1}: a metrics line must be a JSON object with a numeric "step": ${preview(trimmed)}`);
    }
    lines.push({ record: parsed, text: trimmed });
  });
  return lines;
}

function isRecord(value: unknown): value is MetricRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const step = (value as { step?: unknown }).step;
  return typeof step === "number" && Number.isFinite(step);
}

function preview(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

/**
 * Cuts a torn last line (bytes after the final newline) off the file, so the next appended line starts on a line of
 * its own instead of gluing onto the fragment and corrupting the middle of the log.
 */
function cutTornTail(file: string): void {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  const tail = bytes.subarray(bytes.lastIndexOf(0x0a) + 1).toString("utf8").trim();
  if (isCompleteRecord(tail)) {
    fs.appendFileSync(file, "\n"); // a whole record that only lacks its newline (written by another tool): keep it
  } else {
    fs.truncateSync(file, bytes.lastIndexOf(0x0a) + 1);
  }
}

function isCompleteRecord(line: string): boolean {
  try {
    return isRecord(JSON.parse(line));
  } catch {
    return false;
  }
}
