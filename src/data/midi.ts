// A Score as a Standard MIDI File (via @tonejs/midi, a CommonJS package: default import): one track per instrument, drums on channel 10, tempo
// and metre maps, channel volume (CC7) automation for fades and crescendos, pan (CC10).
import tonejsMidi from "@tonejs/midi";
import type { Score } from "../music/score.js";

export function scoreToMidi(score: Score): Uint8Array {
  const midi = new tonejsMidi.Midi();
  midi.header.tempos = [];
  for (const t of score.tempos) midi.header.tempos.push({ ticks: Math.round(t.beat * midi.header.ppq), bpm: t.bpm });
  for (const m of score.metres) {
    midi.header.timeSignatures.push({ ticks: Math.round(m.beat * midi.header.ppq), timeSignature: [m.metre.numerator, m.metre.denominator] });
  }
  midi.header.update();
  const ppq = midi.header.ppq;
  let channel = 0;
  for (const track of score.tracks) {
    const t = midi.addTrack();
    t.name = track.instrument.name;
    if (track.instrument.isDrums) t.channel = 9;
    else {
      if (channel === 9) channel++;
      if (channel > 15) throw new Error(`score ${score.id}: more than 15 melodic tracks do not fit in MIDI channels`);
      t.channel = channel++;
    }
    t.instrument.number = track.instrument.isDrums ? 0 : track.instrument.program;
    if (track.pan !== undefined) t.addCC({ number: 10, value: Math.round(((track.pan + 1) / 2) * 127) / 127, ticks: 0 });
    t.addCC({ number: 7, value: 100 / 127, ticks: 0 });
    for (const v of track.volume ?? []) t.addCC({ number: 7, value: v.value / 127, ticks: Math.round(v.beat * ppq) });
    for (const n of track.notes) {
      t.addNote({
        midi: n.pitch,
        ticks: Math.max(0, Math.round(n.beat * ppq)),
        durationTicks: Math.max(1, Math.round(n.duration * ppq)),
        velocity: Math.min(127, Math.max(1, n.velocity)) / 127,
      });
    }
  }
  return midi.toArray();
}
