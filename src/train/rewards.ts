// The rewards of stage 3 (GRPO). An answer earns a format reward (did it reason, then answer, in the documented
// `<think>...</think><answer>...</answer>` form) and an accuracy reward (is the answer right); the total is
// their weighted sum. Accuracy depends on the kind of question, and kinds are a registry, so a new kind of
// question plugs in with registerReward() without touching the trainer:
//   mcq     the option parseGamma reads (the parser `gamma bench` uses) is the right one; with the
//           "consistent" rule also one the answer names both ways it names it (letter and text agree), with
//           the "text" rule the one its words name, with the "grounded" rule that one named by its reasoning
//           too (McqAnswerRule);
//   number  a number within a relative tolerance (a tempo within 4 %), or exactly (a count, tolerance 0);
//   time    a time (m:ss.s, or seconds) within an absolute tolerance in seconds (a section boundary, an entry).
// Rewards are pure functions of the text, so they can be checked by hand and tested to the edge of a tolerance.
import { optionNamedBy, optionsHeld, parseGamma } from "../eval/parse.js";
import { formatTime, parseTime } from "../data/timefmt.js";
import type { RlItem } from "./rl-items.js";

/** A question as the model saw it: the item, and for multiple choice the options in the order presented. */
export interface PosedQuestion {
  item: RlItem;
  /** The user's text (question, options, how to answer). */
  prompt: string;
  /** Multiple choice: the options as presented and the index of the right one among them. */
  options?: string[];
  answerIndex?: number;
}

/** Accuracy in [0, 1] of a model's whole output for a posed question. */
export type AccuracyReward = (output: string, q: PosedQuestion) => number;

export interface QuestionKind {
  score: AccuracyReward;
  /** What is wrong with an item of this kind (checked when an RL file is read), or undefined. */
  check?(item: RlItem): string | undefined;
  /** Open questions: how the answer is to be written, and an example, for the prompt. */
  answerFormat?(item: RlItem): { how: string; example: string };
}

export interface RewardWeights {
  format: number;
  accuracy: number;
}

/**
 * How an MCQ's answer must name its option to earn the accuracy reward. "parsed": whatever option parseGamma
 * reads (text first, a letter where the text names none). "consistent": that, and where the answer gives both a
 * letter and a text, the text is the letter's option: "electric piano (D)" with electric piano at (C) and
 * "108 BPM (D)" among 107/117/127/137 earn nothing. Under "parsed" a letter after text that names no option is
 * read as the answer, so a policy that writes one letter after ungrounded text is paid for that letter wherever
 * the answer happens to sit there, and GRPO drifts to a letter (grpo-v6: (B) for 80 of 131 held-out questions
 * in one seed, (D) for 70 in another). "text": only the option the answer's words name (its letters taken
 * out) counts, so no letter is ever paid: "funk (A)" is right wherever funk sits, "(A)" alone and "tenor sax
 * (D)" earn nothing. "grounded": "text", and the reasoning names that same option: "<think>... fits "funk"
 * </think><answer>funk (A)</answer>" earns 1, a right "funk" after a thought that names another option, or none
 * ("fits "tenor sax""), earns 0. Under "text" such answers are paid as often as the guess lands (a quarter of the
 * time among four options), so GRPO also reinforces answers that do not follow from their reasoning: grpo-w3's
 * right answers whose thought named another option doubled (2% -> 4% of the fresh set's answers).
 */
export type McqAnswerRule = "parsed" | "consistent" | "text" | "grounded";
export const MCQ_ANSWER_RULES: readonly McqAnswerRule[] = ["parsed", "consistent", "text", "grounded"];

export interface Reward {
  format: number;
  accuracy: number;
  /** weights.format * format + weights.accuracy * accuracy. */
  total: number;
}

const kinds = new Map<string, QuestionKind>();

/** Adds (or replaces) the reward of a kind of question; a bare function is a kind with no checks or prompt. */
export function registerReward(kind: string, reward: AccuracyReward | QuestionKind): void {
  if (!/^[a-z][a-z0-9-]*$/.test(kind)) throw new Error(`registerReward: a kind is lower-case letters, digits and dashes, got "${kind}"`);
  kinds.set(kind, typeof reward === "function" ? { score: reward } : reward);
}

export function questionKind(kind: string): QuestionKind | undefined {
  return kinds.get(kind);
}

export function rewardKinds(): string[] {
  return [...kinds.keys()];
}

const THINK_THEN_ANSWER = /^\s*<think>([\s\S]*?)<\/think>\s*<answer>([\s\S]*?)<\/answer>\s*$/;
const ANSWER = /<answer>([\s\S]*?)<\/answer>/;
const ANY_TAG = /<\/?(?:think|answer)>/;
const THOUGHT = /<think>([\s\S]*?)<\/think>/;

/**
 * 1: the whole output is `<think>reasoning</think><answer>answer</answer>` (whitespace around and between the
 * two allowed), both non-empty and neither holding another tag. 0.5: not that, but one non-empty
 * `<answer>...</answer>` is there (no reasoning, text around it, or a second tag). 0: no answer tag at all.
 */
export function formatReward(output: string): number {
  const whole = THINK_THEN_ANSWER.exec(output);
  if (whole) {
    const [think, answer] = [whole[1]!, whole[2]!];
    if (think.trim() && answer.trim() && !ANY_TAG.test(think) && !ANY_TAG.test(answer)) return 1;
  }
  const tagged = ANSWER.exec(output);
  return tagged && tagged[1]!.trim() && !ANY_TAG.test(tagged[1]!) ? 0.5 : 0;
}

/**
 * Where the answer is: inside the first <answer></answer> (the tag parseGamma reads); without one, after the
 * last </think>; else the whole output.
 */
export function answerRegion(output: string): string {
  const tagged = ANSWER.exec(output);
  if (tagged) return tagged[1]!;
  const thought = output.lastIndexOf("</think>");
  return thought >= 0 ? output.slice(thought + "</think>".length) : output;
}

/** The first number in a text ("about 126.5 BPM" -> 126.5), or undefined. */
export function parseNumberAnswer(text: string): number | undefined {
  const m = /[-+]?\d+(?:\.\d+)?/.exec(text);
  return m ? Number(m[0]) : undefined;
}

/** The first time in a text: "m:ss.s" (or "m:ss", "h:mm:ss"), else a number of seconds ("83.4 s"); or undefined. */
export function parseTimeAnswer(text: string): number | undefined {
  const clock = /\d+(?::\d{1,2})?:\d{2}(?:\.\d+)?/.exec(text);
  if (clock) return parseTime(clock[0]);
  const seconds = /(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)?(?![\w:])/.exec(text);
  return seconds ? Number(seconds[1]) : undefined;
}

/** Equal within tolerance, counting the tolerance's own edge as inside (floating-point slack of 1e-9). */
function within(value: number, target: number, tolerance: number): boolean {
  return Math.abs(value - target) <= tolerance + 1e-9 * Math.max(1, Math.abs(target));
}

/** A time answer in seconds ("1:23.4" or a number of seconds). */
export function timeAnswerSeconds(item: RlItem): number | undefined {
  return typeof item.answer === "number" ? item.answer : parseTime(item.answer);
}

registerReward("mcq", {
  score: (output, q) => (q.options && q.answerIndex !== undefined && parseGamma(output, q.options) === q.answerIndex ? 1 : 0),
  check(item) {
    const c = item.choices;
    if (!Array.isArray(c) || c.length < 2 || c.length > 26 || !c.every((x) => typeof x === "string" && x.trim()))
      return `"choices" must be 2 to 26 non-empty strings`;
    if (new Set(c.map((x) => x.trim().toLowerCase())).size !== c.length) return `"choices" must be distinct`;
    if (typeof item.answer !== "string" || !c.includes(item.answer)) return `the answer ${JSON.stringify(item.answer)} is not among the choices`;
    return undefined;
  },
});

registerReward("number", {
  score(output, q) {
    const value = parseNumberAnswer(answerRegion(output));
    const target = q.item.answer as number;
    return value !== undefined && within(value, target, (q.item.tolerance ?? 0) * Math.abs(target)) ? 1 : 0;
  },
  check(item) {
    if (typeof item.answer !== "number" || !Number.isFinite(item.answer)) return `a "number" item's answer must be a number`;
    if (item.tolerance !== undefined && !(item.tolerance >= 0 && item.tolerance < 1)) return `"tolerance" of a "number" item is relative, in [0, 1)`;
    return undefined;
  },
  answerFormat: (item) => ({
    how: `a number${item.unit ? ` (in ${item.unit})` : ""}${item.tolerance ? `; within ${Math.round(item.tolerance * 1000) / 10} % counts as right` : "; it must be exact"}`,
    example: item.unit ? `120 ${item.unit}` : "4",
  }),
});

registerReward("time", {
  score(output, q) {
    const value = parseTimeAnswer(answerRegion(output));
    const target = timeAnswerSeconds(q.item)!;
    return value !== undefined && within(value, target, q.item.tolerance ?? 0) ? 1 : 0;
  },
  check(item) {
    const seconds = timeAnswerSeconds(item);
    if (seconds === undefined || seconds < 0) return `a "time" item's answer must be a time written m:ss.s (or seconds)`;
    if (!(typeof item.tolerance === "number" && item.tolerance > 0)) return `a "time" item needs "tolerance", in seconds, above 0`;
    return undefined;
  },
  answerFormat: (item) => ({ how: `a time written m:ss.s; within ${item.tolerance} s counts as right`, example: formatTime(83.4) }),
});

/** The accuracy of an output; an unknown kind is an error (RL files are checked when read). */
export function accuracyReward(output: string, q: PosedQuestion): number {
  const kind = kinds.get(q.item.kind);
  if (!kind) throw new Error(`no reward for questions of kind "${q.item.kind}" (known: ${rewardKinds().join(", ")}; see registerReward)`);
  const score = kind.score(output, q);
  if (!(score >= 0 && score <= 1)) throw new Error(`the reward of kind "${q.item.kind}" gave ${score} for question ${q.item.id}; accuracies are in [0, 1]`);
  return score;
}

/** An answer's words: its "(X)" letters taken out, outer spaces and punctuation trimmed, lower-cased. */
function answerWords(answer: string): string {
  return answer.replace(/\([A-Z]\)/g, " ").replace(/^[\s.,:;-]+|[\s.,:;-]+$/g, "").toLowerCase();
}

/**
 * Whether an MCQ answer's letter and text name the same option: true when it gives only one of them (or
 * neither: then it is not parsed anyway); the text is what is left of the answer once "(X)" is taken out, and
 * agrees when it is the letter's option (up to case and outer spaces and punctuation).
 */
export function namesOptionConsistently(output: string, options: readonly string[]): boolean {
  const inner = answerRegion(output);
  const letter = /\(([A-Z])\)/.exec(inner);
  if (!letter) return true;
  const text = answerWords(inner);
  if (!text) return true;
  const option = options[letter[1]!.charCodeAt(0) - 65];
  return option !== undefined && option.trim().toLowerCase() === text;
}

/**
 * The option an MCQ answer's words name, its "(X)" letters taken out: the one it equals (up to case and outer
 * spaces and punctuation), else the only one it holds; undefined when it names none or several.
 */
export function optionNamedByText(output: string, options: readonly string[]): number | undefined {
  const text = answerWords(answerRegion(output));
  return text ? optionNamedBy(text, options) : undefined;
}

/** The reasoning: what the first <think></think> holds, or undefined without one. */
export function thoughtRegion(output: string): string | undefined {
  return THOUGHT.exec(output)?.[1];
}

/**
 * The option a thought names: the one it equals, else the only one it holds once options held only as part of
 * a longer held option are set aside ("fits \"very slow\"" names "very slow", not also "slow"); undefined
 * when it names none or several ("funk or reggae").
 */
export function optionNamedByThought(thought: string, options: readonly string[]): number | undefined {
  const text = thought.trim().toLowerCase();
  const named = optionNamedBy(text, options);
  if (named !== undefined) return named;
  const held = optionsHeld(text, options), texts = options.map((o) => o.trim().toLowerCase());
  const outermost = held.filter((i) => !held.some((j) => j !== i && texts[j]!.includes(texts[i]!)));
  return outermost.length === 1 ? outermost[0] : undefined;
}

/** The option an MCQ answer's words name when its reasoning names the same one; undefined otherwise. */
export function groundedOption(output: string, options: readonly string[]): number | undefined {
  const answered = optionNamedByText(output, options), thought = thoughtRegion(output);
  if (answered === undefined || thought === undefined) return undefined;
  return optionNamedByThought(thought, options) === answered ? answered : undefined;
}

export function scoreAnswer(output: string, q: PosedQuestion, weights: RewardWeights, mcqAnswer: McqAnswerRule = "parsed"): Reward {
  const format = formatReward(output);
  const mcq = q.options !== undefined && q.answerIndex !== undefined;
  const accuracy =
    mcq && mcqAnswer === "text" ? (optionNamedByText(output, q.options!) === q.answerIndex ? 1 : 0)
    : mcq && mcqAnswer === "grounded" ? (groundedOption(output, q.options!) === q.answerIndex ? 1 : 0)
    : mcq && mcqAnswer === "consistent" && !namesOptionConsistently(output, q.options!) ? 0
    : accuracyReward(output, q);
  return { format, accuracy, total: weights.format * format + weights.accuracy * accuracy };
}
