// A benchmark question as every format becomes it, and the checks every format's questions go through. A
// question that fails a check becomes an ItemProblem: reported, counted as invalid, never scored.

export interface BenchItem {
  id: string;
  /** Where the question is, for messages: "file:line" or "file item N". */
  source: string;
  question: string;
  /** Options in the file's order. */
  choices: string[];
  /** Index of the correct option in `choices`. */
  answer: number;
  /** Absolute path of the audio file. */
  audio: string;
  /** "temporal" or "global" in our MCQ sets; absent where the format has no such split. */
  split?: string;
  /** Categories the question counts in (a MuChoMusic question can be both knowledge and reasoning). */
  categories: string[];
  subCategories: string[];
  difficulty?: string;
}

export interface ItemProblem {
  source: string;
  id?: string;
  problem: string;
}

/** A question as a format reader found it: fields not yet checked, audio already located (or not). */
export interface RawItem {
  source: string;
  id: unknown;
  question: unknown;
  choices: unknown;
  /** The correct option's text. */
  answer: unknown;
  /** Absolute path of the audio, or why it could not be located. */
  audio: string | { problem: string };
  split?: unknown;
  categories: string[];
  subCategories: string[];
  difficulty?: unknown;
}

/** What a reader makes of one record of the file: a question to check, or a record it could not read. */
export type RawRecord = RawItem | ItemProblem;

export function isProblem<T extends object>(x: T | ItemProblem): x is ItemProblem {
  return "problem" in x && typeof x.problem === "string";
}

const MAX_CHOICES = 26;

/** A display form of an id from the file, if it has a usable one. */
function idText(id: unknown): string | undefined {
  if (typeof id === "string" && id.trim() !== "") return id;
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  return undefined;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/** Checks one question: id, text, options, answer among the options, audio located, labels are strings. */
export function checkItem(raw: RawItem): BenchItem | ItemProblem {
  const id = idText(raw.id);
  const bad = (problem: string): ItemProblem => ({ source: raw.source, id, problem });
  if (id === undefined) return bad("has no id");
  if (typeof raw.question !== "string" || raw.question.trim() === "") return bad("has no question text");
  if (!Array.isArray(raw.choices) || raw.choices.some((c) => typeof c !== "string" || c.trim() === "")) {
    return bad("choices must be a list of non-empty strings");
  }
  const choices = raw.choices as string[];
  if (choices.length < 2 || choices.length > MAX_CHOICES) return bad(`has ${choices.length} choices (2 to ${MAX_CHOICES} are needed)`);
  const repeated = choices.find((c, i) => choices.indexOf(c) !== i);
  if (repeated !== undefined) return bad(`the choice ${quote(repeated)} appears twice`);
  if (typeof raw.answer !== "string" || raw.answer.trim() === "") return bad("has no answer");
  const answer = answerIndex(choices, raw.answer);
  if (answer === undefined) return bad(`the answer ${quote(raw.answer)} is not among the choices`);
  for (const [name, value] of [["split", raw.split], ["difficulty", raw.difficulty]] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") return bad(`${name} must be a string`);
  }
  if (typeof raw.audio !== "string") return bad(raw.audio.problem);
  return {
    id, source: raw.source, question: raw.question, choices, answer, audio: raw.audio,
    split: typeof raw.split === "string" && raw.split !== "" ? raw.split : undefined,
    categories: raw.categories.filter((c) => c !== ""),
    subCategories: raw.subCategories.filter((c) => c !== ""),
    difficulty: typeof raw.difficulty === "string" && raw.difficulty !== "" ? raw.difficulty : undefined,
  };
}

/** The answer's position: an exact match, else the one option equal to it up to case and outer spaces. */
function answerIndex(choices: string[], answer: string): number | undefined {
  const exact = choices.indexOf(answer);
  if (exact >= 0) return exact;
  const norm = (s: string) => s.trim().toLowerCase();
  const loose = choices.flatMap((c, i) => (norm(c) === norm(answer) ? [i] : []));
  return loose.length === 1 ? loose[0] : undefined;
}
