// `gamma model probe-time`: how much of each song's timeline (section boundaries and labels, instrument families)
// the audio side's tokens carry, token by token (src/eval/time-probe.ts). The temporal questions of SynthBench
// need it to within a second; this says whether the experts and the fusion deliver it before any LLM is asked.
import type { Command } from "commander";
import { noGrad } from "../engine/autograd.js";
import { configureThreads } from "../engine/runtime.js";
import { tidy } from "../engine/scope.js";
import { NO_AUGMENT } from "../data/augment.js";
import { loadModel } from "../model/io.js";
import { crossValidatedTimeProbe, type ProbeSong, type TimeProbeResult } from "../eval/time-probe.js";
import { disposeFeatures, FeatureCache } from "../train/feature-cache.js";
import { intOption } from "./options.js";
import { firstSongs, type ProbeFlags, withProbeOptions } from "./probe-options.js";
import { Progress } from "./progress.js";

const COLUMNS: [keyof TimeProbeResult, string][] = [
  ["sectionAccuracy", "section"], ["sectionMajority", "majority"], ["boundaryPrecision", "bound P"], ["boundaryRecall", "bound R"],
  ["boundaryF1", "bound F1"], ["sectionCountAccuracy", "count"], ["familyAccuracy", "families"], ["familyMajority", "majority"],
];

export function addProbeTimeCommand(model: Command): void {
  withProbeOptions(model
    .command("probe-time")
    .description("time probes: how well section boundaries, section labels and the instrument families sounding read from each token of the temporal expert and of the fusion"), "a model directory (its temporal expert and its fusion are probed)", 3, "cross-validation folds over songs")
    .option("--steps <n>", "optimisation steps of each linear head per fold", intOption("--steps", 1), 200)
    .addHelpText("after", `
Each token (25 a second with the shipped experts) becomes a row: the token and, channel by channel, how far the
mean of the next second's tokens lies from the mean of the previous second's. Three linear heads are fitted on
the training folds' songs (every 4th token) and applied to every token of the held-out fold's songs:

  section   the section label (intro, verse, chorus, ...): share of tokens right; "majority" always names the commonest
  bound     a section starts within 0.5 s (such tokens weighted up to balance the two classes): peaks above
            0.5 at least 2 s apart are the predicted boundaries,
            scored against the true ones (every section start but the first) within 1 s, as SynthBench asks
  count     songs whose number of sections (predicted boundaries + 1) is exactly right
  families  each of 13 instrument families sounding or not, per token; "majority" says each family's commoner state

Expert tokens come from the feature cache (variant 0, the audio as rendered; computed and cached when missing).
Prints a table on stderr and one JSON line on stdout.

Example:
  $ gamma model probe-time --model models/gamma-small --data ~/.cache/gamma-music/data/train-v1 --songs 200`)
    .action(async (opts: ProbeFlags & { steps: number }) => {
      configureThreads();
      const { model: gamma } = loadModel(opts.model);
      const songs = firstSongs(opts.data, opts.songs);
      if (songs.length < opts.folds) throw new Error(`${opts.data.join(", ")}: ${songs.length} songs with audio, fewer than --folds ${opts.folds}`);
      const cache = new FeatureCache(opts.featureDir, gamma, NO_AUGMENT);
      const tokenSeconds = gamma.temporal_expert.tokenSeconds;
      const sources: Record<"temporal" | "fused", ProbeSong[]> = { temporal: [], fused: [] };
      const progress = new Progress(songs.length, "features", "songs");
      for (const song of songs) {
        const f = await cache.get(song.audio, 0);
        const asSong = (tokens: Float32Array, n: number, d: number): ProbeSong => ({ tokens, n, d, tokenSeconds, annotation: song.annotation });
        const [, n, d] = f.temporal.shape as [number, number, number];
        sources.temporal.push(asSong(noGrad(() => tidy(() => f.temporal.to("float32").squeeze(0).toFloat32Array())), n, d));
        const fused = noGrad(() => tidy(() => gamma.fusion.forward(f.temporal, f.global).tokens.to("float32").squeeze(0).toFloat32Array()));
        sources.fused.push(asSong(fused, n, fused.length / n));
        disposeFeatures(f);
        progress.tick(1, `${cache.misses} computed`);
      }
      progress.finish();
      const results: Record<string, TimeProbeResult> = {};
      console.error(`${"tokens".padEnd(9)} ${COLUMNS.map(([, h]) => h.padStart(9)).join(" ")}`);
      for (const [source, probeSongs] of Object.entries(sources)) {
        const r = crossValidatedTimeProbe(probeSongs, { folds: opts.folds, steps: opts.steps });
        results[source] = r;
        console.error(`${source.padEnd(9)} ${COLUMNS.map(([k]) => String(round(r[k])).padStart(9)).join(" ")}`);
      }
      console.log(JSON.stringify({ model: opts.model, songs: songs.length, folds: opts.folds, token_seconds: tokenSeconds, features_computed: cache.misses, probes: results }));
    });
}

const round = (x: number) => Math.round(x * 1000) / 1000;
