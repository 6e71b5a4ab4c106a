// Captions, reports and dialogues: deterministic, varied, true to the facts, with every time written by
// formatTime and matching a fact.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SongAnnotation } from "../src/data/schema.js";
import { captions, dialogue, mcqs, report } from "../src/data/text/index.js";
import { formatTime, parseTime } from "../src/data/timefmt.js";
import { Rng } from "../src/music/rng.js";
import { buildSong, handMadeSongs, randomSongs } from "./text-songs.js";

const SONGS = [...handMadeSongs(), ...randomSongs(40, 5)];

/** Every time a text about this song may state, formatted. */
function factTimes(a: SongAnnotation): Set<string> {
  const t = a.temporal;
  const times = [
    a.global.duration,
    ...t.sections.flatMap((s) => [s.start, s.end, s.end - s.start]),
    ...t.events.flatMap((e) => [e.start, e.end]),
    ...t.instruments.flatMap((i) => i.intervals.flatMap((iv) => [iv.start, iv.end])),
    ...t.keys.map((k) => k.start), ...t.tempos.map((k) => k.start), ...t.metres.map((k) => k.start),
  ];
  return new Set(times.map(formatTime));
}

/** Asserts every m:ss.s in the text parses back and is a fact time (or, in dialogues, a time a user asked about). */
function checkTimes(text: string, allowed: Set<string>, where: string): void {
  for (const m of text.matchAll(/\d+:\d{2}(?:\.\d+)?/g)) {
    const t = parseTime(m[0]);
    assert.ok(t !== undefined, `${where}: "${m[0]}" does not parse`);
    assert.equal(formatTime(t), m[0], `${where}: "${m[0]}" is not written by formatTime`);
    assert.ok(allowed.has(m[0]), `${where}: ${m[0]} is no fact time`);
  }
}

test("captions: deterministic, all different, true to the facts", () => {
  for (const [i, a] of SONGS.entries()) {
    const c = captions(a, new Rng(i), 8);
    assert.deepEqual(c, captions(a, new Rng(i), 8));
    assert.equal(c.length, 8, a.id);
    assert.equal(new Set(c).size, c.length, `${a.id}: repeated caption`);
    for (const text of c) {
      assert.ok(text.length > 20 && !/[{}]|undefined|NaN/.test(text), text);
      checkTimes(text, new Set([formatTime(a.global.duration)]), a.id);
      for (const m of text.matchAll(/(\d+) (BPM|beats per minute)/g)) assert.equal(Number(m[1]), Math.round(a.global.tempo), text);
    }
  }
  assert.notDeepEqual(captions(SONGS[0]!, new Rng(1)), captions(SONGS[0]!, new Rng(2)));
});

test("captions of one song differ in wording, not only in order", () => {
  const a = SONGS[1]!;
  const c = captions(a, new Rng(9), 10);
  const shapes = new Set(c.map((x) => x.split(/\s+/).slice(0, 2).join(" ")));
  assert.ok(shapes.size >= 5, `openings too alike: ${[...shapes].join(" | ")}`);
});

test("reports: an overview, then every section with its times; every time is a fact", () => {
  for (const [i, a] of SONGS.entries()) {
    const r = report(a, new Rng(i));
    assert.equal(r, report(a, new Rng(i)));
    const [overview] = r.split("\n");
    assert.ok(overview!.includes(`${Math.round(a.global.tempo)} `) && overview!.includes(a.global.leadInstrument), overview);
    const counts = new Map<string, number>();
    for (const s of a.temporal.sections) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
    for (const s of a.temporal.sections) {
      const noun = s.label === "solo" ? "solo section" : s.label;
      const title = noun[0]!.toUpperCase() + noun.slice(1) + ((counts.get(s.label) ?? 0) > 1 ? ` ${s.occurrence}` : "");
      assert.ok(r.includes(`${formatTime(s.start)}–${formatTime(s.end)} ${title} (${s.bars} bar`), `${a.id}: no line for ${title}`);
    }
    checkTimes(r, factTimes(a), a.id);
    for (const e of a.temporal.events.filter((x) => x.type === "solo" || x.type === "drum-fill" || x.type === "break")) {
      assert.ok(r.includes(formatTime(e.start)), `${a.id}: ${e.type} at ${formatTime(e.start)} not reported`);
    }
  }
});

test("dialogues: alternate roles from a user turn with <audio>; answers hold the facts", () => {
  for (const [i, a] of SONGS.entries()) {
    const d = dialogue(a, new Rng(i), 6);
    assert.deepEqual(d, dialogue(a, new Rng(i), 6));
    assert.equal(d.length, 12, a.id);
    d.forEach((turn, k) => {
      assert.equal(turn.role, k % 2 === 0 ? "user" : "assistant");
      assert.equal(turn.content.includes("<audio>"), k === 0, `${a.id} turn ${k}: ${turn.content}`);
      assert.ok(turn.content.length > 1 && !/[{}]|undefined|NaN/.test(turn.content), turn.content);
    });
    // Users may ask about any time; answers state fact times only.
    for (const turn of d.filter((x) => x.role === "assistant")) checkTimes(turn.content, factTimes(a), `${a.id}: ${turn.content}`);
    for (let k = 0; k + 1 < d.length; k += 2) {
      const q = d[k]!.content, ans = d[k + 1]!.content;
      if (/What key|Which key|the key\?/.test(q) && a.temporal.keys.length === 1) assert.ok(ans.includes(` major`) || ans.includes(" minor") || /[A-G][#b]? [A-Z]/.test(ans));
      if (/lead instrument|has the melody|plays the tune/.test(q)) assert.ok(ans.includes(a.global.leadInstrument), ans);
      if (/How long is it|length of the track/.test(q)) assert.ok(ans.includes(formatTime(a.global.duration)), ans);
      const start = /When does (the .+) start\?|Where does (the .+) begin\?|At what time does (the .+) come in\?/.exec(q);
      const s = start && a.temporal.sections.find((x) => ans.startsWith(`At ${formatTime(x.start)}; it runs until ${formatTime(x.end)}`));
      if (start) assert.ok(s, `${q} -> ${ans}`);
    }
  }
});

test("dialogue follow-ups refer back: 'and after that?' names the section after the one before", () => {
  let checked = 0;
  for (const [i, a] of SONGS.entries()) {
    const d = dialogue(a, new Rng(100 + i), 10);
    const spanOf = (text: string) => /from (\d+:\d{2}\.\d) to (\d+:\d{2}\.\d)|At (\d+:\d{2}\.\d); it runs until (\d+:\d{2}\.\d)|\((\d+:\d{2}\.\d) to (\d+:\d{2}\.\d)\)/.exec(text);
    for (let k = 2; k + 1 < d.length; k += 2) {
      if (!/^(And after that\?|What comes next\?|And then\?)$/.test(d[k]!.content)) continue;
      const prev = spanOf(d[k - 1]!.content), cur = spanOf(d[k + 1]!.content);
      if (!prev || !cur) continue;
      const prevEnd = prev[2] ?? prev[4] ?? prev[6];
      const curStart = cur[1] ?? cur[3] ?? cur[5];
      assert.equal(curStart, prevEnd, `${d[k - 1]!.content} -> ${d[k + 1]!.content}`);
      checked++;
    }
  }
  assert.ok(checked > 3, `only ${checked} follow-ups checked`);
});

test("sparse songs (one section, no chords, no mood, drums only) still give valid text", () => {
  const a = buildSong({
    id: "sparse", style: "march", key: { tonic: "G", mode: "major" }, tempo: 112, metre: { numerator: 2, denominator: 4 },
    form: [["verse", 8]], parts: [{ name: "drum kit", family: "drums", role: "drums" }], lead: "", mood: [],
  });
  a.temporal.chords = [];
  const empty: SongAnnotation = { ...a, temporal: { ...a.temporal, sections: [], instruments: [], events: [] }, global: { ...a.global, instruments: [] } };
  for (const song of [a, empty]) {
    const rng = new Rng(1);
    for (const c of captions(song, rng, 4)) assert.ok(!/undefined|NaN| ,|\.\./.test(c), c);
    const r = report(song, rng);
    assert.ok(!/undefined|NaN/.test(r), r);
    const d = dialogue(song, rng, 4);
    assert.ok(d.length >= 2 && d[0]!.content.includes("<audio>"));
    for (const q of mcqs(song, rng)) assert.equal(new Set(q.choices).size, 4);
  }
});
