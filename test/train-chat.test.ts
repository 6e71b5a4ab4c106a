// Stage 1/2 conversations from a dataset's text files: captions with varied prompts, reports and dialogues with
// the audio where "<audio>" was, MCQs posed as `gamma bench` poses them with uniform answer letters.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { PARSERS } from "../src/eval/parse.js";
import { TIME_FREE_CATEGORIES } from "../src/data/text/mcq.js";
import { BASE_SUMMARY_TOKENS, summaryCategories, summaryWordTargets, withHeardFacts } from "../src/train/summary-words.js";
import type { SongAnnotation } from "../src/data/schema.js";

const SUMMARY_CATEGORIES = summaryCategories(BASE_SUMMARY_TOKENS);
import * as F from "../src/engine/functional.js";
import { tensor } from "../src/engine/tensor.js";
import { IGNORE_INDEX } from "../src/model/inputs.js";
import type { ChatMessage, ChatPart } from "../src/model/tokenizer/chat.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { answerLoss, chatInputs, clipSummary, exactAnswers } from "../src/train/chat-inputs.js";
import { misheardFacts, readChatSamples } from "../src/train/chat-samples.js";
import { songOfAudio } from "../src/train/text-documents.js";
import { assertClose } from "./helpers.js";
import { randomMel, tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-"));
const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const songs = Array.from({ length: 40 }, (_, i) => `song-${i}`);
fs.writeFileSync(path.join(dir, "captions.jsonl"), lines(songs.map((s) => ({ id: `${s}-cap0`, audio: `audio/${s}.wav`, caption: `A calm piece, ${s}.` }))));
const report = (s: string) => `A waltz in A minor, ${s}, at 96 BPM in 3/4.\n\nSection by section:\n0:00.0-0:12.0 Verse 1.`;
fs.writeFileSync(path.join(dir, "sft.jsonl"), lines(songs.flatMap((s) => [{
  id: `${s}-dialogue`, audio: `audio/${s}.wav`, kind: "dialogue",
  messages: [{ role: "user", content: "<audio>\nWhat key is it in?" }, { role: "assistant", content: "A minor." }, { role: "user", content: "And the tempo?" }, { role: "assistant", content: "96 BPM." }],
}, {
  id: `${s}-report`, audio: `audio/${s}.wav`, kind: "report",
  messages: [{ role: "user", content: "<audio>\nDescribe this song section by section, with times." }, { role: "assistant", content: report(s) }],
}])));
fs.writeFileSync(path.join(dir, "mcq.jsonl"), lines(songs.flatMap((s) => Array.from({ length: 5 }, (_, q) => ({
  id: `${s}-q${q}`, audio: `audio/${s}.wav`, question: "What is the metre?", choices: ["4/4", "3/4", "6/8", "7/8"], answer: "3/4", split: q % 2 ? "temporal" : "global", category: "metre",
})))));
// The same songs as a text-only dataset: no audio to hear.
const textOnlyDir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-text-"));
for (const f of ["captions.jsonl", "sft.jsonl", "mcq.jsonl"]) fs.copyFileSync(path.join(dir, f), path.join(textOnlyDir, f));
fs.writeFileSync(path.join(textOnlyDir, "dataset.json"), JSON.stringify({ config: { textOnly: true } }));

// Questions about the summary's facts (key, genre, mood) and one it does not hold (metre).
const recallDir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-recall-"));
const asks = [["Which key?", "A minor", "key"], ["Which genre?", "waltz", "genre"], ["What is the metre?", "3/4", "metre"], ["How does it feel?", "calm", "mood"]];
fs.writeFileSync(path.join(recallDir, "mcq.jsonl"), lines(songs.flatMap((song) => asks.map(([question, answer, category], q) => ({
  id: `${song}-q${q}`, audio: `audio/${song}.wav`, question, choices: [answer, "x", "y", "z"], answer, split: "global", category,
})))));

test("conversations: audio goes where <audio> was, later turns are text, songs split as in stage 0", () => {
  const { train, heldOut } = readChatSamples([dir], ["caption", "dialogue", "mcq"]);
  assert.equal(train.length + heldOut.length, 40 * 7);
  const dialogue = train.find((s) => s.kind === "dialogue")!;
  assert.deepEqual(dialogue.messages[0]!.content, [{ type: "audio", clip: path.join(dir, dialogue.audio.slice(dir.length + 1)) }, { type: "text", text: "What key is it in?" }]);
  assert.equal(dialogue.messages[2]!.content, "And the tempo?");
  const heldSongs = new Set(heldOut.map((s) => s.audio));
  assert.ok(train.every((s) => !heldSongs.has(s.audio)), "no song is in both splits");
  assert.ok(new Set(train.filter((s) => s.kind === "caption").map((s) => (s.messages[0]!.content as unknown as { text?: string }[])[1]!.text)).size > 3, "caption prompts vary");
  const reports = readChatSamples([dir], ["report"]);
  assert.equal(reports.train.length + reports.heldOut.length, 40, "one report a song, asked for only when named");
});

test("MCQs are posed in all three prompt styles, answered so that the bench's parser reads the right option", () => {
  const mcqs = [...readChatSamples([dir], ["mcq"]).train, ...readChatSamples([dir], ["mcq"]).heldOut];
  const letters = new Map<number, number>();
  const styles = new Set<string>();
  for (const s of mcqs) {
    const q = s.mcq!;
    styles.add(q.style);
    letters.set(q.answer, (letters.get(q.answer) ?? 0) + 1);
    const reply = s.messages[1]!.content as string;
    assert.equal(PARSERS[q.style](reply, q.options), q.answer, reply);
    if (q.style === "gamma") assert.match(reply, /^<answer>\([A-D]\) 3\/4<\/answer>$/);
    if (q.style === "think") assert.match(reply, /^<think>[^<]+<\/think><answer>\([A-D]\) 3\/4<\/answer>$/);
  }
  assert.deepEqual([...styles].sort(), ["gamma", "muchomusic", "think"]);
  for (const [, n] of letters) assert.ok(n > 25 && n < 75, `answer letters should be near uniform: ${[...letters]}`);
});

test("text-first answers name the option by its text, then its letter, and every parser reads them right", () => {
  const mcqs = readChatSamples([dir], ["mcq"], { answerOrder: "text-first" }).train;
  const letterFirst = readChatSamples([dir], ["mcq"]).train;
  assert.equal(mcqs.length, letterFirst.length);
  for (const [i, s] of mcqs.entries()) {
    const q = s.mcq!, reply = s.messages[1]!.content as string;
    assert.deepEqual(q, letterFirst[i]!.mcq, "the same question and options");
    assert.equal(PARSERS[q.style](reply, q.options), q.answer, reply);
    const letter = String.fromCharCode(65 + q.answer);
    if (q.style === "muchomusic") assert.equal(reply, `3/4 (${letter})`);
    else assert.ok(reply.endsWith(`<answer>3/4 (${letter})</answer>`), reply);
  }
});

test("promptStyles poses every MCQ in the named styles only, evenly among them, the same question in the same style each time", () => {
  const all = (styles?: ("muchomusic" | "gamma" | "think")[]) => [...readChatSamples([dir], ["mcq"], { promptStyles: styles }).train, ...readChatSamples([dir], ["mcq"], { promptStyles: styles }).heldOut];
  const think = all(["think"]);
  assert.ok(think.length > 0 && think.every((s) => s.mcq!.style === "think"));
  const two = all(["gamma", "think"]);
  const gammaShare = two.filter((s) => s.mcq!.style === "gamma").length / two.length;
  assert.ok(gammaShare > 0.35 && gammaShare < 0.65, `styles drawn evenly: ${gammaShare}`);
  assert.deepEqual(all(["gamma", "think"]).map((s) => s.mcq!.style), two.map((s) => s.mcq!.style), "drawn from the question's id");
  assert.deepEqual(think.map((s) => s.mcq!.options), all().map((s) => s.mcq!.options), "the options' order does not depend on the style");
});

test("mcq sessions: each song's questions once, at most 12 a conversation, the audio with the first only", () => {
  // 15 questions for song-0 (more than one session), 5 for the others.
  const extra = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-")), "d");
  fs.mkdirSync(extra);
  fs.writeFileSync(path.join(extra, "mcq.jsonl"), lines(Array.from({ length: 15 }, (_, q) => ({
    id: `big-q${q}`, audio: "audio/big.wav", question: `Question ${q}?`, choices: ["a", "b", "c", "d"], answer: "c", split: "global", category: "metre",
  }))));
  const all = [dir, extra].flatMap((d) => { const r = readChatSamples([d], ["mcq", "mcq-session"]); return [...r.train, ...r.heldOut]; });
  const singles = all.filter((s) => s.kind === "mcq"), sessions = all.filter((s) => s.kind === "mcq-session");
  assert.equal(singles.length, 40 * 5 + 15);
  assert.equal(sessions.length, 40 + 2);
  const big = sessions.filter((s) => s.audio.endsWith("big.wav"));
  assert.deepEqual(big.map((s) => s.messages.length / 2).sort((a, b) => a - b), [3, 12]);
  for (const s of sessions) {
    const users = s.messages.filter((m) => m.role === "user");
    const audioParts = users.map((m) => (typeof m.content === "string" ? [] : m.content.filter((p) => p.type === "audio")).length);
    assert.deepEqual(audioParts, users.map((_, i) => (i === 0 ? 1 : 0)), "audio only in the first question");
    // Each turn is the single-question sample's prompt and answer.
    for (let i = 0; i < s.messages.length; i += 2) {
      const answer = s.messages[i + 1]!.content as string;
      const single = singles.find((q) => q.audio === s.audio && q.messages[1]!.content === answer && JSON.stringify(q.messages[0]!.content).includes(JSON.stringify((s.messages[i]!.content as { type: string; text?: string }[]).find((p) => p.type === "text")!.text)));
      assert.ok(single, `turn ${i / 2} of ${s.id} matches a single question`);
    }
  }
  // Every question of the big song is asked exactly once across its sessions.
  const asked = big.flatMap((s) => s.messages.filter((m) => m.role === "user").map((m) => (m.content as { type: string; text?: string }[]).find((p) => p.type === "text")!.text!.match(/Question \d+/)![0]));
  assert.deepEqual(asked.sort(), Array.from({ length: 15 }, (_, q) => `Question ${q}`).sort());
});

test("the chat loss reads logits at the answer tokens only and equals the cross-entropy over the whole sequence", () => {
  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const [temporal] = model.expertTokens(model.temporal_expert, [randomMel(12)]);
  const [global] = model.expertTokens(model.global_expert, [randomMel(12)]);
  const messages: ChatMessage[] = [
    { role: "user", content: [{ type: "audio", clip: "a" }, { type: "text", text: "What key is it in?" }] },
    { role: "assistant", content: "A minor." },
    { role: "user", content: "And the tempo?" },
    { role: "assistant", content: "96 BPM." },
  ];
  const inputs = chatInputs(model, tokenizer, messages, { temporal: temporal!, global: global!, seconds: 12 }, false);
  const { loss, answerTokens } = answerLoss(model.llm, inputs);
  assert.equal(answerTokens, inputs.targets.filter((t) => t !== IGNORE_INDEX).length);
  assert.ok(answerTokens > 4 && answerTokens < inputs.targets.length / 4, `${answerTokens} of ${inputs.targets.length} positions`);
  const everywhere = model.llm.logits(model.llm.forward({ embeds: inputs.embeds.unsqueeze(0) })).squeeze(0);
  const reference = F.crossEntropy(everywhere, tensor(inputs.targets, { dtype: "int64" }));
  assertClose([loss.item()], [reference.item()], 1e-5);
  loss.backward();
  assert.ok(model.projector.linear_1.weight.grad!.abs().sum().item() > 0, "the answer's gradient reaches the audio path");
});

test("exactAnswers counts an answer right only when every token of its turn is the likeliest", () => {
  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const messages: ChatMessage[] = [{ role: "user", content: "Key?" }, { role: "assistant", content: "A minor." }, { role: "user", content: "Tempo?" }, { role: "assistant", content: "96 BPM." }];
  const inputs = chatInputs(model, tokenizer, messages, undefined, false);
  const predicted = model.llm.logits(model.llm.forward({ embeds: inputs.embeds.unsqueeze(0) })).squeeze(0).argmax(-1).toFloat32Array();
  const turns: number[][] = [];
  inputs.targets.forEach((t, i) => { if (t >= 0) { if (i === 0 || inputs.targets[i - 1]! < 0) turns.push([]); turns.at(-1)!.push(i); } });
  assert.equal(turns.length, 2);
  // The first turn as the model would say it; the second with one token it would not say.
  const targets = [...inputs.targets];
  for (const i of turns[0]!) targets[i] = predicted[i]!;
  for (const i of turns[1]!) targets[i] = predicted[i]!;
  targets[turns[1]!.at(-1)!] = (predicted[turns[1]!.at(-1)!]! + 1) % tokenizer.vocabSize;
  assert.deepEqual(exactAnswers(model.llm, { ...inputs, targets }), { right: 1, answers: 2, hits: [true, false] });
  for (const i of turns[1]!) targets[i] = predicted[i]!;
  assert.deepEqual(exactAnswers(model.llm, { ...inputs, targets }), { right: 2, answers: 2, hits: [true, true] });
});

test("mcq-summary: time-free questions alone, heard through the summary tokens only", () => {
  const { train } = readChatSamples([dir], ["mcq", "mcq-summary"]);
  const summary = train.filter((s) => s.kind === "mcq-summary");
  const full = train.filter((s) => s.kind === "mcq");
  assert.equal(summary.length, full.length, "every question here asks the metre: all are time-free");
  assert.ok(summary.every((s) => s.summaryOnly && s.mcq?.category === "metre"));
  assert.ok(full.every((s) => !s.summaryOnly));

  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const [temporal] = model.expertTokens(model.temporal_expert, [randomMel(12)]);
  const [global] = model.expertTokens(model.global_expert, [randomMel(12)]);
  const features = { temporal: temporal!, global: global!, seconds: 12 };
  const whole = chatInputs(model, tokenizer, summary[0]!.messages, features, false);
  const brief = chatInputs(model, tokenizer, summary[0]!.messages, features, false, { summaryOnly: true });
  const k = model.config.projector.summaryTokens!;
  assert.equal(brief.audioTokens, k);
  // The same text; only the time-marked audio (60 tokens and the markers "0:00.0", "0:10.0") is gone.
  const markers = tokenizer.encode("0:00.0").length + tokenizer.encode("0:10.0").length;
  assert.equal(whole.embeds.size(0) - brief.embeds.size(0), 60 + markers);
  assert.deepEqual(brief.targets.filter((t) => t !== IGNORE_INDEX), whole.targets.filter((t) => t !== IGNORE_INDEX));
  // Pooled fused tokens kept per song (the frozen-fusion shortcut) give the same inputs.
  const pooled = model.projector.pool(model.fusion.forward(features.temporal, features.global).tokens);
  const kept = chatInputs(model, tokenizer, summary[0]!.messages, features, false, { summaryOnly: true, pooled: { tokens: pooled, seconds: 12 } });
  assertClose(kept.embeds.toFloat32Array(), brief.embeds.toFloat32Array(), 1e-6);
  const alone = chatInputs(model, tokenizer, summary[0]!.messages, undefined, false, { summaryOnly: true, pooled: { tokens: pooled, seconds: 12 } });
  assertClose(alone.embeds.toFloat32Array(), brief.embeds.toFloat32Array(), 1e-6, "kept pooled tokens need no features");
  const summarised = (dropout: number) => clipSummary(model, undefined, pooled, dropout).toFloat32Array();
  assert.deepEqual(summarised(0), clipSummary(model, features).toFloat32Array(), "from pooled tokens or through the fusion: the same summary");
  assert.notDeepEqual(summarised(0.5), summarised(0), "inputDropout drops part of what the summary layers read");
  const plain = tinyModel(1, (c) => { c.projector.summaryTokens = 0; });
  assert.throws(() => chatInputs(plain, tokenizer, summary[0]!.messages, { ...features }, false, { summaryOnly: true }), /needs a model with summary tokens/);
});

test("mcq-context: the question read after the song's report, no audio; a text-only dataset gives nothing else", () => {
  const { train, heldOut } = readChatSamples([dir], ["mcq", "mcq-context"]);
  const context = train.filter((s) => s.kind === "mcq-context"), full = train.filter((s) => s.kind === "mcq");
  assert.equal(context.length, full.length, "every song has a report: one written twin per question");
  assert.ok(heldOut.some((s) => s.kind === "mcq-context"), "split by song like the rest");
  const twin = context.find((s) => s.id === `${full[0]!.id}-context`)!;
  assert.ok(twin.textOnly);
  const user = twin.messages[0]!.content;
  assert.equal(typeof user, "string", "no audio part");
  // Metre is time-free: the report's first paragraph (the whole-song facts) only, then the same question.
  const song = songOfAudio(twin.audio);
  assert.ok((user as string).startsWith(`What I know about the song: A waltz in A minor, ${song}, at 96 BPM in 3/4.\n\n`));
  assert.ok(!(user as string).includes("Section by section"));
  const question = (full[0]!.messages[0]!.content as ChatPart[]).find((p) => p.type === "text")!;
  assert.ok((user as string).endsWith(question.type === "text" ? question.text : ""));
  assert.deepEqual(twin.messages[1], full[0]!.messages[1], "the same answer as when heard");
  assert.deepEqual(twin.mcq, full[0]!.mcq);

  const textOnly = readChatSamples([textOnlyDir], ["caption", "dialogue", "mcq", "mcq-summary", "mcq-context"]);
  assert.ok(textOnly.train.length > 0 && textOnly.train.every((s) => s.kind === "mcq-context"));

  // Without audio the conversation needs no features; with audio it must have them.
  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const inputs = chatInputs(model, tokenizer, twin.messages, undefined, false);
  assert.equal(inputs.audioTokens, 0);
  assert.ok(answerLoss(model.llm, inputs).answerTokens > 0);
  assert.throws(() => chatInputs(model, tokenizer, full[0]!.messages, undefined, false), /needs the song's expert features/);
});

test("mcq-written-summary: questions about the summary's facts, answered from them as words in the summary slot", () => {
  const { train } = readChatSamples([recallDir], ["mcq", "mcq-written-summary", "mcq-written-summary-session"]);
  const timeFree = train.filter((s) => s.kind === "mcq" && SUMMARY_CATEGORIES.has(s.mcq!.category));
  const singles = train.filter((s) => s.kind === "mcq-written-summary"), sessions = train.filter((s) => s.kind === "mcq-written-summary-session");
  assert.equal(singles.length, timeFree.length);
  assert.ok(timeFree.length > 0 && singles.every((s) => s.writtenSummary && s.summaryOnly && s.mcq && SUMMARY_CATEGORIES.has(s.mcq.category)));
  assert.ok(sessions.length > 0 && sessions.every((s) => s.writtenSummary && s.summaryOnly && !s.mcq));
  assert.equal(sessions.flatMap((s) => s.messages.filter((m) => m.role === "assistant")).length, timeFree.length, "every time-free question once");

  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const k = model.config.projector.summaryTokens!;
  const words = [5, 9, 11, 13, 17, 19].slice(0, k);
  const inputs = chatInputs(model, tokenizer, singles[0]!.messages, undefined, false, { summaryOnly: true, writtenSummary: words });
  assert.equal(inputs.audioTokens, k, "the summary slot only");
  assertClose(inputs.summaries[0]!.toFloat32Array(), model.llm.embed(tensor(words, { dtype: "int64" })).toFloat32Array(), 0, "the words' own embeddings");
  assert.ok(answerLoss(model.llm, inputs).answerTokens > 0);
});

test("nearestOption: written summaries state a tempo a little off and a tonic spelled the other way; thoughts name what was heard and the nearest option", () => {
  // Forty songs in G# minor at 100 BPM, each asked its tempo (options 5 BPM apart), its key and its genre.
  const nearDir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-nearest-"));
  fs.mkdirSync(path.join(nearDir, "songs"));
  const annotation = { global: { key: { tonic: "G#", mode: "minor" }, tempo: 100.2, style: "funk", tempoClass: "moderate", mood: ["tense"], metre: { numerator: 4, denominator: 4 }, leadInstrument: "flute", instruments: [{ name: "flute", role: "lead" }] } };
  for (const song of songs) fs.writeFileSync(path.join(nearDir, "songs", `${song}.json`), JSON.stringify(annotation));
  const asked = [["How fast?", "100 BPM", ["105 BPM", "95 BPM", "110 BPM"], "tempo-value"], ["Which key?", "G# minor", ["A minor", "B major", "E minor"], "key"], ["Which genre?", "funk", ["jazz", "pop", "rock"], "genre"]] as const;
  fs.writeFileSync(path.join(nearDir, "mcq.jsonl"), lines(songs.flatMap((song) => asked.map(([question, answer, others, category], q) => ({
    id: `${song}-q${q}`, audio: `audio/${song}.wav`, question, choices: [answer, ...others], answer, split: "global", category,
  })))));
  const read = (nearestOption: boolean, misheard?: number) => {
    const r = readChatSamples([nearDir], ["mcq-written-summary-session"], { promptStyles: ["think"], answerOrder: "text-first", summaryTokens: 19, nearestOption, misheard });
    return [...r.train, ...r.heldOut];
  };
  const sessions = read(true);
  assert.equal(sessions.length, songs.length);
  const heard = sessions.map((s) => s.heard!);
  assert.ok(heard.every((h) => h !== undefined), "every session says what its summary states");
  const tempi = heard.flatMap((h) => (h.bpm === undefined ? [] : [h.bpm]));
  assert.ok(tempi.length > 10 && tempi.length < 35, `some songs' tempo is misheard (${tempi.length} of 40)`);
  assert.ok(tempi.every((bpm) => bpm !== 100 && Math.abs(bpm - 100) <= 2), `never as far as half the way to the next option: ${tempi.join(", ")}`);
  const tonics = heard.flatMap((h) => (h.tonic === undefined ? [] : [h.tonic]));
  assert.ok(tonics.length > 5 && tonics.length < 35 && tonics.every((t) => t === "Ab"), `G# is sometimes written Ab (${tonics.length} of 40)`);
  assert.deepEqual(read(true).map((s) => s.heard), heard, "the same song states the same every time");

  for (const session of sessions) {
    const replies = session.messages.flatMap((m) => (m.role === "assistant" ? [m.content as string] : []));
    const says = (category: string) => replies[session.turnCategories!.indexOf(category)]!;
    assert.match(says("tempo-value"), new RegExp(`I hear "${session.heard!.bpm ?? 100} BPM"; the nearest option is "100 BPM"\\.</think><answer>100 BPM \\([A-D]\\)</answer>`));
    assert.match(says("key"), new RegExp(`I hear "${session.heard!.tonic ?? "G#"} minor"; the nearest option is "G# minor"`));
    assert.match(says("genre"), /What I hear fits "funk"/, "a fact the options name as heard keeps its plain thought");
  }
  assert.ok(read(false).every((s) => s.heard === undefined && s.messages.every((m) => m.role === "user" || !/I hear "/.test(m.content as string))), "off by default");

  assert.ok(read(true, 0).every((s) => s.heard?.bpm === undefined && s.messages.some((m) => m.role === "assistant" && (m.content as string).includes('I hear "100 BPM"; the nearest option is "100 BPM"'))),
    "nearestOption with no tempo misheard still writes its thoughts");

  // Misheard summaries alone: the thoughts name the right option as always; `misheard` sets the share of tempi.
  const plain = read(false, 0.9);
  const plainTempi = plain.filter((s) => s.heard?.bpm !== undefined).length;
  assert.ok(plainTempi > tempi.length && plainTempi >= 30, `a share of 0.9 mishears more tempi than nearestOption's 0.6 (${plainTempi} against ${tempi.length})`);
  for (const session of plain) {
    const replies = session.messages.flatMap((m) => (m.role === "assistant" ? [m.content as string] : []));
    assert.match(replies[session.turnCategories!.indexOf("tempo-value")]!, /What I hear fits "100 BPM"/);
    assert.match(replies[session.turnCategories!.indexOf("key")]!, /What I hear fits "G# minor"/);
  }

  // The summary's words state what was heard (the chat stage writes them with withHeardFacts).
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const truth = annotation as unknown as SongAnnotation, misheard = { bpm: 98, tonic: "Ab" };
  const restated = (tempo: number, tonic: string) => ({ ...truth, global: { ...truth.global, tempo, key: { ...truth.global.key, tonic } } });
  assert.deepEqual(summaryWordTargets(withHeardFacts(truth, misheard), tokenizer, 19), summaryWordTargets(restated(98, "Ab"), tokenizer, 19));
  assert.notDeepEqual(summaryWordTargets(withHeardFacts(truth, misheard), tokenizer, 19), summaryWordTargets(truth, tokenizer, 19));
  assert.equal(withHeardFacts(truth, {}), truth, "nothing misheard: the song's own facts");
  assert.deepEqual(misheardFacts("audio/x.wav", { global: { ...truth.global, key: { tonic: "D", mode: "minor" } } } as SongAnnotation, [], 1), {}, "no tempo question, no natural tonic respelled: nothing misheard");
});

test("recall sessions: the summary's facts asked without options, answered with the fact alone", () => {
  const { train } = readChatSamples([recallDir], ["mcq", "recall-written-summary-session"]);
  const asked = train.filter((s) => s.kind === "mcq" && SUMMARY_CATEGORIES.has(s.mcq!.category));
  const sessions = train.filter((s) => s.kind === "recall-written-summary-session");
  assert.ok(asked.length > 0 && sessions.length > 0 && sessions.every((s) => s.writtenSummary && s.summaryOnly));
  const pairs = sessions.flatMap((s) => s.messages.flatMap((m, i) => (m.role === "assistant" ? [[s.messages[i - 1]!, m] as const] : [])));
  assert.equal(pairs.length, asked.length, "every question about a summary fact once");
  assert.equal(pairs.length, 3 * train.filter((s) => s.kind === "mcq" && s.mcq!.category === "metre").length, "and none about the metre, which it does not hold");
  for (const [user, assistant] of pairs) {
    const question = typeof user.content === "string" ? user.content : user.content.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
    assert.ok(!question.includes("Options"), "no options");
    const mcq = asked.find((q) => (q.messages[0]!.content as ChatPart[]).some((p) => p.type === "text" && p.text.includes(question)) && q.mcq!.options[q.mcq!.answer] === assistant.content);
    assert.ok(mcq, `"${question}" is answered with its MCQ's right option, "${assistant.content as string}"`);
  }

  const metres = train.filter((s) => s.kind === "mcq" && s.mcq!.category === "metre").length;
  const longer = readChatSamples([recallDir], ["recall-written-summary-session"], { summaryTokens: 12 }).train;
  const answers = longer.flatMap((s) => s.messages.filter((m) => m.role === "assistant"));
  assert.equal(answers.length, pairs.length + metres, "a summary of 12 tokens holds the metre too, and is asked it");
  for (const session of longer) assert.equal(session.turnCategories?.length, session.messages.filter((m) => m.role === "assistant").length, "each turn's category, for per-category scores");
  assert.ok(longer.some((s) => s.turnCategories!.includes("metre") && s.turnCategories!.includes("key")));
});

test("mcq-context-session: a song's facts written once, then its time-free questions turn by turn", () => {
  const { train } = readChatSamples([dir], ["mcq-context", "mcq-context-session"]);
  const singles = train.filter((s) => s.kind === "mcq-context" && TIME_FREE_CATEGORIES.has(s.mcq!.category));
  const sessions = train.filter((s) => s.kind === "mcq-context-session");
  assert.ok(sessions.length > 0 && sessions.every((s) => s.textOnly && s.mcq === undefined));
  const answers = sessions.flatMap((s) => s.messages.filter((m) => m.role === "assistant").map((m) => m.content));
  assert.deepEqual([...answers].sort(), singles.map((s) => s.messages[1]!.content).sort(), "every time-free question once, with its answer");
  for (const session of sessions) {
    const users = session.messages.filter((m) => m.role === "user").map((m) => m.content as string);
    assert.ok(users.every((u) => typeof u === "string"), "no audio part");
    const single = singles.find((s) => songOfAudio(s.audio) === songOfAudio(session.audio))!;
    const facts = (single.messages[0]!.content as string).split("\n\n")[0]!;
    assert.ok(users[0]!.startsWith(facts + "\n\n"), "the facts before the first question");
    assert.ok(users.slice(1).every((u) => !u.includes("What I know about the song")), "and not again");
  }
});

test("a summary heard as words: answers train the decoder; the layers before the words need the summary-words loss", async () => {
  const { ChatStage } = await import("../src/train/stages/chat.js");
  const { withAudioView } = await import("../src/model/rebuild.js");
  const { TRAIN_AUGMENT } = await import("../src/train/config.js");
  const { train } = readChatSamples([dir], ["mcq-summary"]);
  const stage = (trainable: ("llm" | "projector")[], summaryWords = 0) => new ChatStage({
    model: withAudioView(tinyModel(), { summaryAsWords: true }), tokenizer: loadTokenizer(tinyTokenizerFile()), initDir: dir, train, heldOut: [],
    trainable, seed: 0, featureDir: path.join(dir, "features"), variants: 1, augment: TRAIN_AUGMENT, evalSamples: 0, evalMcqs: 0, summaryWords,
  });
  assert.ok(stage(["llm"]));
  assert.throws(() => stage(["llm", "projector"]), /no answer can train through to the projector: fit the summary layers with "summaryWords"/);
  assert.ok(stage(["projector"], 1));
});

test("a conversation without a written summary trains on a dataset that has no songs/ annotations", async () => {
  const { ChatStage } = await import("../src/train/stages/chat.js");
  const { TRAIN_AUGMENT } = await import("../src/train/config.js");
  const { train } = readChatSamples([dir], ["mcq-context"]);
  assert.ok(!fs.existsSync(path.join(dir, "songs")));
  const stage = new ChatStage({
    model: tinyModel(), tokenizer: loadTokenizer(tinyTokenizerFile()), initDir: dir, train, heldOut: [],
    trainable: ["llm"], seed: 0, featureDir: path.join(dir, "features"), variants: 1, augment: TRAIN_AUGMENT, evalSamples: 0, evalMcqs: 0,
  });
  const { loss } = stage.loss(await stage.prepare(0, 0));
  assert.ok(Number.isFinite(loss.item()), "no annotation is read for it");
});
