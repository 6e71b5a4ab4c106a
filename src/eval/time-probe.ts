// Time probes: how much of a song's timeline (where sections start, which section is playing, which instrument
// families sound) can be read linearly from the audio side's tokens, token by token. Temporal questions ("when
// does the second verse start?", "what plays at 0:18.5?") need exactly this, to within a second; the global probes
// (probe.ts) ask the same of the whole-song mean. A timeline the probe reads well is one a model could write;
// one it cannot read is lost before the LLM.
//
// Each token's row is the token and its contrast (per channel, how far the mean of the next `contrastTokens`
// tokens lies from the mean of the previous ones): a section boundary is a change, and a single token sees its
// neighbours only as far as the audio side let it. Linear heads (softmax or per-class sigmoid) are fitted on the
// training folds' songs and scored on the held-out fold's, so a song is never scored by a head that saw it.
import { enableGrad, noGrad } from "../engine/autograd.js";
import * as F from "../engine/functional.js";
import { AdamW } from "../engine/optim.js";
import { tidy } from "../engine/scope.js";
import { cat, type Tensor, tensor, zeros } from "../engine/tensor.js";
import type { SongAnnotation } from "../data/schema.js";
import { peakTimes } from "../model/timeline.js";
import { FAMILY_CLASSES, IGNORE, SECTION_CLASSES, timelineTargets } from "../train/targets.js";
import { songFolds } from "./probe.js";
import { emptyTally, formScores, tallyForm } from "./timeline-score.js";

/** One song's tokens as the probe reads them. */
export interface ProbeSong {
  /** Row-major [n, d] token features of the whole song, in time order. */
  tokens: Float32Array;
  n: number;
  d: number;
  /** Seconds per token (0.04 for the shipped temporal expert). */
  tokenSeconds: number;
  annotation: SongAnnotation;
}

export interface TimeProbeOptions {
  folds?: number;
  /** Optimisation steps per head and fold (full batch, AdamW). */
  steps?: number;
  lr?: number;
  /** L2 penalty on the weights. */
  l2?: number;
  seed?: number;
  /** Tokens on each side of the contrast feature (25 = 1 s at 25 tokens/s). */
  contrastTokens?: number;
  /** Train on every k-th token only (neighbouring tokens are nearly copies); every token is scored. */
  trainStride?: number;
  /** A token is a boundary target when a section starts within this many seconds of it. */
  boundaryTargetSeconds?: number;
  /** A predicted boundary counts as found when within this many seconds of a true one (SynthBench asks ±1 s). */
  toleranceSeconds?: number;
  /** Predicted boundaries closer than this are merged (the stronger kept). */
  minGapSeconds?: number;
}

export interface TimeProbeResult {
  songs: number;
  /** Share of labelled tokens whose section label (intro, verse, chorus, ...) is right; the majority label's share. */
  sectionAccuracy: number;
  sectionMajority: number;
  /** Inner section boundaries (not the song's start or end) found within the tolerance. */
  boundaryPrecision: number;
  boundaryRecall: number;
  boundaryF1: number;
  /** Songs whose predicted section count is exactly right. */
  sectionCountAccuracy: number;
  /** Per token and instrument family, whether it sounds: accuracy and that of always saying each family's commoner state. */
  familyAccuracy: number;
  familyMajority: number;
}

/**
 * [n, d] tokens -> [n, 2d]: each token and how far each channel moves across it, |mean of the `span` tokens after
 * it - mean of the `span` before it|. The size, not the sign: a linear head
 * must see a change in any direction as a change.
 */
export function contrastRows(x: Tensor, span: number): Tensor {
  const n = x.shape[0]!;
  const prefix = cat([zeros([1, x.shape[1]!]), x.cumsum(0)], 0); // prefix[i] = sum of x[0..i)
  const idx = (f: (i: number) => number) => tensor(Int32Array.from({ length: n }, (_, i) => f(i)), { dtype: "int64" });
  const windowMean = (from: (i: number) => number, to: (i: number) => number) => {
    const a = idx(from), b = idx(to);
    const count = b.sub(a).clamp(1).to("float32").unsqueeze(1);
    return prefix.indexSelect(0, b).sub(prefix.indexSelect(0, a)).div(count);
  };
  // Clipped at the song's ends: the first token's "before" and the last token's "after" are the token itself.
  const before = windowMean((i) => Math.max(0, i - span), (i) => Math.max(i, 1));
  const after = windowMean((i) => Math.min(i + 1, n - 1), (i) => Math.min(n, i + 1 + span));
  return cat([x, after.sub(before).abs()], 1);
}

type HeadKind = "softmax" | "sigmoid";

/**
 * A linear head fitted on standardised rows, full batch. softmax: `y` holds class ids (IGNORE rows skipped);
 * sigmoid: `y` is [rows, classes] of 0/1, positives weighted by `posWeight`. Returns a function from rows to probabilities [rows, classes].
 */
function fitHead(x: Tensor, y: Tensor, kind: HeadKind, classes: number, o: Required<Pick<TimeProbeOptions, "steps" | "lr" | "l2">>, posWeight?: Tensor): { predict: (rows: Tensor) => Tensor; dispose: () => void } {
  const dim = x.shape[1]!;
  const mean = x.mean(0, true), std = x.sub(mean).square().mean(0, true).add(1e-6).sqrt();
  const z = x.sub(mean).div(std);
  const weight = zeros([dim, classes]).requiresGrad_(), bias = zeros([classes]).requiresGrad_();
  const opt = new AdamW([weight, bias], { lr: o.lr, weightDecay: 0 });
  for (let s = 0; s < o.steps; s++) {
    tidy(() => enableGrad(() => {
      const logits = z.matmul(weight).add(bias);
      const fit = kind === "softmax" ? F.crossEntropy(logits, y, { ignoreIndex: IGNORE }) : F.binaryCrossEntropyWithLogits(logits, y, posWeight);
      const loss = fit.add(weight.square().sum().mul(o.l2));
      opt.zeroGrad();
      loss.backward();
    }));
    opt.step();
  }
  opt.dispose();
  return {
    predict: (rows) => noGrad(() => {
      const logits = rows.sub(mean).div(std).matmul(weight).add(bias);
      return kind === "softmax" ? logits.softmax(1) : logits.sigmoid();
    }),
    dispose: () => [mean, std, z, weight, bias].forEach((t) => t.dispose()),
  };
}

/** Cross-validates the three heads over songs and scores every token of every song once, by the fold that held it out. */
export function crossValidatedTimeProbe(songs: readonly ProbeSong[], o: TimeProbeOptions = {}): TimeProbeResult {
  const folds = o.folds ?? 3, stride = o.trainStride ?? 4, span = o.contrastTokens ?? 25;
  const fit = { steps: o.steps ?? 200, lr: o.lr ?? 0.05, l2: o.l2 ?? 1e-4 };
  const boundaryTarget = o.boundaryTargetSeconds ?? 0.5, tolerance = o.toleranceSeconds ?? 1, minGap = o.minGapSeconds ?? 2;
  if (songs.length < folds) throw new Error(`time probe: ${songs.length} songs is fewer than ${folds} folds`);
  const nf = FAMILY_CLASSES.length, ns = SECTION_CLASSES.length;
  const targets = songs.map((s) => timelineTargets(s.annotation, s.n, s.tokenSeconds, boundaryTarget));
  const fold = songFolds(songs.length, folds, o.seed ?? 0);
  const rows = (i: number) => contrastRows(tensor(songs[i]!.tokens, { shape: [songs[i]!.n, songs[i]!.d] }), span);

  let sectionRight = 0, sectionTotal = 0, familyRight = 0, familyTotal = 0;
  const form = emptyTally();
  for (let k = 0; k < folds; k++) {
    const trainIdx = songs.flatMap((_, i) => (fold[i] !== k ? [i] : [])), testIdx = songs.flatMap((_, i) => (fold[i] === k ? [i] : []));
    tidy(() => {
      // Training rows: every `stride`-th token of the training songs (each song's rows built once).
      const keep = (n: number) => Array.from({ length: Math.ceil(n / stride) }, (_, j) => j * stride);
      // One song's rows at a time, so its intermediates are freed before the next song's are built.
      const parts = trainIdx.map((i) => tidy(() => rows(i).indexSelect(0, tensor(Int32Array.from(keep(songs[i]!.n)), { dtype: "int64" }))));
      const x = cat(parts, 0);
      const pick = <T extends ArrayLike<number>>(get: (i: number) => T, width: number) =>
        trainIdx.flatMap((i) => keep(songs[i]!.n).flatMap((j) => Array.from({ length: width }, (_, c) => Number(get(i)[j * width + c]))));
      const ySection = tensor(BigInt64Array.from(pick((i) => targets[i]!.section, 1).map(BigInt)), { dtype: "int64" });
      const yBoundary = tensor(Float32Array.from(pick((i) => targets[i]!.boundary, 1)), { shape: [x.shape[0]!, 1] });
      const yFamilies = tensor(Float32Array.from(pick((i) => targets[i]!.families, nf)), { shape: [x.shape[0]!, nf] });
      // Boundary tokens are a few percent of all: weighting them by the ratio makes 0.5 the balanced threshold.
      const positives = yBoundary.sum().item(), boundaryWeight = tensor([Math.max(1, (yBoundary.shape[0]! - positives) / Math.max(1, positives))]);
      const heads = {
        section: fitHead(x, ySection, "softmax", ns, fit),
        boundary: fitHead(x, yBoundary, "sigmoid", 1, fit, boundaryWeight),
        families: fitHead(x, yFamilies, "sigmoid", nf, fit),
      };
      for (const i of testIdx) {
        const song = songs[i]!, target = targets[i]!;
        tidy(() => {
          const r = rows(i);
          const section = heads.section.predict(r).argmax(1).to("float32").toFloat32Array();
          for (let j = 0; j < song.n; j++) {
            if (target.section[j] === IGNORE) continue;
            sectionTotal++;
            if (section[j] === target.section[j]) sectionRight++;
          }
          const families = heads.families.predict(r).toFloat32Array();
          for (let j = 0; j < song.n * nf; j++) {
            familyTotal++;
            if ((families[j]! > 0.5 ? 1 : 0) === target.families[j]) familyRight++;
          }
          const predicted = peakTimes(heads.boundary.predict(r).toFloat32Array(), song.tokenSeconds, minGap);
          tallyForm(form, predicted, song.annotation, tolerance);
        });
      }
      Object.values(heads).forEach((h) => h.dispose());
    });
  }

  // Baselines from the targets alone: the commonest section label; each family's commoner state.
  const labelCounts = new Array<number>(ns).fill(0);
  const familyOn = new Array<number>(nf).fill(0);
  let tokens = 0;
  for (const t of targets) {
    for (const s of t.section) if (s !== IGNORE) labelCounts[s]!++;
    for (let j = 0; j < t.families.length; j++) familyOn[j % nf]! += t.families[j]!;
    tokens += t.boundary.length;
  }
  return {
    songs: songs.length,
    sectionAccuracy: sectionTotal ? sectionRight / sectionTotal : 0,
    sectionMajority: sectionTotal ? Math.max(...labelCounts) / sectionTotal : 0,
    ...formScores(form),
    familyAccuracy: familyTotal ? familyRight / familyTotal : 0,
    familyMajority: tokens ? familyOn.reduce((sum, on) => sum + Math.max(on, tokens - on), 0) / (tokens * nf) : 0,
  };
}
