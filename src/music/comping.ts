// Comping and pads: chords played in a style's rhythm (strums, stabs, skanks, arpeggios, montunos) or held (pads),
// each voicing chosen by voice leading from the one before so inner voices move by step.
import type { Note } from "./score.js";
import type { Rng } from "./rng.js";
import { type SectionPlan, type SongPlan, type TimedEvent, type TrackPlan, baseVelocity, clampVelocity, timedEvents } from "./plan.js";
import { metreId, patternLayers, pulsePattern } from "./rhythm.js";
import type { CompOption } from "./styles.js";
import { type Chord, chordPcs, guitarVoicing, nearestWithPc, powerVoicing, voiceLead } from "./theory.js";

/** Chooses voicings for one track, remembering the last so the next moves smoothly. */
class Voicer {
  private prev: number[] | undefined;
  private lastChord = "";
  private current: number[] = [];
  constructor(private readonly comp: CompOption, private readonly range: [number, number]) {}

  voicing(chord: Chord): number[] {
    if (chord.symbol === this.lastChord && this.current.length > 0) return this.current;
    const [lo, hi] = this.range;
    switch (this.comp.voicing) {
      case "guitar": this.current = guitarVoicing(chord); break;
      case "power": this.current = powerVoicing(chord); break;
      case "rootless": this.current = voiceLead(chord, this.prev, { low: Math.max(lo, 50), high: Math.min(hi, 77), voices: 4, rootless: true }); break;
      case "spread": this.current = voiceLead(chord, this.prev, { low: Math.max(lo, 45), high: Math.min(hi, 84), voices: 5 }); break;
      default: this.current = voiceLead(chord, this.prev, { low: Math.max(lo, 50), high: Math.min(hi, 79), voices: 4 });
    }
    this.prev = this.current;
    this.lastChord = chord.symbol;
    return this.current;
  }
}

/** Seconds a strummed string lags the one before, in beats at this tempo (about 12 ms). */
function strumLag(bpm: number): number {
  return (0.012 * bpm) / 60;
}

/** The notes one pattern event sounds: whole chord, strum, a single arpeggio note, or the root/fifth alone. */
function eventNotes(ev: TimedEvent, voicing: number[], chord: Chord, vel: number, articulation: number, bpm: number, rng: Rng): Note[] {
  const length = Math.max(0.1, (ev.end - ev.start) * articulation);
  const c = ev.char;
  const out: Note[] = [];
  const push = (beat: number, pitch: number, v: number, dur = length) =>
    out.push({ beat, duration: Math.max(0.05, dur - (beat - ev.start)), pitch, velocity: clampVelocity(v + rng.normal(0, 3)) });
  if (/[0-9]/.test(c)) {
    const i = Number(c);
    const pitch = voicing[i % voicing.length]! + 12 * Math.floor(i / voicing.length);
    push(ev.start, pitch, vel - 4);
  } else if (c === "B" || c === "F") {
    // The thumb: root (or fifth) below the chord.
    const root = nearestWithPc(voicing[0]! - 7, chord.rootPc);
    const fifth = chordPcs(chord).length > 2 ? root + 7 : root;
    push(ev.start, c === "B" ? root : fifth > voicing[0]! ? fifth - 12 : fifth, vel);
  } else if (c === "D" || c === "U") {
    const lag = strumLag(bpm);
    const strings = c === "D" ? voicing : voicing.slice(-3).reverse();
    strings.forEach((p, k) => push(ev.start + k * lag, p, c === "D" ? vel : vel - 10));
  } else {
    const accent = c === "X" ? 10 : c === "o" ? -22 : 0;
    for (const p of voicing) push(ev.start, p, vel + accent);
  }
  return out;
}

/** Held chords, one per chord span, re-struck at each section start. */
function padSection(section: SectionPlan, voicer: Voicer, vel: number, rng: Rng): Note[] {
  const notes: Note[] = [];
  for (const span of section.chords) {
    for (const p of voicer.voicing(span.chord)) {
      notes.push({ beat: span.start, duration: (span.end - span.start) * 0.98, pitch: p, velocity: clampVelocity(vel + rng.normal(0, 2)) });
    }
  }
  return notes;
}

export function writeComping(song: SongPlan, track: TrackPlan, rng: Rng): Note[] {
  const comp = track.comp;
  if (!comp) throw new Error(`${track.name} has no comping style`);
  const voicer = new Voicer(comp, track.entry.range);
  const articulation = comp.articulation ?? 0.92;
  const notes: Note[] = [];
  for (const section of song.sections) {
    if (!section.active.has(track.name) || section.soloist === track.name) continue;
    const vel = baseVelocity(section, track.role);
    if (comp.pad) {
      notes.push(...padSection(section, voicer, vel, rng));
      continue;
    }
    const chosen = new Map<string, string>();
    for (const bar of section.bars) {
      const id = metreId(bar.metre);
      const options = comp.patterns[id];
      if (!chosen.has(id) || comp.varyPerBar) chosen.set(id, options ? rng.pick(options) : pulsePattern(bar.info, "x"));
      for (const layer of patternLayers(chosen.get(id)!)) {
        const events = timedEvents(layer, bar, section) ?? timedEvents(pulsePattern(bar.info, "x"), bar, section)!;
        for (const ev of events) {
          const chord = ev.chord.chord;
          notes.push(...eventNotes(ev, voicer.voicing(chord), chord, vel + (ev.step === 0 ? 4 : 0), articulation, song.bpm, rng));
        }
      }
    }
  }
  return notes;
}
