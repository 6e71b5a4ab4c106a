// What the probes (`gamma model probe`, `gamma model probe-time`) share: their options and the songs they read.
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { readSongs, type Song } from "../train/songs.js";
import { intOption } from "./options.js";

export interface ProbeFlags { model: string; data: string[]; songs?: number; folds: number; featureDir: string }

/** Adds --model (described by `modelHelp`), --data, --songs, --folds (default `folds`) and --feature-dir. */
export function withProbeOptions(cmd: Command, modelHelp: string, folds: number, foldsHelp = "cross-validation folds"): Command {
  return cmd
    .requiredOption("--model <dir>", modelHelp)
    .requiredOption("--data <dir...>", "dataset directories (made by gamma data synth: songs/ and audio/)")
    .option("--songs <n>", "probe at most this many songs (the first, by id)", intOption("--songs", 10))
    .option("--folds <n>", foldsHelp, intOption("--folds", 2), folds)
    .option("--feature-dir <dir>", "the expert-feature cache (shared with training)", path.join(os.homedir(), ".cache/gamma-music/features"));
}

/** Every annotated song with audio in the datasets (training and held-out alike), by id, the first `limit`. */
export function firstSongs(data: string[], limit?: number): Song[] {
  const { train, heldOut } = readSongs(data);
  return [...train, ...heldOut].sort((a, b) => a.id.localeCompare(b.id)).slice(0, limit ?? Infinity);
}
