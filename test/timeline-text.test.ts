// The timeline written as text for the decoder (model/timeline-text.ts), the head-like errors training writes it
// with (train/timeline-noise.ts), which questions it answers (train/timeline-questions.ts), and the written-
// timeline recall sessions the chat stage trains on.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../src/cli/paths.js";
import type { SongAnnotation } from "../src/data/schema.js";
import { namedSections, sectionNames } from "../src/data/text/facts.js";
import { parseTime } from "../src/data/timefmt.js";
import { type TimedSection, timelineText } from "../src/model/timeline-text.js";
import { Rng } from "../src/music/rng.js";
import { DEFAULT_TIMELINE } from "../src/model/config.js";
import { loadModel, saveModel } from "../src/model/io.js";
import { withAudioView, withTimeline, withTimelineAsText } from "../src/model/rebuild.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { readChatSamples } from "../src/train/chat-samples.js";
import { TRAIN_AUGMENT } from "../src/train/config.js";
import { runLoop } from "../src/train/loop.js";
import { ChatStage } from "../src/train/stages/chat.js";
import { tinyModel, tinyTokenizerFile } from "./model-helpers.js";
import { SongFacts } from "../src/train/summary-words.js";
import { HEAD_LIKE_NOISE, misheardSections } from "../src/train/timeline-noise.js";
import { answerableFromTimeline, TIMELINE_CATEGORIES } from "../src/train/timeline-questions.js";

const song: TimedSection[] = [
  { start: 0, end: 7.4, label: "intro" }, { start: 7.4, end: 37.2, label: "verse" }, { start: 37.2, end: 52.1, label: "chorus" },
  { start: 52.1, end: 81.9, label: "verse" }, { start: 81.9, end: 96.8, label: "solo" }, { start: 96.8, end: 102.8, label: "outro" },
];

/** A section question's answer as its timeline text writes it: the count first, a time or length as is, a name after "section: ". */
function assertWrittenIn(text: string, category: string, answer: string): void {
  assert.ok(category === "section-count" ? text.startsWith(`${answer} sections.`) : text.includes(parseTime(answer) === undefined ? `: ${answer},` : answer), `${answer} in ${text}`);
}

test("timeline text: counted, numbered and named as the questions name sections, times as the options write them", () => {
  assert.equal(timelineText(song),
    "6 sections. first section: the intro, starts 0:00.0, ends 0:07.4, lasts 0:07.4. second section: the first verse, starts 0:07.4, ends 0:37.2, lasts 0:29.8. " +
    "third section: the chorus, starts 0:37.2, ends 0:52.1, lasts 0:14.9. fourth section: the second verse, starts 0:52.1, ends 1:21.9, lasts 0:29.8. " +
    "fifth section: the solo section, starts 1:21.9, ends 1:36.8, lasts 0:14.9. sixth section: the outro, starts 1:36.8, ends 1:42.8, lasts 0:06.0.");
  assert.equal(timelineText([{ start: 0, end: 30, label: "verse" }]), "1 section. first section: the verse, starts 0:00.0, ends 0:30.0, lasts 0:30.0.");
  assert.throws(() => timelineText([song[1]!, song[0]!]), /section 2 starts before section 1/);
  // The names are the question generators' (namedSections, which reads the annotation's occurrence numbers).
  const annotation = { temporal: { sections: song.map((s, i) => ({ ...s, bars: 8, occurrence: song.slice(0, i + 1).filter((x) => x.label === s.label).length })) } } as unknown as SongAnnotation;
  assert.deepEqual(sectionNames(song).map((n) => n.name), namedSections(annotation).map((s) => s.name));
});

test("misheard timelines: tile the song, boundaries at least 2 s apart, as often wrong as the head", () => {
  assert.deepEqual(misheardSections(song, 102.8, new Rng(1), { ...HEAD_LIKE_NOISE, exact: 1 }), song);
  const none = { exact: 0, jitter: 0, miss: 0, stray: 0, extra: 0, relabel: 0 };
  assert.deepEqual(misheardSections(song, 110, new Rng(2), none).map((s) => [s.start, s.label]), song.map((s) => [s.start, s.label]), "no noise: the same starts and labels");
  assert.equal(misheardSections(song, 110, new Rng(2), none).at(-1)!.end, 110, "the last section runs to the song's end, as the head reads it");
  assert.equal(misheardSections(song, 110, new Rng(3), { ...none, miss: 1 }).length, 1, "every boundary missed: one section");

  let boundaries = 0, kept = 0, relabelled = 0, exact = 0;
  for (let seed = 0; seed < 400; seed++) {
    const heard = misheardSections(song, 102.8, new Rng(seed));
    assert.equal(heard[0]!.start, 0);
    assert.equal(heard.at(-1)!.end, 102.8);
    heard.forEach((s, i) => {
      if (i > 0) assert.ok(s.start - heard[i - 1]!.start >= 2 - 1e-9 && s.start === heard[i - 1]!.end, `seed ${seed}: ${JSON.stringify(heard)}`);
      assert.equal(Math.round(s.start * 10) / 10, s.start, "tenths, as the head writes them");
    });
    if (JSON.stringify(heard) === JSON.stringify(song)) exact++;
    for (const truth of song.slice(1)) {
      boundaries++;
      const near = heard.find((s) => Math.abs(s.start - truth.start) <= 1);
      if (near) kept++;
      if (near && near.label !== truth.label) relabelled++;
    }
  }
  assert.ok(exact >= 60 && exact <= 110, `about a fifth written exactly (${exact} of 400)`);
  assert.ok(kept / boundaries > 0.75 && kept / boundaries < 0.92, `most boundaries found within 1 s (${(kept / boundaries).toFixed(3)}; the head's recall 0.83)`);
  assert.ok(relabelled / kept > 0.05 && relabelled / kept < 0.25, `some found ones mislabelled (${(relabelled / kept).toFixed(3)})`);
});

test("questions a timeline answers: section timing, order, count; a section's length; the section at a time", () => {
  const a = { temporal: { sections: song.map((s, i) => ({ ...s, bars: 8, occurrence: song.slice(0, i + 1).filter((x) => x.label === s.label).length })) } } as unknown as SongAnnotation;
  const q = (category: string, question: string, answer: string) => answerableFromTimeline({ category, question, answer }, a);
  assert.ok(q("section-count", "How many sections?", "6"));
  assert.ok(q("section-timing", "When does the chorus start?", "0:37.2"));
  assert.ok(q("duration", "How long is the second verse?", "0:29.8"));
  assert.ok(!q("duration", "How long is the distortion guitar solo?", "0:14.9"), "a solo event's length, not a section's");
  assert.ok(!q("duration", "How long is the verse?", "0:29.8"), "no section is called \"the verse\" in a song of two");
  assert.ok(q("at-time", "Which section is playing at 1:00.0?", "the second verse"));
  assert.ok(!q("at-time", "Which instrument is playing at 1:00.0?", "flute"));
  assert.ok(!q("instrument-timing", "When does the flute come in?", "0:37.2"));
  assert.ok(!q("key", "Which key?", "A minor"));
});

test("written-timeline recall sessions: a song's section and summary questions, answered with the option's text; the chat stage trains on them", async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gamma-timeline-text-")), "set");
  const made = spawnSync(process.execPath, [path.join(repoRoot(), "bin/gamma.js"), "data", "synth", "--songs", "12", "--seed", "41", "--text-only", "--workers", "1", "--out", out], { encoding: "utf8", timeout: 120_000 });
  assert.equal(made.status, 0, made.stderr);
  const { train, heldOut } = readChatSamples([out], ["recall-written-timeline-session"]);
  const sessions = [...train, ...heldOut];
  assert.ok(sessions.length >= 12 && sessions.every((s) => s.kind === "recall-written-timeline-session" && s.writtenTimeline && s.writtenSummary && s.summaryOnly));
  const records = fs.readFileSync(path.join(out, "mcq.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { audio: string; question: string; answer: string; category: string });
  const facts = new SongFacts();
  const categories = sessions.flatMap((s) => s.turnCategories ?? []);
  for (const c of ["section-timing", "section-order", "section-count", "key"]) assert.ok(categories.includes(c), `${c} questions are asked`);
  assert.ok(!categories.includes("instrument-timing") && !categories.includes("chord"), "nothing the summary and the timeline do not hold");
  // Each section question's answer is in the song's timeline as written: a time, a length, a name or the count.
  let checked = 0;
  for (const s of sessions) {
    const text = timelineText(facts.get(s.audio).temporal.sections);
    s.messages.forEach((m, i) => {
      const category = s.turnCategories![Math.floor(i / 2)];
      if (m.role !== "assistant" || !TIMELINE_CATEGORIES.has(category!)) return;
      const answer = m.content as string;
      assertWrittenIn(text, category!, answer);
      checked++;
    });
  }
  assert.ok(checked >= 20, `${checked} section answers checked`);
  assert.ok(records.length > checked);

  // Reading drills: one session a song, every question one the timeline answers, its answer written there, and
  // several times as many section questions a song as the dataset's own dozen hold.
  const drills = (() => { const d = readChatSamples([out], ["recall-timeline-drill-session"]); return [...d.train, ...d.heldOut]; })();
  assert.equal(new Set(drills.map((s) => s.audio)).size, drills.length, "one drill a song");
  assert.equal(drills.length, new Set(records.map((r) => r.audio)).size);
  let drilled = 0;
  for (const s of drills) {
    assert.ok(s.kind === "recall-timeline-drill-session" && s.writtenTimeline && s.writtenSummary && s.summaryOnly);
    const text = timelineText(facts.get(s.audio).temporal.sections);
    s.messages.forEach((m, i) => {
      if (m.role !== "assistant") return;
      const category = s.turnCategories![Math.floor(i / 2)]!;
      const answer = m.content as string;
      assert.ok(TIMELINE_CATEGORIES.has(category), category);
      assertWrittenIn(text, category, answer);
      drilled++;
    });
  }
  const datasetSectionQuestions = records.filter((r) => answerableFromTimeline(r, facts.get(path.resolve(out, r.audio)))).length;
  assert.ok(drilled >= 2 * datasetSectionQuestions, `${drilled} drill questions against the dataset's ${datasetSectionQuestions}`);
  const again = readChatSamples([out], ["recall-timeline-drill-session"]);
  assert.deepEqual([...again.train, ...again.heldOut].map((s) => s.messages), drills.map((s) => s.messages), "a song's drill is the same at every read (seeded by the song)");

  // Drills over random times: the song's sections moved (same labels, 4-40 s each, in tenths), the questions and
  // the written timeline both about the moved ones.
  const randomDrills = (() => { const d = readChatSamples([out], ["recall-random-timeline-drill-session"]); return { ...d, all: [...d.train, ...d.heldOut] }; })();
  assert.equal(randomDrills.all.length, drills.length);
  let moved = 0;
  for (const s of randomDrills.all) {
    const truth = facts.get(s.audio).temporal.sections, own = s.timeline!;
    assert.deepEqual(own.map((x) => x.label), truth.map((x) => x.label));
    own.forEach((x, i) => {
      assert.ok(x.end - x.start >= 4 - 1e-9 && x.end - x.start <= 40 + 1e-9 && Math.abs(x.end * 10 - Math.round(x.end * 10)) < 1e-6, JSON.stringify(x));
      if (i > 0) assert.equal(x.start, own[i - 1]!.end);
    });
    if (own.some((x, i) => x.start !== truth[i]!.start)) moved++;
    const text = timelineText(own);
    s.messages.forEach((m, i) => {
      if (m.role !== "assistant") return;
      const answer = m.content as string, category = s.turnCategories![Math.floor(i / 2)]!;
      assertWrittenIn(text, category, answer);
    });
  }
  assert.equal(moved, randomDrills.all.length, "every song's sections moved");

  // The chat stage trains the decoder on them and leaves the timeline head as it was.
  const model = withTimelineAsText(withAudioView(withTimeline(tinyModel(1, (c) => { c.projector.summaryTokens = 19; }), DEFAULT_TIMELINE), { summaryAsWords: true, summaryOnly: true }), true);
  const head = "timeline.layers.0.attn.q_proj.weight", before = Array.from(model.stateDict().get(head)!.toFloat32Array());
  const initDir = path.join(out, "init");
  saveModel(initDir, model, tinyTokenizerFile());
  const stage = new ChatStage({
    model, tokenizer: loadTokenizer(tinyTokenizerFile()), initDir, train: [...train, ...randomDrills.train], heldOut: [...sessions, ...randomDrills.all], trainable: ["llm"], seed: 0,
    featureDir: path.join(out, "features"), variants: 1, augment: TRAIN_AUGMENT, evalSamples: 0, evalMcqs: 4,
  });
  const loop = { steps: 2, gradAccum: 2, lr: 1e-3, minLrRatio: 1, warmupSteps: 0, weightDecay: 0.5, clipNorm: 1, seed: 0, logEvery: 1, evalEvery: 2, checkpointEvery: 2, keepCheckpoints: 1 };
  const result = await runLoop(stage, loop, path.join(out, "run"), "sft");
  assert.equal(result.step, 2);
  assert.ok(Number.isFinite(result.lastEval!.accuracy_recall!) && result.lastEval!["accuracy_recall_section-count"] !== undefined, JSON.stringify(result.lastEval));
  for (const kind of ["recall-written-timeline-session", "recall-random-timeline-drill-session"])
    assert.ok(Number.isFinite(result.lastEval![`accuracy_${kind}`]!), `held-out recall of ${kind}: ${JSON.stringify(result.lastEval)}`);
  assert.deepEqual(Array.from(stage.module.stateDict().get(head)!.toFloat32Array()), before, "the head is unchanged");
  assert.equal(loadModel(path.join(out, "run", "model")).config.timeline!.asText, true, "the trained model reads its timeline");
});
