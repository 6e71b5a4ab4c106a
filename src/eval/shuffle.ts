// The protocol's randomness, reproducible by seed: the order options are presented in (per question, from the
// seed and the question's id, so a question's order does not depend on what else is in the file or on
// --limit), and the audio swap of the shuffled-audio control.
import { Rng } from "../music/rng.js";

/** A generator for one question: FNV-1a of the seed and the question's id. */
export function questionRng(seed: number, id: string): Rng {
  const key = `${seed}\u0000${id}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return new Rng(h >>> 0);
}

/** The order to present `count` options in: presented[k] = choices[order[k]]. */
export function optionOrder(count: number, seed: number, id: string, shuffle: boolean): number[] {
  const identity = Array.from({ length: count }, (_, i) => i);
  return shuffle ? questionRng(seed, id).shuffle(identity) : identity;
}

/**
 * A permutation of 0..n-1 that moves every element (a derangement): a random single cycle by Sattolo's
 * algorithm. n must be at least 2.
 */
export function derangement(n: number, seed: number): number[] {
  if (n < 2) throw new Error(`a derangement needs at least 2 elements, got ${n}`);
  const p = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * i);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
