// POP909's tempo map: the MIDI file's tempo events as a Score tempo map. (Its text files give times in seconds;
// they go through secondsToBeat() in src/music/score.ts and come back through beatToSeconds() unchanged.)
import type { TempoChange } from "../../music/score.js";

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
