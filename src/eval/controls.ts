// The audio each question is heard with. "real": its own. The controls show how much the audio matters: "silent"
// gives digital silence as long as the question's own audio; "shuffled" gives another question's audio, by a
// seeded derangement of the benchmark's distinct audio files, so no question hears its own file (questions
// that share a song all hear the same other song). "written" is the opposite of a control: no audio is heard,
// the model reads the song's annotated facts where its summary of the audio would be (a dataset song with
// songs/<id>.json; a model that hears songs as summary words alone), so the score is what the model answers
// when it hears perfectly, and the gap to "real" is what its hearing costs.
import type { AudioInput } from "./answerer.js";
import { derangement } from "./shuffle.js";

export const AUDIO_MODES = ["real", "silent", "shuffled", "written"] as const;
export type AudioMode = (typeof AUDIO_MODES)[number];

export interface HeardAudio {
  /** The question's own audio file. */
  file: string;
  /** Its duration in seconds. */
  seconds: number;
}

export function audioInputs(questions: readonly HeardAudio[], mode: AudioMode, seed: number): AudioInput[] {
  if (mode === "real") return questions.map((q) => ({ kind: "file", path: q.file }));
  if (mode === "silent") return questions.map((q) => ({ kind: "silent", seconds: q.seconds }));
  if (mode === "written") return questions.map((q) => ({ kind: "written", path: q.file }));
  const files = [...new Set(questions.map((q) => q.file))];
  if (files.length < 2) throw new Error(`--audio shuffled needs at least two different audio files; these questions have ${files.length}`);
  const swap = derangement(files.length, seed);
  const replacement = new Map(files.map((f, i) => [f, files[swap[i]!]!]));
  return questions.map((q) => ({ kind: "file", path: replacement.get(q.file)! }));
}
