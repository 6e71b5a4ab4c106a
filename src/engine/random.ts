// Seedable random number generators. Randomness in gamma-music always flows from an explicit Generator (or the
// global seed), so a training run can save and restore its exact random stream.
import { native, type NativeGenerator } from "./native.js";

export class Generator {
  readonly native: NativeGenerator;
  constructor(seed: number | bigint = 0) {
    this.native = new native.Generator(seed);
  }
  /** The generator's full state (libtorch's byte layout), for checkpoints. */
  getState(): Uint8Array { return new Uint8Array(this.native.getState()); }
  setState(state: Uint8Array): void { this.native.setState(state); }
  manualSeed(seed: number): this { this.native.manualSeed(seed); return this; }
  get initialSeed(): bigint { return this.native.initialSeed(); }
}

/** Seeds libtorch's default generators (used by dropout and ops given no generator). */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}
