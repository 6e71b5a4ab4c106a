// The "music report" of stage-2 training: an overview paragraph of the global facts, then a timeline with one
// entry per section (start–end, bars, who plays, chords) and what happens inside it: key, tempo and metre
// changes, events, instruments coming in and dropping out. Every time is written with formatTime.
import type { Rng } from "../../music/rng.js";
import type { SongAnnotation } from "../schema.js";
import { formatTime } from "../timefmt.js";
import {
  eventNoun, groupChanges, instrumentChanges, instrumentsIn, keyChanges, metreChanges, namedSections, sectionIndexAt, tempoChanges,
  type NamedSection,
} from "./facts.js";
import { chordSummary, factPhrases, styleText } from "./phrases.js";
import { keyName, metreName } from "./theory.js";
import { capitalize, listJoin, say, sentence, withArticle } from "./words.js";

export function report(a: SongAnnotation, rng: Rng): string {
  const sections = namedSections(a);
  const lines = [overview(a, sections, rng), "", rng.pick(["Timeline:", "Section by section:", "Structure and timeline:"])];
  const notes = sectionNotes(a, rng);
  for (const s of sections) lines.push(sectionLine(a, s, notes[s.index] ?? [], rng));
  return lines.join("\n");
}

function overview(a: SongAnnotation, sections: NamedSection[], rng: Rng): string {
  const f = factPhrases(a, rng);
  const g = a.global;
  const out = [
    sentence(`${say(rng, ["This is", "The recording is", "We hear"])} ${withArticle(`${styleText(g.style)} ${rng.pick(["piece", "track", "song"])}`)} ${f.key.modifier}, ${f.tempo.modifier} (${g.tempoClass}) ${f.metre.modifier}`),
  ];
  if (g.instruments.length > 0) {
    const lead = f.lead ? `, ${f.lead.modifier}` : "";
    const verbs = g.instruments.length > 1 ? ["It features", "The instruments are", "It is played on"] : ["It features", "It is played on"];
    out.push(sentence(`${say(rng, verbs)} ${listJoin(g.instruments.map((i) => i.name))}${lead}`));
  }
  out.push(sentence(`${g.mood.length > 0 ? `The mood is ${listJoin(g.mood)}, and the` : "The"} song ${f.duration.predicate}`));
  if (sections.length > 0) out.push(sentence(`Form: ${sections.map((s) => s.title.toLowerCase()).join(" – ")}`));
  const changes = [
    ...keyChanges(a).map((c) => `the key moves from ${keyName(c.from)} to ${keyName(c.to)} at ${formatTime(c.time)}`),
    ...tempoChanges(a).map((c) => `the tempo goes from ${Math.round(c.from)} to ${Math.round(c.to)} BPM at ${formatTime(c.time)}`),
    ...metreChanges(a).map((c) => `the metre changes from ${metreName(c.from)} to ${metreName(c.to)} at ${formatTime(c.time)}`),
  ];
  if (changes.length > 0) out.push(sentence(`Along the way ${listJoin(changes)}`));
  return out.join(" ");
}

/** What happens inside each section, by section index, in time order. */
function sectionNotes(a: SongAnnotation, rng: Rng): string[][] {
  const notes: { time: number; text: string; section: number }[] = [];
  const at = (t: number) => Math.max(0, sectionIndexAt(a, t + 0.01));
  for (const c of keyChanges(a)) {
    notes.push({ time: c.time, section: at(c.time), text: say(rng, ["the key changes from {f} to {t} at {at}", "at {at} the music modulates from {f} to {t}"], { f: keyName(c.from), t: keyName(c.to), at: formatTime(c.time) }) });
  }
  for (const c of tempoChanges(a)) {
    notes.push({ time: c.time, section: at(c.time), text: say(rng, ["the tempo changes from {f} to {t} BPM at {at}", "at {at} the tempo moves from {f} to {t} BPM"], { f: String(Math.round(c.from)), t: String(Math.round(c.to)), at: formatTime(c.time) }) });
  }
  for (const c of metreChanges(a)) {
    notes.push({ time: c.time, section: at(c.time), text: `the metre switches from ${metreName(c.from)} to ${metreName(c.to)} at ${formatTime(c.time)}` });
  }
  for (const e of a.temporal.events) {
    // Changes are told above with their from and to.
    if (e.type === "key-change" || e.type === "tempo-change" || e.type === "metre-change") continue;
    const span = e.end - e.start >= 0.5 ? `from ${formatTime(e.start)} to ${formatTime(e.end)}` : `at ${formatTime(e.start)}`;
    notes.push({ time: e.start, section: at(e.start), text: `${withArticle(eventNoun(e))} ${span}` });
  }
  for (const group of groupChanges(instrumentChanges(a))) {
    const names = listJoin(group.map((c) => `the ${c.instrument}`));
    const c = group[0]!;
    const verb = c.kind === "enter"
      ? rng.pick(group.length > 1 ? ["come in", "enter", "join"] : ["comes in", "enters", "joins"])
      : rng.pick(group.length > 1 ? ["drop out", "stop"] : ["drops out", "stops"]);
    // An exit at a section's last moment belongs to the section it ends.
    const section = c.kind === "exit" ? Math.max(0, sectionIndexAt(a, c.time - 0.01)) : at(c.time);
    notes.push({ time: c.time, section, text: `${names} ${verb} at ${formatTime(c.time)}` });
  }
  const out: string[][] = [];
  for (const n of notes.sort((x, y) => x.time - y.time)) (out[n.section] ??= []).push(n.text);
  return out;
}

function sectionLine(a: SongAnnotation, s: NamedSection, notes: string[], rng: Rng): string {
  const playing = instrumentsIn(a, s.start, s.end);
  const chords = a.temporal.chords.filter((c) => c.end > s.start + 0.05 && c.start < s.end - 0.05);
  const head = `${formatTime(s.start)}–${formatTime(s.end)} ${s.title} (${s.bars} ${s.bars === 1 ? "bar" : "bars"})`;
  const who = playing.length > 0 ? `${capitalize(listJoin(playing))}` : "A near-silent passage";
  const parts = [`${head}: ${who}.`];
  if (chords.length > 0) parts.push(`${rng.pick(["Chords", "Harmony"])}: ${chordSummary(chords)}.`);
  if (notes.length > 0) parts.push(sentence(notes.join("; ")));
  return parts.join(" ");
}
