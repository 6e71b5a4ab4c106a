// The General MIDI instruments the composer uses, under the names all text uses, with each one's family and the
// range it plays comfortably (a flute melody never drops below middle C; a bass line stays low).
import type { InstrumentFamily } from "./score.js";

export interface CatalogueEntry {
  name: string;
  family: InstrumentFamily;
  /** GM program 0-127 (drum-channel kits: 0). */
  program: number;
  /** Comfortable range in MIDI pitches [low, high]. */
  range: [number, number];
  /** Plays on the GM percussion channel. */
  isDrums?: boolean;
}

const entries: CatalogueEntry[] = [
  // piano and keys
  { name: "acoustic piano", family: "piano", program: 0, range: [36, 96] },
  { name: "bright piano", family: "piano", program: 1, range: [36, 96] },
  { name: "honky-tonk piano", family: "piano", program: 3, range: [36, 96] },
  { name: "electric piano", family: "keys", program: 4, range: [36, 91] },
  { name: "fm electric piano", family: "keys", program: 5, range: [36, 91] },
  { name: "harpsichord", family: "keys", program: 6, range: [36, 89] },
  { name: "clavinet", family: "keys", program: 7, range: [41, 84] },
  { name: "accordion", family: "keys", program: 21, range: [53, 89] },
  // mallets
  { name: "celesta", family: "mallet", program: 8, range: [60, 96] },
  { name: "glockenspiel", family: "mallet", program: 9, range: [67, 100] },
  { name: "music box", family: "mallet", program: 10, range: [60, 96] },
  { name: "vibraphone", family: "mallet", program: 11, range: [53, 89] },
  { name: "marimba", family: "mallet", program: 12, range: [45, 96] },
  { name: "kalimba", family: "mallet", program: 108, range: [60, 88] },
  { name: "steel drums", family: "mallet", program: 114, range: [55, 88] },
  // organ
  { name: "drawbar organ", family: "organ", program: 16, range: [36, 96] },
  { name: "percussive organ", family: "organ", program: 17, range: [36, 96] },
  { name: "rock organ", family: "organ", program: 18, range: [36, 96] },
  { name: "church organ", family: "organ", program: 19, range: [36, 96] },
  // guitars
  { name: "nylon guitar", family: "guitar", program: 24, range: [40, 83] },
  { name: "acoustic guitar", family: "guitar", program: 25, range: [40, 83] },
  { name: "jazz guitar", family: "guitar", program: 26, range: [40, 83] },
  { name: "electric guitar", family: "guitar", program: 27, range: [40, 86] },
  { name: "muted guitar", family: "guitar", program: 28, range: [40, 79] },
  { name: "overdriven guitar", family: "guitar", program: 29, range: [40, 88] },
  { name: "distortion guitar", family: "guitar", program: 30, range: [40, 88] },
  { name: "banjo", family: "guitar", program: 105, range: [48, 84] },
  // basses
  { name: "acoustic bass", family: "bass", program: 32, range: [28, 55] },
  { name: "electric bass", family: "bass", program: 33, range: [28, 55] },
  { name: "picked bass", family: "bass", program: 34, range: [28, 55] },
  { name: "fretless bass", family: "bass", program: 35, range: [28, 55] },
  { name: "slap bass", family: "bass", program: 36, range: [28, 55] },
  { name: "synth bass", family: "bass", program: 38, range: [28, 55] },
  { name: "deep synth bass", family: "bass", program: 39, range: [24, 50] },
  // strings
  { name: "violin", family: "strings", program: 40, range: [55, 96] },
  { name: "viola", family: "strings", program: 41, range: [48, 84] },
  { name: "cello", family: "strings", program: 42, range: [36, 72] },
  { name: "contrabass", family: "strings", program: 43, range: [28, 55] },
  { name: "pizzicato strings", family: "strings", program: 45, range: [40, 84] },
  { name: "harp", family: "strings", program: 46, range: [36, 96] },
  { name: "strings", family: "strings", program: 48, range: [40, 91] },
  { name: "slow strings", family: "strings", program: 49, range: [40, 91] },
  { name: "synth strings", family: "synth", program: 50, range: [40, 91] },
  { name: "fiddle", family: "strings", program: 110, range: [55, 93] },
  // voices
  { name: "choir", family: "voice", program: 52, range: [48, 79] },
  { name: "voice oohs", family: "voice", program: 53, range: [55, 79] },
  { name: "synth voice", family: "voice", program: 54, range: [53, 81] },
  // brass
  { name: "trumpet", family: "brass", program: 56, range: [55, 84] },
  { name: "trombone", family: "brass", program: 57, range: [40, 72] },
  { name: "tuba", family: "brass", program: 58, range: [28, 55] },
  { name: "muted trumpet", family: "brass", program: 59, range: [55, 82] },
  { name: "french horn", family: "brass", program: 60, range: [41, 77] },
  { name: "brass section", family: "brass", program: 61, range: [48, 82] },
  { name: "synth brass", family: "synth", program: 62, range: [48, 84] },
  // woodwinds
  { name: "soprano sax", family: "woodwind", program: 64, range: [56, 87] },
  { name: "alto sax", family: "woodwind", program: 65, range: [49, 80] },
  { name: "tenor sax", family: "woodwind", program: 66, range: [44, 76] },
  { name: "baritone sax", family: "woodwind", program: 67, range: [36, 69] },
  { name: "oboe", family: "woodwind", program: 68, range: [58, 88] },
  { name: "bassoon", family: "woodwind", program: 70, range: [34, 72] },
  { name: "clarinet", family: "woodwind", program: 71, range: [50, 86] },
  { name: "piccolo", family: "woodwind", program: 72, range: [74, 102] },
  { name: "flute", family: "woodwind", program: 73, range: [60, 93] },
  { name: "recorder", family: "woodwind", program: 74, range: [60, 86] },
  { name: "pan flute", family: "woodwind", program: 75, range: [60, 88] },
  { name: "harmonica", family: "woodwind", program: 22, range: [60, 84] },
  // synths
  { name: "square lead", family: "synth", program: 80, range: [55, 88] },
  { name: "saw lead", family: "synth", program: 81, range: [55, 88] },
  { name: "new age pad", family: "synth", program: 88, range: [48, 84] },
  { name: "warm pad", family: "synth", program: 89, range: [48, 84] },
  { name: "polysynth pad", family: "synth", program: 90, range: [48, 84] },
  { name: "choir pad", family: "synth", program: 91, range: [48, 84] },
  { name: "bowed pad", family: "synth", program: 92, range: [48, 84] },
  { name: "halo pad", family: "synth", program: 94, range: [48, 84] },
  { name: "sweep pad", family: "synth", program: 95, range: [48, 84] },
  // pitched percussion
  { name: "timpani", family: "percussion", program: 47, range: [40, 55] },
  // drum-channel kits and hand percussion (program 0 on the GM percussion channel)
  { name: "drum kit", family: "drums", program: 0, range: [35, 81], isDrums: true },
  { name: "latin percussion", family: "percussion", program: 0, range: [35, 81], isDrums: true },
  { name: "marching percussion", family: "drums", program: 0, range: [35, 81], isDrums: true },
  { name: "shaker", family: "percussion", program: 0, range: [35, 81], isDrums: true },
  { name: "tambourine", family: "percussion", program: 0, range: [35, 81], isDrums: true },
  { name: "congas", family: "percussion", program: 0, range: [35, 81], isDrums: true },
  { name: "bongos", family: "percussion", program: 0, range: [35, 81], isDrums: true },
];

export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(entries.map((e) => [e.name, e]));

export function catalogue(name: string): CatalogueEntry {
  const e = CATALOGUE.get(name);
  if (!e) throw new Error(`unknown instrument: ${name}`);
  return e;
}

/** GM percussion keys (channel 10) by the names the groove patterns use. */
export const DRUM_KEYS = {
  kick: 36, snare: 38, rim: 37, clap: 39, hat: 42, pedal: 44, open: 46, ride: 51, bell: 53, crash: 49, splash: 55,
  china: 52, tomHi: 50, tomMid: 47, tomLow: 45, floor: 43, tamb: 54, cowbell: 56, shaker: 70, claves: 75,
  congaHi: 63, congaMute: 62, congaLo: 64, timbaleHi: 65, timbaleLo: 66, bongoHi: 60, bongoLo: 61, guiro: 73,
} as const;

export type DrumLane = keyof typeof DRUM_KEYS;
