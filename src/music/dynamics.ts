// Dynamics and feel, applied to the written parts: stops and breaks (everyone, or all but one, drops out), section
// loudness and crescendos as channel-volume automation and velocity ramps, fades, swing, and the small timing and
// velocity differences of people playing. Every change here is also an event, so the text never claims a
// crescendo the audio does not have.
import type { Note, ScoreEvent } from "./score.js";
import type { Rng } from "./rng.js";
import type { SectionPlan, SongPlan, TrackPlan } from "./plan.js";
import { swingBeat } from "./rhythm.js";

export interface Window {
  start: number;
  end: number;
}

/** Removes notes starting in a window and cuts notes that would sound into it. */
export function silence(notes: Note[], w: Window): Note[] {
  const out: Note[] = [];
  for (const n of notes) {
    if (n.beat >= w.start - 1e-9 && n.beat < w.end - 1e-9) continue;
    if (n.beat < w.start && n.beat + n.duration > w.start) out.push({ ...n, duration: Math.max(0.05, w.start - n.beat) });
    else out.push(n);
  }
  return out;
}

export interface StopOrBreak {
  type: "stop" | "break";
  window: Window;
  /** The one instrument still playing in a break. */
  instrument?: string;
}

/**
 * At most one stop (everyone silent for the last bar or two of a section, then the band crashes back in) and one
 * break (one instrument alone: a drum break, a bass or lead break). Placed before a chorus, drop or solo.
 */
export function placeStopsAndBreaks(song: SongPlan, rng: Rng): StopOrBreak[] {
  const out: StopOrBreak[] = [];
  const f = song.style.features;
  const candidates = song.sections.filter((s, i) => {
    const next = song.sections[i + 1];
    return i > 0 && next && s.bars.length >= 4 && s.buildBars === 0 && ["chorus", "drop", "solo", "verse"].includes(next.label) && s.label !== "intro";
  });
  const used = new Set<SectionPlan>();
  const windowOf = (s: SectionPlan, bars: number): Window => ({ start: s.bars[s.bars.length - bars]!.start, end: s.end });
  if (candidates.length > 0 && rng.chance(f.stop)) {
    const s = rng.pick(candidates);
    used.add(s);
    out.push({ type: "stop", window: windowOf(s, rng.chance(0.7) ? 1 : 2) });
  }
  const free = candidates.filter((s) => !used.has(s));
  if (free.length > 0 && rng.chance(f.break)) {
    const s = rng.pick(free);
    const window = windowOf(s, rng.chance(0.7) ? 1 : 2);
    // Only a part that really plays in the window can be left alone in it.
    const players = song.tracks.filter((t) => t.role !== "pad" && t.role !== "percussion" && t.notes.some((n) => n.beat >= window.start && n.beat < window.end));
    const drums = players.find((t) => t.role === "drums");
    const soloist = drums && rng.chance(0.6) ? drums : players.length > 0 ? rng.pick(players) : undefined;
    if (soloist) out.push({ type: "break", window, instrument: soloist.name });
  }
  return out;
}

/** Applies stops and breaks to the tracks' notes. */
export function applyStopsAndBreaks(tracks: TrackPlan[], stops: readonly StopOrBreak[]): void {
  for (const t of tracks) {
    for (const s of stops) {
      if (s.type === "break" && s.instrument === t.name) continue;
      t.notes = silence(t.notes, s.window);
    }
  }
}

/** Channel volume (CC7) of a section: quiet sections sit lower so a chorus is louder in level, not only in touch. */
export function sectionLevel(section: SectionPlan): number {
  return Math.round(72 + 38 * section.energy);
}

export interface Automation {
  points: { beat: number; value: number }[];
  events: ScoreEvent[];
  /** Velocity ramps (crescendo windows) to apply to notes. */
  ramps: (Window & { from: number; to: number })[];
}

/**
 * The volume curve shared by all tracks: a level per section, stepping at section starts or ramping through a
 * crescendo window (the last bar or two before a louder section; the whole build-up in EDM), a fade-in over the
 * intro, and a fade-out to silence at the end.
 */
export function automation(song: SongPlan, fadeIn: boolean, fadeOut: boolean, quiet: readonly Window[], rng: Rng): Automation {
  const points: { beat: number; value: number }[] = [];
  const events: ScoreEvent[] = [];
  const ramps: (Window & { from: number; to: number })[] = [];
  const ramp = (start: number, end: number, from: number, to: number) => {
    const steps = Math.max(2, Math.round(end - start));
    for (let i = 0; i <= steps; i++) points.push({ beat: start + ((end - start) * i) / steps, value: Math.round(from + ((to - from) * i) / steps) });
  };
  const sections = song.sections;
  sections.forEach((s, i) => {
    const level = sectionLevel(s);
    const next = sections[i + 1];
    const nextLevel = next ? sectionLevel(next) : level;
    if (i === 0 && fadeIn) {
      const end = s.bars[Math.min(s.bars.length, 4) - 1]!.start + s.bars[Math.min(s.bars.length, 4) - 1]!.beats;
      ramp(0, end, 0, level);
      events.push({ type: "fade-in", startBeat: 0, endBeat: end });
    } else {
      points.push({ beat: s.start, value: level });
    }
    const build = s.buildBars > 0;
    const louder = next && nextLevel >= level + 4 && ["chorus", "drop", "solo"].includes(next.label);
    if (next && (build || (louder && rng.chance(song.style.features.crescendo)))) {
      const bars = build ? s.buildBars : Math.min(s.bars.length - 1, rng.pick([1, 2]));
      // No crescendo over a stop or a break: the silence is the effect there.
      const start = bars > 0 ? s.bars[s.bars.length - bars]!.start : s.end;
      if (bars > 0 && !quiet.some((w) => w.start < s.end && w.end > start)) {
        ramp(start, s.end, build ? Math.max(40, level - 20) : level, Math.max(nextLevel, level + 6));
        ramps.push({ start, end: s.end, from: 0.78, to: 1.08 });
        events.push({ type: "crescendo", startBeat: start, endBeat: s.end, detail: build ? "build-up into the drop" : `into the ${next.label}` });
      }
    }
    if (!next && fadeOut) {
      const bars = Math.min(s.bars.length, rng.pick([4, 4, 8]));
      const start = s.bars[s.bars.length - bars]!.start;
      ramp(start, s.end, level, 0);
      events.push({ type: "fade-out", startBeat: start, endBeat: s.end });
    }
  });
  // Later points at the same beat win (a ramp's first point replaces the section step).
  const byBeat = new Map<string, { beat: number; value: number }>();
  for (const p of points) byBeat.set(p.beat.toFixed(4), p);
  return { points: [...byBeat.values()].sort((a, b) => a.beat - b.beat), events, ramps };
}

/** Velocity ramps of crescendos applied to notes inside their windows. */
export function applyRamps(notes: Note[], ramps: Automation["ramps"]): void {
  for (const r of ramps) {
    for (const n of notes) {
      if (n.beat < r.start || n.beat >= r.end) continue;
      const x = (n.beat - r.start) / (r.end - r.start);
      n.velocity = Math.max(1, Math.min(127, Math.round(n.velocity * (r.from + (r.to - r.from) * x))));
    }
  }
}

/** Swings eighth-note offbeats in bars that start on a whole beat and are not compound (6/8 already lilts). */
export function applySwing(notes: Note[], song: SongPlan, ratio: number): void {
  for (const n of notes) {
    const bar = barAt(song, n.beat);
    if (!bar || bar.info.compound || Math.abs(bar.start - Math.round(bar.start)) > 1e-9) continue;
    const end = n.beat + n.duration;
    const start = swingBeat(n.beat, ratio);
    const swungEnd = Math.min(swingBeat(end, ratio), bar.start + bar.beats);
    n.beat = start;
    n.duration = Math.max(0.05, swungEnd - start);
  }
}

function barAt(song: SongPlan, beat: number) {
  let lo = 0, hi = song.bars.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (song.bars[mid]!.start <= beat + 1e-9) lo = mid;
    else hi = mid - 1;
  }
  return song.bars[lo];
}

/**
 * Human timing: each onset moves by a few milliseconds (less for drums), never out of its section, so the
 * sections an instrument plays in stay exactly the sections its notes are in.
 */
export function humanise(notes: Note[], song: SongPlan, drums: boolean, rng: Rng): void {
  const sigmaSeconds = drums ? 0.003 : 0.006;
  for (const n of notes) {
    const section = song.sections[barAt(song, n.beat)!.section]!;
    const sigma = (sigmaSeconds * song.bpm) / 60;
    const end = Math.min(n.beat + n.duration, section.end);
    const beat = Math.min(section.end - 0.01, Math.max(section.start, n.beat + rng.normal(0, sigma)));
    n.beat = round4(beat);
    n.duration = round4(Math.max(0.03, Math.min(end, section.end) - beat));
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
