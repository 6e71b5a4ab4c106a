// Linear probes: how much of a song's global facts (key, tempo, style, metre, instruments) can be read linearly from the
// whole-song mean of an expert's tokens. A probe that reads the key well while the chat model answers key
// questions at chance says the facts reach the LLM's doorstep and the LLM side is what fails (docs/training.md).
// Softmax regression with an L2 penalty, k-fold cross-validated over songs, fitted with libtorch.
import { enableGrad, noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { AdamW } from "../engine/optim.js";
import { tidy } from "../engine/scope.js";
import { type Tensor, tensor, zeros } from "../engine/tensor.js";
import type { SongAnnotation } from "../data/schema.js";
import { Rng } from "../music/rng.js";
import { pitchClass } from "../music/theory.js";
import { accompanimentOf } from "../data/text/facts.js";

/** The facts probed, each a function from a song to its class (a readable label). */
export const PROBE_FACTS: Readonly<Record<string, (a: SongAnnotation) => string>> = {
  tonic: (a) => tonicName(a),
  mode: (a) => a.global.key.mode,
  key: (a) => `${tonicName(a)} ${a.global.key.mode}`,
  tempo_class: (a) => a.global.tempoClass,
  style: (a) => a.global.style,
  metre: (a) => `${a.global.metre.numerator}/${a.global.metre.denominator}`,
  mood: (a) => a.global.mood[0] ?? "",
  lead: (a) => a.global.leadInstrument,
  accompaniment: (a) => accompanimentOf(a),
  // Tens of BPM: the tempo's first two digits, the summary's "bpm" fact without its last.
  tempo_tens: (a) => String(Math.floor(Math.round(a.global.tempo) / 10)),
};

/** The tonic as a pitch class (C# and Db are one class: they sound the same). */
function tonicName(a: SongAnnotation): string {
  return PITCH_CLASS_NAMES[pitchClass(a.global.key.tonic)]!;
}
const PITCH_CLASS_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

export interface ProbeResult {
  /** Songs with a label and the number of distinct classes among them. */
  songs: number;
  classes: number;
  /** Held-out accuracy over all folds. */
  accuracy: number;
  /** The accuracy of always answering the most common class (of the whole set: a slightly generous baseline). */
  majority: number;
}

export interface ProbeOptions {
  folds?: number;
  /** Optimisation steps per fold (full batch, AdamW). */
  steps?: number;
  lr?: number;
  /** L2 penalty on the weights (not the biases). */
  l2?: number;
  /** Seeds the assignment of songs to folds. */
  seed?: number;
}

/**
 * The fold of each of `count` songs, in a seeded order: datasets list songs by id, and neighbours can share a
 * composer's seed. Folds differ in size by at most one song.
 */
export function songFolds(count: number, folds: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => ({ i, key: rng.next() })).sort((a, b) => a.key - b.key).reduce((f, { i }, rank) => { f[i] = rank % folds; return f; }, new Array<number>(count));
}

/** Song rows (features) and their labels -> k-fold cross-validated accuracy of a softmax-regression probe. */
export function crossValidatedProbe(rows: readonly Float32Array[], labels: readonly string[], o: ProbeOptions = {}): ProbeResult {
  const folds = o.folds ?? 5, steps = o.steps ?? 300, lr = o.lr ?? 0.05, l2 = o.l2 ?? 1e-2;
  if (rows.length !== labels.length) throw new Error(`probe: ${rows.length} feature rows but ${labels.length} labels`);
  if (rows.length < folds) throw new Error(`probe: ${rows.length} songs is fewer than ${folds} folds`);
  const classes = [...new Set(labels)].sort();
  const ids = labels.map((l) => classes.indexOf(l));
  const counts = classes.map((_, c) => ids.filter((i) => i === c).length);
  const dim = rows[0]!.length;
  const fold = songFolds(rows.length, folds, o.seed ?? 0);
  let right = 0;
  for (let k = 0; k < folds; k++) {
    const train = rows.flatMap((_, i) => (fold[i] !== k ? [i] : [])), test = rows.flatMap((_, i) => (fold[i] === k ? [i] : []));
    right += tidy(() => {
      const matrix = (idx: number[]) => tensor(Float32Array.from(idx.flatMap((i) => Array.from(rows[i]!))), { shape: [idx.length, dim] });
      const xTrain = matrix(train), xTest = matrix(test);
      // Standardised with the training fold's statistics only.
      const mean = xTrain.mean(0, true), std = xTrain.sub(mean).square().mean(0, true).add(1e-6).sqrt();
      const zTrain = xTrain.sub(mean).div(std), zTest = xTest.sub(mean).div(std);
      const yTrain = tensor(train.map((i) => ids[i]!), { dtype: "int64" });
      const weight = zeros([dim, classes.length]).requiresGrad_(), bias = zeros([classes.length]).requiresGrad_();
      const opt = new AdamW([weight, bias], { lr, weightDecay: 0 });
      for (let s = 0; s < steps; s++) {
        tidy(() => enableGrad(() => {
          const loss = F.crossEntropy(zTrain.matmul(weight).add(bias), yTrain).add(weight.square().sum().mul(l2));
          opt.zeroGrad();
          loss.backward();
        }));
        opt.step();
      }
      const scores = noGrad(() => zTest.matmul(weight).add(bias).toFloat32Array());
      opt.dispose();
      const n = classes.length;
      return test.filter((i, j) => {
        const row = scores.subarray(j * n, (j + 1) * n);
        return row.indexOf(Math.max(...row)) === ids[i];
      }).length;
    });
  }
  return { songs: rows.length, classes: classes.length, accuracy: right / rows.length, majority: Math.max(...counts) / rows.length };
}

/** A clip's expert tokens [1, N, d] -> their mean over time. */
export function meanPooled(tokens: Tensor): Float32Array {
  return noGrad(() => tidy(() => tokens.mean(1).squeeze(0).toFloat32Array()));
}
