// One song of a dataset, start to finish: compose (or import), render with a soundfont, augment, annotate, and
// write the text made from its facts. Deterministic for its seed. Runs inside a dataset worker.
import fs from "node:fs";
import path from "node:path";
import { resample } from "../audio/resample.js";
import { writeFileAtomic, writeWav } from "../audio/wav-write.js";
import { compose } from "../music/compose.js";
import { Rng } from "../music/rng.js";
import { beatToSeconds, type Score } from "../music/score.js";
import { annotate, lastNoteBeat } from "./annotate.js";
import { augment, type AugmentConfig, drawRenderReverb } from "./augment.js";
import { importPop909Song } from "./pop909.js";
import { fluidsynthVersion, measureLatency, renderScore, RENDER_SAMPLE_RATE } from "./render.js";
import type { SongAnnotation } from "./schema.js";
import { soundfontById } from "./soundfonts.js";
import { captions, dialogue, mcqs, report, type Mcq } from "./text/index.js";

export const DATASET_SAMPLE_RATE = 16000;

export type SongSpec =
  | { kind: "synthetic"; id: string; seed: number; style?: string; minSeconds: number; maxSeconds: number; excludeStyles: string[] }
  | { kind: "pop909"; id: string; seed: number; root: string; songId: string };

export interface BuildConfig {
  out: string;
  /**
   * Annotations and text only, no audio: text corpora such as the LLM's pretraining set, larger than any
   * rendered set and made of songs the chat stages never hear.
   */
  textOnly?: boolean;
  /** Soundfont ids a song may be rendered with (one is drawn per song). */
  soundfonts: string[];
  augment: AugmentConfig;
  captionsPerSong: number;
  mcqPerSong: number;
  dialogueTurns: number;
}

/** What a song contributes to the dataset's jsonl files (also stored per song, so a run can resume). */
export interface SongText {
  id: string;
  /** The text settings it was made with: a run with other settings remakes the text (not the audio). */
  textConfig: TextConfig;
  audio: string;
  captions: string[];
  sft: { id: string; audio: string; kind: "report" | "dialogue"; messages: { role: "user" | "assistant"; content: string }[] }[];
  mcq: (Mcq & { audio: string })[];
}

export type TextConfig = Pick<BuildConfig, "captionsPerSong" | "mcqPerSong" | "dialogueTurns">;
function textConfigOf(c: TextConfig): TextConfig {
  return { captionsPerSong: c.captionsPerSong, mcqPerSong: c.mcqPerSong, dialogueTurns: c.dialogueTurns };
}

export function songPaths(out: string, id: string): { audio: string; annotation: string; text: string } {
  return { audio: path.join(out, "audio", `${id}.wav`), annotation: path.join(out, "songs", `${id}.json`), text: path.join(out, "text", `${id}.json`) };
}

export function makeScore(spec: SongSpec): Score {
  if (spec.kind === "synthetic") {
    const s = compose(spec.seed, { style: spec.style, minSeconds: spec.minSeconds, maxSeconds: spec.maxSeconds, excludeStyles: spec.excludeStyles });
    return { ...s, id: spec.id };
  }
  return { ...importPop909Song(spec.root, spec.songId, new Rng(spec.seed).fork("pop909")), id: spec.id };
}

function db(x: number): number {
  return x > 0 ? Math.round(20 * Math.log10(x) * 100) / 100 : -120;
}

export async function buildSong(spec: SongSpec, config: BuildConfig): Promise<{ annotation: SongAnnotation; text: SongText; seconds: number; rendered: boolean }> {
  const paths = songPaths(config.out, spec.id);
  if (fs.existsSync(paths.audio) && fs.existsSync(paths.annotation)) {
    // Rendered before (an interrupted run, or new text settings): only the text is made again.
    const annotation = JSON.parse(fs.readFileSync(paths.annotation, "utf8")) as SongAnnotation;
    const text = songText(annotation, spec, config, path.relative(config.out, paths.audio));
    writeFileAtomic(paths.text, JSON.stringify(text) + "\n");
    return { annotation, text, seconds: annotation.global.duration, rendered: false };
  }
  if (config.textOnly) return buildTextOnly(spec, config, paths);
  const rng = new Rng(spec.seed);
  const score = makeScore(spec);
  const soundfont = soundfontById(rng.fork("soundfont").pick(config.soundfonts));
  const augRng = rng.fork("augment");
  const augmented = augRng.chance(config.augment.probability);
  const reverb = drawRenderReverb(config.augment, augRng, augmented);
  const rendered = await renderScore(score, soundfont, { reverb, sampleRate: RENDER_SAMPLE_RATE });
  // Down to mono first: the model hears mono, and every later step is cheaper.
  let mono = mixToMono(rendered.samples, rendered.channels);
  const aug = augmented ? await augment(mono, rendered.sampleRate, config.augment, augRng, reverb) : { audio: mono, record: { steps: [] } };
  mono = resample(aug.audio, rendered.sampleRate, DATASET_SAMPLE_RATE);
  let peak = 0, sum = 0;
  for (let i = 0; i < mono.length; i++) {
    peak = Math.max(peak, Math.abs(mono[i]!));
    sum += mono[i]! * mono[i]!;
  }
  const audioRel = path.relative(config.out, paths.audio);
  writeWav(paths.audio, mono, DATASET_SAMPLE_RATE);
  const annotation = annotate(score, {
    audio: path.relative(path.dirname(paths.annotation), paths.audio),
    duration: mono.length / DATASET_SAMPLE_RATE,
    latency: await measureLatency(soundfont, rendered.sampleRate),
    loudness: { peakDb: db(peak), rmsDb: db(Math.sqrt(sum / Math.max(1, mono.length))) },
    soundfont: soundfont.id,
    augmentation: aug.record,
    renderer: fluidsynthVersion(),
    sampleRate: DATASET_SAMPLE_RATE,
  });
  writeFileAtomic(paths.annotation, JSON.stringify(annotation) + "\n");

  const text = songText(annotation, spec, config, audioRel);
  // Written last: its presence marks the song as complete for --resume.
  writeFileAtomic(paths.text, JSON.stringify(text) + "\n");
  return { annotation, text, seconds: annotation.global.duration, rendered: true };
}

/** The song composed and annotated at the score's own timing (no renderer latency), with its text; no audio. */
function buildTextOnly(spec: SongSpec, config: BuildConfig, paths: ReturnType<typeof songPaths>): { annotation: SongAnnotation; text: SongText; seconds: number; rendered: boolean } {
  const score = makeScore(spec);
  // fluidsynth's release tail makes a rendered song about this much longer than its last note.
  const duration = beatToSeconds(score.tempos, lastNoteBeat(score)) + TEXT_ONLY_TAIL_SECONDS;
  const annotation = annotate(score, {
    audio: path.relative(path.dirname(paths.annotation), paths.audio), duration, latency: 0,
    loudness: { peakDb: -120, rmsDb: -120 }, soundfont: "none", augmentation: { steps: [] }, renderer: "none (text only)", sampleRate: DATASET_SAMPLE_RATE,
  });
  writeFileAtomic(paths.annotation, JSON.stringify(annotation) + "\n");
  const text = songText(annotation, spec, config, path.relative(config.out, paths.audio));
  writeFileAtomic(paths.text, JSON.stringify(text) + "\n");
  return { annotation, text, seconds: duration, rendered: false };
}
const TEXT_ONLY_TAIL_SECONDS = 1;

/** The mean of the channels of interleaved samples (fluidsynth writes stereo: a loop without the inner one). */
function mixToMono(samples: Float32Array, channels: number): Float32Array {
  const frames = samples.length / channels;
  const mono = new Float32Array(frames);
  if (channels === 2) {
    for (let i = 0, j = 0; i < frames; i++, j += 2) mono[i] = (samples[j]! + samples[j + 1]!) / 2;
    return mono;
  }
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += samples[i * channels + c]!;
    mono[i] = s / channels;
  }
  return mono;
}

/** The text a song contributes (captions, SFT conversations, MCQs), drawn from the song's own seed. */
export function songText(annotation: SongAnnotation, spec: SongSpec, config: TextConfig, audioRel: string): SongText {
  const textRng = new Rng(spec.seed).fork("text");
  return {
    id: spec.id,
    textConfig: textConfigOf(config),
    audio: audioRel,
    captions: captions(annotation, textRng.fork("captions"), config.captionsPerSong),
    sft: [
      { id: `${spec.id}-report`, audio: audioRel, kind: "report", messages: [
        { role: "user", content: "<audio>\nDescribe this song section by section, with times." },
        { role: "assistant", content: report(annotation, textRng.fork("report")) },
      ] },
      { id: `${spec.id}-dialogue`, audio: audioRel, kind: "dialogue", messages: dialogue(annotation, textRng.fork("dialogue"), config.dialogueTurns) },
    ],
    mcq: mcqs(annotation, textRng.fork("mcq"), { perSong: config.mcqPerSong }).map((q) => ({ ...q, audio: audioRel })),
  };
}

/** Audio (unless text only), annotation and text all present, the text made with these settings. */
export function isSongComplete(out: string, id: string, config: TextConfig & { textOnly?: boolean }): boolean {
  const p = songPaths(out, id);
  if (!(fs.existsSync(p.text) && fs.existsSync(p.annotation) && (config.textOnly || fs.existsSync(p.audio)))) return false;
  const t = JSON.parse(fs.readFileSync(p.text, "utf8")) as Partial<SongText>;
  return JSON.stringify(t.textConfig) === JSON.stringify(textConfigOf(config));
}
