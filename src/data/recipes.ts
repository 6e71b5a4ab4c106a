// The recipes of the datasets the project makes: training sets (`gamma data synth`) and SynthBench, the frozen
// held-out benchmark (`gamma data synthbench`, its songs chosen in synthbench.ts): its own seed, two styles and
// one soundfont that training sets never use, and half temporal / half global questions.
import { Rng } from "../music/rng.js";
import { DEFAULT_AUGMENT, type AugmentConfig } from "./augment.js";
import type { BuildConfig, SongSpec } from "./build-song.js";
import { listPop909 } from "./pop909.js";
import { SOUNDFONTS } from "./soundfonts.js";
import { HELD_OUT_STYLES, songSeed } from "./synthbench.js";

export { HELD_OUT_STYLES, SYNTHBENCH_MCQ_PER_SPLIT, SYNTHBENCH_SEED, SYNTHBENCH_SONGS, synthbenchSpecs } from "./synthbench.js";

export function trainingSoundfonts(): string[] {
  return SOUNDFONTS.filter((s) => s.training).map((s) => s.id);
}

export interface SynthOptions {
  songs: number;
  seed: number;
  minSeconds: number;
  maxSeconds: number;
  pop909?: string;
  /** Fraction of songs imported from POP909 when a path is given. */
  pop909Fraction: number;
  augment: AugmentConfig;
  soundfonts: string[];
  style?: string;
}

export function trainingSpecs(o: SynthOptions): SongSpec[] {
  const specs: SongSpec[] = [];
  const popIds = o.pop909 ? new Rng(o.seed).fork("pop909").shuffle(listPop909(o.pop909)) : [];
  const nPop = o.pop909 ? Math.min(popIds.length, Math.round(o.songs * o.pop909Fraction)) : 0;
  // POP909 songs are spread through the set (every k-th), so a partial run already mixes both sources.
  const popEvery = nPop > 0 ? o.songs / nPop : Infinity;
  let popUsed = 0;
  for (let i = 0; i < o.songs; i++) {
    const id = `s${o.seed}-${String(i).padStart(6, "0")}`;
    if (popUsed < nPop && i >= Math.round(popUsed * popEvery)) {
      specs.push({ kind: "pop909", id, seed: songSeed(o.seed, `song-${i}`), root: o.pop909!, songId: popIds[popUsed++]! });
    } else {
      specs.push({ kind: "synthetic", id, seed: songSeed(o.seed, `song-${i}`), style: o.style, minSeconds: o.minSeconds, maxSeconds: o.maxSeconds, excludeStyles: o.style ? [] : HELD_OUT_STYLES });
    }
  }
  return specs;
}

export function trainingConfig(out: string, o: SynthOptions): BuildConfig {
  return { out, soundfonts: o.soundfonts, augment: o.augment, captionsPerSong: 6, mcqPerSong: 16, dialogueTurns: 6 };
}

export function synthbenchConfig(out: string): BuildConfig {
  return {
    out,
    soundfonts: SOUNDFONTS.map((s) => s.id),
    augment: DEFAULT_AUGMENT,
    captionsPerSong: 2,
    mcqPerSong: 40,
    dialogueTurns: 4,
  };
}
