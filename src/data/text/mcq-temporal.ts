// Temporal question categories: where sections start and end, their order and count, when instruments come and
// go, what sounds at a given time, key/tempo/metre changes, the order of events, and durations.
import { formatTime } from "../timefmt.js";
import {
  happenings, instrumentChanges, keyChanges, metreChanges, playsDuring, playsThroughout, rawIntervalsOf, tempoChanges,
  type Happening, type NamedSection,
} from "./facts.js";
import type { McqCategory, McqContext, McqDraft } from "./mcq.js";
import {
  BPM_TOLERANCE, TIME_TOLERANCE, ladder, metreOptions, sample, timeStep, tonicOptions, unrelatedInstruments, window4, withNote,
} from "./options.js";
import { keyName, metreName } from "./theory.js";
import { capitalize, fill, ordinal } from "./words.js";

/** A time question: the answer and three times on a bar-grid ladder around it, all inside the song. */
function timeDraft(ctx: McqContext, question: string, answer: number): McqDraft | undefined {
  const values = ladder(ctx.rng, answer, timeStep(ctx.a, ctx.rng), 0, ctx.a.global.duration);
  if (!values) return undefined;
  const answerText = formatTime(answer);
  const distractors = values.map(formatTime).filter((t) => t !== answerText);
  return { question: withNote(ctx.rng, question, TIME_TOLERANCE), answer: answerText, distractors };
}

const START_TEMPLATES = [
  "When does {sec} start?", "At what time does {sec} begin?", "When does {sec} come in?",
  "What is the start time of {sec}?", "Where in the track does {sec} begin?", "{Sec} begins at which timestamp?",
  "At which point does the song reach {sec}?", "When do we hear {sec} begin?",
];
const END_TEMPLATES = [
  "When does {sec} end?", "At what time is {sec} over?", "When does {sec} finish?", "What is the end time of {sec}?",
  "{Sec} ends at which timestamp?", "At what point does {sec} come to an end?",
];

function secVars(s: NamedSection): Record<string, string> {
  return { sec: s.name, Sec: capitalize(s.name) };
}

const sectionTiming: McqCategory = {
  category: "section-timing",
  split: "temporal",
  make(ctx) {
    const { rng, sections } = ctx;
    if (sections.length < 2) return undefined;
    // The first section's start (0:00.0) and the last one's end (the song's end) are given away by position.
    if (rng.chance(0.6)) {
      const s = rng.pick(sections.slice(1));
      return timeDraft(ctx, fill(rng.pick(START_TEMPLATES), secVars(s)), s.start);
    }
    const s = rng.pick(sections.slice(0, -1));
    return timeDraft(ctx, fill(rng.pick(END_TEMPLATES), secVars(s)), s.end);
  },
};

const NEXT_TEMPLATES = [
  "Which section comes right after the one that starts at {t}?", "What section follows the one beginning at {t}?",
  "The section that begins at {t} leads into which section?", "After the section starting at {t}, what does the song go into?",
  "Which part immediately follows the section that starts at {t}?",
];
const PREVIOUS_TEMPLATES = [
  "Which section comes right before the one that starts at {t}?", "What section precedes the one beginning at {t}?",
  "Which part leads into the section that begins at {t}?", "Right before the section starting at {t}, which section plays?",
];
const NTH_START_TEMPLATES = [
  "When does the {nth} section of the song begin?", "Counting from the start, when does section number {n} begin?",
  "At what time does the song move into its {nth} section?", "The {nth} section starts at which timestamp?",
  "Counting the opening as the first, when does the {nth} section start?",
];

/**
 * Section order. Two kinds: when the n-th section begins (options: the starts of a window of consecutive
 * sections, so answering takes counting sections by ear and knowing when each starts), and which section comes
 * right after or before the one that starts at a given time (options: a window of consecutive sections). Intros
 * and outros are left out of named options: "the intro" as an answer to "what comes before the first verse"
 * needs no listening. The reference is a time, not a name: names carry ordinals, and "after the second verse"
 * was usually "the second chorus", the option sharing its ordinal. It is never the song's first section, which
 * starts at 0:00.0 and so would name itself.
 */
const sectionOrder: McqCategory = {
  category: "section-order",
  split: "temporal",
  make(ctx) {
    const { rng, sections } = ctx;
    if (sections.length < 2) return undefined;
    const kind = rng.weighted([["nth", 4], ["next", 1], ["previous", 1]] as const);
    if (kind === "nth") {
      // Not the first section: it starts at the beginning.
      const i = rng.int(1, sections.length - 1);
      const options = window4(rng, sections.slice(1), i - 1);
      const target = sections[i];
      // Starts of short sections can sit too close together to tell apart within the stated tolerance.
      if (!options || !target || options.some((s, k) => k > 0 && s.start - options[k - 1]!.start < 2.5)) return undefined;
      const question = fill(rng.pick(NTH_START_TEMPLATES), { nth: ordinal(i + 1), n: String(i + 1) });
      return { question: withNote(rng, question, TIME_TOLERANCE), answer: formatTime(target.start), distractors: options.filter((s) => s !== target).map((s) => formatTime(s.start)) };
    }
    const inner = sections.filter((s) => s.label !== "intro" && s.label !== "outro");
    const forward = kind === "next";
    const ref = rng.pick(sections.slice(1));
    const target = sections[ref.index + (forward ? 1 : -1)];
    if (!target || !inner.includes(target)) return undefined;
    const pool = inner.filter((s) => s !== ref);
    const options = window4(rng, pool, pool.indexOf(target));
    if (!options) return undefined;
    const question = fill(rng.pick(forward ? NEXT_TEMPLATES : PREVIOUS_TEMPLATES), { t: formatTime(ref.start) });
    return { question, answer: target.name, distractors: options.filter((s) => s !== target).map((s) => s.name) };
  },
};

const COUNT_TEMPLATES = [
  "How many sections does the song have in all?", "Into how many sections is the song divided?",
  "How many sections make up the song?", "Counting intro and outro, how many sections are there?",
  "How many distinct sections can you count, start to finish?", "From beginning to end, how many sections does the track have?",
  "How many parts is the song made of, intro and outro included?",
];

/**
 * How many sections the song has in all. Only that count: its answers spread from 3 to 14, while counts of one
 * label crowd at one or two (most songs have two verses and one bridge), where the answer is nearly always the
 * smallest option offered and "how many verses?" is answered by the prior.
 */
const sectionCount: McqCategory = {
  category: "section-count",
  split: "temporal",
  make(ctx) {
    const { rng, sections } = ctx;
    if (sections.length < 2) return undefined;
    const answer = sections.length;
    const values = ladder(rng, answer, 1, 1, 99);
    if (!values) return undefined;
    return { question: rng.pick(COUNT_TEMPLATES), answer: String(answer), distractors: values.filter((v) => v !== answer).map(String) };
  },
};

const ENTRY_TEMPLATES = [
  "When does the {inst} first come in?", "At what time do we first hear the {inst}?", "When is the {inst} first heard?",
  "At what point does the {inst} first join?", "When does the {inst} make its first entrance?", "The {inst} first enters at what time?",
];
const EXIT_TEMPLATES = [
  "When does the {inst} stop playing for good?", "At what time is the {inst} heard for the last time?",
  "When does the {inst} drop out for the rest of the song?", "When does the {inst} play its final note?",
  "At what point does the {inst} fall silent for good?",
];
const WHICH_ENTERS_TEMPLATES = [
  "Which instrument comes in at {t}?", "At {t}, which instrument joins?", "What instrument starts playing at {t}?",
  "Which of these instruments enters at {t}?", "Which instrument can be heard coming in at {t}?",
];

/** When an instrument first enters or finally leaves, or which instrument enters at a time. */
const instrumentTiming: McqCategory = {
  category: "instrument-timing",
  split: "temporal",
  make(ctx) {
    const { a, rng } = ctx;
    const changes = instrumentChanges(a, 2);
    const kind = rng.pick(["entry", "exit", "which"] as const);
    if (kind === "entry" || kind === "exit") {
      const pool = changes.filter((c) => (kind === "entry" ? c.kind === "enter" && c.first : c.kind === "exit" && c.last));
      if (pool.length === 0) return undefined;
      const c = rng.pick(pool);
      return timeDraft(ctx, fill(rng.pick(kind === "entry" ? ENTRY_TEMPLATES : EXIT_TEMPLATES), { inst: c.instrument }), c.time);
    }
    const entries = changes.filter((c) => c.kind === "enter");
    if (entries.length === 0) return undefined;
    const c = rng.pick(entries);
    // Wrong options: instruments of the song with no entry within 3 s of the time, those that come in at some
    // other time first (late-entering leads and solo instruments would otherwise be the usual answers), then
    // absent ones.
    // Quiet: no entry near the time, not even after a breath (a raw onset).
    const quiet = (n: string) => !rawIntervalsOf(a, n).some((iv) => Math.abs(iv.start - c.time) < 3);
    const enteringElsewhere = [...new Set(entries.map((e) => e.instrument))].filter(quiet);
    const others = a.global.instruments.map((i) => i.name).filter((n) => quiet(n) && !enteringElsewhere.includes(n));
    const distractors = [...rng.shuffle(enteringElsewhere), ...rng.shuffle(others)].slice(0, 3);
    // Absent fillers sound like a wrong option, not like the answer: fillers of the answer's family would mark it.
    const near = distractors.length > 0 ? rng.pick(distractors) : undefined;
    distractors.push(...unrelatedInstruments(a, rng, 3 - distractors.length, near));
    if (distractors.length < 3) return undefined;
    return { question: fill(rng.pick(WHICH_ENTERS_TEMPLATES), { t: formatTime(c.time) }), answer: c.instrument, distractors };
  },
};

const SECTION_AT_TEMPLATES = [
  "Which section is playing at {t}?", "At {t}, which part of the song are we in?", "What section can be heard at {t}?",
  "Which section does {t} fall in?", "Which part of the song is heard at {t}?", "What part of the song is playing at {t}?",
];
const ON_TEMPLATES = [
  "Which of these instruments is playing at {t}?", "At {t}, which instrument can you hear?", "Which instrument is sounding at {t}?",
  "Which of these can be heard at {t}?",
];
const OFF_TEMPLATES = [
  "Which of these instruments is silent at {t}?", "At {t}, which instrument is not playing?", "Which instrument is resting at {t}?",
  "Which of these cannot be heard at {t}?",
];

/** What sounds at a time: which section, or which instrument is (not) playing. */
const atTime: McqCategory = {
  category: "at-time",
  split: "temporal",
  make(ctx) {
    const { a, rng, sections } = ctx;
    if (rng.chance(0.5)) {
      // The answer section first, uniformly, then a time well inside it (1.5 s from either edge). Intros and
      // outros stay out: a time in the first seconds is the intro without listening. So does the first section
      // after the intro: a time in the first half minute was "the first verse" nearly always.
      const inner = sections.filter((s) => s.label !== "intro" && s.label !== "outro").slice(1);
      if (inner.length < 4) return undefined;
      const target = rng.pick(inner);
      if (target.end - target.start < 4) return undefined;
      const options = window4(rng, inner, inner.indexOf(target));
      if (!options) return undefined;
      const t = rng.uniform(target.start + 1.5, target.end - 1.5);
      return {
        question: fill(rng.pick(SECTION_AT_TEMPLATES), { t: formatTime(t) }),
        answer: target.name,
        distractors: options.filter((s) => s !== target).map((s) => s.name),
      };
    }
    // Only instruments that come and go: one that plays throughout would be a give-away answer.
    const t = rng.uniform(2, a.global.duration - 2);
    const intermittent = a.global.instruments.map((i) => i.name)
      .filter((n) => !playsThroughout(a, n, 0.5, a.global.duration - 0.5) && playsDuring(a, n, 0, a.global.duration));
    const on = intermittent.filter((n) => playsThroughout(a, n, t - 1.5, t + 1.5));
    const off = intermittent.filter((n) => !playsDuring(a, n, t - 1.5, t + 1.5));
    const askOn = rng.chance(0.5);
    const [answers, wrongs] = askOn ? [on, off] : [off, on];
    const distractors = sample(rng, wrongs, 3);
    if (answers.length === 0 || !distractors) return undefined;
    return { question: fill(rng.pick(askOn ? ON_TEMPLATES : OFF_TEMPLATES), { t: formatTime(t) }), answer: rng.pick(answers), distractors };
  },
};

const KEY_WHEN = ["When does the key change?", "At what time does the song modulate?", "When does the music shift into a new key?", "Where does the key change happen?"];
const KEY_WHEN_TO = ["When does the song modulate to {key}?", "At what time does the key change to {key}?", "When does the music move into {key}?"];
const KEY_TO = ["What key does the song move to at {t}?", "After the key change at {t}, what key is the song in?", "At {t} the key changes. To what?", "Which key does the music modulate to at {t}?"];
const TEMPO_WHEN = ["When does the tempo change?", "At what time does the tempo shift?", "When does the song speed up or slow down?"];
const TEMPO_TO = ["What is the new tempo after the change at {t}?", "At {t} the tempo changes. What does it become?", "What tempo does the song move to at {t}?"];
const METRE_WHEN = ["When does the time signature change?", "At what time does the metre change?", "When does the song switch to a different metre?"];
const METRE_TO = ["What time signature does the song switch to at {t}?", "At {t} the metre changes. To what?", "Which metre does the music move into at {t}?"];

/** Key, tempo and metre changes: when, and to what. Asked only when the change is the only one of its kind. */
const change: McqCategory = {
  category: "change",
  split: "temporal",
  make(ctx) {
    const { a, rng } = ctx;
    const kind = rng.pick(["key", "tempo", "metre"] as const);
    const askWhen = rng.chance(0.5);
    if (kind === "key") {
      const list = keyChanges(a);
      const c = list.length > 0 ? rng.pick(list) : undefined;
      if (!c) return undefined;
      const toUnique = list.filter((x) => keyName(x.to) === keyName(c.to)).length === 1;
      if (askWhen) {
        if (list.length === 1) return timeDraft(ctx, rng.pick(KEY_WHEN), c.time);
        return toUnique ? timeDraft(ctx, fill(rng.pick(KEY_WHEN_TO), { key: keyName(c.to) }), c.time) : undefined;
      }
      const options = tonicOptions(rng, c.to);
      return { question: fill(rng.pick(KEY_TO), { t: formatTime(c.time) }), answer: options.answer, distractors: options.distractors };
    }
    if (kind === "tempo") {
      const list = tempoChanges(a);
      if (list.length !== 1) return undefined;
      const c = list[0]!;
      if (askWhen) return timeDraft(ctx, rng.pick(TEMPO_WHEN), c.time);
      const answer = Math.round(c.to);
      const values = ladder(rng, answer, rng.pick([5, 8, 10, 12]), 30, 260);
      if (!values) return undefined;
      const question = withNote(rng, fill(rng.pick(TEMPO_TO), { t: formatTime(c.time) }), BPM_TOLERANCE);
      return { question, answer: `${answer} BPM`, distractors: values.filter((v) => v !== answer).map((v) => `${v} BPM`) };
    }
    const list = metreChanges(a);
    if (list.length !== 1) return undefined;
    const c = list[0]!;
    if (askWhen) return timeDraft(ctx, rng.pick(METRE_WHEN), c.time);
    const options = metreOptions(rng, c.to);
    return { question: fill(rng.pick(METRE_TO), { t: formatTime(c.time) }), answer: metreName(c.to), distractors: options };
  },
};

const FIRST_TEMPLATES = ["Which of these happens first?", "Which of these comes earliest in the song?", "Of these moments, which occurs first?", "Which of the following is heard first?"];
const LAST_TEMPLATES = ["Which of these happens last?", "Which of these comes latest in the song?", "Of these moments, which occurs last?", "Which of the following is heard last?"];
const NEXT_EVENT_TEMPLATES = ["Which of these comes next after {h}?", "Right after {h}, which of these happens next?", "Of these moments, which is the first to follow {h}?"];

/** No two moments about the same instrument (its entrance comes before its solo without listening). */
function independent(items: readonly Happening[]): boolean {
  const insts = items.flatMap((h) => (h.instrument ? [h.instrument] : []));
  return new Set(insts).size === insts.length;
}

/**
 * The order of named moments that each happen once (see happenings): events, and instruments dropping out and
 * coming back. First entrances are not among them: they come in the first bars, before any event, so "which
 * happens first?" was the entrance every time. The kinds of moment still carry form priors (a key change comes
 * late); see the category's text-only baseline.
 */
const eventOrder: McqCategory = {
  category: "event-order",
  split: "temporal",
  make(ctx) {
    const { a, rng } = ctx;
    const pool = happenings(a);
    const kind = rng.pick(["first", "last", "next"] as const);
    if (kind === "next") {
      // A reference and a window of four others.
      if (pool.length < 5) return undefined;
      const i = rng.int(0, pool.length - 2);
      const ref = pool[i]!, answer = pool[i + 1]!;
      const rest = pool.filter((h) => h !== ref);
      const options = window4(rng, rest, rest.indexOf(answer));
      if (!options || !independent([ref, ...options])) return undefined;
      return { question: fill(rng.pick(NEXT_EVENT_TEMPLATES), { h: ref.name }), answer: answer.name, distractors: options.filter((o) => o !== answer).map((o) => o.name) };
    }
    const chosen = sample(rng, pool, 4);
    if (!chosen || !independent(chosen)) return undefined;
    chosen.sort((x, y) => x.time - y.time);
    const answer = kind === "first" ? chosen[0]! : chosen[3]!;
    return {
      question: rng.pick(kind === "first" ? FIRST_TEMPLATES : LAST_TEMPLATES),
      answer: answer.name,
      distractors: chosen.filter((o) => o !== answer).map((o) => o.name),
    };
  },
};

const SECTION_LENGTH_TEMPLATES = ["How long is {sec}?", "How long does {sec} last?", "What is the length of {sec}?", "For how long does {sec} play?", "{Sec} lasts how long?"];
const EVENT_LENGTH_TEMPLATES = ["How long does the {ev} last?", "What is the length of the {ev}?", "For how long does the {ev} go on?"];

/**
 * Durations of sections and of once-only events (solos, breaks). Wrong lengths: three other section lengths of
 * the song when it has that many (drawn like answers, so a length that recurs across songs, 8 bars at 120 BPM =
 * 0:16.0, is as often wrong as right), else a ladder of the fewest whole bars that make 3 s. All differ from the
 * answer by more than 2.5 s, against a stated tolerance of one second. Measured worse on composed songs (which
 * mostly repeat one section length): wider rungs, and topping up the song's few other lengths from a table of bar
 * counts (its 24- and 32-bar lengths were nearly always wrong). Intros and outros are not asked about: they are
 * the song's shortest sections by convention, so their length was the smallest option. Other labels' typical
 * lengths still let a text-only model beat chance a little.
 */
const duration: McqCategory = {
  category: "duration",
  split: "temporal",
  make(ctx) {
    const { a, rng, sections } = ctx;
    let question: string, seconds: number;
    const longEvents = a.temporal.events.filter((e) => e.end - e.start >= 4 && (e.type === "solo" || e.type === "break") &&
      a.temporal.events.filter((x) => x.type === e.type).length === 1);
    if (longEvents.length > 0 && rng.chance(0.25)) {
      const e = rng.pick(longEvents);
      const ev = e.type === "solo" && e.instrument ? `${e.instrument} solo` : e.type;
      question = fill(rng.pick(EVENT_LENGTH_TEMPLATES), { ev });
      seconds = e.end - e.start;
    } else {
      const inner = sections.filter((x) => x.label !== "intro" && x.label !== "outro");
      if (inner.length === 0) return undefined;
      const s = rng.pick(inner);
      question = fill(rng.pick(SECTION_LENGTH_TEMPLATES), secVars(s));
      seconds = s.end - s.start;
    }
    // Songs with varied section lengths offer three other lengths; the rest get a ladder.
    const others: number[] = [];
    for (const d of rng.shuffle(sections.map((s) => s.end - s.start))) {
      if ([seconds, ...others].every((x) => Math.abs(x - d) > 2.5)) others.push(d);
    }
    const values = others.length >= 3 ? [seconds, ...others.slice(0, 3)] : ladder(rng, seconds, timeStep(a, rng, 3, false), 2, a.global.duration);
    if (!values) return undefined;
    const answer = formatTime(seconds);
    return { question: withNote(rng, question, TIME_TOLERANCE), answer, distractors: values.map(formatTime).filter((v) => v !== answer) };
  },
};

export const TEMPORAL_CATEGORIES: readonly McqCategory[] = [
  sectionTiming, sectionOrder, sectionCount, instrumentTiming, atTime, change, eventOrder, duration,
];
