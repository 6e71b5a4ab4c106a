// What `gamma bench` asks of a model: answer multiple-choice prompts about audio, a batch at a time. The GaMMA
// model, the text-only baselines and any other system plug in through this interface.
/** A recording: its file, silence of a length, or (`written`) the annotated facts of a dataset song's file, written for the model to read. */
export type AudioInput = { kind: "file"; path: string } | { kind: "silent"; seconds: number } | { kind: "written"; path: string };

/** What identifies a recording as heard: its file, the silence's length, or the file whose facts are written. */
export function audioKey(audio: AudioInput): string {
  return audio.kind === "silent" ? `silent:${audio.seconds}` : `${audio.kind}:${audio.path}`;
}

export interface AnswerRequest {
  id: string;
  /** The full user prompt: question and lettered options, as the protocol formats them. */
  prompt: string;
  /** Options in the order presented. */
  choices: string[];
  /**
   * The "likelihood" protocol: the prompt is the question alone, and a model answerer ranks the choices by its
   * likelihood of each as its whole answer and names the likeliest as "(X) text". Others answer as usual.
   */
  rankChoices?: boolean;
  audio: AudioInput;
  /**
   * The seed of this question's sampled answer (from the bench seed and its id), for an answerer that samples
   * rather than answering greedily: the same question gets the same sample in any batch and after a resume.
   */
  sampleSeed?: number;
}

export interface Answerer {
  readonly name: string;
  /** How many requests answer() takes at once. */
  readonly batchSize: number;
  answer(requests: AnswerRequest[]): Promise<string[]>;
  close?(): void;
}
