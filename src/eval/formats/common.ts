// Small helpers the format readers share.
import path from "node:path";

/** A path from the benchmark file, resolved against the audio folder; or why there is none. */
export function locateAudio(audioDir: string, value: unknown, field: string): string | { problem: string } {
  if (typeof value !== "string" || value.trim() === "") return { problem: `has no "${field}" path` };
  return path.resolve(audioDir, value);
}

/** Category labels from a string or a list of strings (anything else gives none). */
export function labels(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}
