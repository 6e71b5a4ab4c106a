// Seconds <-> beats on a tempo map. POP909's text files give times in seconds; the Score keeps beats on the
// MIDI file's own tempo map, so every annotation time goes through secondsToBeat() and comes back through
// beatToSeconds() (src/music/score.ts) unchanged.
import type { TempoChange } from "../../music/score.js";

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

/**
 * A Score tempo map from a MIDI file's tempo events (ticks, bpm). Events that share a tick keep the last one
 * (the MIDI rule: the later event is the one in force); a map that does not start at tick 0 gets the MIDI
 * default of 120 BPM before its first event.
 */
export function tempoMapFromMidi(events: readonly { ticks: number; bpm: number }[], ppq: number): TempoChange[] {
  const byTick = new Map<number, number>();
  for (const e of [...events].sort((a, b) => a.ticks - b.ticks)) {
    if (!(e.bpm > 0) || !Number.isFinite(e.bpm)) throw new Error(`tempo event at tick ${e.ticks} has tempo ${e.bpm}`);
    byTick.set(e.ticks, e.bpm);
  }
  if (!byTick.has(0)) byTick.set(0, 120);
  const tempos = [...byTick].sort((a, b) => a[0] - b[0]).map(([ticks, bpm]) => ({ beat: ticks / ppq, bpm }));
  // Consecutive events with the same tempo are one segment.
  return tempos.filter((t, i) => i === 0 || t.bpm !== tempos[i - 1]!.bpm);
}
