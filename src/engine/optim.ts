// Optimisation: AdamW with parameter groups, gradient clipping by global norm, a cosine schedule with warmup,
// and gradient accumulation. Optimizer state is tensors, so it saves and loads with the checkpoint.
import { noGrad } from "./autograd.js";
import { native } from "./native.js";
import { keep } from "./scope.js";
import { type Tensor, zerosLike } from "./tensor.js";

export interface ParamGroup {
  params: Tensor[];
  lr?: number;
  weightDecay?: number;
  betas?: [number, number];
  eps?: number;
  /** A name for logs and state dicts (e.g. "decay", "no_decay"). */
  name?: string;
}

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

interface GroupState {
  params: Tensor[];
  lr: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  name: string;
  expAvg: Tensor[];
  expAvgSq: Tensor[];
}

/**
 * AdamW (Loshchilov & Hutter): Adam moments with weight decay applied to the weights directly, not to the
 * gradient. Each group's step is one native call. `lrScale` (set by a schedule) multiplies every group's lr.
 */
export class AdamW {
  readonly groups: GroupState[];
  stepCount = 0;
  lrScale = 1;

  constructor(params: Tensor[] | ParamGroup[], defaults: AdamWOptions = {}) {
    const groups: ParamGroup[] = params.length > 0 && !("params" in (params[0] as object)) ? [{ params: params as Tensor[] }] : (params as ParamGroup[]);
    this.groups = groups.map((g, i) => ({
      params: g.params,
      lr: g.lr ?? defaults.lr ?? 1e-3,
      weightDecay: g.weightDecay ?? defaults.weightDecay ?? 0.01,
      betas: g.betas ?? defaults.betas ?? [0.9, 0.999],
      eps: g.eps ?? defaults.eps ?? 1e-8,
      name: g.name ?? `group${i}`,
      expAvg: noGrad(() => g.params.map((p) => keep(zerosLike(p)))),
      expAvgSq: noGrad(() => g.params.map((p) => keep(zerosLike(p)))),
    }));
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    for (const g of this.groups) {
      native.adamwStep(g.params.map((p) => p.h), g.expAvg.map((t) => t.h), g.expAvgSq.map((t) => t.h),
        g.lr * this.lrScale, g.betas[0], g.betas[1], g.eps, g.weightDecay, this.stepCount);
    }
  }

  /** Forgets every gradient (the next backward starts from zero). */
  zeroGrad(): void {
    for (const g of this.groups) native.zeroGrad(g.params.map((p) => p.h));
  }

  /** Moment tensors by "<group>.<index>.exp_avg" plus scalar state, for checkpoints. */
  stateDict(): { tensors: Map<string, Tensor>; scalars: { stepCount: number; lrScale: number; lrs: number[] } } {
    const tensors = new Map<string, Tensor>();
    this.groups.forEach((g, gi) => g.params.forEach((_, pi) => {
      tensors.set(`${gi}.${pi}.exp_avg`, g.expAvg[pi]!);
      tensors.set(`${gi}.${pi}.exp_avg_sq`, g.expAvgSq[pi]!);
    }));
    return { tensors, scalars: { stepCount: this.stepCount, lrScale: this.lrScale, lrs: this.groups.map((g) => g.lr) } };
  }

  loadStateDict(state: ReturnType<AdamW["stateDict"]>): void {
    noGrad(() => this.groups.forEach((g, gi) => g.params.forEach((_, pi) => {
      for (const [key, list] of [["exp_avg", g.expAvg], ["exp_avg_sq", g.expAvgSq]] as const) {
        const src = state.tensors.get(`${gi}.${pi}.${key}`);
        if (!src) throw new Error(`AdamW.loadStateDict: missing ${gi}.${pi}.${key}`);
        list[pi]!.copy_(src);
      }
    })));
    this.stepCount = state.scalars.stepCount;
    this.lrScale = state.scalars.lrScale;
    state.scalars.lrs.forEach((lr, i) => { if (this.groups[i]) this.groups[i].lr = lr; });
  }

  dispose(): void {
    for (const g of this.groups) for (const t of [...g.expAvg, ...g.expAvgSq]) t.dispose();
  }
}

/**
 * Splits parameters the usual way for transformers: matrices (dim >= 2) decay, vectors (norms, biases) do not.
 */
export function decayGroups(named: Iterable<[string, Tensor]>, weightDecay: number): ParamGroup[] {
  const decay: Tensor[] = [], noDecay: Tensor[] = [];
  for (const [, p] of named) if (p.requiresGrad) (p.ndim >= 2 ? decay : noDecay).push(p);
  return [{ params: decay, weightDecay, name: "decay" }, { params: noDecay, weightDecay: 0, name: "no_decay" }];
}

/** Scales gradients so that their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  return native.clipGradNorm(params.map((p) => p.h), maxNorm);
}

/** Learning-rate multiplier: linear warmup from 0 to 1, then cosine decay to minRatio at totalSteps. */
export function cosineWithWarmup(step: number, warmupSteps: number, totalSteps: number, minRatio = 0.1): number {
  if (step < warmupSteps) return (step + 1) / warmupSteps;
  if (step >= totalSteps) return minRatio;
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/**
 * Gradient accumulation over `steps` micro-batches: scale each micro-batch loss by scale() before backward,
 * and step the optimizer when shouldStep() says so (after the last micro-batch of each group).
 */
export class GradAccumulator {
  private micro = 0;
  constructor(readonly steps: number) {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`accumulation steps must be a positive integer, got ${steps}`);
  }
  /** The factor each micro-batch loss is multiplied by so the accumulated gradient is the mean. */
  get scale(): number {
    return 1 / this.steps;
  }
  /** Counts one micro-batch; true when the optimizer should step now. */
  tick(): boolean {
    this.micro = (this.micro + 1) % this.steps;
    return this.micro === 0;
  }
  /** Micro-batches counted since the last step (for checkpoints). */
  get position(): number {
    return this.micro;
  }
  set position(p: number) {
    this.micro = p % this.steps;
  }
}
