// Sampling a training mixture by weight rather than by count: a dataset has ten times more questions than
// dialogues, and drawing conversations uniformly would leave the model few dialogues to learn from. Each
// group keeps its own seeded permutation (SongSampler), and which group a draw comes from is a pure function
// of (seed, draw number), so a run that resumes continues exactly.
import { Rng } from "../music/rng.js";
import { type SamplerState, SongSampler } from "./songs.js";

export interface MixtureState {
  draws: number;
  groups: Record<string, SamplerState>;
}

export class MixtureSampler<T> {
  private readonly names: string[];
  private readonly cumulative: number[];
  private readonly samplers = new Map<string, SongSampler<T>>();
  private draws: number;

  /** groups: items per group name; weights: relative weight per group (groups without weight or items are never drawn). */
  constructor(groups: Record<string, T[]>, weights: Record<string, number>, private readonly seed: number, state?: MixtureState) {
    this.names = Object.keys(weights).filter((n) => (weights[n] ?? 0) > 0 && (groups[n]?.length ?? 0) > 0).sort();
    if (this.names.length === 0) throw new Error(`no items to draw: the weighted groups (${Object.keys(weights).join(", ")}) are all empty`);
    const total = this.names.reduce((a, n) => a + weights[n]!, 0);
    let acc = 0;
    this.cumulative = this.names.map((n) => (acc += weights[n]! / total));
    this.names.forEach((n, i) => this.samplers.set(n, new SongSampler(groups[n]!, seed * 31 + i, state?.groups[n])));
    this.draws = state?.draws ?? 0;
  }

  get current(): MixtureState {
    return { draws: this.draws, groups: Object.fromEntries([...this.samplers].map(([n, s]) => [n, s.current])) };
  }

  next(): T {
    const u = new Rng(this.seed * 7919 + this.draws++ * 104729 + 1).next();
    const i = this.cumulative.findIndex((c) => u < c);
    return this.samplers.get(this.names[i < 0 ? this.names.length - 1 : i]!)!.next(1)[0]!;
  }
}
