// Our MCQ jsonl (SynthBench, MusicBench-style sets): one question a line,
// {"id","audio","question","choices","answer","split","category"} with `audio` relative to the file's folder.
import path from "node:path";
import type { RawRecord } from "../item.js";
import { labels, locateAudio } from "./common.js";

export function readJsonl(file: string, text: string, audioDir: string): RawRecord[] {
  const records: RawRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const source = `${path.basename(file)}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      records.push({ source, problem: `not valid JSON (${(err as Error).message})` });
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      records.push({ source, problem: "is not a JSON object" });
      return;
    }
    const q = value as Record<string, unknown>;
    records.push({
      source, id: q.id, question: q.question, choices: q.choices, answer: q.answer,
      audio: locateAudio(audioDir, q.audio, "audio"),
      split: q.split, categories: labels(q.category), subCategories: labels(q.sub_category ?? q["sub-category"]), difficulty: q.difficulty,
    });
  });
  return records;
}
