// `gamma timeline`: a song's form (where each section starts and what it is) as a model's timeline head hears it
// (src/model/timeline.ts); with --data, the head scored against annotated songs instead (boundaries within 1 s,
// section counts, section labels), for any dataset made by `gamma data synth` or `gamma data synthbench`.
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { configureThreads } from "../engine/runtime.js";
import { formatTime } from "../data/timefmt.js";
import { emptyTimelineTally, tallySections, timelineMetrics } from "../eval/timeline-score.js";
import { Gamma } from "../model/pipeline.js";
import { TimelineAudioCache } from "../train/spectrum-cache.js";
import { intOption } from "./options.js";
import { firstSongs } from "./probe-options.js";
import { Progress } from "./progress.js";

export function timelineCommand(): Command {
  return new Command("timeline")
    .description("where each section starts and what it is (intro, verse, chorus, ...), as the model's timeline head hears a recording; or, with --data, how well it does on annotated songs")
    .argument("[audio...]", "audio files (WAV, MP3, FLAC, Ogg; M4A/AAC through ffmpeg)")
    .option("--model <dir>", "a model directory with a timeline head (default: the shipped model, or $GAMMA_MODEL)")
    .option("--data <dir...>", "score the head on these datasets' annotated songs instead of printing timelines")
    .option("--songs <n>", "with --data: at most this many songs (the first, by id)", intOption("--songs", 1))
    .option("--feature-dir <dir>", "with --data: the expert-feature cache (shared with training)", path.join(os.homedir(), ".cache/gamma-music/features"))
    .option("--json", "print one JSON object per file (or, with --data, one line of scores)")
    .addHelpText("after", `
The shipped model has a timeline head that reads the spectrum; another is fitted with \`gamma train timeline\`, and
a model without one is refused with that advice.
Scores (--data): boundaries found within 1 s of a true section start (precision, recall, F1; the song's own
start is not a boundary), songs whose section count is exactly right, and the share of time whose predicted
section has the right label.

Examples:
  $ gamma timeline song.wav
  $ gamma timeline --json song.wav other.mp3
  $ gamma timeline --data ~/.cache/gamma-music/data/synthbench
  $ gamma timeline --model ~/.cache/gamma-music/runs/timeline-v1/model --data ~/.cache/gamma-music/data/synthbench`)
    .action(async (files: string[], opts: { model?: string; data?: string[]; songs?: number; featureDir: string; json?: boolean }) => {
      configureThreads();
      const gamma = Gamma.load(opts.model);
      if (!gamma.loaded.model.timeline) throw new Error(`${opts.model ?? "the default model"} has no timeline head; fit one with \`gamma train timeline\` and pass its model/ with --model`);
      if (opts.data && files.length > 0) throw new Error("give audio files to print their timelines, or --data DIR to score the head on annotated songs, not both");
      if (opts.data) return scoreOnData(gamma, opts.data, opts.songs, opts.featureDir, opts.json ?? false);
      if (files.length === 0) throw new Error("give audio files, or --data DIR to score the head on annotated songs");
      for (const file of files) {
        const { sections, seconds, warnings } = await gamma.timeline(file);
        for (const w of warnings) console.error(`${file}: ${w}`);
        if (opts.json) console.log(JSON.stringify({ file, seconds, sections }));
        else console.log(`${file} (${formatTime(seconds)})\n${sections.map((s) => `  ${formatTime(s.start)}–${formatTime(s.end)} ${s.label}`).join("\n")}`);
      }
    });
}

async function scoreOnData(gamma: Gamma, data: string[], limit: number | undefined, featureDir: string, json: boolean): Promise<void> {
  const { model } = gamma.loaded;
  const songs = firstSongs(data, limit);
  if (songs.length === 0) throw new Error(`${data.join(", ")}: no annotated songs with audio`);
  const cache = new TimelineAudioCache(featureDir, model);
  const tally = emptyTimelineTally();
  const progress = new Progress(songs.length, "timeline", "songs");
  for (const song of songs) {
    const cached = await cache.get(song.audio);
    const sections = model.timelineOf(cached.audio, cached.seconds);
    cached.dispose();
    tallySections(tally, sections, song.annotation, 0.1); // the label compared every 0.1 s
    progress.tick(1, `${cache.misses} computed`);
  }
  progress.finish();
  const scores = { songs: songs.length, ...timelineMetrics(tally) };
  if (!json) {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.error(`${songs.length} songs: boundaries within 1 s precision ${pct(scores.boundary_precision)}, recall ${pct(scores.boundary_recall)}, F1 ${pct(scores.boundary_f1)}; section count right ${pct(scores.accuracy_section_count)}; section label right ${pct(scores.accuracy_section_label)} of the time`);
  }
  console.log(JSON.stringify({ model: gamma.name, data, ...scores }));
}
