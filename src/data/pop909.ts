// POP909 (909 human-composed Chinese pop songs, MIT; ../shared/data/pop909/) as Scores: the notes of each song's
// MIDI file on its own tempo map, with the human annotations of its folder — beats, chords, keys, tempo and the
// phrase structure — converted from seconds to beats on that same map, so that every time a Score-based
// annotation computes comes back to the file's seconds. The files name no instruments: each song gets a seeded
// orchestration, and optionally a bass line and drums (see src/data/pop909/arrange.ts).
import fs from "node:fs";
import path from "node:path";
import tonejsMidi from "@tonejs/midi";
import { Rng } from "../music/rng.js";
import { beatToSeconds, type Instrument, type Key, type Mood, type Note, type Score, type ScoreChord, type ScoreEvent, type TempoChange,
  secondsToBeat, type Track } from "../music/score.js";
import { type Bar, bassLine, drumGroove, type HarmonySpan, orchestrate } from "./pop909/arrange.js";
import { notePc, parseChordLabel, romanNumeral } from "./pop909/chords.js";
import { type ChordRow, parseBeats, parseChordRows, parseKeys, parsePhrases, parseTempo, readSongBytes, readSongFile } from "./pop909/files.js";
import { barGrid, barLengths, metreMap, placeSections } from "./pop909/structure.js";
import { tempoMapFromMidi } from "./pop909/tempo.js";

export { secondsToBeat } from "../music/score.js";

/** Beats of silence (reverb, release) after the last note. */
const TAIL_BEATS = 2;

export interface Pop909Options {
  /** Which human structure annotation the sections come from: human_label1.txt (default) or human_label2.txt. */
  structure?: 1 | 2;
  /** Called with each problem found in the song's annotations and how it was handled (also kept in pop909.warnings). */
  onWarning?: (message: string) => void;
}

/** What the importer read and decided, beyond what a Score holds. */
export interface Pop909Info {
  /** The song folder, "001". */
  song: string;
  /** The structure annotation used, and its text ("i4A4B8..."). */
  structure: 1 | 2;
  label: string;
  /** Every beat of beat_midi.txt, in score beats (beatToSeconds gives the file's seconds back). */
  beats: number[];
  /** The beats beat_midi.txt flags as downbeats, in score beats. */
  downbeats: number[];
  /**
   * Where the bars start that the sections and the metre map count: the flagged downbeats, or in triple-metre
   * songs (whose downbeat flags fall every other bar) the rows flagged in either column ("beat").
   */
  barStarts: number[];
  barLevel: "downbeat" | "beat";
  /** tempo.txt. */
  fileTempo: number;
  /** Time signatures in the MIDI file ("1/4", "4/4"...). Not used: most are export defaults (see metres). */
  midiTimeSignatures: string[];
  /** Whether the importer added a bass line / drum groove (neither is in the files). */
  addedBass: boolean;
  addedDrums: boolean;
  /** Set when the structure label's bar total differs from the song's bars; the last section absorbs it. */
  structureMismatch?: { labelBars: number; songBars: number };
  warnings: string[];
}

/** A Score from POP909, with the importer's record of the song. */
export interface Pop909Score extends Score {
  source: "pop909";
  pop909: Pop909Info;
}

function pop909Dir(root: string): string {
  const dir = path.join(root, "POP909");
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${dir}: not found, so ${root} is not a POP909 checkout (expected POP909/001 ... POP909/909 in it)`);
  }
  return dir;
}

/** The song ids ("001" ... "909") in a POP909 checkout at root (the folder that holds POP909/), sorted. */
export function listPop909(root: string): string[] {
  const dir = pop909Dir(root);
  const ids = fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{3}$/.test(e.name))
    .map((e) => e.name)
    .sort();
  if (ids.length === 0) throw new Error(`${dir}: no song folders (001, 002, ...), so ${root} is not a POP909 checkout`);
  return ids;
}

/** "1", "001" or "pop909-001" -> "001". */
function songId(id: string): string {
  const m = /^(?:pop909-)?(\d{1,3})$/.exec(id.trim());
  if (!m) throw new Error(`"${id}" is not a POP909 song id (001 ... 909)`);
  return m[1]!.padStart(3, "0");
}

type MidiFile = InstanceType<typeof tonejsMidi.Midi>;

function readMidi(file: string): MidiFile {
  const bytes = readSongBytes(file);
  try {
    return new tonejsMidi.Midi(bytes);
  } catch (err) {
    throw new Error(`${file}: not a readable MIDI file (${(err as Error).message})`, { cause: err });
  }
}

/** The MIDI file's three parts by track name; any other track with notes, or a percussion track, is an error. */
function midiParts(midi: MidiFile, file: string) {
  const parts = new Map<string, MidiFile["tracks"][number]>();
  for (const track of midi.tracks) {
    if (track.notes.length === 0) continue;
    const name = track.name.trim().toUpperCase();
    if (track.channel === 9) throw new Error(`${file}: track "${track.name}" is on the percussion channel; POP909 has none`);
    if (!["MELODY", "BRIDGE", "PIANO"].includes(name)) throw new Error(`${file}: unexpected track "${track.name}" (POP909 has MELODY, BRIDGE, PIANO)`);
    if (parts.has(name)) throw new Error(`${file}: two tracks named ${name}`);
    parts.set(name, track);
  }
  for (const required of ["MELODY", "PIANO"]) if (!parts.has(required)) throw new Error(`${file}: no ${required} track with notes`);
  return parts;
}

function notesOf(track: MidiFile["tracks"][number], ppq: number): Note[] {
  return track.notes
    .map((n) => ({ beat: n.ticks / ppq, duration: n.durationTicks / ppq, pitch: n.midi, velocity: Math.max(1, Math.min(127, Math.round(n.velocity * 127))) }))
    .sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
}

/** The tempo that holds for the most beats before endBeat (as the annotation's global tempo is chosen). */
function prevailingTempo(tempos: readonly TempoChange[], endBeat: number): number {
  const beats = new Map<number, number>();
  tempos.forEach((t, i) => {
    const span = Math.max(0, Math.min(endBeat, tempos[i + 1]?.beat ?? endBeat) - t.beat);
    beats.set(t.bpm, (beats.get(t.bpm) ?? 0) + span);
  });
  return [...beats].sort((a, b) => b[1] - a[1])[0]![0];
}

/**
 * Mood from mode and tempo, the two facts the files give: major keys read happy when quick and romantic or calm
 * when slow (the ballads most of POP909 is); minor keys read tense when fast, melancholic in between, sad slow.
 */
export function pop909Mood(key: Key, bpm: number): Mood[] {
  if (key.mode === "minor") return bpm >= 120 ? ["tense", "energetic"] : bpm >= 90 ? ["melancholic", "romantic"] : ["sad", "melancholic"];
  return bpm >= 120 ? ["happy", "energetic"] : bpm >= 90 ? ["happy", "romantic"] : ["romantic", "calm"];
}

/** The value in a sorted list nearest x. */
function nearestValue(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(sorted[lo]! - x) <= Math.abs(sorted[hi]! - x) ? sorted[lo]! : sorted[hi]!;
}

/** Consecutive rows with the same label are one chord (the file splits long chords at beats). */
function mergeChordRows(rows: readonly ChordRow[]): ChordRow[] {
  const merged: ChordRow[] = [];
  for (const r of rows) {
    const last = merged.at(-1);
    if (last && last.label === r.label && Math.abs(last.end - r.start) < 1e-3) last.end = r.end;
    else merged.push({ ...r });
  }
  return merged;
}

/**
 * Imports one POP909 song as a Score. The rng decides the orchestration and nothing else (one draw from it):
 * notes, timing and annotations are the files'.
 */
export function importPop909Song(root: string, id: string, rng: Rng, options: Pop909Options = {}): Pop909Score {
  const song = songId(id);
  const structure = options.structure ?? 1;
  if (structure !== 1 && structure !== 2) throw new Error(`POP909 structure annotation ${String(structure)} does not exist (1 or 2)`);
  const dir = path.join(pop909Dir(root), song);
  if (!fs.existsSync(dir)) throw new Error(`${dir}: no such POP909 song folder`);
  const file = (name: string) => path.join(dir, name);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };

  // Notes and timing: the MIDI file's ticks and tempo map.
  const midiFile = file(`${song}.mid`);
  const midi = readMidi(midiFile);
  const ppq = midi.header.ppq;
  const parts = midiParts(midi, midiFile);
  const tempos = tempoMapFromMidi(midi.header.tempos, ppq);
  const toBeat = (seconds: number) => secondsToBeat(tempos, seconds);
  const melody = notesOf(parts.get("MELODY")!, ppq);
  const bridge = parts.has("BRIDGE") ? notesOf(parts.get("BRIDGE")!, ppq) : [];
  const piano = notesOf(parts.get("PIANO")!, ppq);
  const all = [melody, bridge, piano].flat();
  const musicStart = Math.min(...all.map((n) => n.beat));
  const musicEnd = Math.max(...all.map((n) => n.beat + n.duration));
  const lengthBeats = musicEnd + TAIL_BEATS;

  // Beats, bars and metre. Bars that start after the music (and its tail) are not part of the Score.
  const beatsFile = file("beat_midi.txt");
  const rows = parseBeats(readSongFile(beatsFile), beatsFile);
  const beats = rows.map((r) => toBeat(r.time));
  const labelFiles = [file("human_label1.txt"), file("human_label2.txt")];
  const labelTexts = labelFiles.map((f) => readSongFile(f).trim());
  const phrases = labelTexts.map((t, i) => parsePhrases(t, labelFiles[i]!));
  const grid = barGrid(rows, phrases.map((p) => p.reduce((s, x) => s + x.bars, 0)));
  const lengths = barLengths(grid.rows);
  const kept = grid.rows.filter((r) => beats[r]! < lengthBeats - 1e-6);
  if (kept.length === 0) throw new Error(`${beatsFile}: the first downbeat comes after the last note`);
  const barStarts = kept.map((r) => beats[r]!);
  const metres = metreMap(barStarts, lengths);
  const bars: Bar[] = kept.map((r, k) => ({
    startBeat: beats[r]!,
    beats: beats.slice(r, Math.min(r + lengths[k]!, beats.length)),
  }));

  // Sections from the chosen human label, laid on the bars from the first downbeat (the first one also takes
  // a pickup before it).
  const placement = placeSections(phrases[structure - 1]!, barStarts, lengthBeats, musicStart);
  if (placement.mismatch) {
    const { labelBars, songBars } = placement.mismatch;
    const last = placement.sections.at(-1)!;
    warn(`POP909 ${song}: human_label${structure}.txt counts ${labelBars} bars, the song has ${songBars} from its first downbeat; ` +
      (labelBars < songBars ? `the last section (${last.sourceLabel}) runs on to the end` : `the label is cut at the end`));
  }

  // Keys: the first holds from the start; later rows that change the key are key changes.
  const keysFile = file("key_audio.txt");
  const keys: { beat: number; key: Key }[] = [];
  const events: ScoreEvent[] = [];
  for (const row of parseKeys(readSongFile(keysFile), keysFile)) {
    const key: Key = { tonic: row.tonic, mode: row.mode };
    const prev = keys.at(-1)?.key;
    if (prev && prev.tonic === key.tonic && prev.mode === key.mode) continue;
    const beat = prev ? toBeat(row.start) : 0;
    if (beat >= lengthBeats) break;
    keys.push({ beat, key });
    if (prev) events.push({ type: "key-change", startBeat: beat, endBeat: beat, detail: `to ${key.tonic} ${key.mode}` });
  }
  const keyAt = (beat: number) => keys.filter((k) => k.beat <= beat + 1e-6).at(-1)!.key;

  // Chords, with numerals in the key in force where each starts; none past the end of the Score. The file
  // writes times to the microsecond and every change falls on a beat, so a time within 2 ms of a beat is that
  // beat exactly: chord changes then coincide with the bars and sections they start.
  const onBeat = (seconds: number) => {
    const beat = toBeat(seconds);
    const nearest = nearestValue(beats, beat);
    return Math.abs(beatToSeconds(tempos, nearest) - seconds) < 0.002 ? nearest : beat;
  };
  const chordsFile = file("chord_midi.txt");
  const chords: ScoreChord[] = [];
  const harmony: HarmonySpan[] = [];
  for (const row of mergeChordRows(parseChordRows(readSongFile(chordsFile), chordsFile))) {
    const chord = parseChordLabel(row.label);
    if (!chord) throw new Error(`${chordsFile}: line ${row.line}: unknown chord label "${row.label}"`);
    const startBeat = onBeat(row.start), endBeat = Math.min(onBeat(row.end), lengthBeats);
    if (startBeat >= lengthBeats) break;
    const roman = romanNumeral(chord, keyAt(startBeat));
    chords.push({ startBeat, endBeat, symbol: chord.symbol, root: chord.root, quality: chord.quality, ...(roman ? { roman } : {}) });
    const rootPc = notePc(chord.root);
    // The bass line starts with the first section, like the music.
    const from = Math.max(startBeat, placement.sections[0]!.startBeat);
    if (rootPc !== undefined && endBeat > from) harmony.push({ startBeat: from, endBeat, rootPc, bassPc: notePc(chord.bass ?? chord.root) ?? rootPc });
  }

  // tempo.txt is the annotators' tempo; timing follows the MIDI map, so it is only checked.
  const tempoFile = file("tempo.txt");
  const fileTempo = parseTempo(readSongFile(tempoFile), tempoFile);
  const bpm = prevailingTempo(tempos, musicEnd);
  if (Math.abs(fileTempo - bpm) > 3) warn(`POP909 ${song}: tempo.txt says ${fileTempo} BPM, the MIDI file mostly ${bpm.toFixed(1)}`);

  // Orchestration. One draw from the caller's generator seeds this song's, so importing twice with one
  // generator gives two arrangements; the forks keep each decision independent of draws added to the others.
  const own = new Rng(rng.int(0, 2 ** 32 - 1));
  const band = orchestrate(own.fork("instruments"));
  const side = own.fork("mix").chance(0.5) ? 1 : -1;
  const tracks: Track[] = [
    { instrument: band.lead, notes: melody, pan: 0 },
    ...(bridge.length > 0 ? [{ instrument: band.counter, notes: bridge, pan: 0.35 * side }] : []),
    { instrument: band.accompaniment, notes: piano, pan: -0.25 * side },
  ];
  const added = (instrument: Instrument | undefined, notes: () => Note[]) => {
    if (instrument) tracks.push({ instrument, notes: notes(), pan: 0 });
  };
  added(band.bass, () => bassLine(own.fork("bass"), harmony, bars, musicEnd));
  added(band.drums, () => drumGroove(own.fork("drums"), bars, placement.sections, musicEnd));

  return {
    id: `pop909-${song}`,
    source: "pop909",
    style: "pop",
    ppq,
    tempos,
    metres,
    keys,
    tracks,
    sections: placement.sections,
    chords,
    events,
    lead: band.lead.name,
    mood: pop909Mood(keys[0]!.key, bpm),
    lengthBeats,
    pop909: {
      song,
      structure,
      label: labelTexts[structure - 1]!,
      beats,
      downbeats: rows.flatMap((r, i) => (r.downbeat ? [beats[i]!] : [])),
      barStarts,
      barLevel: grid.level,
      fileTempo,
      midiTimeSignatures: midi.header.timeSignatures.map((t) => t.timeSignature.join("/")),
      addedBass: band.bass !== undefined,
      addedDrums: band.drums !== undefined,
      ...(placement.mismatch ? { structureMismatch: placement.mismatch } : {}),
      warnings,
    },
  };
}
