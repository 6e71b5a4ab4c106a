// Checking a question's audio before any model hears it: the file exists, its content is a format the loader
// reads (sniffed, whatever its name says), and it decodes. Cheap: headers and the first block, except for
// formats whose header does not give the duration, which are decoded to the end (one block at a time).
import { AudioError } from "../audio/errors.js";
import { openAudio } from "../audio/load.js";

export type AudioCheck = { seconds: number } | { problem: string };

export async function checkAudio(file: string): Promise<AudioCheck> {
  try {
    const source = openAudio(file);
    try {
      let frames = 0;
      for await (const block of source.blocks()) {
        frames += block.length / source.channels;
        if (source.headerDuration !== undefined) break;
      }
      if (frames === 0) return { problem: `${file}: contains no audio samples` };
      return { seconds: source.headerDuration ?? frames / source.sampleRate };
    } finally {
      source.close();
    }
  } catch (err) {
    if (err instanceof AudioError) return { problem: err.message };
    return { problem: `${file}: cannot be decoded (${(err as Error).message})` };
  }
}
