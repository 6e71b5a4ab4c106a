// Multi-turn question answering over a whole song: global questions (key, tempo, style, ...) mixed with temporal
// ones (when does a section start, what plays at a time), and follow-ups that refer back to the section the
// conversation is on ("and after that?", "which instrument comes in then?"). Answers are short and true to the
// facts; the first user turn carries the <audio> token that stands for the clip.

import type { Rng } from "../../music/rng.js";
import type { SongAnnotation } from "../schema.js";
import { formatTime } from "../timefmt.js";
import {
  eventNoun, groupChanges, instrumentChanges, instrumentsIn, keyChanges, metreChanges, namedSections, sectionIndexAt, tempoChanges,
  type NamedSection,
} from "./facts.js";
import { chordSummary, styleText } from "./phrases.js";
import { keyName, metreName } from "./theory.js";
import { capitalize, listJoin, numberWord, plural, say, sentence } from "./words.js";

/** Where a clip goes in the user turns of sft.jsonl; the trainers replace it with the audio. */
export const AUDIO_PLACEHOLDER = "<audio>";

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

/** The conversation so far: the section it is about, if any. */
interface State {
  a: SongAnnotation;
  rng: Rng;
  sections: NamedSection[];
  focus?: NamedSection;
}

/** A question and its answer; may move the focus. */
type Exchange = { q: string; a: string } | undefined;
type Asker = (s: State) => Exchange;

/** `turns` question-answer pairs (default 6), user first. */
export function dialogue(a: SongAnnotation, rng: Rng, turns = 6): Turn[] {
  const state: State = { a, rng, sections: namedSections(a) };
  const out: Turn[] = [];
  const asked = new Set<string>();
  const usedGlobal = new Set<Asker>();
  for (let tries = 0; out.length < 2 * turns && tries < turns * 12; tries++) {
    // With a section in focus, follow up on it half the time.
    const pool = state.focus && rng.chance(0.5) ? FOLLOW_UPS : rng.chance(0.5) ? GLOBAL : TEMPORAL;
    const asker = rng.pick(pool);
    // A global fact is asked about once; the same follow-up ("And after that?") may come twice, the same
    // exchange may not.
    if (usedGlobal.has(asker)) continue;
    const before = state.focus;
    const ex = asker(state);
    if (!ex || asked.has(`${ex.q}\n${ex.a}`)) {
      state.focus = before;
      continue;
    }
    if (pool === GLOBAL) usedGlobal.add(asker);
    asked.add(`${ex.q}\n${ex.a}`);
    const q = out.length === 0 ? withAudio(ex.q, rng) : ex.q;
    out.push({ role: "user", content: q }, { role: "assistant", content: ex.a });
  }
  return out;
}

function withAudio(q: string, rng: Rng): string {
  return say(rng, ["<audio>\n{q}", "<audio> {q}", "Listen to this: <audio>\n{q}", "Here is a song. <audio>\n{q}", "{q}\n<audio>"], { q });
}

function span(s: NamedSection): string {
  return `${formatTime(s.start)} to ${formatTime(s.end)}`;
}

const GLOBAL: readonly Asker[] = [
  ({ a, rng }) => ({
    q: say(rng, ["What genre is this?", "What style of music is this?", "How would you classify this track?"]),
    a: sentence(say(rng, ["It's {s}", "This is {s}", "{S}"], { s: styleText(a.global.style), S: capitalize(styleText(a.global.style)) })),
  }),
  ({ a, rng }) => {
    const changes = keyChanges(a);
    const key = keyName(a.global.key);
    const q = say(rng, ["What key is it in?", "Which key is the song in?", "What's the key?"]);
    if (changes.length === 0) return { q, a: sentence(say(rng, ["{k}", "It's in {k}", "{k}, throughout"], { k: key })) };
    const moves = changes.map((c) => `to ${keyName(c.to)} at ${formatTime(c.time)}`);
    return { q, a: sentence(`It starts in ${key} and moves ${listJoin(moves)}`) };
  },
  ({ a, rng }) => {
    const changes = tempoChanges(a);
    const bpm = Math.round(a.global.tempo);
    const q = say(rng, ["How fast is it?", "What's the tempo?", "What tempo is it played at?"]);
    const base = `About ${bpm} BPM, a ${a.global.tempoClass} tempo`;
    if (changes.length === 0) return { q, a: sentence(base) };
    const moves = changes.map((c) => `to ${Math.round(c.to)} BPM at ${formatTime(c.time)}`);
    return { q, a: sentence(`${base} for most of it; it changes ${listJoin(moves)}`) };
  },
  ({ a, rng }) => {
    const changes = metreChanges(a);
    const q = say(rng, ["What's the time signature?", "What metre is it in?", "How is it counted?"]);
    const m = metreName(a.global.metre);
    if (changes.length === 0) return { q, a: sentence(say(rng, ["{m}", "It's in {m}", "{m} time"], { m })) };
    return { q, a: sentence(`Mostly ${m}; ${listJoin(changes.map((c) => `it switches to ${metreName(c.to)} at ${formatTime(c.time)}`))}`) };
  },
  ({ a, rng }) => (a.global.instruments.length === 0 ? undefined : {
    q: say(rng, ["What instruments can you hear?", "Which instruments play on it?", "What's the instrumentation?"]),
    a: sentence(capitalize(listJoin(a.global.instruments.map((i) => i.name)))),
  }),
  ({ a, rng }) => (!a.global.leadInstrument ? undefined : {
    q: say(rng, ["Which instrument has the melody?", "What's the lead instrument?", "Who plays the tune?"]),
    a: sentence(say(rng, ["The {l}", "The melody is on the {l}", "It's the {l}"], { l: a.global.leadInstrument })),
  }),
  ({ a, rng }) => (a.global.mood.length === 0 ? undefined : {
    q: say(rng, ["How would you describe the mood?", "What's the mood?", "How does it feel?"]),
    a: sentence(capitalize(listJoin(a.global.mood))),
  }),
  ({ a, rng }) => ({
    q: say(rng, ["How long is it?", "What's the length of the track?"]),
    a: sentence(say(rng, ["{d}", "It runs {d}", "It lasts {d}"], { d: formatTime(a.global.duration) })),
  }),
  ({ sections, rng }) => (sections.length === 0 ? undefined : {
    q: say(rng, ["What's the structure?", "How is the song laid out?", "Can you outline the form?"]),
    a: sentence(capitalize(sections.map((s) => s.title.toLowerCase()).join(", "))),
  }),
];

const TEMPORAL: readonly Asker[] = [
  // When does a section start?
  (st) => {
    if (st.sections.length === 0) return undefined;
    const s = st.rng.pick(st.sections);
    st.focus = s;
    return {
      q: say(st.rng, ["When does {n} start?", "Where does {n} begin?", "At what time does {n} come in?"], { n: s.name }),
      a: sentence(`At ${formatTime(s.start)}; it runs until ${formatTime(s.end)}`),
    };
  },
  // What is playing at a time?
  (st) => {
    const t = Math.round(st.rng.uniform(1, st.a.global.duration - 1));
    const i = sectionIndexAt(st.a, t);
    const s = st.sections[i];
    // Too close to a boundary to name one section.
    if (!s || t - s.start < 1 || s.end - t < 1) return undefined;
    st.focus = s;
    const playing = instrumentsIn(st.a, t - 0.5, t + 0.5, 1);
    const who = playing.length > 0 ? `; ${listJoin(playing.map((p) => `the ${p}`))} ${playing.length > 1 ? "are" : "is"} playing` : "";
    return {
      q: say(st.rng, ["What's happening at {t}?", "What part of the song is at {t}?", "What do we hear at {t}?"], { t: formatTime(t) }),
      a: sentence(`That's ${s.name} (${span(s)})${who}`),
    };
  },
  // When does an instrument first come in?
  (st) => {
    const entries = instrumentChanges(st.a).filter((c) => c.kind === "enter" && c.first);
    if (entries.length === 0) return undefined;
    const c = st.rng.pick(entries);
    const s = st.sections[Math.max(0, sectionIndexAt(st.a, c.time + 0.01))]!;
    st.focus = s;
    return {
      q: say(st.rng, ["When does the {i} come in?", "When do we first hear the {i}?", "At what point does the {i} enter?"], { i: c.instrument }),
      a: sentence(`At ${formatTime(c.time)}, in ${s.name}`),
    };
  },
  // Events of one kind.
  (st) => {
    const events = st.a.temporal.events.filter((e) => !e.type.endsWith("change"));
    if (events.length === 0) return undefined;
    const noun = eventNoun(st.rng.pick(events));
    const same = events.filter((e) => eventNoun(e) === noun);
    const times = same.map((e) => formatTime(e.start));
    const s = st.sections[Math.max(0, sectionIndexAt(st.a, same[0]!.start + 0.01))]!;
    st.focus = s;
    const yesNo = st.rng.chance(0.5);
    const q = yesNo ? say(st.rng, ["Is there a {n} anywhere?", "Do you hear a {n}?"], { n: noun })
      : say(st.rng, ["When is the {n}?", "Where does the {n} happen?"], { n: noun });
    const a = same.length === 1
      ? sentence(`${yesNo ? "Yes, at" : "At"} ${times[0]!}, in ${s.name}`)
      : sentence(`${yesNo ? "Yes, " : ""}${yesNo ? "there" : "There"} are ${numberWord(same.length)} ${plural(noun)}: at ${listJoin(times)}`);
    return { q, a };
  },
  // Is there a key change? (asked either way round: "does it change" or "does it stay")
  (st) => {
    const changes = keyChanges(st.a);
    const stay = st.rng.chance(0.3);
    const q = stay ? "Does it stay in one key?" : say(st.rng, ["Does the key change anywhere?", "Is there a modulation?"]);
    if (changes.length === 0) return { q, a: sentence(`${stay ? "Yes" : "No"}, it stays in ${keyName(st.a.global.key)} throughout`) };
    const c = changes[0]!;
    st.focus = st.sections[Math.max(0, sectionIndexAt(st.a, c.time + 0.01))];
    const more = changes.length > 1 ? `, and ${changes.length - 1} more ${changes.length > 2 ? "changes" : "change"} follow` : "";
    return { q, a: sentence(`${stay ? "No" : "Yes"}, at ${formatTime(c.time)} it moves from ${keyName(c.from)} to ${keyName(c.to)}${more}`) };
  },
];

/** Questions about the section in focus. */
const FOLLOW_UPS: readonly Asker[] = [
  (st) => {
    const next = st.focus && st.sections[st.focus.index + 1];
    if (!next) return undefined;
    st.focus = next;
    return { q: say(st.rng, ["And after that?", "What comes next?", "And then?"]), a: sentence(`${capitalize(next.name)}, from ${span(next)}`) };
  },
  (st) => {
    const prev = st.focus && st.sections[st.focus.index - 1];
    if (!prev) return undefined;
    st.focus = prev;
    return { q: say(st.rng, ["And before that?", "What comes just before it?"]), a: sentence(`${capitalize(prev.name)}, from ${span(prev)}`) };
  },
  (st) => {
    const s = st.focus;
    if (!s) return undefined;
    const entries = instrumentChanges(st.a).filter((c) => c.kind === "enter" && sectionIndexAt(st.a, c.time + 0.01) === s.index);
    const q = say(st.rng, ["Which instrument enters then?", "Does anything new come in there?", "Who joins in that part?"]);
    if (entries.length === 0) return { q, a: sentence(`Nothing new comes in during ${s.name}`) };
    const groups = groupChanges(entries).map((g) => `${listJoin(g.map((c) => `the ${c.instrument}`))} at ${formatTime(g[0]!.time)}`);
    return { q, a: sentence(capitalize(groups.join("; "))) };
  },
  (st) => {
    const s = st.focus;
    if (!s) return undefined;
    const exits = instrumentChanges(st.a).filter((c) => c.kind === "exit" && sectionIndexAt(st.a, c.time - 0.01) === s.index);
    const q = say(st.rng, ["Does anything drop out there?", "Does any instrument stop in that part?"]);
    if (exits.length === 0) return { q, a: sentence(`No, nothing drops out during ${s.name}`) };
    const groups = groupChanges(exits).map((g) => `${listJoin(g.map((c) => `the ${c.instrument}`))} at ${formatTime(g[0]!.time)}`);
    return { q, a: sentence(`Yes: ${groups.join("; ")}`) };
  },
  (st) => {
    const s = st.focus;
    if (!s) return undefined;
    const chords = st.a.temporal.chords.filter((c) => c.end > s.start + 0.05 && c.start < s.end - 0.05);
    if (chords.length === 0) return undefined;
    return { q: say(st.rng, ["What chords are played there?", "What's the harmony in that section?", "Which chords does it use?"]), a: sentence(chordSummary(chords)) };
  },
  (st) => {
    const s = st.focus;
    if (!s) return undefined;
    return {
      q: say(st.rng, ["How long does it last?", "How long is that section?"]),
      a: sentence(`${formatTime(s.end - s.start)} (${s.bars} ${s.bars === 1 ? "bar" : "bars"}), from ${span(s)}`),
    };
  },
  (st) => {
    const s = st.focus;
    if (!s) return undefined;
    const playing = instrumentsIn(st.a, s.start, s.end);
    return {
      q: say(st.rng, ["Who's playing in it?", "Which instruments play there?", "What instruments are in that part?"]),
      a: sentence(playing.length > 0 ? capitalize(listJoin(playing.map((p) => `the ${p}`))) : "Almost nothing: it is a near-silent passage"),
    };
  },
];
