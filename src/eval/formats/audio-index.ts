// Finding audio files by name under a folder, for benchmarks that name their audio by an id rather than a
// path (MuChoMusic names a Song Describer track or a MusicCaps clip).
import fs from "node:fs";
import path from "node:path";

const AUDIO_EXTENSIONS = new Set([".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aif", ".aiff", ".webm"]);

export class AudioIndex {
  private constructor(private readonly byStem: ReadonlyMap<string, string>) {}

  /** Every audio file under `dir` (recursively, hidden folders skipped), by its name without the extension. */
  static build(dir: string): AudioIndex {
    const byStem = new Map<string, string>();
    const walk = (d: string) => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith(".")) continue;
        const full = path.join(d, entry.name);
        const ext = path.extname(entry.name);
        if (entry.isDirectory()) walk(full);
        else if (AUDIO_EXTENSIONS.has(ext.toLowerCase())) {
          const stem = entry.name.slice(0, entry.name.length - ext.length);
          if (!byStem.has(stem)) byStem.set(stem, full);
        }
      }
    };
    walk(dir);
    return new AudioIndex(byStem);
  }

  /** The first of these names (without extension) that exists. */
  find(stems: readonly string[]): string | undefined {
    for (const stem of stems) {
      const file = this.byStem.get(stem);
      if (file) return file;
    }
    return undefined;
  }
}
