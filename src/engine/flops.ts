// Counting the floating-point work a piece of code does, for benchmarks that report achieved GFLOP/s against the
// machine's peak. Only the ops that dominate a transformer are counted (linear layers, 1-d convolutions and
// attention's two matrix products); element-wise work, norms and softmax are left out, so the figure is a
// slight undercount, as is usual for "model FLOPs".
//
// The backward pass is counted when the forward runs: a matrix product's backward costs one more product per
// operand that needs a gradient (dX when the input needs one, dW when the weight does). Frozen layers that
// gradients flow through therefore count 2x forward, trained layers 3x, layers under no_grad 1x.
import { isGradEnabled } from "./autograd.js";
import type { Tensor } from "./tensor.js";

export interface FlopCount {
  forward: number;
  backward: number;
}

let active: FlopCount | null = null;

/** Runs fn and returns what it returned with the FLOPs its counted ops did (nested counts add to the outer one). */
export function countFlops<T>(fn: () => T): [T, FlopCount] {
  const outer = active, mine: FlopCount = { forward: 0, backward: 0 };
  active = mine;
  try {
    return [fn(), { ...mine }];
  } finally {
    active = outer;
    if (outer) {
      outer.forward += mine.forward;
      outer.backward += mine.backward;
    }
  }
}

export function countingFlops(): boolean {
  return active !== null;
}

/** Whether the backward pass will compute a gradient for t. */
export function needsGrad(t: Tensor): boolean {
  return isGradEnabled() && t.requiresGrad;
}

/** A matrix product of `forward` FLOPs whose backward computes `gradients` (0, 1 or 2) operand gradients. */
export function recordProduct(forward: number, gradients: number): void {
  if (!active) return;
  active.forward += forward;
  active.backward += forward * gradients;
}
