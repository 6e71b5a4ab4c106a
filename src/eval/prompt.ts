// How a question and its options are put to a model. "muchomusic" is the MuChoMusic paper's prompt exactly as its
// code builds it (github.com/mulab-mir/muchomusic, prepare_prompts.py); "gamma" is ours, which asks for the
// answer inside <answer></answer>; "think" is ours with brief reasoning first, <think>...</think><answer>...</answer>,
// the format GaMMA's RL stage rewards. "likelihood" asks the question alone and lets the answerer rank the
// options by its own likelihood of each as its whole answer (lm-evaluation-harness's multiple-choice scoring):
// it measures what a model knows without asking it to name a letter.
export const PROMPT_STYLES = ["muchomusic", "gamma", "think", "likelihood"] as const;
export type PromptStyle = (typeof PROMPT_STYLES)[number];

/** The text MuChoMusic's prompt ends with; its parser reads only what comes after it. */
export const MUCHOMUSIC_ANSWER_PREFIX = "The correct answer is:";

/** "A" for 0, "B" for 1, ... */
export function optionLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

export function formatPrompt(style: PromptStyle, question: string, options: readonly string[]): string {
  if (style === "likelihood") return question;
  if (style === "muchomusic") {
    return `Question: ${question}\n Options: ${options.map((o, i) => `(${optionLetter(i)}) ${o} `).join("")}\n ${MUCHOMUSIC_ANSWER_PREFIX} `;
  }
  return [
    `Question: ${question}`,
    "Options:",
    ...options.map((o, i) => `(${optionLetter(i)}) ${o}`),
    style === "think"
      ? "Think briefly inside <think></think>, then give the letter and the text of the correct option inside <answer></answer>, like <think>reasoning</think><answer>(X) option text</answer>."
      : "Give the letter and the text of the correct option inside <answer></answer>, like <answer>(X) option text</answer>.",
  ].join("\n");
}
