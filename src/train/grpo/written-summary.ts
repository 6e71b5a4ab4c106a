// RL questions posed over a written summary: the summary slot of the prompt holds the song's facts as the words a
// summary-only model hears (summaryWordTargets), nothing is heard and no expert features are read. GRPO on heard
// songs learns the answers of the questions it is paid on (docs/training.md, grpo-fit-v1: +27 points on its 12
// questions, -10 on the same songs' other questions); over written facts the answer is in the prompt, so what
// pays is reading it and naming the option that states it, a skill every heard question needs too. With
// `misheard`, summaries state a tempo a few BPM off or the tonic spelled the other way (chat-samples.ts
// misheardFacts), and only the option nearest to what is stated is paid: the mapping SFT did not teach.
import type { SongAnnotation } from "../../data/schema.js";
import type { GammaModel } from "../../model/gamma.js";
import type { Tokenizer } from "../../model/tokenizer/tokenizer.js";
import { misheardFacts } from "../chat-samples.js";
import type { RlItem } from "../rl-items.js";
import { answerableFromSummary, SongFacts, summaryWordTargets, withHeardFacts } from "../summary-words.js";

export const SUMMARY_VIEWS = ["heard", "written"] as const;
/** How an RL question's song reaches the model: "heard" (its audio through the experts) or "written" (its facts as summary words). */
export type SummaryView = (typeof SUMMARY_VIEWS)[number];

/** Whether a written summary of `summaryTokens` tokens holds an RL item's answer (an MCQ about one of its song's facts). */
export function summaryAnswers(item: RlItem, summaryTokens: number, facts: SongFacts): boolean {
  return item.kind === "mcq" && typeof item.answer === "string" && answerableFromSummary({ category: item.category, answer: item.answer }, summaryTokens, () => facts.get(item.audio));
}

export class WrittenSummaries {
  private readonly facts = new SongFacts();

  /**
   * `summaryTokens`: the model's summary tokens (the facts they hold are written); `misheard`: the share of songs
   * with a tempo question whose summary states a tempo a few BPM off (misheardFacts; tonics are respelled for
   * half of the songs whenever it is above 0).
   */
  constructor(private readonly tokenizer: Tokenizer, private readonly summaryTokens: number, private readonly misheard = 0) {
    if (summaryTokens <= 0) throw new Error("questions over a written summary need a model with summary tokens (projector.summaryTokens)");
  }

  /** The song's annotation (read from the dataset's songs/ folder beside the item's audio). */
  annotation(item: RlItem): SongAnnotation {
    return this.facts.get(item.audio);
  }

  /** Whether the summary holds the item's answer (an MCQ about one of its facts). */
  answerable(item: RlItem): boolean {
    return summaryAnswers(item, this.summaryTokens, this.facts);
  }

  /** The summary words (token ids) the item's prompt holds in its summary slot. */
  words(item: RlItem): number[] {
    const a = this.annotation(item);
    const tempoChoices = item.category === "tempo-value" && item.choices ? [item.choices] : [];
    const heard = this.misheard > 0 ? misheardFacts(item.audio, a, tempoChoices, this.misheard) : undefined;
    return summaryWordTargets(withHeardFacts(a, heard), this.tokenizer, this.summaryTokens);
  }
}

/**
 * The written summaries for a model that will read them: it must hear a song as summary words alone
 * (projector.summaryAsWords and summaryOnly), as it does at test time, or written words would be a view it never
 * meets again. `who` names the caller in the error.
 */
export function writtenSummariesFor(model: GammaModel, tokenizer: Tokenizer, misheard: number, who: string): WrittenSummaries {
  if (!model.hearsSummaryWordsOnly)
    throw new Error(`${who}: questions over written summaries need a model that hears a song as summary words alone (projector.summaryAsWords and summaryOnly, set by an sft config's "summaryAsWords" and "summaryOnly")`);
  return new WrittenSummaries(tokenizer, model.config.projector.summaryTokens ?? 0, misheard);
}
