// Stage 0 heads: linear read-outs on top of each expert, trained with it and dropped afterwards. Linear on
// purpose: what the experts learn must be linearly readable from their tokens, which is what the fusion and
// the projector will need. The global heads read the mean of a window's tokens; the temporal heads read every
// token.
import * as F from "../engine/functional.js";
import { Linear, Module, type InitOptions } from "../engine/module.js";
import { type Tensor, tensor } from "../engine/tensor.js";
import {
  CHORD_QUALITY_CLASSES, EVENT_CLASSES, FAMILY_CLASSES, type GlobalTargets, IGNORE, INSTRUMENT_CLASSES, METRE_CLASSES, MODE_CLASSES,
  MOOD_CLASSES, SECTION_CLASSES, STYLE_CLASSES, TEMPO_CLASSES, type TemporalTargets,
} from "./targets.js";

const multiHot = (lists: number[][], classes: number): Tensor => {
  const out = new Float32Array(lists.length * classes);
  lists.forEach((l, i) => { for (const c of l) out[i * classes + c] = 1; });
  return tensor(out, { shape: [lists.length, classes] });
};
const classIndex = (values: number[]) => tensor(values, { dtype: "int64" });

export interface HeadLosses {
  /** The sum that is optimised. */
  total: Tensor;
  /** Each part's value, for the log. */
  parts: Record<string, number>;
}

export class GlobalHeads extends Module {
  readonly heads: Record<string, Linear>;
  private static readonly SIZES = {
    style: STYLE_CLASSES.length, tonic: 12, mode: MODE_CLASSES.length, metre: METRE_CLASSES.length, tempo_class: TEMPO_CLASSES.length,
    log_tempo: 1, instruments: INSTRUMENT_CLASSES.length, families: FAMILY_CLASSES.length, moods: MOOD_CLASSES.length,
  };
  constructor(dModel: number, o: InitOptions = {}) {
    super();
    this.heads = Object.fromEntries(Object.entries(GlobalHeads.SIZES).map(([name, n]) => [name, this.registerModule(name, new Linear(dModel, n, o))]));
  }

  /** Window tokens [B, T, d] -> logits per head [B, classes]. */
  forward(tokens: Tensor): Record<string, Tensor> {
    const pooled = tokens.mean(1);
    return Object.fromEntries(Object.entries(this.heads).map(([name, head]) => [name, head.forward(pooled)]));
  }

  loss(logits: Record<string, Tensor>, targets: GlobalTargets[]): HeadLosses {
    const parts: Record<string, Tensor> = {
      style: F.crossEntropy(logits.style!, classIndex(targets.map((t) => t.style)), { ignoreIndex: IGNORE }),
      tonic: F.crossEntropy(logits.tonic!, classIndex(targets.map((t) => t.tonic))),
      mode: F.crossEntropy(logits.mode!, classIndex(targets.map((t) => t.mode)), { ignoreIndex: IGNORE }),
      metre: F.crossEntropy(logits.metre!, classIndex(targets.map((t) => t.metre)), { ignoreIndex: IGNORE }),
      tempo_class: F.crossEntropy(logits.tempo_class!, classIndex(targets.map((t) => t.tempoClass)), { ignoreIndex: IGNORE }),
      log_tempo: F.mseLoss(logits.log_tempo!.squeeze(-1), tensor(targets.map((t) => t.logTempo))).mul(4),
      instruments: F.binaryCrossEntropyWithLogits(logits.instruments!, multiHot(targets.map((t) => t.instruments), INSTRUMENT_CLASSES.length)).mul(10),
      families: F.binaryCrossEntropyWithLogits(logits.families!, multiHot(targets.map((t) => t.families), FAMILY_CLASSES.length)).mul(4),
      moods: F.binaryCrossEntropyWithLogits(logits.moods!, multiHot(targets.map((t) => t.moods), MOOD_CLASSES.length)).mul(4),
    };
    return sumParts(parts);
  }
}

const TEMPORAL_SIZES = {
  beat: 1, downbeat: 1, boundary: 1, section: SECTION_CLASSES.length, chord_root: 13, chord_quality: CHORD_QUALITY_CLASSES.length,
  melody: 13, families: FAMILY_CLASSES.length, events: EVENT_CLASSES.length,
};

export class TemporalHeads extends Module {
  readonly proj: Linear;
  constructor(dModel: number, o: InitOptions = {}) {
    super();
    this.proj = this.registerModule("proj", new Linear(dModel, Object.values(TEMPORAL_SIZES).reduce((a, b) => a + b, 0), o));
  }

  /** Tokens [B, T, d] -> logits per head [B, T, classes]. */
  forward(tokens: Tensor): Record<string, Tensor> {
    const all = this.proj.forward(tokens);
    const parts = all.split(Object.values(TEMPORAL_SIZES), -1);
    return Object.fromEntries(Object.keys(TEMPORAL_SIZES).map((name, i) => [name, parts[i]!]));
  }

  loss(logits: Record<string, Tensor>, targets: TemporalTargets[]): HeadLosses {
    const [b, t] = logits.beat!.shape as [number, number];
    const stackF = (pick: (x: TemporalTargets) => Float32Array, width: number) => {
      const out = new Float32Array(b * t * width);
      targets.forEach((x, i) => out.set(pick(x), i * t * width));
      return tensor(out, { shape: width === 1 ? [b, t] : [b, t, width] });
    };
    const stackI = (pick: (x: TemporalTargets) => Int32Array) => {
      const out = new Int32Array(b * t);
      targets.forEach((x, i) => out.set(pick(x), i * t));
      return tensor(out, { shape: [b * t] }).long();
    };
    const ce = (name: string, pick: (x: TemporalTargets) => Int32Array) => F.crossEntropy(logits[name]!.reshape(b * t, -1), stackI(pick), { ignoreIndex: IGNORE });
    // Beats are rare positives (about 1 token in 12): weight them up so the head does not settle on "never".
    const beatWeight = tensor([8]);
    const parts: Record<string, Tensor> = {
      beat: F.binaryCrossEntropyWithLogits(logits.beat!.squeeze(-1), stackF((x) => x.beat, 1), beatWeight),
      downbeat: F.binaryCrossEntropyWithLogits(logits.downbeat!.squeeze(-1), stackF((x) => x.downbeat, 1), beatWeight),
      boundary: F.binaryCrossEntropyWithLogits(logits.boundary!.squeeze(-1), stackF((x) => x.boundary, 1), beatWeight),
      section: ce("section", (x) => x.section),
      chord_root: ce("chord_root", (x) => x.chordRoot),
      chord_quality: ce("chord_quality", (x) => x.chordQuality),
      melody: ce("melody", (x) => x.melody),
      families: F.binaryCrossEntropyWithLogits(logits.families!, stackF((x) => x.families, FAMILY_CLASSES.length)).mul(4),
      events: F.binaryCrossEntropyWithLogits(logits.events!, stackF((x) => x.events, EVENT_CLASSES.length)).mul(4),
    };
    return sumParts(parts);
  }
}

function sumParts(parts: Record<string, Tensor>): HeadLosses {
  // A batch where every target of a head is ignored gives NaN for that head: leave it out of the sum.
  const finite = Object.entries(parts).filter(([, v]) => Number.isFinite(v.item()));
  const total = finite.map(([, v]) => v).reduce((a, b) => a.add(b));
  return { total, parts: Object.fromEntries(finite.map(([k, v]) => [k, v.item()])) };
}
