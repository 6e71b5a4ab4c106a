// Data benchmark: one-minute synthetic songs composed, rendered, augmented, annotated and written with their
// text, by 2 workers, as songs per minute (target: 60), and the CPU time per song (comparable on a busy
// machine). Ends with one JSON line.   npm run bench:data
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { assembleJsonl, runDataset } from "../src/data/dataset.js";
import { trainingConfig, trainingSoundfonts, trainingSpecs } from "../src/data/recipes.js";
import { DEFAULT_AUGMENT } from "../src/data/augment.js";

/**
 * CPU seconds used so far by this process (all its threads: the workers are threads) and by its finished child
 * processes (fluidsynth, ffmpeg; read from /proc, so 0 off Linux). Unlike the wall clock, this does not depend
 * on what else the machine is running.
 */
function cpuSeconds(): { own: number; children: number } {
  const u = process.cpuUsage();
  let children = 0;
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    children = (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks (USER_HZ = 100)
  } catch {
    // not Linux: children's time unknown
  }
  return { own: (u.user + u.system) / 1e6, children };
}

const songs = Number(process.env.GAMMA_BENCH_SONGS ?? 24);
const workers = 2;
const out = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-bench-data-"));
const opts = { songs, seed: 4242, minSeconds: 55, maxSeconds: 65, pop909Fraction: 0, augment: DEFAULT_AUGMENT, soundfonts: trainingSoundfonts() };
const t0 = performance.now();
const cpu0 = cpuSeconds();
const r = await runDataset(trainingSpecs(opts), trainingConfig(out, opts), { workers, label: "bench:data" });
const counts = assembleJsonl(out, trainingSpecs(opts).map((s) => s.id));
const seconds = (performance.now() - t0) / 1000;
const cpu1 = cpuSeconds();
const cpuPerSong = { own: (cpu1.own - cpu0.own) / songs, children: (cpu1.children - cpu0.children) / songs };
fs.rmSync(out, { recursive: true, force: true });
if (r.failed.length) throw new Error(`bench:data: ${r.failed.length} songs failed, first: ${r.failed[0]!.error}`);
const perMinute = (songs / seconds) * 60;
const audioMinutesPerMinute = r.audioSeconds / seconds;
console.log(`${songs} songs (${(r.audioSeconds / songs).toFixed(1)} s each on average, ${counts.mcq} MCQs) with ${workers} workers in ${seconds.toFixed(1)} s: ${perMinute.toFixed(1)} songs/min, ${audioMinutesPerMinute.toFixed(1)} minutes of audio per minute (target 60 one-minute songs/min); CPU per song ${(cpuPerSong.own + cpuPerSong.children).toFixed(2)} s (${cpuPerSong.own.toFixed(2)} s in node, ${cpuPerSong.children.toFixed(2)} s in fluidsynth and ffmpeg)`);
console.log(JSON.stringify({
  bench: "data", songs, workers, seconds: Math.round(seconds * 10) / 10, songs_per_minute: Math.round(perMinute * 10) / 10,
  audio_minutes_per_minute: Math.round(audioMinutesPerMinute * 10) / 10, mean_song_seconds: Math.round((r.audioSeconds / songs) * 10) / 10,
  mcq: counts.mcq, captions: counts.captions, sft: counts.sft,
  cpu_seconds_per_song: Math.round((cpuPerSong.own + cpuPerSong.children) * 100) / 100,
  cpu_seconds_per_song_children: Math.round(cpuPerSong.children * 100) / 100,
}));
