// Data benchmark: one-minute synthetic songs composed, rendered, augmented, annotated and written with their
// text, by 2 workers, as songs per minute (target: 60). Ends with one JSON line.   npm run bench:data
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assembleJsonl, runDataset } from "../src/data/dataset.js";
import { trainingConfig, trainingSoundfonts, trainingSpecs } from "../src/data/recipes.js";
import { DEFAULT_AUGMENT } from "../src/data/augment.js";

const songs = Number(process.env.GAMMA_BENCH_SONGS ?? 24);
const workers = 2;
const out = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-bench-data-"));
const opts = { songs, seed: 4242, minSeconds: 55, maxSeconds: 65, pop909Fraction: 0, augment: DEFAULT_AUGMENT, soundfonts: trainingSoundfonts() };
const t0 = performance.now();
const r = await runDataset(trainingSpecs(opts), trainingConfig(out, opts), { workers, label: "bench:data" });
const counts = assembleJsonl(out, trainingSpecs(opts).map((s) => s.id));
const seconds = (performance.now() - t0) / 1000;
fs.rmSync(out, { recursive: true, force: true });
if (r.failed.length) throw new Error(`bench:data: ${r.failed.length} songs failed, first: ${r.failed[0]!.error}`);
const perMinute = (songs / seconds) * 60;
const audioMinutesPerMinute = r.audioSeconds / seconds;
console.log(`${songs} songs (${(r.audioSeconds / songs).toFixed(1)} s each on average, ${counts.mcq} MCQs) with ${workers} workers in ${seconds.toFixed(1)} s: ${perMinute.toFixed(1)} songs/min, ${audioMinutesPerMinute.toFixed(1)} minutes of audio per minute (target 60 one-minute songs/min)`);
console.log(JSON.stringify({
  bench: "data", songs, workers, seconds: Math.round(seconds * 10) / 10, songs_per_minute: Math.round(perMinute * 10) / 10,
  audio_minutes_per_minute: Math.round(audioMinutesPerMinute * 10) / 10, mean_song_seconds: Math.round((r.audioSeconds / songs) * 10) / 10,
  mcq: counts.mcq, captions: counts.captions, sft: counts.sft,
}));
