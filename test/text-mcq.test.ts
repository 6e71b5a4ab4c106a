// Multiple-choice questions: well-formed, deterministic, answers true and distractors false per the facts
// (recomputed here from the annotation, not through the generators' helpers), times that parse back.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SongAnnotation } from "../src/data/schema.js";
import { mcqs, type Mcq } from "../src/data/text/index.js";
import { formatTime, parseTime } from "../src/data/timefmt.js";
import { CATALOGUE } from "../src/music/instruments.js";
import { Rng } from "../src/music/rng.js";
import { handMadeSongs, randomSongs } from "./text-songs.js";

const HAND = handMadeSongs();
const RANDOM = randomSongs(120, 11);
const ALL = [...HAND, ...RANDOM];
const QUESTIONS: [SongAnnotation, Mcq][] = ALL.flatMap((a, i) => mcqs(a, new Rng(500 + i), { perSong: 24 }).map((q): [SongAnnotation, Mcq] => [a, q]));

const ORD = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"];
const PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** The section a name like "the second verse" or "the bridge" refers to. */
function sectionNamed(a: SongAnnotation, name: string): SongAnnotation["temporal"]["sections"][number] | undefined {
  return a.temporal.sections.find((s) => {
    const noun = s.label === "solo" ? "solo section" : s.label;
    const many = a.temporal.sections.filter((x) => x.label === s.label).length > 1;
    return name === (many ? `the ${ORD[s.occurrence - 1]} ${noun}` : `the ${noun}`);
  });
}

/** The first section name mentioned in a question. */
function sectionIn(a: SongAnnotation, text: string): SongAnnotation["temporal"]["sections"][number] | undefined {
  const m = /the (?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth) )?(?:pre-chorus|chorus|verse|bridge|solo section|breakdown|drop|interlude|intro|outro)/i.exec(text);
  return m ? sectionNamed(a, m[0].replace(/^The/, "the")) : undefined;
}

function timeIn(text: string): number {
  const m = /\d+:\d{2}\.\d/.exec(text);
  assert.ok(m, `no time in "${text}"`);
  return parseTime(m[0])!;
}

/** When an instrument plays (rests under 2.5 s count as playing: a breath is not an exit). */
function playing(a: SongAnnotation, inst: string): { start: number; end: number }[] {
  const ivs: { start: number; end: number }[] = [];
  for (const iv of a.temporal.instruments.find((x) => x.instrument === inst)?.intervals ?? []) {
    const last = ivs[ivs.length - 1];
    if (last && iv.start - last.end < 2.5) last.end = iv.end;
    else ivs.push({ ...iv });
  }
  return ivs;
}

/** Whether an instrument plays (see playing). */
function plays(a: SongAnnotation, inst: string, from: number, to: number, throughout: boolean): boolean {
  const ivs = playing(a, inst);
  return throughout ? ivs.some((iv) => iv.start <= from && iv.end >= to) : ivs.some((iv) => iv.start < to && iv.end > from);
}

function keyOf(text: string): { pc: number; mode: string } {
  const m = /^([A-G])([#b]?) (\w+)$/.exec(text);
  assert.ok(m, `not a key: ${text}`);
  const pc = (PC[m[1]!]! + (m[2] === "#" ? 1 : m[2] === "b" ? -1 : 0) + 12) % 12;
  return { pc, mode: m[3]!.toLowerCase() };
}

function wrong(q: Mcq): string[] {
  return q.choices.filter((c) => c !== q.answer);
}

function ofCategory(category: string): [SongAnnotation, Mcq][] {
  const list = QUESTIONS.filter(([, q]) => q.category === category);
  assert.ok(list.length >= 10, `too few ${category} questions (${list.length}) to test`);
  return list;
}

test("every MCQ has four distinct choices, the answer among them, and a known split", () => {
  assert.ok(QUESTIONS.length > 1500);
  const ids = new Set<string>();
  for (const [, q] of QUESTIONS) {
    assert.equal(q.choices.length, 4);
    assert.equal(new Set(q.choices.map((c) => c.toLowerCase())).size, 4, `duplicate choices in ${JSON.stringify(q)}`);
    assert.ok(q.choices.includes(q.answer), q.id);
    assert.ok(q.split === "temporal" || q.split === "global");
    assert.ok(q.question.length > 10 && !q.question.includes("{"), q.question);
    assert.ok(!ids.has(q.id), `duplicate id ${q.id}`);
    ids.add(q.id);
  }
});

test("every category turns up, in both splits", () => {
  const cats = new Set(QUESTIONS.map(([, q]) => `${q.split}/${q.category}`));
  for (const c of ["temporal/section-timing", "temporal/section-order", "temporal/section-count", "temporal/instrument-timing",
    "temporal/at-time", "temporal/change", "temporal/event-order", "temporal/duration", "global/genre", "global/key", "global/mode",
    "global/tempo-class", "global/tempo-value", "global/metre", "global/instrumentation", "global/lead", "global/chord",
    "global/chord-quality", "global/mood"]) assert.ok(cats.has(c), `no ${c} questions`);
});

test("mcqs are deterministic per seed and differ between seeds", () => {
  const a = HAND[0]!;
  assert.deepEqual(mcqs(a, new Rng(3)), mcqs(a, new Rng(3)));
  assert.notDeepEqual(mcqs(a, new Rng(3)), mcqs(a, new Rng(4)));
});

test("times in choices and questions parse back with parseTime and are written by formatTime", () => {
  for (const [, q] of QUESTIONS) {
    for (const text of [q.question, ...q.choices]) {
      for (const m of text.matchAll(/\d+:\d{2}(?:\.\d)?/g)) {
        const t = parseTime(m[0]);
        assert.ok(t !== undefined, m[0]);
        assert.equal(formatTime(t), m[0], `"${m[0]}" is not in formatTime's form`);
      }
    }
  }
});

test("section-timing: the answer is the named section's start or end; wrong times are more than 1 s off", () => {
  for (const [a, q] of ofCategory("section-timing")) {
    const s = sectionIn(a, q.question);
    assert.ok(s, q.question);
    const truth = /\b(end|ends|over|finish)\b/.test(q.question) ? s.end : s.start;
    assert.equal(q.answer, formatTime(truth), q.question);
    for (const w of wrong(q)) assert.ok(Math.abs(parseTime(w)! - truth) > 1, `${q.question}: ${w}`);
  }
});

test("duration: the answer is the section's (or event's) length; wrong ones are more than 1 s off", () => {
  for (const [a, q] of ofCategory("duration")) {
    const s = sectionIn(a, q.question);
    const e = a.temporal.events.find((x) => q.question.includes(x.type === "solo" ? `${x.instrument} solo` : ` ${x.type} `));
    const truth = s ? s.end - s.start : e ? e.end - e.start : NaN;
    assert.equal(q.answer, formatTime(truth), q.question);
    for (const w of wrong(q)) assert.ok(Math.abs(parseTime(w)! - truth) > 1, `${q.question}: ${w}`);
  }
});

test("at-time: the section holding the time, or an instrument (not) sounding there", () => {
  for (const [a, q] of ofCategory("at-time")) {
    const t = timeIn(q.question);
    if (q.choices.every((c) => sectionNamed(a, c))) {
      const holds = (name: string) => { const s = sectionNamed(a, name)!; return s.start <= t && t < s.end; };
      assert.ok(holds(q.answer), q.question);
      for (const w of wrong(q)) assert.ok(!holds(w), `${q.question}: ${w}`);
      continue;
    }
    const silent = /(silent|not playing|resting|cannot)/.test(q.question);
    const on = (n: string) => plays(a, n, t - 1, t + 1, true);
    const off = (n: string) => !plays(a, n, t - 1, t + 1, false);
    assert.ok(silent ? off(q.answer) : on(q.answer), q.question);
    for (const w of wrong(q)) assert.ok(silent ? on(w) : off(w), `${q.question}: ${w}`);
  }
});

test("instrument-timing: first entries, final exits, and who enters at a time", () => {
  for (const [a, q] of ofCategory("instrument-timing")) {
    const inst = a.global.instruments.map((i) => i.name).find((n) => new RegExp(`(^|\\s)the ${n}\\b`, "i").test(q.question));
    if (inst) {
      const ivs = a.temporal.instruments.find((x) => x.instrument === inst)!.intervals;
      const truth = /first/.test(q.question) ? ivs[0]!.start : ivs[ivs.length - 1]!.end;
      assert.equal(q.answer, formatTime(truth), q.question);
      for (const w of wrong(q)) assert.ok(Math.abs(parseTime(w)! - truth) > 1, `${q.question}: ${w}`);
      continue;
    }
    const t = timeIn(q.question);
    const entersNear = (n: string, tol: number) => (a.temporal.instruments.find((x) => x.instrument === n)?.intervals ?? []).some((iv) => Math.abs(iv.start - t) <= tol);
    // The stated time is the entry rounded to a tenth.
    assert.ok(entersNear(q.answer, 0.051), q.question);
    for (const w of wrong(q)) assert.ok(!entersNear(w, 1), `${q.question}: ${w}`);
  }
});

test("section-count: the number of sections with that label", () => {
  for (const [a, q] of ofCategory("section-count")) {
    const labels = ["pre-chorus", "chorus", "verse", "bridge", "solo", "breakdown", "drop", "interlude"];
    const label = labels.find((l) => new RegExp(`\\b${l}(e?s)?\\b`).test(q.question.replace("solo section", "solo")) && !(l === "chorus" && /pre-chorus/.test(q.question)));
    const truth = label ? a.temporal.sections.filter((s) => s.label === label).length : a.temporal.sections.length;
    assert.equal(q.answer, String(truth), q.question);
  }
});

test("section-order: when the n-th section begins, or the one right after or before the section starting at a time", () => {
  const nthOf = (text: string): number => {
    const num = /number (\d+)/.exec(text);
    if (num) return Number(num[1]);
    const m = /(\w+) section/.exec(text);
    assert.ok(m, text);
    return ORD.indexOf(m[1]!) + 1 || ["ninth", "tenth", "eleventh", "twelfth"].indexOf(m[1]!) + 9;
  };
  for (const [a, q] of ofCategory("section-order")) {
    if (parseTime(q.answer) !== undefined) {
      const truth = a.temporal.sections[nthOf(q.question) - 1]?.start;
      assert.ok(truth !== undefined, `${q.question} (${a.temporal.sections.length} sections)`);
      assert.equal(q.answer, formatTime(truth), q.question);
      for (const w of wrong(q)) assert.ok(Math.abs(parseTime(w)! - truth) > 1, `${q.question}: ${w}`);
      continue;
    }
    const idx = (name: string) => a.temporal.sections.indexOf(sectionNamed(a, name)!);
    for (const c of q.choices) assert.ok(sectionNamed(a, c), `${q.question}: "${c}" names no section`);
    const t = timeIn(q.question);
    const ref = a.temporal.sections.find((s) => formatTime(s.start) === formatTime(t));
    assert.ok(ref, q.question);
    const truth = a.temporal.sections.indexOf(ref) + (/(after|follows|leads into which)/i.test(q.question) ? 1 : -1);
    assert.equal(idx(q.answer), truth, q.question);
    for (const w of wrong(q)) assert.notEqual(idx(w), truth);
  }
});

test("global facts: key, mode, tempo, metre, style, lead, mood, instrumentation", () => {
  for (const [a, q] of ofCategory("key")) {
    const k = keyOf(q.answer);
    assert.equal(k.pc, keyOf(`${a.global.key.tonic} ${a.global.key.mode}`).pc, q.id);
    assert.equal(k.mode, a.global.key.mode);
    for (const w of wrong(q)) assert.notDeepEqual(keyOf(w), k);
  }
  for (const [a, q] of ofCategory("mode")) assert.equal(q.answer.toLowerCase(), a.global.key.mode);
  for (const [a, q] of ofCategory("tempo-value")) {
    assert.equal(q.answer, `${Math.round(a.global.tempo)} BPM`);
    for (const w of wrong(q)) assert.ok(Math.abs(parseFloat(w) - a.global.tempo) >= 4, `${q.question}: ${w}`);
  }
  for (const [a, q] of ofCategory("tempo-class")) assert.equal(q.answer, a.global.tempoClass);
  for (const [a, q] of ofCategory("metre")) assert.equal(q.answer, `${a.global.metre.numerator}/${a.global.metre.denominator}`);
  for (const [a, q] of ofCategory("genre")) {
    const style = a.global.style.toLowerCase();
    assert.equal(q.answer.toLowerCase(), style);
    for (const w of wrong(q).map((x) => x.toLowerCase())) assert.ok(!w.includes(style) && !style.includes(w), `${style} vs ${w}`);
  }
  for (const [a, q] of ofCategory("lead")) assert.equal(q.answer, a.global.leadInstrument);
  for (const [a, q] of ofCategory("mood")) {
    assert.equal(q.answer, a.global.mood[0]);
    for (const w of wrong(q)) assert.ok(!(a.global.mood as string[]).includes(w));
  }
  for (const [a, q] of ofCategory("instrumentation")) {
    const names = a.global.instruments.map((i) => i.name);
    const absent = /(NOT|not|never|doesn't)/.test(q.question);
    assert.equal(names.includes(q.answer), !absent, q.question);
    for (const w of wrong(q)) assert.equal(names.includes(w), absent, `${q.question}: ${w}`);
    // An instrument offered as absent must not be part of a group the song has (a viola in "strings").
    const groups = a.global.instruments.filter((i) => /ensemble|section|strings|choir|kit/.test(i.name)).map((i) => i.family);
    const offeredAbsent = absent ? [q.answer] : wrong(q);
    for (const o of offeredAbsent) {
      const family = CATALOGUE.get(o)?.family;
      assert.ok(family === undefined || !groups.includes(family), `${q.question}: ${o} may be inside a group`);
    }
  }
});

test("chord: the chord sounding at the time; wrong chords sound nowhere near it", () => {
  for (const [a, q] of ofCategory("chord")) {
    const t = timeIn(q.question);
    const at = a.temporal.chords.find((c) => c.start <= t && t < c.end);
    assert.equal(q.answer, at?.symbol, q.question);
    const near = a.temporal.chords.filter((c) => c.start < t + 1 && c.end > t - 1).map((c) => c.symbol);
    for (const w of wrong(q)) assert.ok(!near.includes(w), `${q.question}: ${w}`);
  }
  const names: Record<string, string> = { maj: "major", min: "minor", "7": "dominant seventh", dim: "diminished", aug: "augmented" };
  for (const [a, q] of ofCategory("chord-quality")) {
    const secs = new Map<string, number>();
    for (const c of a.temporal.chords) secs.set(names[c.quality] ?? c.quality, (secs.get(names[c.quality] ?? c.quality) ?? 0) + c.end - c.start);
    if (/(most|dominates)/i.test(q.question)) {
      assert.equal(q.answer, [...secs].sort((x, y) => y[1] - x[1])[0]![0], q.question);
    } else {
      assert.ok(secs.has(q.answer), q.question);
      for (const w of wrong(q)) assert.ok(!secs.has(w), `${q.question}: ${w}`);
    }
  }
});

test("change: key/tempo/metre changes, when and to what", () => {
  for (const [a, q] of ofCategory("change")) {
    const keyTimes = a.temporal.keys.slice(1).map((k) => k.start);
    const tempoTimes = a.temporal.tempos.slice(1).map((k) => k.start);
    const metreTimes = a.temporal.metres.slice(1).map((k) => k.start);
    if (/BPM/.test(q.answer)) {
      const t = timeIn(q.question);
      assert.equal(q.answer, `${Math.round(a.temporal.tempos.find((x) => Math.abs(x.start - t) < 0.05)!.bpm)} BPM`);
    } else if (/\//.test(q.answer)) {
      const t = timeIn(q.question);
      const m = a.temporal.metres.find((x) => Math.abs(x.start - t) < 0.05)!.metre;
      assert.equal(q.answer, `${m.numerator}/${m.denominator}`);
    } else if (/^[A-G]/.test(q.answer)) {
      const t = timeIn(q.question);
      const k = a.temporal.keys.find((x) => Math.abs(x.start - t) < 0.05)!.key;
      assert.deepEqual(keyOf(q.answer), keyOf(`${k.tonic} ${k.mode}`));
    } else {
      const times = /key|modulate/.test(q.question) ? keyTimes : /tempo|speed/.test(q.question) ? tempoTimes : metreTimes;
      const truth = parseTime(q.answer)!;
      assert.ok(times.some((x) => formatTime(x) === q.answer), q.question);
      for (const w of wrong(q)) assert.ok(Math.abs(parseTime(w)! - truth) > 1);
    }
  }
});

test("event-order: the earliest or latest of the named moments", () => {
  const timeOf = (a: SongAnnotation, name: string): number | undefined => {
    const dropOut = /^the moment the (.+) first drops out$/.exec(name);
    if (dropOut) return playing(a, dropOut[1]!)[0]?.end;
    const back = /^the return of the (.+)$/.exec(name);
    if (back) return playing(a, back[1]!)[1]?.start;
    return a.temporal.events.find((e) => name === `the ${e.type === "solo" ? `${e.instrument} solo` : e.type.replace("-", " ").replace("stop", "full stop")}`)?.start;
  };
  for (const [a, q] of ofCategory("event-order")) {
    const times = q.choices.map((c) => timeOf(a, c));
    assert.ok(times.every((t) => t !== undefined), `${q.question}: ${q.choices.join(" / ")}`);
    const t = times as number[];
    const answerTime = t[q.choices.indexOf(q.answer)]!;
    if (/(first|earliest)/.test(q.question) && !/first to follow/.test(q.question)) assert.equal(answerTime, Math.min(...t), q.question);
    else if (/(last|latest)/.test(q.question)) assert.equal(answerTime, Math.max(...t), q.question);
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) assert.ok(Math.abs(t[i]! - t[j]!) >= 3, "moments too close to order by ear");
  }
});
