// Which benchmark format a file is, from its content (never its name).
import { MUCHOMUSIC_REQUIRED_COLUMNS } from "./muchomusic.js";

export const BENCH_FORMATS = ["jsonl", "muchomusic", "mmau"] as const;
export type BenchFormat = (typeof BENCH_FORMATS)[number];

/** A JSON array is MMAU, a JSON object on the first line our jsonl, a CSV header with MuChoMusic's columns MuChoMusic. */
export function detectFormat(file: string, text: string): BenchFormat {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  if (firstLine.startsWith("[")) return "mmau";
  if (firstLine.startsWith("{")) return "jsonl";
  const header = firstLine.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  if (MUCHOMUSIC_REQUIRED_COLUMNS.every((c) => header.includes(c))) return "muchomusic";
  throw new Error(`${file}: cannot tell the benchmark format: expected our MCQ jsonl (a JSON object a line), MuChoMusic's CSV (columns ${MUCHOMUSIC_REQUIRED_COLUMNS.join(", ")}, ...) or MMAU's JSON array; name it with --format`);
}
