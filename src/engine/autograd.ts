// Gradient-mode scopes. Inference, evaluation and optimizer updates run under noGrad so libtorch records no
// graph (less memory, less time).
import { native } from "./native.js";

/** Runs fn with gradient recording off, restoring the previous mode afterwards (also on error). */
export function noGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn with gradient recording on (inside a noGrad region, for example). */
export function enableGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
