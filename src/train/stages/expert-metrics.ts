// Held-out metrics of stage 0, from the heads' logits: what a listener would check. Global: style, key (tonic
// and mode), metre, tempo within 8 %, instruments and families (F1), mood (top guess among the true moods).
// Temporal, per 40 ms token: section label, chord root, melody pitch class (accuracy), beats, downbeats,
// section boundaries and instrument families (F1). Every name starts with "accuracy" so the plots show it.
import { FAMILY_CLASSES, type GlobalTargets, IGNORE, INSTRUMENT_CLASSES, type TemporalTargets } from "../targets.js";

type Logits = Record<string, { data: Float32Array; shape: number[] }>;

export interface EvalBatch {
  loss: number;
  temporal: Logits;
  global: Logits;
  temporalTargets: TemporalTargets[];
  globalTargets: GlobalTargets[];
}

function argmaxRow(data: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (data[row * width + c]! > data[row * width + best]!) best = c;
  return best;
}

class Ratio {
  hit = 0;
  n = 0;
  add(ok: boolean): void { this.n++; if (ok) this.hit++; }
  get value(): number { return this.n ? this.hit / this.n : NaN; }
}

class F1 {
  tp = 0;
  fp = 0;
  fn = 0;
  add(predicted: boolean, actual: boolean): void {
    if (predicted && actual) this.tp++;
    else if (predicted) this.fp++;
    else if (actual) this.fn++;
  }
  get value(): number { return this.tp ? (2 * this.tp) / (2 * this.tp + this.fp + this.fn) : 0; }
}

export function expertMetrics(batches: EvalBatch[]): Record<string, number> {
  const r = {
    style: new Ratio(), key: new Ratio(), tonic: new Ratio(), mode: new Ratio(), metre: new Ratio(), tempo: new Ratio(), mood: new Ratio(),
    instruments: new F1(), families: new F1(),
    section: new Ratio(), chord: new Ratio(), melody: new Ratio(), beat: new F1(), downbeat: new F1(), boundary: new F1(), activity: new F1(),
  };
  let loss = 0;
  for (const b of batches) {
    loss += b.loss / batches.length;
    const g = b.global;
    b.globalTargets.forEach((t, i) => {
      const pick = (name: string) => argmaxRow(g[name]!.data, i, g[name]!.shape[1]!);
      if (t.style !== IGNORE) r.style.add(pick("style") === t.style);
      r.tonic.add(pick("tonic") === t.tonic);
      if (t.mode !== IGNORE) { r.mode.add(pick("mode") === t.mode); r.key.add(pick("tonic") === t.tonic && pick("mode") === t.mode); }
      if (t.metre !== IGNORE) r.metre.add(pick("metre") === t.metre);
      const bpm = 120 * 2 ** g.log_tempo!.data[i]!, truth = 120 * 2 ** t.logTempo;
      r.tempo.add(Math.abs(bpm - truth) / truth <= 0.08);
      r.mood.add(t.moods.includes(pick("moods")));
      const multi = (name: string, truth: number[], f1: F1, classes: number) => {
        for (let c = 0; c < classes; c++) f1.add(g[name]!.data[i * classes + c]! > 0, truth.includes(c));
      };
      multi("instruments", t.instruments, r.instruments, INSTRUMENT_CLASSES.length);
      multi("families", t.families, r.families, FAMILY_CLASSES.length);
    });
    const tl = b.temporal;
    b.temporalTargets.forEach((t, i) => {
      const tokens = t.beat.length;
      for (let k = 0; k < tokens; k++) {
        const row = i * tokens + k;
        const cls = (name: string, target: number, ratio: Ratio) => { if (target !== IGNORE) ratio.add(argmaxRow(tl[name]!.data, row, tl[name]!.shape[2]!) === target); };
        cls("section", t.section[k]!, r.section);
        cls("chord_root", t.chordRoot[k]!, r.chord);
        cls("melody", t.melody[k]!, r.melody);
        if (t.section[k] === IGNORE) continue; // past the end of the audio
        r.beat.add(tl.beat!.data[row]! > 0, t.beat[k] === 1);
        r.downbeat.add(tl.downbeat!.data[row]! > 0, t.downbeat[k] === 1);
        r.boundary.add(tl.boundary!.data[row]! > 0, t.boundary[k] === 1);
        for (let c = 0; c < FAMILY_CLASSES.length; c++) r.activity.add(tl.families!.data[row * FAMILY_CLASSES.length + c]! > 0, t.families[k * FAMILY_CLASSES.length + c] === 1);
      }
    });
  }
  const out: Record<string, number> = { loss };
  for (const [name, m] of Object.entries(r)) out[`accuracy_${m instanceof F1 ? `${name}_f1` : name}`] = Math.round(m.value * 10000) / 10000;
  return out;
}
