// The plain-text documents the decoder is pretrained on, built from a dataset's text files: each caption; each
// SFT conversation (music report or dialogue) as "User:" / "Assistant:" turns with the audio placeholder taken
// out; and each multiple-choice question twice, once in MuChoMusic's prompt style and once in ours, answered as
// a reader of that prompt expects. There is no audio here, so the model learns the language of the task (the
// vocabulary of music, the shapes of reports and answers), not the facts of any one song.
//
// mcq.jsonl is read rather than the per-song text/*.json files, which hold more questions: mcq.jsonl's
// questions are the answer-balanced selection (mcq-selection.ts), and an unbalanced pool would teach the
// language model the world's answer priors (most songs are in 4/4), exactly the text-only shortcut the
// benchmark guards against.
import fs from "node:fs";
import path from "node:path";
import { AUDIO_PLACEHOLDER } from "../data/text/dialogue.js";
import { formatPrompt, optionLetter, type PromptStyle } from "../eval/prompt.js";
import { questionRng } from "../eval/shuffle.js";
import { TIME_FREE_CATEGORIES } from "../data/text/mcq.js";

export const DOCUMENT_SOURCES = ["caption", "report", "dialogue", "mcq-muchomusic", "mcq-gamma", "extra", "grounded", "recall"] as const;
export type DocumentSource = (typeof DOCUMENT_SOURCES)[number];

export interface TextDocument {
  /** Unique within a corpus: the record's id, with the prompt style for MCQs. */
  id: string;
  source: DocumentSource;
  /** The song the text describes (for the held-out split); absent for text that is about no song. */
  song?: string;
  text: string;
}

export interface ConversationTurn {
  role: "user" | "assistant";
  content: string;
}

/** Where a user message puts the clip; the datasets write it as this literal text. */

/** A song's id from a record's audio path ("audio/s101-000007.wav" -> "s101-000007"), as the datasets name files. */
export function songOfAudio(audio: string): string {
  return path.basename(audio).replace(/\.[^.]+$/, "");
}

/** A message's text without the audio placeholder; a line that held only the placeholder goes, the rest stays as it is. */
export function withoutAudio(content: string): string {
  return content.split("\n").flatMap((line) => {
    if (!line.includes(AUDIO_PLACEHOLDER)) return [line];
    const rest = line.split(AUDIO_PLACEHOLDER).join(" ").replace(/\s+/g, " ").trim();
    return rest === "" ? [] : [rest];
  }).join("\n").trim();
}

/** The report an sft.jsonl record holds (its last assistant message), or undefined for any other kind. */
export function reportOf(record: { kind?: unknown; messages?: unknown }): string | undefined {
  if (record.kind !== "report" || !Array.isArray(record.messages)) return undefined;
  return String((record.messages as { content?: unknown }[]).at(-1)?.content ?? "");
}

/**
 * What of a song's report a question is answered from: the first paragraph (the whole-song facts) for a
 * time-free question, the whole report, with its section-by-section times, for any other.
 */
export function reportContext(report: string, category: string): string {
  return TIME_FREE_CATEGORIES.has(category) ? wholeSongFacts(report) : report.trim();
}

/** A report's first paragraph: the whole-song facts (style, key, tempo, metre, instruments, mood). */
export function wholeSongFacts(report: string): string {
  return report.split("\n\n")[0]!.trim();
}

/** A conversation as plain text: one "User:" or "Assistant:" paragraph per turn. */
export function conversationText(turns: readonly ConversationTurn[]): string {
  return turns.map((t) => `${t.role === "user" ? "User" : "Assistant"}: ${withoutAudio(t.content)}`).join("\n");
}

export interface McqRecord {
  id: string;
  question: string;
  choices: readonly string[];
  answer: string;
}

/**
 * A question with its options in a seeded order (per question and style, so the two styles of one question
 * usually differ) and the expected answer after the prompt. A uniform shuffle puts the answer under each letter
 * equally often, so no letter is a better guess than another.
 */
export function mcqText(q: McqRecord, style: PromptStyle, seed: number): string {
  if (!q.choices.includes(q.answer)) throw new Error(`question ${q.id}: the answer ${JSON.stringify(q.answer)} is not among the choices`);
  const options = questionRng(seed, `${q.id}/${style}`).shuffle(q.choices);
  const answer = `(${optionLetter(options.indexOf(q.answer))}) ${q.answer}`;
  const prompt = formatPrompt(style, q.question, options);
  // MuChoMusic's prompt ends with "The correct answer is: " and its parser reads what follows; ours asks for
  // the answer inside <answer></answer> on the next line, as the assistant would write it.
  return style === "muchomusic" ? prompt + answer : `${prompt}\n<answer>${answer}</answer>`;
}

function readJsonl(file: string): Record<string, unknown>[] {
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
  });
}

function field(record: Record<string, unknown>, key: string, file: string): string {
  const v = record[key];
  if (typeof v !== "string") throw new Error(`${file}: a record (id ${JSON.stringify(record.id)}) has no string "${key}"`);
  return v;
}

export const DATASET_TEXT_FILES = ["captions.jsonl", "sft.jsonl", "mcq.jsonl"] as const;

/**
 * Every document of a dataset directory, in file order: captions, then conversations, then MCQs (each in both
 * prompt styles). `seed` decides the option orders.
 */
export function datasetDocuments(dir: string, seed: number, o: { grounded?: boolean; recall?: number; summary?: RecallSummary } = {}): TextDocument[] {
  const files = DATASET_TEXT_FILES.map((f) => path.join(dir, f));
  if (!files.some((f) => fs.existsSync(f))) {
    throw new Error(`${dir}: no text files (${DATASET_TEXT_FILES.join(", ")}); \`gamma data synth\` writes them when the dataset is complete`);
  }
  const [captionsFile, sftFile, mcqFile] = files as [string, string, string];
  const docs: TextDocument[] = [];
  const reports = new Map<string, string>(); // song -> its report
  if (fs.existsSync(captionsFile)) {
    for (const r of readJsonl(captionsFile)) {
      docs.push({ id: field(r, "id", captionsFile), source: "caption", song: songOfAudio(field(r, "audio", captionsFile)), text: field(r, "caption", captionsFile).trim() });
    }
  }
  if (fs.existsSync(sftFile)) {
    for (const r of readJsonl(sftFile)) {
      if (!Array.isArray(r.messages)) throw new Error(`${sftFile}: record ${JSON.stringify(r.id)} has no "messages" list`);
      const song = songOfAudio(field(r, "audio", sftFile)), report = reportOf(r);
      if (report !== undefined) reports.set(song, report);
      docs.push({ id: field(r, "id", sftFile), source: report !== undefined ? "report" : "dialogue", song, text: conversationText(r.messages as ConversationTurn[]) });
    }
  }
  const questions: (McqRecord & { song: string; category: string })[] = [];
  if (fs.existsSync(mcqFile)) {
    for (const r of readJsonl(mcqFile)) {
      const q: McqRecord = { id: field(r, "id", mcqFile), question: field(r, "question", mcqFile), choices: r.choices as string[], answer: field(r, "answer", mcqFile) };
      if (!Array.isArray(q.choices)) throw new Error(`${mcqFile}: question ${q.id} has no "choices" list`);
      const song = songOfAudio(field(r, "audio", mcqFile));
      questions.push({ ...q, song, category: String(r.category ?? "") });
      for (const style of ["muchomusic", "gamma"] as const) {
        docs.push({ id: `${q.id}/${style}`, source: style === "muchomusic" ? "mcq-muchomusic" : "mcq-gamma", song, text: mcqText(q, style, seed) });
      }
    }
  }
  if (o.grounded) docs.push(...groundedDocuments(reports, questions, seed));
  if (o.recall) docs.push(...recallDocuments(reports, questions, seed, o.recall, o.summary));
  return docs;
}

/** A song's summary facts as a line of text (summary-words.ts summaryLine), and the categories they answer. */
export interface RecallSummary {
  of: (song: string) => string | undefined;
  categories: ReadonlySet<string>;
}

/**
 * Dense retrieval practice: for each song with a report, its whole-song facts (the report's first paragraph),
 * then every time-free question about it without options, each answered with the fact alone, in a seeded order
 * ("Q: Which key does the music sit in?\nA: F# major"). A decoder answers from its context only once it has
 * learnt to find an earlier fact by what is asked; an MCQ document gives one such answer per hundred tokens,
 * these one per fifteen. With `summary`, a second document per song gives the facts as the summary's words
 * ("Heard: F# major, jazz swing, very slow, calm.") and asks the questions they answer: what a model whose
 * summary reaches the decoder as words (projector.summaryAsWords) reads before a question. `copies` of each,
 * the questions in another order in each.
 */
function recallDocuments(reports: ReadonlyMap<string, string>, questions: readonly (McqRecord & { song: string; category: string })[], seed: number, copies: number, summary?: RecallSummary): TextDocument[] {
  const bySong = new Map<string, (McqRecord & { category: string })[]>();
  for (const q of questions) if (TIME_FREE_CATEGORIES.has(q.category)) bySong.set(q.song, [...(bySong.get(q.song) ?? []), q]);
  const out: TextDocument[] = [];
  const qa = (qs: readonly McqRecord[], key: string) => questionRng(seed, key).shuffle(qs).map((q) => `Q: ${q.question}\nA: ${q.answer}`);
  for (const [song, qs] of bySong) {
    const report = reports.get(song), heard = summary?.of(song), answered = qs.filter((q) => summary?.categories.has(q.category));
    for (let copy = 0; copy < copies; copy++) {
      const id = (kind: string) => `${song}/${kind}${copy > 0 ? `-${copy}` : ""}`;
      if (report) out.push({ id: id("recall"), source: "recall", song, text: [wholeSongFacts(report), ...qa(qs, id("recall"))].join("\n") });
      if (heard !== undefined && answered.length > 0)
        out.push({ id: id("recall-summary"), source: "recall", song, text: [`Heard: ${heard}.`, ...qa(answered, id("recall-summary"))].join("\n") });
    }
  }
  return out;
}

/** Time-bound questions after a whole report, at most: the report is most of the document's length already. */
export const GROUNDED_TIMELINE_QUESTIONS = 4;

/**
 * Questions answered from the text before them: for each song with a report, its first paragraph (the
 * whole-song facts) followed by the song's time-free questions, and the whole report followed by a few of its
 * other questions, each answered in our prompt style. The ungrounded MCQ documents teach that an answer cannot
 * be known from the question alone; these teach looking it up, the skill every audio question needs and
 * the decoder lacked (docs/training.md, session 6).
 */
function groundedDocuments(reports: ReadonlyMap<string, string>, questions: readonly (McqRecord & { song: string; category: string })[], seed: number): TextDocument[] {
  const bySong = new Map<string, (McqRecord & { category: string })[]>();
  for (const q of questions) bySong.set(q.song, [...(bySong.get(q.song) ?? []), q]);
  const out: TextDocument[] = [];
  for (const [song, qs] of bySong) {
    const report = reports.get(song);
    if (!report) continue;
    const timeFree = qs.filter((q) => TIME_FREE_CATEGORIES.has(q.category)), timed = qs.filter((q) => !TIME_FREE_CATEGORIES.has(q.category));
    const doc = (id: string, asked: readonly (McqRecord & { category: string })[]) =>
      out.push({ id: `${song}/${id}`, source: "grounded", song, text: [reportContext(report, asked[0]!.category), ...asked.map((q) => mcqText(q, "gamma", seed))].join("\n\n") });
    if (timeFree.length > 0) doc("grounded-global", timeFree);
    if (timed.length > 0) doc("grounded-timeline", timed.slice(0, GROUNDED_TIMELINE_QUESTIONS));
  }
  return out;
}
