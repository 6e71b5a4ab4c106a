// Rendering MIDI to audio with Debian's fluidsynth (a separate program), and measuring how late a note sounds
// after its scheduled time — the offset every annotation time gets, so facts match what is heard.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scoreToMidi } from "./midi.js";
import type { Soundfont } from "./soundfonts.js";
import { collectBlocks } from "../audio/concat.js";
import { openWav } from "../audio/wav.js";
import type { Score } from "../music/score.js";

export const RENDER_SAMPLE_RATE = 22050;

export interface RenderOptions {
  sampleRate?: number;
  /** fluidsynth's reverb (room size 0-1, level 0-1); off when absent. */
  reverb?: { roomSize: number; level: number };
  /** fluidsynth's chorus on/off. */
  chorus?: boolean;
  /** Master gain (fluidsynth -g), default 0.5. */
  gain?: number;
}

let version: string | undefined;
export function fluidsynthVersion(): string {
  if (version === undefined) {
    const r = spawnSync("fluidsynth", ["--version"], { encoding: "utf8" });
    if (r.status !== 0 || r.error) throw new Error("fluidsynth is not installed: run ./setup.sh (or apt-get install fluidsynth)");
    version = /version\s+([\d.]+)/i.exec(r.stdout)?.[1] ?? "unknown";
  }
  return `fluidsynth ${version}`;
}

/** Renders a MIDI file to a mono-or-stereo 16-bit WAV; returns the WAV path. */
export function renderMidiFile(midiPath: string, soundfont: Soundfont, outWav: string, o: RenderOptions = {}): void {
  fluidsynthVersion();
  const args = [
    "-q", "-n", "-i",
    "-r", String(o.sampleRate ?? RENDER_SAMPLE_RATE),
    "-g", String(o.gain ?? 0.5),
    "-o", "synth.dynamic-sample-loading=1",
    "-o", `synth.chorus.active=${o.chorus ? 1 : 0}`,
    "-o", `synth.reverb.active=${o.reverb ? 1 : 0}`,
    "-O", "s16",
    "-T", "wav",
    "-F", outWav,
  ];
  if (o.reverb) args.push("-o", `synth.reverb.room-size=${o.reverb.roomSize.toFixed(3)}`, "-o", `synth.reverb.level=${o.reverb.level.toFixed(3)}`);
  args.push(soundfont.path, midiPath);
  const r = spawnSync("fluidsynth", args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0 || !fs.existsSync(outWav)) throw new Error(`fluidsynth failed on ${midiPath}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
}

/** Renders a score; returns interleaved samples, channel count and rate. */
export async function renderScore(score: Score, soundfont: Soundfont, o: RenderOptions = {}): Promise<{ samples: Float32Array; channels: number; sampleRate: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-render-"));
  try {
    const midiPath = path.join(dir, "song.mid");
    const wavPath = path.join(dir, "song.wav");
    fs.writeFileSync(midiPath, scoreToMidi(score));
    renderMidiFile(midiPath, soundfont, wavPath, o);
    const src = openWav(wavPath);
    return { samples: await collectBlocks(src.blocks()), channels: src.channels, sampleRate: src.sampleRate };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const latencies = new Map<string, number>();

/**
 * Seconds between a note's scheduled time and its onset in fluidsynth's output, for a soundfont: renders
 * sharp drum hits (side stick, claves) at known times and finds where the audio first rises above -40 dB of
 * each hit's peak. Cached per soundfont and rate for the process.
 */
export async function measureLatency(soundfont: Soundfont, sampleRate = RENDER_SAMPLE_RATE): Promise<number> {
  const key = `${soundfont.id}@${sampleRate}`;
  const cached = latencies.get(key);
  if (cached !== undefined) return cached;
  const hits = [1, 3, 5, 7]; // seconds, at 60 BPM: beat = second
  const score: Score = {
    id: "latency-probe", source: "synthetic", style: "probe", ppq: 480,
    tempos: [{ beat: 0, bpm: 60 }], metres: [{ beat: 0, metre: { numerator: 4, denominator: 4 } }], keys: [],
    tracks: [{ instrument: { name: "drum kit", family: "drums", program: 0, isDrums: true, role: "drums" },
      notes: hits.map((beat) => ({ beat, duration: 0.5, pitch: 75, velocity: 120 })) }],
    sections: [], chords: [], events: [], lead: "drum kit", mood: [], lengthBeats: 9,
  };
  const { samples, channels } = await renderScore(score, soundfont, { sampleRate });
  const onsets: number[] = [];
  for (const t of hits) {
    const from = Math.floor((t - 0.2) * sampleRate), to = Math.floor((t + 0.3) * sampleRate);
    let peak = 0;
    for (let i = from; i < to; i++) for (let c = 0; c < channels; c++) peak = Math.max(peak, Math.abs(samples[i * channels + c]!));
    if (peak === 0) throw new Error(`latency probe: soundfont ${soundfont.id} rendered silence for a claves hit`);
    const threshold = peak * 0.01;
    let i = from;
    while (i < to && ![...Array(channels).keys()].some((c) => Math.abs(samples[i * channels + c]!) > threshold)) i++;
    onsets.push(i / sampleRate - t);
  }
  onsets.sort((a, b) => a - b);
  const latency = onsets[Math.floor(onsets.length / 2)]!;
  latencies.set(key, latency);
  return latency;
}
