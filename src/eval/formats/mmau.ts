// MMAU's JSON: one array of {id, audio_id, question, choices, answer, category, sub-category, difficulty, ...},
// `audio_id` a path relative to the JSON file's folder (e.g. "./test-mini-audios/<id>.wav"; the content may be
// MP3 whatever the name says, and the loader sniffs it). MMAU mixes sound, speech and music (`task`); give a
// file with only the music items to evaluate the music part.
import path from "node:path";
import type { RawRecord } from "../item.js";
import { labels, locateAudio } from "./common.js";

export function readMmau(file: string, text: string, audioDir: string): RawRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!Array.isArray(value)) throw new Error(`${file}: an MMAU file is a JSON array of questions`);
  return value.map((entry: unknown, i): RawRecord => {
    const source = `${path.basename(file)} item ${i + 1}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return { source, problem: "is not a JSON object" };
    const q = entry as Record<string, unknown>;
    return {
      source, id: q.id, question: q.question, choices: q.choices, answer: q.answer,
      audio: locateAudio(audioDir, q.audio_id, "audio_id"),
      categories: labels(q.category), subCategories: labels(q["sub-category"]), difficulty: q.difficulty,
    };
  });
}
