// The bass part: style patterns of chord degrees (root, fifth, octave, approach notes), or a walking line for jazz
// and ska. The root stays in one octave band and moves to the nearest octave of each new root, as bassists do.
import type { Note } from "./score.js";
import type { Rng } from "./rng.js";
import { type SectionPlan, type SongPlan, type TrackPlan, baseVelocity, clampVelocity, nextChord, timedEvents } from "./plan.js";
import { metreId, pulsePattern } from "./rhythm.js";
import { type Chord, QUALITY_INTERVALS, chordScale, mod12, nearestWithPc } from "./theory.js";

/** Keeps roots in [low, low + 14]: the lowest comfortable octave and a bit. */
class RootTracker {
  private last: number;
  constructor(private readonly low: number) {
    this.last = low + 7;
  }
  root(pc: number): number {
    let p = nearestWithPc(this.last, pc);
    if (p < this.low) p += 12;
    if (p > this.low + 14) p -= 12;
    this.last = p;
    return p;
  }
}

/** The pitch a bass pattern character names over a chord. */
function degreePitch(c: string, root: number, chord: Chord, next: Chord, high: number): number {
  const iv = QUALITY_INTERVALS[chord.quality];
  let p: number;
  switch (c) {
    case "3": p = root + (iv.length > 2 ? iv[1]! : 4); break;
    case "5": p = root + (iv.find((i) => i >= 6 && i <= 8) ?? 7); break;
    case "6": p = root + 9; break;
    case "b": p = root + 10; break;
    case "7": p = root + (iv[3] ?? 12); break;
    case "8": p = root + 12; break;
    case "N": p = nearestWithPc(root, next.rootPc); break;
    case "A": {
      const target = nearestWithPc(root, next.rootPc);
      p = target > root ? target - 1 : target + 1;
      break;
    }
    default: p = root;
  }
  return p > high ? p - 12 : p;
}

/** A walking line for one bar: roots on chord changes, chord and scale tones between, a chromatic approach last. */
function walkBar(song: SongPlan, section: SectionPlan, barIndex: number, tracker: RootTracker, prev: number, range: [number, number], rng: Rng): { beat: number; pitch: number }[] {
  const bar = section.bars[barIndex]!;
  const out: { beat: number; pitch: number }[] = [];
  let last = prev;
  const beats = bar.info.pulses.map((s) => bar.start + s / 4);
  beats.forEach((beat, i) => {
    const span = section.chords.find((c) => beat >= c.start - 1e-9 && beat < c.end - 1e-9) ?? section.chords[section.chords.length - 1]!;
    const nextBeat = i + 1 < beats.length ? beats[i + 1]! : bar.start + bar.beats;
    const changeNext = nextBeat >= span.end - 1e-9;
    let pitch: number;
    if (Math.abs(beat - span.start) < 1e-9) {
      pitch = tracker.root(span.chord.rootPc);
    } else if (changeNext) {
      const next = nextChord(song, section, beat).chord;
      const target = nearestWithPc(last, next.rootPc);
      pitch = rng.chance(0.7) ? (last < target ? target - 1 : target + 1) : nearestWithPc(last, mod12(next.rootPc + 7));
    } else {
      // A chord tone or scale step near the last note, moving on (never the same note twice).
      const scale = chordScale(span.key, span.chord);
      const options: number[] = [];
      for (let p = last - 5; p <= last + 5; p++) if (p !== last && scale.includes(mod12(p))) options.push(p);
      pitch = rng.pick(options.length > 0 ? options : [last + 2]);
    }
    while (pitch < range[0]) pitch += 12;
    while (pitch > range[1]) pitch -= 12;
    out.push({ beat, pitch });
    last = pitch;
  });
  return out;
}

export function writeBass(song: SongPlan, track: TrackPlan, rng: Rng): Note[] {
  const spec = song.style.bass;
  const range: [number, number] = [track.entry.range[0], Math.min(track.entry.range[1], track.entry.range[0] + 26)];
  const tracker = new RootTracker(range[0] + 3);
  const notes: Note[] = [];
  for (const section of song.sections) {
    if (!section.active.has(track.name)) continue;
    const vel = baseVelocity(section, "bass");
    const choices = new Map<string, string>();
    let prev = range[0] + 10;
    section.bars.forEach((bar, bi) => {
      if (spec.walking && !bar.info.compound && bar.info.pulses.every((s) => s % 4 === 0)) {
        for (const w of walkBar(song, section, bi, tracker, prev, range, rng)) {
          notes.push({ beat: w.beat, duration: spec.articulation, pitch: w.pitch, velocity: clampVelocity(vel + (w.beat % 1 === 0 && w.beat === bar.start ? 6 : 0) + rng.normal(0, 4)) });
          prev = w.pitch;
        }
        return;
      }
      const id = metreId(bar.metre);
      if (!choices.has(id)) choices.set(id, spec.patterns[id] ? rng.pick(spec.patterns[id]) : pulsePattern(bar.info, "R"));
      const events = timedEvents(choices.get(id)!, bar, section) ?? timedEvents(pulsePattern(bar.info, "R"), bar, section)!;
      for (const ev of events) {
        const next = nextChord(song, section, ev.start).chord;
        const root = tracker.root(ev.chord.chord.rootPc);
        const c = ev.onset ? ev.char : "R";
        const pitch = degreePitch(c.toUpperCase() === "R" ? "R" : c, root, ev.chord.chord, next, range[1]);
        const ghost = c === "r";
        const length = (ev.end - ev.start) * (ghost ? 0.4 : spec.articulation);
        const accent = ev.step === 0 ? 8 : 0;
        notes.push({ beat: ev.start, duration: length, pitch, velocity: clampVelocity(vel + accent - (ghost ? 25 : 0) + rng.normal(0, 4)) });
        prev = pitch;
      }
    });
  }
  return notes;
}
