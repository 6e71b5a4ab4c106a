// A composed song before it is rendered: notes and facts in beats (quarter notes) on a tempo map. The composer
// (synthetic styles) and the POP909 importer both produce a Score; rendering turns it into MIDI and audio, and
// annotate() turns its facts into the seconds heard in the audio (src/data/schema.ts).

/** Modes the world uses. */
export type Mode = "major" | "minor" | "dorian" | "mixolydian" | "lydian" | "phrygian";
export const MODES: readonly Mode[] = ["major", "minor", "dorian", "mixolydian", "lydian", "phrygian"];

/** A key: tonic spelled as a pitch class name ("C", "F#", "Bb") and a mode. */
export interface Key {
  tonic: string;
  mode: Mode;
}

export interface Metre {
  numerator: number;
  denominator: number;
}

export type SectionLabel =
  | "intro" | "verse" | "pre-chorus" | "chorus" | "bridge" | "solo" | "breakdown" | "drop" | "interlude" | "outro";

export type InstrumentFamily =
  | "piano" | "keys" | "organ" | "guitar" | "bass" | "strings" | "brass" | "woodwind" | "synth" | "voice" | "drums" | "percussion" | "mallet";

export type InstrumentRole = "lead" | "counter" | "comping" | "pad" | "bass" | "drums" | "percussion";

export interface Instrument {
  /** Human name used in all text ("electric piano", "nylon guitar", "drum kit"). Unique within a song. */
  name: string;
  family: InstrumentFamily;
  /** General MIDI program 0-127; drums use channel 10 and program 0 (a GM drum kit). */
  program: number;
  isDrums: boolean;
  role: InstrumentRole;
}

export interface Note {
  /** Onset in beats (quarter notes) from the start of the song. */
  beat: number;
  /** Length in beats. */
  duration: number;
  /** MIDI pitch (for drums: the GM percussion key, 35-81). */
  pitch: number;
  /** 1-127. */
  velocity: number;
}

export interface Track {
  instrument: Instrument;
  notes: Note[];
  /** Channel volume automation (CC7), 0-127, for fades and crescendos. */
  volume?: { beat: number; value: number }[];
  /** Pan, -1 (left) .. 1 (right). */
  pan?: number;
}

export interface TempoChange {
  beat: number;
  bpm: number;
}

export interface MetreChange {
  beat: number;
  metre: Metre;
}

export interface ScoreSection {
  startBeat: number;
  endBeat: number;
  label: SectionLabel;
  bars: number;
  /** The label as its source wrote it (POP909: "A", "b", ...), when it differs. */
  sourceLabel?: string;
  /** Names of the instruments that sound in this section (synthetic songs; derived from the notes). */
  instruments?: string[];
}

export interface ScoreChord {
  startBeat: number;
  endBeat: number;
  /** Chord symbol as written in text, e.g. "Am7", "F#", "Bbmaj7", "G7sus4", "N" for no chord. */
  symbol: string;
  /** Root pitch class name and quality ("maj", "min", "7", "maj7", "min7", "dim", "aug", "sus2", "sus4", "m7b5", "dim7", "6", "min6", "9"). */
  root: string;
  quality: string;
  /** Roman numeral relative to the key in force, when known ("V7", "bVII", "ii"). */
  roman?: string;
}

export type EventType =
  | "drum-fill" | "solo" | "break" | "drop" | "fade-in" | "fade-out" | "crescendo" | "stop"
  | "key-change" | "tempo-change" | "metre-change";

export interface ScoreEvent {
  type: EventType;
  startBeat: number;
  endBeat: number;
  /** The instrument concerned (solo: the soloist; drum-fill: the drum kit). */
  instrument?: string;
  /** Free detail for text ("to E minor", "from 96 to 120 BPM"). */
  detail?: string;
}

export type Mood =
  | "happy" | "sad" | "energetic" | "calm" | "tense" | "romantic" | "dark" | "playful" | "triumphant" | "melancholic" | "dreamy" | "aggressive";

export interface Score {
  id: string;
  source: "synthetic" | "pop909";
  style: string;
  seed?: number;
  /** Ticks per quarter note for MIDI export. */
  ppq: number;
  tempos: TempoChange[];
  metres: MetreChange[];
  keys: { beat: number; key: Key }[];
  tracks: Track[];
  sections: ScoreSection[];
  chords: ScoreChord[];
  events: ScoreEvent[];
  /** Name of the lead instrument (carries the melody). */
  lead: string;
  /** Primary mood first, then secondary tags; derived from the facts (mode, tempo, dynamics, style). */
  mood: Mood[];
  /** Total length in beats, including any tail (reverb, fade). */
  lengthBeats: number;
  /** Whether the melody carries swing (for text). */
  swing?: number;
}

/** Seconds at a beat position under a tempo map (tempo changes take effect at their beat). */
export function beatToSeconds(tempos: readonly TempoChange[], beat: number): number {
  if (tempos.length === 0) throw new Error("score has no tempo");
  let seconds = 0;
  for (let i = 0; i < tempos.length; i++) {
    const t = tempos[i]!;
    const nextBeat = i + 1 < tempos.length ? tempos[i + 1]!.beat : Infinity;
    if (beat <= nextBeat) return seconds + ((beat - t.beat) * 60) / t.bpm;
    seconds += ((nextBeat - t.beat) * 60) / t.bpm;
  }
  return seconds;
}

/**
 * The beat at which `seconds` falls under a tempo map: the exact inverse of beatToSeconds(). It walks the
 * segments in the same order and with the same arithmetic, so a round trip is exact to rounding (~1e-12 s).
 * Times before the first tempo change extrapolate at the first tempo, as beatToSeconds() does.
 */
export function secondsToBeat(tempos: readonly TempoChange[], seconds: number): number {
  if (tempos.length === 0) throw new Error("score has no tempo");
  let elapsed = 0;
  for (let i = 0; i < tempos.length; i++) {
    const t = tempos[i]!;
    const nextBeat = i + 1 < tempos.length ? tempos[i + 1]!.beat : Infinity;
    const segment = ((nextBeat - t.beat) * 60) / t.bpm;
    if (seconds <= elapsed + segment) return t.beat + ((seconds - elapsed) * t.bpm) / 60;
    elapsed += segment;
  }
  // Unreachable: the last segment is infinite.
  throw new Error(`secondsToBeat: ${seconds} is not a time`);
}
