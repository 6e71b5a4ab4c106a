// Readers for one POP909 song folder's text files. Each parser checks the format strictly and throws an Error
// that names the file and the line, so a damaged checkout is found at import time, not as a wrong caption later.
import fs from "node:fs";

/** Reads a song file; a missing or unreadable file is an Error naming it. */
export function readSongBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${file}: file is missing` : `${file}: cannot read (${(err as Error).message})`, { cause: err });
  }
}

export function readSongFile(file: string): string {
  return readSongBytes(file).toString("utf8");
}

/** Non-empty lines with their 1-based line numbers. */
function lines(text: string): { n: number; text: string }[] {
  return text.split(/\r?\n/).map((t, i) => ({ n: i + 1, text: t.trim() })).filter((l) => l.text !== "");
}

function fail(file: string, line: number, problem: string): never {
  throw new Error(`${file}: line ${line}: ${problem}`);
}

export interface BeatRow {
  /** Seconds. */
  time: number;
  /** Second column: 1 on every other beat in duple metres, on every bar in triple ones (see structure.ts). */
  beatFlag: boolean;
  /** Third column: the downbeat flag. */
  downbeat: boolean;
}

function flag(value: string, file: string, line: number): boolean {
  const v = Number(value);
  if (v !== 0 && v !== 1) fail(file, line, `flag "${value}" is neither 0 nor 1`);
  return v === 1;
}

/** beat_midi.txt: "time beatFlag downbeatFlag" per beat, times increasing, at least one downbeat. */
export function parseBeats(text: string, file: string): BeatRow[] {
  const rows: BeatRow[] = [];
  for (const { n, text: t } of lines(text)) {
    const f = t.split(/\s+/);
    const time = Number(f[0]);
    if (f.length !== 3 || !Number.isFinite(time)) fail(file, n, `expected "time beat downbeat", got "${t}"`);
    const prev = rows.at(-1);
    if (prev && time <= prev.time) fail(file, n, `time ${time} does not come after ${prev.time}`);
    rows.push({ time, beatFlag: flag(f[1]!, file, n), downbeat: flag(f[2]!, file, n) });
  }
  if (rows.length < 2) throw new Error(`${file}: fewer than two beats`);
  if (!rows.some((r) => r.downbeat)) throw new Error(`${file}: no downbeat is flagged`);
  return rows;
}

export interface ChordRow {
  start: number;
  end: number;
  label: string;
  line: number;
}

/** chord_midi.txt: "start end label" per chord, in order, each ending after it starts. */
export function parseChordRows(text: string, file: string): ChordRow[] {
  const rows: ChordRow[] = [];
  for (const { n, text: t } of lines(text)) {
    const f = t.split(/\s+/);
    const start = Number(f[0]), end = Number(f[1]);
    if (f.length !== 3 || !Number.isFinite(start) || !Number.isFinite(end)) fail(file, n, `expected "start end label", got "${t}"`);
    if (end <= start) fail(file, n, `chord ends (${end}) before it starts (${start})`);
    const prev = rows.at(-1);
    if (prev && start < prev.start) fail(file, n, `chord at ${start} comes before the previous one at ${prev.start}`);
    rows.push({ start, end, label: f[2]!, line: n });
  }
  if (rows.length === 0) throw new Error(`${file}: no chords`);
  return rows;
}

export interface KeyRow {
  start: number;
  end: number;
  tonic: string;
  mode: "major" | "minor";
}

/** A key label as POP909 writes it: "Gb:maj", "C#:min". */
export function parseKeyLabel(label: string): { tonic: string; mode: "major" | "minor" } | undefined {
  const m = /^([A-G][#b]?):(maj|min)$/.exec(label);
  return m ? { tonic: m[1]!, mode: m[2] === "maj" ? "major" : "minor" } : undefined;
}

/** key_audio.txt: "start end Key:mode" per key region, in order. */
export function parseKeys(text: string, file: string): KeyRow[] {
  const rows: KeyRow[] = [];
  for (const { n, text: t } of lines(text)) {
    const f = t.split(/\s+/);
    const start = Number(f[0]), end = Number(f[1]);
    const key = f.length === 3 ? parseKeyLabel(f[2]!) : undefined;
    if (!key || !Number.isFinite(start) || !Number.isFinite(end)) fail(file, n, `expected "start end Key:maj|min", got "${t}"`);
    const prev = rows.at(-1);
    if (prev && start < prev.start) fail(file, n, `key region at ${start} comes before the previous one at ${prev.start}`);
    rows.push({ start, end, ...key });
  }
  if (rows.length === 0) throw new Error(`${file}: no key`);
  return rows;
}

/** tempo.txt: one positive number of beats per minute. */
export function parseTempo(text: string, file: string): number {
  const t = text.trim();
  const bpm = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || !(bpm > 0)) throw new Error(`${file}: expected one tempo in BPM, got "${t.slice(0, 40)}"`);
  return bpm;
}

/** One phrase of a human structure label: its letter and length in bars. */
export interface Phrase {
  letter: string;
  bars: number;
}

/** human_label1/2.txt: phrases like "i4A4B8...o3" (a letter, then its length in bars), on one line. */
export function parsePhrases(text: string, file: string): Phrase[] {
  const t = text.trim();
  if (!/^([A-Za-z]\d+)+$/.test(t)) throw new Error(`${file}: expected phrases like "i4A8B8o4", got "${t.slice(0, 60)}"`);
  const phrases = [...t.matchAll(/([A-Za-z])(\d+)/g)].map((m) => ({ letter: m[1]!, bars: Number(m[2]) }));
  const empty = phrases.find((p) => p.bars === 0);
  if (empty) throw new Error(`${file}: phrase "${empty.letter}0" has no bars`);
  return phrases;
}
