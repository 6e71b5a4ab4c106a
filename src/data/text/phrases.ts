// Prose pieces for the global facts, each in several grammatical forms (a predicate, a modifier, a tag) and
// several wordings, so captions, reports and dialogues can combine them freely.
import type { Rng } from "../../music/rng.js";
import type { SongAnnotation } from "../schema.js";
import { formatTime } from "../timefmt.js";
import type { Chord } from "./facts.js";
import { TEMPO_CLASS_WORDS, keyName, metreName, metrePhrases } from "./theory.js";
import { MOOD_WORDS } from "./vocab.js";
import { listJoin, say, withArticle } from "./words.js";

/** Styles as written in prose ("latin" -> "Latin"). */
export function styleText(style: string): string {
  const proper: Readonly<Record<string, string>> = { latin: "Latin", "r&b": "R&B", motown: "Motown", celtic: "Celtic" };
  return proper[style.toLowerCase()] ?? style;
}

export type FactKind = "style" | "key" | "tempo" | "tempoClass" | "metre" | "instruments" | "lead" | "mood" | "duration";

/** One fact in the forms a sentence can take. */
export interface FactPhrase {
  kind: FactKind;
  /** After "It": "is in D minor", "moves at 120 BPM". */
  predicate: string;
  /** After a noun: "in D minor", "at 120 BPM", "featuring piano and bass". */
  modifier: string;
  /** A label and value: ["Key", "D minor"]. */
  tag: [string, string];
  /** A bare value for telegraphic captions: "D minor", "120 BPM". */
  value: string;
  /** Before a noun, where the fact can be one: "melancholic", "brisk". */
  adjective?: string;
}

/** Instrument names are common nouns: "the flute". */
function the(name: string): string {
  return `the ${name}`;
}

function moodWords(a: SongAnnotation, rng: Rng): string[] {
  return a.global.mood.slice(0, 2).map((m) => rng.pick(MOOD_WORDS[m]));
}

/** Facts an annotation may lack (a POP909 song has no mood tags). */
type OptionalFact = "mood" | "instruments" | "lead";
export type FactPhrases = Record<Exclude<FactKind, OptionalFact>, FactPhrase> & Partial<Record<OptionalFact, FactPhrase>>;

/** Every global fact of a song as phrases, wording drawn with rng; facts the annotation lacks are left out. */
export function factPhrases(a: SongAnnotation, rng: Rng): FactPhrases {
  const { mood, instruments, lead, ...core } = allFactPhrases(a, rng);
  return {
    ...core,
    ...(a.global.mood.length > 0 ? { mood } : {}),
    ...(a.global.instruments.length > 0 ? { instruments } : {}),
    ...(a.global.leadInstrument ? { lead } : {}),
  };
}

function allFactPhrases(a: SongAnnotation, rng: Rng): Record<FactKind, FactPhrase> {
  const g = a.global;
  const key = keyName(g.key);
  const bpm = `${Math.round(g.tempo)} BPM`;
  const bpmLong = rng.pick([bpm, `${Math.round(g.tempo)} beats per minute`]);
  const classWord = rng.pick(TEMPO_CLASS_WORDS[g.tempoClass]);
  const metre = metreName(g.metre);
  const metreWords = rng.pick(metrePhrases(g.metre));
  const metreModifier = metreWords === metre ? `in ${metre} time` : `in ${metreWords}`;
  const instruments = g.instruments.map((i) => i.name);
  // A caption may name all instruments or some of them; "including" marks a partial list as partial.
  const partial = instruments.length > 3 && rng.chance(0.35);
  const named = partial ? rng.shuffle(instruments).slice(0, rng.int(2, 3)) : rng.shuffle(instruments);
  const list = listJoin(named);
  const moods = moodWords(a, rng);
  const moodList = listJoin(moods);
  const duration = formatTime(g.duration);
  const style = styleText(g.style);
  return {
    style: {
      kind: "style",
      predicate: say(rng, ["is a {s} piece", "is {s} music", "is played in a {s} style", "belongs to the {s} style"], { s: style }),
      modifier: say(rng, ["in a {s} style", "in the {s} idiom"], { s: style }),
      tag: [rng.pick(["Style", "Genre"]), style],
      value: style,
    },
    key: {
      kind: "key",
      predicate: say(rng, ["is in {k}", "is written in {k}", "sits in the key of {k}", "is centred on {k}"], { k: key }),
      modifier: say(rng, ["in {k}", "in the key of {k}"], { k: key }),
      tag: ["Key", key],
      value: key,
    },
    tempo: {
      kind: "tempo",
      predicate: say(rng, ["moves at {b}", "runs at about {b}", "has a tempo of {b}", "is taken at {b}"], { b: bpmLong }),
      modifier: say(rng, ["at {b}", "at around {b}", "with a tempo of {b}"], { b: bpmLong }),
      tag: ["Tempo", bpm],
      value: bpm,
    },
    tempoClass: {
      kind: "tempoClass",
      predicate: say(rng, ["has {c} tempo", "is {w} in pace", "keeps {c} pace"], { c: withArticle(classWord), w: classWord }),
      modifier: say(rng, ["at {c} pace", "with {c} tempo"], { c: withArticle(classWord) }),
      tag: [rng.pick(["Pace", "Tempo class"]), g.tempoClass],
      value: `${g.tempoClass} tempo`,
      adjective: classWord,
    },
    metre: {
      kind: "metre",
      predicate: say(rng, ["is in {m}", "is counted in {m}", "moves in {m}"], { m: metreWords === metre ? `${metre} time` : metreWords }),
      modifier: metreModifier,
      tag: [rng.pick(["Metre", "Time signature"]), metre],
      value: `${metre} time`,
    },
    instruments: {
      kind: "instruments",
      predicate: partial
        ? say(rng, ["features instruments including {l}", "includes {l} among its instruments"], { l: list })
        : say(rng, ["features {l}", "is played on {l}", "is arranged for {l}", "is scored for {l}"], { l: list }),
      modifier: partial ? say(rng, ["with instruments including {l}", "featuring, among others, {l}"], { l: list })
        : say(rng, ["featuring {l}", "for {l}", "arranged for {l}"], { l: list }),
      tag: ["Instruments", partial ? `${named.join(", ")}, ...` : named.join(", ")],
      value: list,
    },
    lead: {
      kind: "lead",
      predicate: say(rng, ["has {l} on the melody", "is led by {l}", "gives the tune to {l}", "has {l} carrying the melody"], { l: the(g.leadInstrument) }),
      modifier: say(rng, ["led by {l}", "with {l} carrying the melody", "with {l} on the lead line"], { l: the(g.leadInstrument) }),
      tag: [rng.pick(["Lead", "Melody"]), g.leadInstrument],
      value: `${g.leadInstrument} lead`,
    },
    mood: {
      kind: "mood",
      predicate: say(rng, ["feels {m}", "has {c} mood", "sounds {m}", "comes across as {m}"], { m: moodList, c: withArticle(moods.join(", ")) }),
      modifier: say(rng, ["with {c} mood", "with {c} feel"], { c: withArticle(moods.join(", ")) }),
      tag: ["Mood", moods.join(", ")],
      value: moodList,
      ...(moods[0] ? { adjective: moods[0] } : {}),
    },
    duration: {
      kind: "duration",
      predicate: say(rng, ["lasts {d}", "runs for {d}", "is {d} long"], { d: duration }),
      modifier: say(rng, ["lasting {d}", "running {d}"], { d: duration }),
      tag: [rng.pick(["Length", "Duration"]), duration],
      value: duration,
    },
  };
}

/**
 * A chord sequence in prose: consecutive repeats merged, a repeating cycle written once with its count
 * ("Am – F – C – G, four times"), long sequences cut with "…".
 */
export function chordSummary(chords: readonly Chord[], maxShown = 8): string {
  const seq: string[] = [];
  for (const c of chords) if (c.symbol !== seq[seq.length - 1]) seq.push(c.symbol);
  if (seq.length === 0) return "no chords";
  for (let period = 1; period <= Math.min(8, Math.floor(seq.length / 2)); period++) {
    if (seq.every((s, i) => s === seq[i % period])) {
      const repeats = Math.floor(seq.length / period);
      const rest = seq.length % period === 0 ? "" : ` then ${seq.slice(repeats * period).join(" – ")}`;
      return `${seq.slice(0, period).join(" – ")} (×${repeats})${rest}`;
    }
  }
  return seq.length > maxShown ? `${seq.slice(0, maxShown).join(" – ")} …` : seq.join(" – ");
}
