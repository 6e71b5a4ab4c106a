// Orchestration for a POP909 song: the files give three piano-roll parts (MELODY, BRIDGE, PIANO) and no
// instruments, so each song gets a seeded choice of General MIDI instruments for them, and optionally a bass line
// from the chord roots and a drum groove on the human beats, to widen what the rendered audio sounds like.
import type { Instrument, InstrumentFamily, InstrumentRole, Note, ScoreSection } from "../../music/score.js";
import type { Rng } from "../../music/rng.js";

type Choice = readonly [name: string, family: InstrumentFamily, program: number, weight: number];

// Lead (MELODY: the sung line): instruments that carry a vocal melody well in the register it is written in.
const LEADS: readonly Choice[] = [
  ["flute", "woodwind", 73, 2], ["violin", "strings", 40, 2], ["clarinet", "woodwind", 71, 1.5],
  ["alto sax", "woodwind", 65, 1.5], ["trumpet", "brass", 56, 1], ["electric piano", "keys", 4, 1.5],
  ["synth lead", "synth", 81, 1], ["vocal oohs", "voice", 53, 1.5], ["oboe", "woodwind", 68, 1],
  ["soprano sax", "woodwind", 64, 1], ["vibraphone", "mallet", 11, 1],
];
// Counter-melody (BRIDGE).
const COUNTERS: readonly Choice[] = [
  ["cello", "strings", 42, 2], ["viola", "strings", 41, 1.5], ["french horn", "brass", 60, 1.5],
  ["clarinet", "woodwind", 71, 1], ["oboe", "woodwind", 68, 1], ["flute", "woodwind", 73, 1],
  ["vibraphone", "mallet", 11, 1], ["marimba", "mallet", 12, 1], ["clean electric guitar", "guitar", 27, 1.5],
  ["choir aahs", "voice", 52, 1], ["celesta", "mallet", 8, 0.5],
];
// Accompaniment (PIANO): arpeggios and chords.
const ACCOMPANIMENTS: readonly Choice[] = [
  ["acoustic piano", "piano", 0, 4], ["bright piano", "piano", 1, 1], ["electric piano", "keys", 4, 2],
  ["nylon guitar", "guitar", 24, 2], ["steel guitar", "guitar", 25, 2], ["strings", "strings", 48, 1.5],
  ["organ", "organ", 16, 1], ["harp", "strings", 46, 1],
];
const BASSES: readonly Choice[] = [
  ["electric bass", "bass", 33, 3], ["acoustic bass", "bass", 32, 1.5], ["fretless bass", "bass", 35, 1],
  ["synth bass", "bass", 38, 1],
];

function pick(rng: Rng, choices: readonly Choice[], role: InstrumentRole, taken: ReadonlySet<string>): Instrument {
  const free = choices.filter(([name]) => !taken.has(name));
  const [name, family, program] = rng.weighted(free.map((c) => [c, c[3]] as const));
  return { name, family, program, isDrums: false, role };
}

export interface Orchestration {
  lead: Instrument;
  counter: Instrument;
  accompaniment: Instrument;
  /** Present when the song gets a bass line. */
  bass?: Instrument;
  /** Present when the song gets a drum groove. */
  drums?: Instrument;
}

/** Instruments for the three parts (names unique within the song), and whether to add bass and drums. */
export function orchestrate(rng: Rng): Orchestration {
  const taken = new Set<string>();
  const take = (choices: readonly Choice[], role: InstrumentRole) => {
    const inst = pick(rng, choices, role, taken);
    taken.add(inst.name);
    return inst;
  };
  const lead = take(LEADS, "lead");
  const counter = take(COUNTERS, "counter");
  const accompaniment = take(ACCOMPANIMENTS, "comping");
  const bass = rng.chance(0.65) ? take(BASSES, "bass") : undefined;
  const drums: Instrument | undefined = rng.chance(0.6)
    ? { name: "drum kit", family: "drums", program: 0, isDrums: true, role: "drums" }
    : undefined;
  return { lead, counter, accompaniment, ...(bass ? { bass } : {}), ...(drums ? { drums } : {}) };
}

/** A stretch of harmony for the bass: the chord's bass pitch class (the root, or an inversion's bass note). */
export interface HarmonySpan {
  startBeat: number;
  endBeat: number;
  rootPc: number;
  bassPc: number;
}

/** Bars as the beat file gives them: where each starts, and the beat positions inside it. */
export interface Bar {
  startBeat: number;
  beats: number[];
}

/** The pitch for a pitch class in the bass register, E1 (28) to D#2 (39). */
function bassPitch(pc: number): number {
  return 28 + ((((pc - 4) % 12) + 12) % 12);
}

/**
 * A bass line on the chord roots: one note per chord and bar ("whole"), or also on the middle beat of even
 * bars ("half"), where "root-fifth" plays the root's fifth instead. An inversion plays its bass note in place of
 * the root. Notes stop at `endBeat` (the last note of the original parts).
 */
export function bassLine(rng: Rng, harmony: readonly HarmonySpan[], bars: readonly Bar[], endBeat: number): Note[] {
  const pattern = rng.pick(["whole", "half", "root-fifth"] as const);
  const velocity = rng.int(78, 96);
  const notes: Note[] = [];
  for (const h of harmony) {
    // Onsets: the chord's start, each bar start inside it, and (half, root-fifth) each even bar's middle beat.
    const onsets: { beat: number; fifth: boolean }[] = [{ beat: h.startBeat, fifth: false }];
    for (const bar of bars) {
      const middle = bar.beats.length % 2 === 0 && bar.beats.length >= 4 ? bar.beats[bar.beats.length / 2] : undefined;
      const points = [{ beat: bar.startBeat, fifth: false }];
      if (pattern !== "whole" && middle !== undefined) points.push({ beat: middle, fifth: pattern === "root-fifth" });
      for (const p of points) if (p.beat > h.startBeat + 1e-6 && p.beat < h.endBeat - 1e-6) onsets.push(p);
    }
    onsets.sort((a, b) => a.beat - b.beat);
    onsets.forEach((o, i) => {
      const until = Math.min(onsets[i + 1]?.beat ?? h.endBeat, endBeat);
      if (until - o.beat < 0.25) return;
      const pitch = o.fifth ? bassPitch(h.rootPc) + 7 : bassPitch(h.bassPc);
      notes.push({ beat: o.beat, duration: (until - o.beat) * 0.9, pitch, velocity: Math.max(1, Math.min(127, velocity + rng.int(-6, 6))) });
    });
  }
  return notes;
}

// General MIDI percussion keys.
const KICK = 36, SNARE = 38, CLOSED_HAT = 42, CRASH = 49;

/**
 * A plain groove on the human beats: kick on the even beats and snare on the odd ones of even-length bars
 * (kick on one, soft snare on the rest in odd-length ones), closed hi-hat on every beat and, with "eighths",
 * halfway between beats; a crash opens each section it plays in. It plays from the first section that is not
 * the intro to the end of the last one that is not the outro, and not past `endBeat`.
 */
export function drumGroove(rng: Rng, bars: readonly Bar[], sections: readonly ScoreSection[], endBeat: number): Note[] {
  const eighths = rng.chance(0.6);
  const body = sections.filter((s) => s.label !== "intro" && s.label !== "outro");
  const from = (body[0] ?? sections[0])?.startBeat ?? 0;
  const to = Math.min(endBeat, (body.at(-1) ?? sections.at(-1))?.endBeat ?? endBeat);
  const notes: Note[] = [];
  const hit = (beat: number, pitch: number, velocity: number) => {
    if (beat >= from - 1e-6 && beat < to - 1e-6) notes.push({ beat, duration: 0.25, pitch, velocity: Math.max(1, Math.min(127, velocity + rng.int(-4, 4))) });
  };
  for (const s of sections) if (s.startBeat >= from - 1e-6) hit(s.startBeat, CRASH, 96);
  bars.forEach((bar, k) => {
    const even = bar.beats.length % 2 === 0;
    bar.beats.forEach((beat, j) => {
      if (j === 0 || (even && j % 2 === 0)) hit(beat, KICK, 100);
      else hit(beat, SNARE, even ? 92 : 64);
      hit(beat, CLOSED_HAT, 74);
      const next = bar.beats[j + 1] ?? bars[k + 1]?.startBeat;
      if (eighths && next !== undefined) hit((beat + next) / 2, CLOSED_HAT, 56);
    });
  });
  return notes.sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
}
