// From a Score (beats) to its SongAnnotation (seconds as heard): every time goes through the tempo map and gets
// the renderer's measured latency added.
import { beatToSeconds, type Metre, type Score } from "../music/score.js";
import { ANNOTATION_SCHEMA_VERSION, type AugmentationRecord, type Interval, type SongAnnotation, tempoClass } from "./schema.js";

export interface RenderFacts {
  audio: string;
  duration: number;
  latency: number;
  loudness: { peakDb: number; rmsDb: number };
  soundfont: string;
  augmentation: AugmentationRecord;
  renderer: string;
  sampleRate: number;
}

/** Quarter-note beats per counted beat: simple metres count the denominator; compound x/8 (6, 9, 12) dotted quarters. */
export function beatUnit(m: Metre): number {
  if (m.denominator === 8 && m.numerator % 3 === 0 && m.numerator > 3) return 1.5;
  return 4 / m.denominator;
}
export function barLength(m: Metre): number {
  return (m.numerator * 4) / m.denominator;
}

/** Beat and downbeat positions (in quarter notes) from the metre map, up to lengthBeats. */
export function beatGrid(score: Score, endBeat: number): { beats: number[]; downbeats: number[] } {
  const beats: number[] = [], downbeats: number[] = [];
  score.metres.forEach((change, i) => {
    const until = Math.min(endBeat, score.metres[i + 1]?.beat ?? Infinity);
    const unit = beatUnit(change.metre), bar = barLength(change.metre);
    for (let barStart = change.beat; barStart < until - 1e-9; barStart += bar) {
      downbeats.push(barStart);
      for (let b = barStart; b < Math.min(barStart + bar, until) - 1e-9; b += unit) beats.push(b);
    }
  });
  return { beats, downbeats };
}

/** The value that holds for the longest time among [start, value] changes up to end. */
function longestHeld<T>(changes: { beat: number; value: T }[], endBeat: number, key: (v: T) => string): T {
  const time = new Map<string, { v: T; d: number }>();
  changes.forEach((c, i) => {
    const d = Math.max(0, Math.min(endBeat, changes[i + 1]?.beat ?? endBeat) - c.beat);
    const k = key(c.value);
    time.set(k, { v: c.value, d: (time.get(k)?.d ?? 0) + d });
  });
  return [...time.values()].sort((a, b) => b.d - a.d)[0]!.v;
}

/** The beat where the score's last note ends (0 for a score without notes). */
export function lastNoteBeat(score: Score): number {
  return Math.max(0, ...score.tracks.flatMap((t) => t.notes.map((n) => n.beat + n.duration)));
}

export function annotate(score: Score, r: RenderFacts): SongAnnotation {
  const sec = (beat: number) => Math.round((beatToSeconds(score.tempos, beat) + r.latency) * 1000) / 1000;
  const span = (a: number, b: number): Interval => ({ start: sec(a), end: sec(b) });
  const end = Math.max(lastNoteBeat(score), score.sections.at(-1)?.endBeat ?? 0);
  const { beats, downbeats } = beatGrid(score, end);
  const occurrences = new Map<string, number>();
  const within = (a: number) => sec(a) <= r.duration + 0.05;

  // Instrument activity: notes merged when the gap is shorter than two beats at the local tempo.
  const activity = score.tracks.map((t) => {
    const spans = t.notes.map((n) => [n.beat, n.beat + n.duration] as const).sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [s, e] of spans) {
      const last = merged.at(-1);
      if (last && s - last[1] < 2) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    return { instrument: t.instrument.name, intervals: merged.map(([s, e]) => span(s, e)) };
  });
  const lead = score.tracks.find((t) => t.instrument.name === score.lead);
  const tempoMain = longestHeld(score.tempos.map((t) => ({ beat: t.beat, value: t.bpm })), end, String);
  const metreMain = longestHeld(score.metres.map((m) => ({ beat: m.beat, value: m.metre })), end, (m) => `${m.numerator}/${m.denominator}`);
  const segEnd = <T extends { beat: number }>(list: T[], i: number) => list[i + 1]?.beat ?? end;

  return {
    schema: ANNOTATION_SCHEMA_VERSION,
    id: score.id,
    source: score.source,
    seed: score.seed,
    audio: r.audio,
    global: {
      style: score.style,
      key: score.keys[0]!.key,
      tempo: Math.round(tempoMain * 10) / 10,
      tempoClass: tempoClass(tempoMain),
      metre: metreMain,
      instruments: score.tracks.map((t) => t.instrument),
      leadInstrument: score.lead,
      mood: score.mood,
      duration: Math.round(r.duration * 1000) / 1000,
      loudness: r.loudness,
      soundfont: r.soundfont,
      augmentation: r.augmentation,
      ...(score.swing !== undefined ? { swing: score.swing } : {}),
    },
    temporal: {
      beats: beats.filter(within).map(sec),
      downbeats: downbeats.filter(within).map(sec),
      sections: score.sections.map((s) => {
        const occurrence = (occurrences.get(s.label) ?? 0) + 1;
        occurrences.set(s.label, occurrence);
        return { ...span(s.startBeat, s.endBeat), label: s.label, bars: s.bars, occurrence, ...(s.sourceLabel ? { sourceLabel: s.sourceLabel } : {}) };
      }),
      chords: score.chords.map((c) => ({ ...span(c.startBeat, c.endBeat), symbol: c.symbol, root: c.root, quality: c.quality, ...(c.roman ? { roman: c.roman } : {}) })),
      instruments: activity,
      keys: score.keys.map((k, i) => ({ ...span(k.beat, segEnd(score.keys, i)), key: k.key })),
      tempos: score.tempos.map((t, i) => ({ ...span(t.beat, segEnd(score.tempos, i)), bpm: t.bpm })),
      metres: score.metres.map((m, i) => ({ ...span(m.beat, segEnd(score.metres, i)), metre: m.metre })),
      events: score.events.map((e) => ({ ...span(e.startBeat, e.endBeat), type: e.type, ...(e.instrument ? { instrument: e.instrument } : {}), ...(e.detail ? { detail: e.detail } : {}) })),
      melody: (lead?.notes ?? []).map((n) => ({ ...span(n.beat, n.beat + n.duration), pitch: n.pitch, velocity: n.velocity })),
    },
    render: { renderer: r.renderer, sampleRate: r.sampleRate, latency: r.latency },
  };
}
