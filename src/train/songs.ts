// The songs a training run learns from: every annotated song of one or more dataset directories (made by
// `gamma data synth`), split deterministically into train and held-out by id, and served in an order that is
// a pure function of (seed, epoch): a run that resumes at step n sees exactly the songs it would have seen.
import fs from "node:fs";
import path from "node:path";
import type { SongAnnotation } from "../data/schema.js";
import { Rng } from "../music/rng.js";

export interface Song {
  id: string;
  /** Absolute path of the rendered audio. */
  audio: string;
  annotation: SongAnnotation;
}

/** Every 20th song (by a hash of its id) is held out for evaluation. */
export const HELD_OUT_EVERY = 20;

function idHash(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function isHeldOut(id: string): boolean {
  return idHash(id) % HELD_OUT_EVERY === 0;
}

/** Reads the annotations of dataset directories (their songs/ folders); songs whose audio is missing are skipped. */
export function readSongs(datasetDirs: string[]): { train: Song[]; heldOut: Song[]; skipped: string[] } {
  const train: Song[] = [], heldOut: Song[] = [], skipped: string[] = [];
  for (const dir of datasetDirs) {
    const songsDir = path.join(dir, "songs");
    if (!fs.existsSync(songsDir)) throw new Error(`${dir}: not a dataset directory (no songs/ folder; make one with \`gamma data synth\`)`);
    for (const file of fs.readdirSync(songsDir).filter((f) => f.endsWith(".json")).sort()) {
      const full = path.join(songsDir, file);
      let annotation: SongAnnotation;
      try {
        annotation = JSON.parse(fs.readFileSync(full, "utf8")) as SongAnnotation;
      } catch (e) {
        throw new Error(`${full}: not valid JSON (${(e as Error).message})`, { cause: e });
      }
      const audio = path.resolve(songsDir, annotation.audio);
      if (!fs.existsSync(audio)) { skipped.push(`${full}: audio ${audio} is missing`); continue; }
      (isHeldOut(annotation.id) ? heldOut : train).push({ id: annotation.id, audio, annotation });
    }
  }
  if (train.length === 0) throw new Error(`no training songs in ${datasetDirs.join(", ")}`);
  return { train, heldOut, skipped };
}

/** Where a run is in its data: enough to continue exactly. */
export interface SamplerState {
  epoch: number;
  position: number;
}

/** Batches of songs (or any items): each epoch a fresh permutation from (seed, epoch). */
export class SongSampler<T = Song> {
  private order: number[];
  constructor(private readonly songs: T[], private readonly seed: number, private state: SamplerState = { epoch: 0, position: 0 }) {
    this.order = this.permutation(state.epoch);
  }

  get current(): SamplerState { return { ...this.state }; }

  next(batch: number): T[] {
    const out: T[] = [];
    while (out.length < batch) {
      if (this.state.position >= this.order.length) {
        this.state = { epoch: this.state.epoch + 1, position: 0 };
        this.order = this.permutation(this.state.epoch);
      }
      out.push(this.songs[this.order[this.state.position++]!]!);
    }
    return out;
  }

  private permutation(epoch: number): number[] {
    const rng = new Rng(this.seed * 1000003 + epoch);
    const order = this.songs.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
}
