// MuChoMusic's CSV (muchomusic.csv from Zenodo record 12709974 / Hugging Face mulab-mir/muchomusic), read the
// way its evaluation code (github.com/mulab-mir/muchomusic, muchomusic_eval/utils.py) reads it: one question
// a row; the options are `correct_answer` and `distractor_1_answer`..`distractor_3_answer`; `question_id`
// identifies the question; `music_knowledge` and `music_reasoning` hold the evaluation dimensions as Python
// list literals ("['melody', 'harmony']"). The CSV ships without audio: a row names its track by `dataset`
// ("sdd" or "musiccaps") and `dataset_identifier` (an SDD track id; a MusicCaps "<ytid>_<start>"). Audio is
// found by file name under the audio folder (searched recursively), under the names the upstream code uses
// ("<track>.2min.mp3" for SDD, "[<ytid>]-[<start>-<end>].wav" for MusicCaps) or plainly "<identifier>.*". A CSV
// with an `audio_path` column gives each row's file instead, relative to the audio folder.
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { RawRecord } from "../item.js";
import { AudioIndex } from "./audio-index.js";
import { locateAudio } from "./common.js";

export const MUCHOMUSIC_REQUIRED_COLUMNS = ["question", "correct_answer", "distractor_1_answer"];
const DISTRACTOR_COLUMNS = ["distractor_1_answer", "distractor_2_answer", "distractor_3_answer"];
const AUDIO_PATH_COLUMN = "audio_path";

interface CsvRow {
  record: Record<string, string | undefined>;
  info: { lines: number; error?: unknown; columns: { name: string }[] };
}

export function readMuchomusic(file: string, text: string, audioDir: string): RawRecord[] {
  let rows: CsvRow[];
  try {
    rows = parse(text, { columns: true, info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown as CsvRow[];
  } catch (err) {
    throw new Error(`${file}: not a readable CSV (${(err as Error).message})`, { cause: err });
  }
  const header = rows[0]?.info.columns.map((c) => c.name) ?? [];
  const missing = MUCHOMUSIC_REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (rows.length > 0 && missing.length > 0) throw new Error(`${file}: a MuChoMusic CSV needs the columns ${MUCHOMUSIC_REQUIRED_COLUMNS.join(", ")}; missing ${missing.join(", ")}`);
  const byPath = header.includes(AUDIO_PATH_COLUMN);
  if (rows.length > 0 && !byPath && !(header.includes("dataset") && header.includes("dataset_identifier"))) {
    throw new Error(`${file}: no way to find the audio: give an ${AUDIO_PATH_COLUMN} column, or dataset and dataset_identifier columns`);
  }
  const index = byPath ? undefined : AudioIndex.build(audioDir);
  return rows.map(({ record: r, info }): RawRecord => {
    const source = `${path.basename(file)}:${info.lines}`;
    const id = r.question_id ?? r.id;
    if (info.error) return { source, id, problem: `has a different number of fields than the header (${info.columns.length})` };
    const knowledge = pythonStrings(r.music_knowledge), reasoning = pythonStrings(r.music_reasoning);
    return {
      source, id, question: r.question, answer: r.correct_answer,
      choices: [r.correct_answer, ...DISTRACTOR_COLUMNS.filter((c) => header.includes(c)).map((c) => r[c])],
      audio: index ? findTrack(index, audioDir, r.dataset, r.dataset_identifier) : locateAudio(audioDir, r[AUDIO_PATH_COLUMN], AUDIO_PATH_COLUMN),
      categories: [...(knowledge.length ? ["knowledge"] : []), ...(reasoning.length ? ["reasoning"] : [])],
      subCategories: [...new Set([...knowledge, ...reasoning])],
    };
  });
}

/** The strings of a Python list literal such as "['melody', \"rock 'n' roll\"]" (empty for anything else). */
export function pythonStrings(literal: string | undefined): string[] {
  return [...(literal ?? "").matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2] ?? "").trim()).filter((s) => s !== "");
}

/** File names (without extension) a MuChoMusic track may have, most specific first. */
export function trackFileNames(dataset: string, identifier: string): string[] {
  const id = identifier.trim().replace(/\.json$/, "");
  if (dataset === "sdd") return [`${id}.2min`, id];
  if (dataset === "musiccaps") {
    const clip = /^(.+)_(\d+(?:\.\d+)?)$/.exec(id);
    if (clip) {
      const ytid = clip[1]!, from = Math.trunc(Number(clip[2]));
      return [`[${ytid}]-[${from}-${from + 10}]`, id, ytid];
    }
  }
  return [id];
}

function findTrack(index: AudioIndex, audioDir: string, dataset: string | undefined, identifier: string | undefined): string | { problem: string } {
  if (!dataset || !identifier) return { problem: "has no dataset/dataset_identifier to find its audio by" };
  const names = trackFileNames(dataset, identifier);
  return index.find(names) ?? { problem: `no audio for ${dataset} track ${identifier} under ${audioDir} (looked for ${names.map((n) => `${n}.*`).join(", ")}; give the folder with --audio-dir)` };
}
