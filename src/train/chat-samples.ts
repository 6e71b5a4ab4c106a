// The conversations stages 1 and 2 learn from, built from a dataset's text files: captions (alignment),
// music reports and multi-turn dialogues (sft.jsonl), and multiple-choice questions posed exactly as
// `gamma bench` poses them (both prompt styles, options in a seeded order), answered as a reader of that prompt
// expects, one per conversation or all of a song's in one conversation ("mcq-session": the song is heard once
// and every answer is learnt from, several times cheaper per answer than one question per conversation), or
// whole-song questions heard through the summary tokens only ("mcq-summary"), or read from the song's written
// report instead of heard ("mcq-context"). Each conversation's audio is one song; songs are split into train and
// held-out as in stage 0.
import fs from "node:fs";
import path from "node:path";
import { AUDIO_PLACEHOLDER } from "../data/text/dialogue.js";
import { formatPrompt, optionLetter, type PromptStyle } from "../eval/prompt.js";
import { optionOrder, questionRng } from "../eval/shuffle.js";
import type { ChatMessage, ChatPart } from "../model/tokenizer/chat.js";
import { TIME_FREE_CATEGORIES } from "../data/text/mcq.js";
import { readManifest } from "../data/dataset.js";
import { isHeldOut } from "./songs.js";
import { reportContext, reportOf, songOfAudio, wholeSongFacts } from "./text-documents.js";
import { answerableFromSummary, BASE_SUMMARY_TOKENS, type HeardFacts, SongFacts } from "./summary-words.js";
import type { SongAnnotation } from "../data/schema.js";
import { modeName } from "../data/text/theory.js";
import { pcName, pitchClass } from "../music/theory.js";
import { answerableFromTimeline, timelineDrill, withRandomSectionTimes } from "./timeline-questions.js";
import type { TimedSection } from "../model/timeline-text.js";

export const SAMPLE_KINDS = ["caption", "report", "dialogue", "mcq", "mcq-session", "mcq-summary", "mcq-context", "mcq-context-session", "mcq-written-summary", "mcq-written-summary-session", "recall-written-summary-session", "recall-written-timeline-session", "recall-timeline-drill-session", "recall-random-timeline-drill-session"] as const;
/** Questions in one mcq-session conversation at most (a song with more gets several sessions). */
export const SESSION_QUESTIONS = 12;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

export interface ChatSample {
  id: string;
  kind: SampleKind;
  /** Absolute path of the song's audio; every audio part of the messages refers to it. */
  audio: string;
  messages: ChatMessage[];
  /** For MCQs: the options as presented and the index of the right one (to score generated answers). */
  mcq?: { style: PromptStyle; options: string[]; answer: number; split: string; category: string };
  /**
   * The audio as its summary tokens only, without the time-marked ones ("mcq-summary"): a conversation of a
   * hundred tokens instead of a thousand, so whole-song facts can be learnt from many times more questions.
   */
  summaryOnly?: boolean;
  /**
   * No audio: the song's facts are written in the user's message ("mcq-context"). The decoder learns the skill
   * every audio question needs, finding the fact the question asks about in what came before and naming the
   * option that says it, from cheap text before it must also learn to hear the fact.
   */
  textOnly?: boolean;
  /**
   * The audio's summary tokens are the song's true facts written as words (the input embeddings of
   * summaryWordTargets) instead of heard ("mcq-written-summary"): no audio is read. The decoder learns to
   * answer from the summary slot exactly as a model with projector.summaryAsWords fills it when it hears right.
   */
  writtenSummary?: boolean;
  /**
   * The written summary is followed by the song's sections written as a timeline (model/timeline-text.ts), as a
   * model with `timeline.asText` writes what its head found; misheard the way the head mishears them
   * (timeline-noise.ts), a new draw each time the conversation is trained on ("recall-written-timeline-session").
   */
  writtenTimeline?: boolean;
  /** The sections the written timeline states and the questions ask about, where they are not the song's ("recall-random-timeline-drill-session"). */
  timeline?: TimedSection[];
  /** The question category of each assistant turn, where known (sessions of single questions): per-category scores. */
  turnCategories?: string[];
  /**
   * A written summary that states these in place of the song's true facts (readChatSamples' `misheard`): a tempo
   * a few BPM off, a tonic spelled the other way. With `nearestOption` its MCQs' thoughts say what was heard and
   * which option is nearest to it.
   */
  heard?: HeardFacts;
}


const CAPTION_PROMPTS = [
  "Describe this music.", "What do you hear in this recording?", "Write a short description of this track.",
  "Caption this piece of music.", "Tell me about this song.", "Give a one-paragraph description of the music.",
  "What kind of music is this?", "Summarise what this track sounds like.",
];

function readJsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
  });
}

/** "<audio>" in a user message becomes the audio part; the rest of the text stays. */
function withAudio(content: string, audio: string): string | ChatPart[] {
  const at = content.indexOf(AUDIO_PLACEHOLDER);
  if (at < 0) return content;
  const before = content.slice(0, at).trim(), after = content.slice(at + AUDIO_PLACEHOLDER.length).trim();
  return [...(before ? [{ type: "text" as const, text: before }] : []), { type: "audio", clip: audio }, ...(after ? [{ type: "text" as const, text: after }] : [])];
}

/**
 * The reasoning an SFT answer in the "think" style starts with. It only names what the question is about and
 * the option that fits: it teaches the format the RL stage rewards, and RL then rewards what is right.
 */
function thinking(category: string, answer: string, heard?: string): string {
  const about = `The question is about the ${category.replace(/[_-]+/g, " ")}.`;
  return heard === undefined
    ? `<think>${about} What I hear fits "${answer}".</think>`
    : `<think>${about} I hear "${heard}"; the nearest option is "${answer}".</think>`;
}

/**
 * How a trained MCQ answer names its option: "(B) D minor" (letter-first, as the prompts' example shows) or
 * "D minor (B)" (text-first). Text-first lets the model say what it heard before it must find which letter
 * that is among the options; the bench's parsers read the option by its text either way.
 */
export const ANSWER_ORDERS = ["letter-first", "text-first"] as const;
export type AnswerOrder = (typeof ANSWER_ORDERS)[number];

/** The prompt styles a trained MCQ can be posed in (all but "likelihood", which poses no options). */
export const MCQ_PROMPT_STYLES = ["muchomusic", "gamma", "think"] as const satisfies readonly PromptStyle[];
export type McqPromptStyle = (typeof MCQ_PROMPT_STYLES)[number];

/**
 * The style a question is posed in, drawn per question: by default 40% MuChoMusic's, 40% ours, 20% ours with
 * reasoning; among `styles` alone, evenly, when given (a run that prepares for GRPO poses all in "think").
 */
function drawStyle(id: string, styles?: readonly McqPromptStyle[]): McqPromptStyle {
  const draw = questionRng(7, id).next();
  if (styles?.length) return styles[Math.min(styles.length - 1, Math.floor(draw * styles.length))]!;
  return draw < 0.4 ? "muchomusic" : draw < 0.8 ? "gamma" : "think";
}

/**
 * An MCQ posed in one of the prompt styles (chosen per question), with its expected answer text. `heard`: what the
 * summary the answer reads from states (a thought in the "think" style then names it and the nearest option).
 */
export function mcqSample(id: string, audio: string, question: string, choices: string[], answer: string, split: string, category: string, order: AnswerOrder = "letter-first", styles?: readonly McqPromptStyle[], heard?: string): ChatSample {
  const style: PromptStyle = drawStyle(id, styles);
  const options = optionOrder(choices.length, 11, id, true).map((i) => choices[i]!);
  const right = options.indexOf(answer);
  if (right < 0) throw new Error(`question ${id}: the answer is not among the choices`);
  const reply = order === "text-first" ? `${answer} (${optionLetter(right)})` : `(${optionLetter(right)}) ${answer}`;
  return {
    id, kind: "mcq", audio,
    messages: [
      { role: "user", content: [{ type: "audio", clip: audio }, { type: "text", text: formatPrompt(style, question, options) }] },
      { role: "assistant", content: style === "muchomusic" ? reply : `${style === "think" ? thinking(category, answer, heard) : ""}<answer>${reply}</answer>` },
    ],
    mcq: { style, options, answer: right, split, category },
  };
}

/**
 * A song's single-question MCQs as multi-turn conversations of up to SESSION_QUESTIONS questions, in a seeded
 * order: the audio comes with the first question only, as in a chat where the user keeps asking.
 */
export function mcqSessions(mcqs: readonly ChatSample[]): ChatSample[] {
  const bySong = new Map<string, ChatSample[]>();
  for (const q of mcqs) bySong.set(q.audio, [...(bySong.get(q.audio) ?? []), q]);
  const sessions: ChatSample[] = [];
  for (const [audio, questions] of bySong) {
    const rng = questionRng(5, audio);
    const order = questions.map((q) => ({ q, key: rng.next() })).sort((a, b) => a.key - b.key).map(({ q }) => q);
    for (let first = 0; first < order.length; first += SESSION_QUESTIONS) {
      const turns = order.slice(first, first + SESSION_QUESTIONS);
      const messages = turns.flatMap((q, i): ChatMessage[] => {
        const [user, assistant] = q.messages as [ChatMessage, ChatMessage];
        const parts = user.content as readonly ChatPart[];
        return [{ role: "user", content: i === 0 ? parts : parts.filter((p) => p.type === "text") }, assistant];
      });
      const categories = turns.map((q) => q.turnCategories?.[0] ?? q.mcq?.category);
      const known = categories.every((c) => c !== undefined) ? { turnCategories: categories as string[] } : {};
      sessions.push({ id: `${turns[0]!.id}+${turns.length - 1}`, kind: "mcq-session", audio, messages, ...known });
    }
  }
  return sessions;
}

/**
 * An MCQ whose facts are written before it instead of heard: the song's report (its first paragraph, the
 * whole-song facts, for a time-free question; the whole report, with its section-by-section times, for any
 * other), then the question exactly as the audio version poses it.
 */
export function contextSample(q: ChatSample, report: string): ChatSample {
  const [user, assistant] = q.messages as [ChatMessage, ChatMessage];
  const facts = reportContext(report, q.mcq!.category);
  return {
    ...q, id: `${q.id}-context`, kind: "mcq-context", textOnly: true,
    messages: [{ role: "user", content: `What I know about the song: ${facts}\n\n${textOf(user.content)}` }, assistant],
  };
}

/** A message's text parts, without its audio. */
function textOf(content: string | readonly ChatPart[]): string {
  return typeof content === "string" ? content : content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
}

/**
 * A song's time-free written-context questions as conversations of up to SESSION_QUESTIONS turns: the facts are
 * written once, before the first question, and every answer is found in them. The same skill as mcq-context
 * at about a third of the tokens per answer (the facts and the system prompt are not repeated).
 */
export function contextSessions(questions: readonly ChatSample[], reports: ReadonlyMap<string, string>): ChatSample[] {
  const timeFree = questions.filter((q) => TIME_FREE_CATEGORIES.has(q.mcq!.category) && reports.has(q.audio));
  return mcqSessions(timeFree).map((session) => {
    const [first, ...rest] = session.messages as [ChatMessage, ...ChatMessage[]];
    const facts = wholeSongFacts(reports.get(session.audio)!);
    const later = rest.map((m): ChatMessage => (m.role === "user" ? { role: "user", content: textOf(m.content) } : m));
    return { ...session, id: `${session.id}-context`, kind: "mcq-context-session" as const, textOnly: true, messages: [{ role: "user", content: `What I know about the song: ${facts}\n\n${textOf(first.content)}` }, ...later] };
  });
}

/** An MCQ about one of the summary's facts answered from the summary slot holding them as words (ChatSample.writtenSummary). */
function writtenSummarySample(q: ChatSample): ChatSample {
  return { ...q, id: `${q.id}-written`, kind: "mcq-written-summary", summaryOnly: true, writtenSummary: true };
}

/** A song's questions about its summary's facts over its written summary, up to SESSION_QUESTIONS a conversation (see mcqSessions). */
export function writtenSummarySessions(questions: readonly ChatSample[]): ChatSample[] {
  const heard = new Map(questions.flatMap((q) => (q.heard ? [[q.audio, q.heard] as const] : [])));
  return mcqSessions(questions).map((session) => ({
    ...session, id: `${session.id}-written`, kind: "mcq-written-summary-session" as const, summaryOnly: true, writtenSummary: true,
    ...(heard.has(session.audio) ? { heard: heard.get(session.audio) } : {}),
  }));
}

/** Share of the songs whose tonic has another spelling whose misheard summaries state it. */
const RESPELLED_TONIC = 0.5;
/** Share of songs whose tempo is misheard when `nearestOption` is asked for without `misheard` (mcqread-v3). */
export const NEAREST_OPTION_MISHEARD = 0.6;

/**
 * What a song's written summary states under readChatSamples' `misheard`: for that share of songs a tempo a few
 * BPM off, never half the way to the nearest wrong option of any of the song's tempo-value questions (so the
 * nearest option is still the right one), and for RESPELLED_TONIC the tonic spelled the other way ("Ab" for
 * "G#"). A model hears a tempo between the options and a key spelled unlike them; this is meant to teach the
 * decoder to name the option nearest to what it heard instead of copying a value no option has (mcqread-v3 and v4
 * did not learn it: docs/training.md). Seeded by the song, so every conversation over it states the same.
 */
export function misheardFacts(audio: string, annotation: SongAnnotation, tempoChoices: readonly (readonly string[])[], share: number): HeardFacts {
  const rng = questionRng(13, audio);
  const heard: HeardFacts = {};
  const bpm = Math.round(annotation.global.tempo);
  const gaps = tempoChoices.flatMap((choices) => choices.map((c) => Math.abs(parseFloat(c) - bpm)).filter((g) => g > 0));
  const reach = gaps.length ? Math.ceil(Math.min(...gaps) / 2) - 1 : 0;
  if (rng.chance(share) && reach >= 1) heard.bpm = bpm + rng.int(1, reach) * (rng.chance(0.5) ? 1 : -1);
  const tonic = annotation.global.key.tonic;
  const other = pcName(pitchClass(tonic), tonic.includes("#")); // the other spelling: "G#" -> "Ab", "Ab" -> "G#", "D" -> "D"
  if (other !== tonic && rng.chance(RESPELLED_TONIC)) heard.tonic = other;
  return heard;
}

/** What a thought says was heard for a question the summary answers by value (tempo in BPM, key), as the summary states it. */
function heardPhrase(category: string, a: SongAnnotation, heard: HeardFacts): string | undefined {
  if (category === "tempo-value") return `${heard.bpm ?? Math.round(a.global.tempo)} BPM`;
  if (category === "key") return `${heard.tonic ?? a.global.key.tonic} ${modeName(a.global.key.mode)}`;
  return undefined;
}

/**
 * A song's questions about its summary's facts asked without options and answered with the
 * fact alone ("Which key does the music sit in?" "F major"), up to SESSION_QUESTIONS a conversation over the
 * written summary. Finding a fact in what came before is a skill a small decoder learns from many examples
 * (an induction head, test/llm-copy.test.ts); these give one per dozen tokens, where an MCQ with its options
 * and instructions gives one per hundred.
 */
export function recallSessions(records: readonly { id: string; audio: string; question: string; answer: string; category: string }[], kind: RecallKind = "recall-written-summary-session"): ChatSample[] {
  const singles = records.map((r): ChatSample => ({
    id: r.id, kind, audio: r.audio, turnCategories: [r.category],
    messages: [{ role: "user", content: [{ type: "audio", clip: r.audio }, { type: "text", text: r.question }] }, { role: "assistant", content: r.answer }],
  }));
  const timeline = kind !== "recall-written-summary-session";
  const suffix = { "recall-written-summary-session": "recall", "recall-written-timeline-session": "timeline", "recall-timeline-drill-session": "drill", "recall-random-timeline-drill-session": "random-drill" }[kind];
  return mcqSessions(singles).map((session) => ({ ...session, id: `${session.id}-${suffix}`, kind, summaryOnly: true, writtenSummary: true, ...(timeline ? { writtenTimeline: true } : {}) }));
}

/** The conversations that ask without options over a written summary (and timeline): recallSessions' kinds. */
export type RecallKind = "recall-written-summary-session" | "recall-written-timeline-session" | "recall-timeline-drill-session" | "recall-random-timeline-drill-session";

/**
 * One reading drill per song ("recall-timeline-drill-session"): up to SESSION_QUESTIONS questions its timeline
 * answers, drawn from the benchmark's generators with a seed of the song's own (timelineDrill), over its written
 * summary and timeline. Every answer is a time, a count or a section to find in the timeline.
 */
export function drillSessions(songs: readonly string[], annotation: (audio: string) => SongAnnotation, randomTimes = false): ChatSample[] {
  const kind = randomTimes ? "recall-random-timeline-drill-session" : "recall-timeline-drill-session";
  // With randomTimes, each song's sections move to random times (withRandomSectionTimes), seeded by the song.
  const drilled = new Map(songs.map((audio) => [audio, randomTimes ? withRandomSectionTimes(annotation(audio), questionRng(13, audio)) : annotation(audio)]));
  const records = songs.flatMap((audio) => timelineDrill(drilled.get(audio)!, questionRng(11, audio), SESSION_QUESTIONS)
    .map((q, i) => ({ ...q, id: `${songOfAudio(audio)}-${randomTimes ? "random-" : ""}drill${i}`, audio })));
  return recallSessions(records, kind).map((s) => (randomTimes ? { ...s, timeline: drilled.get(s.audio)!.temporal.sections } : s));
}

/** A line of a dataset's mcq.jsonl, its audio path made absolute. */
interface McqRecord { id: string; audio: string; question: string; choices: string[]; answer: string; split: string; category: string }

/**
 * Every conversation of the given kinds in the dataset directories, split by song. The written-summary and recall
 * kinds ask only what a summary of `summaryTokens` (default BASE_SUMMARY_TOKENS) holds (answerableFromSummary).
 */
export function readChatSamples(datasetDirs: string[], kinds: readonly SampleKind[], o: { answerOrder?: AnswerOrder; summaryTokens?: number; promptStyles?: readonly McqPromptStyle[]; misheard?: number; nearestOption?: boolean } = {}): { train: ChatSample[]; heldOut: ChatSample[] } {
  const all: ChatSample[] = [];
  const facts = new SongFacts();
  const fromSummary = (q: { audio: string; category: string; answer: string }) => answerableFromSummary(q, o.summaryTokens ?? BASE_SUMMARY_TOKENS, () => facts.get(q.audio));
  // Written-summary MCQs whose summaries state misheard facts (misheardFacts), their thoughts naming what was heard
  // and the nearest option with `nearestOption`, else the right option as always.
  const misheard = o.misheard ?? (o.nearestOption ? NEAREST_OPTION_MISHEARD : 0);
  const misheardMcqs = (records: readonly McqRecord[]): ChatSample[] => {
    const tempoChoices = new Map<string, string[][]>();
    for (const r of records) if (r.category === "tempo-value") tempoChoices.set(r.audio, [...(tempoChoices.get(r.audio) ?? []), r.choices]);
    const heard = new Map<string, HeardFacts>();
    for (const r of records) if (!heard.has(r.audio)) heard.set(r.audio, misheardFacts(r.audio, facts.get(r.audio), tempoChoices.get(r.audio) ?? [], misheard));
    return records.map((r) => {
      const said = o.nearestOption ? heardPhrase(r.category, facts.get(r.audio), heard.get(r.audio)!) : undefined;
      return { ...mcqSample(r.id, r.audio, r.question, r.choices, r.answer, r.split, r.category, o.answerOrder, o.promptStyles, said), heard: heard.get(r.audio)! };
    });
  };
  for (const dir of datasetDirs) {
    const abs = (rel: string) => path.resolve(dir, rel);
    const from = all.length;
    if (kinds.includes("caption")) {
      for (const r of readJsonl(path.join(dir, "captions.jsonl"))) {
        const id = String(r.id), audio = abs(String(r.audio));
        const prompt = CAPTION_PROMPTS[questionRng(3, id).int(0, CAPTION_PROMPTS.length - 1)]!;
        all.push({ id, kind: "caption", audio, messages: [{ role: "user", content: [{ type: "audio", clip: audio }, { type: "text", text: prompt }] }, { role: "assistant", content: String(r.caption) }] });
      }
    }
    const reports = new Map<string, string>(); // audio -> the report's text
    for (const r of readJsonl(path.join(dir, "sft.jsonl"))) {
      const report = reportOf(r);
      if (report !== undefined) reports.set(abs(String(r.audio)), report);
      const kind: SampleKind = r.kind === "report" ? "report" : "dialogue";
      if (!kinds.includes(kind)) continue;
      const audio = abs(String(r.audio));
      const messages = (r.messages as { role: "user" | "assistant"; content: string }[]).map((m): ChatMessage => (m.role === "user" ? { role: "user", content: withAudio(m.content, audio) } : m));
      all.push({ id: String(r.id), kind, audio, messages });
    }
    if (kinds.some((k) => k.startsWith("mcq") || k.startsWith("recall"))) {
      const records = readJsonl(path.join(dir, "mcq.jsonl")).map((r): McqRecord => ({ id: String(r.id), audio: abs(String(r.audio)), question: String(r.question), choices: r.choices as string[], answer: String(r.answer), split: String(r.split), category: String(r.category) }));
      const mcqs = records.map((r) => mcqSample(r.id, r.audio, r.question, r.choices, r.answer, r.split, r.category, o.answerOrder, o.promptStyles));
      if (kinds.includes("mcq")) all.push(...mcqs);
      if (kinds.includes("mcq-session")) all.push(...mcqSessions(mcqs));
      if (kinds.includes("mcq-summary"))
        all.push(...mcqs.filter((q) => TIME_FREE_CATEGORIES.has(q.mcq!.category)).map((q) => ({ ...q, id: `${q.id}-summary`, kind: "mcq-summary" as const, summaryOnly: true })));
      if (kinds.includes("mcq-context"))
        all.push(...mcqs.flatMap((q) => { const report = reports.get(q.audio); return report ? [contextSample(q, report)] : []; }));
      if (kinds.includes("mcq-context-session")) all.push(...contextSessions(mcqs, reports));
      if (kinds.some((k) => k.includes("written-summary") || k.startsWith("recall-"))) {
        const answerable = records.map(fromSummary);
        const summarisedMcqs = misheard > 0 || o.nearestOption ? misheardMcqs(records.filter((_, i) => answerable[i])) : mcqs.filter((_, i) => answerable[i]);
        if (kinds.includes("mcq-written-summary")) all.push(...summarisedMcqs.map(writtenSummarySample));
        if (kinds.includes("mcq-written-summary-session")) all.push(...writtenSummarySessions(summarisedMcqs));
        if (kinds.includes("recall-written-summary-session")) all.push(...recallSessions(records.filter((_, i) => answerable[i])));
        if (kinds.includes("recall-written-timeline-session"))
          all.push(...recallSessions(records.filter((r, i) => answerable[i] || answerableFromTimeline(r, facts.get(r.audio))), "recall-written-timeline-session"));
        const songs = [...new Set(records.map((r) => r.audio))], annotation = (audio: string) => facts.get(audio);
        if (kinds.includes("recall-timeline-drill-session")) all.push(...drillSessions(songs, annotation));
        if (kinds.includes("recall-random-timeline-drill-session")) all.push(...drillSessions(songs, annotation, true));
      }
    }
    // A text-only dataset (`gamma data synth --text-only`) has no audio to hear: only its written-context and
    // written-summary conversations can train.
    if (readManifest(dir)?.config.textOnly) all.splice(from, all.length - from, ...all.slice(from).filter((s) => s.textOnly || s.writtenSummary));
  }
  const song = (s: ChatSample) => songOfAudio(s.audio);
  return { train: all.filter((s) => !isHeldOut(song(s))), heldOut: all.filter((s) => isHeldOut(song(s))) };
}
