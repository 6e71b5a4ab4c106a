// Audio benchmark: decode + resample + 128-bin log-mel of a 4-minute 44.1 kHz stereo MP3 on one core, as
// times real time. The MP3 is made with ffmpeg from a real recording (looped) when ../shared is present, else
// from a synthetic mix. Ends with one JSON line.   npm run bench:audio
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadAudio, logMelSpectrogram, openAudio } from "../src/audio/index.js";
import { configureThreads } from "../src/engine/runtime.js";
import { repoRoot } from "../src/cli/paths.js";

const SECONDS = 240;
configureThreads({ intraOp: 1, blas: 1 });

function makeMp3(): { file: string; source: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-bench-audio-"));
  const file = path.join(dir, "song.mp3");
  const shared = process.env.GAMMA_SHARED_DATA ?? path.join(repoRoot(), "../shared/data");
  const clip = path.join(shared, "real-clips/Karissa_Hobbs_-_Lets_Go_Fishin.ogg");
  const real = fs.existsSync(clip);
  const input = real
    ? ["-stream_loop", "-1", "-i", clip]
    : ["-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100", "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.1:sample_rate=44100"];
  const mix = real ? [] : ["-filter_complex", "[0][1]amix=inputs=2"];
  const r = spawnSync("ffmpeg", ["-v", "error", "-y", ...input, ...mix, "-t", String(SECONDS), "-ar", "44100", "-ac", "2", "-b:a", "192k", file]);
  if (r.status !== 0) throw new Error(`bench:audio needs ffmpeg to make its test MP3: ${r.error?.message ?? r.stderr.toString()}`);
  return { file, source: real ? `real recording (${path.basename(clip)}, looped)` : "synthetic tone + pink noise" };
}

const { file, source } = makeMp3();
const best = { decode: Infinity, load: Infinity, mel: Infinity };
for (let round = 0; round < 3; round++) {
  let t0 = performance.now();
  for await (const block of openAudio(file).blocks()) void block;
  best.decode = Math.min(best.decode, (performance.now() - t0) / 1000);

  t0 = performance.now();
  const audio = await loadAudio(file);
  best.load = Math.min(best.load, (performance.now() - t0) / 1000);

  t0 = performance.now();
  logMelSpectrogram(audio.samples, { nMels: 128 }).dispose();
  best.mel = Math.min(best.mel, (performance.now() - t0) / 1000);
}
fs.rmSync(path.dirname(file), { recursive: true });
const total = best.load + best.mel;
const x = (s: number) => Math.round((SECONDS / s) * 10) / 10;
console.log(`input: ${SECONDS} s, 44.1 kHz stereo MP3 at 192 kb/s, ${source}; one core (libtorch and BLAS 1 thread)`);
console.log(`decode (minimp3):                         ${best.decode.toFixed(3)} s  ${x(best.decode)}x real time`);
console.log(`decode + downmix + resample to 16 kHz:    ${best.load.toFixed(3)} s  ${x(best.load)}x`);
console.log(`128-bin log-mel:                          ${best.mel.toFixed(3)} s  ${x(best.mel)}x`);
console.log(`all:                                      ${total.toFixed(3)} s  ${x(total)}x real time (target 100x)`);
console.log(JSON.stringify({
  bench: "audio", seconds_of_audio: SECONDS, input: "mp3 44100 Hz stereo 192k", threads: 1,
  decode_s: round(best.decode), load_s: round(best.load), mel_s: round(best.mel), total_s: round(total),
  decode_x_realtime: x(best.decode), load_x_realtime: x(best.load), mel_x_realtime: x(best.mel), x_realtime: x(total),
}));

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
