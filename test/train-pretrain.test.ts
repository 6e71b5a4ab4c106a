// LLM pretraining: documents from a dataset's text files (captions, conversations without the audio
// placeholder, MCQs in both prompt styles with uniform answer letters), packing into sequences with separators,
// the packing sampler's exact resume, the run's token cache, and a tiny run through the shared loop whose loss
// falls and which resumes to exactly the weights of an uninterrupted run.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadSafetensors } from "../src/engine/safetensors.js";
import { loadModel } from "../src/model/io.js";
import { loadTrainConfig } from "../src/train/config.js";
import { isPermissive, readmeProse } from "../src/train/extra-text.js";
import { type LoopConfig, runLoop } from "../src/train/loop.js";
import { MetricsLog } from "../src/train/metrics.js";
import { IGNORE_TARGET, PackedSequenceSampler, packForEvaluation } from "../src/train/packing.js";
import { isHeldOut } from "../src/train/songs.js";
import { PretrainStage, preparePretrainData, type PretrainData } from "../src/train/stages/pretrain.js";
import { conversationText, datasetDocuments, DOCUMENT_SOURCES, GROUNDED_TIMELINE_QUESTIONS, mcqText, songOfAudio, type TextDocument } from "../src/train/text-documents.js";
import { type CachedDocument, TokenCache } from "../src/train/token-cache.js";
import { resolveConfig } from "../src/model/config.js";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-pretrain-"));

/** Song ids, enough of them that a few are held out. */
function songIds(): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.filter(isHeldOut).length < 2 || ids.length < 24; i++) ids.push(`song-${String(i).padStart(3, "0")}`);
  return ids;
}

const STYLES = ["rock", "jazz", "reggae", "house"], KEYS = ["C major", "A minor", "G major", "E minor"];

/** A small dataset directory with the three text files, repetitive enough that a tiny model learns it fast. */
function writeDataset(dir: string): string[] {
  const ids = songIds();
  fs.mkdirSync(dir, { recursive: true });
  const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");
  const captions = ids.flatMap((id, i) => [0, 1].map((c) => ({ id: `${id}-cap${c}`, audio: `audio/${id}.wav`, caption: `This is a ${STYLES[i % 4]} song in ${KEYS[(i + c) % 4]} at ${100 + (i % 5) * 10} BPM.` })));
  const sft = ids.map((id, i) => ({
    id: `${id}-dialogue`, audio: `audio/${id}.wav`, kind: "dialogue",
    messages: [
      { role: "user", content: "Here is a song. <audio>\nWhat key is it in?" }, { role: "assistant", content: `${KEYS[i % 4]}.` },
      { role: "user", content: "What style is it?" }, { role: "assistant", content: `It is ${STYLES[i % 4]}.` },
    ],
  }));
  const mcq = ids.map((id, i) => ({ id: `${id}-q0`, audio: `audio/${id}.wav`, question: "What style is this?", choices: STYLES, answer: STYLES[i % 4], split: "global", category: "style" }));
  fs.writeFileSync(path.join(dir, "captions.jsonl"), lines(captions));
  fs.writeFileSync(path.join(dir, "sft.jsonl"), lines(sft));
  fs.writeFileSync(path.join(dir, "mcq.jsonl"), lines(mcq));
  return ids;
}

const dataset = path.join(work, "data");
const ids = writeDataset(dataset);

test("documents: captions, conversations without the audio placeholder, MCQs in both prompt styles", () => {
  const docs = datasetDocuments(dataset, 3);
  assert.equal(docs.length, ids.length * 2 + ids.length + ids.length * 2);
  const caption = docs.find((d) => d.source === "caption")!;
  assert.equal(caption.song, ids[0]);
  assert.match(caption.text, /^This is a rock song in C major at 100 BPM\.$/);

  const dialogue = docs.find((d) => d.source === "dialogue")!;
  assert.equal(dialogue.text, "User: Here is a song.\nWhat key is it in?\nAssistant: C major.\nUser: What style is it?\nAssistant: It is rock.");
  assert.equal(conversationText([{ role: "user", content: "<audio>\nDescribe it." }]), "User: Describe it.");
  assert.equal(conversationText([{ role: "assistant", content: "Intro.\n\nSection by section:" }]), "Assistant: Intro.\n\nSection by section:", "paragraphs stay");
  assert.ok(docs.every((d) => !d.text.includes("<audio>")));

  const [muchomusic, gamma] = [docs.find((d) => d.source === "mcq-muchomusic")!, docs.find((d) => d.source === "mcq-gamma")!];
  const m = /^Question: What style is this\?\n Options: \(A\) (\w+) \(B\) (\w+) \(C\) (\w+) \(D\) (\w+) \n The correct answer is: \(([A-D])\) (\w+)$/.exec(muchomusic.text);
  assert.ok(m, muchomusic.text);
  assert.equal(m[6], "rock");
  assert.equal(m["ABCD".indexOf(m[5]!) + 1], "rock", "the letter names the right option");
  const g = /<answer>\(([A-D])\) (\w+)<\/answer>$/.exec(gamma.text);
  assert.ok(g && g[2] === "rock", gamma.text);
  assert.ok(gamma.text.includes(`(${g[1]}) rock\n`), "the letter names the right option");
  assert.match(gamma.text, /^Question: What style is this\?\nOptions:\n\(A\) /);
  assert.equal(songOfAudio("audio/s101-000007.wav"), "s101-000007");
});

test("MCQ answer letters are uniform over many questions, in both styles", () => {
  for (const style of ["muchomusic", "gamma"] as const) {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const text = mcqText({ id: `q${i}`, question: "Which?", choices: ["w", "x", "y", "z"], answer: "x" }, style, 1);
      const letter = /\(([A-D])\) x(<\/answer>)?$/.exec(text)![1]!;
      counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
    for (const letter of "ABCD") assert.ok(Math.abs(counts.get(letter)! / 2000 - 0.25) < 0.03, `${style}: ${letter} ${counts.get(letter)}`);
  }
  assert.throws(() => mcqText({ id: "bad", question: "?", choices: ["a", "b"], answer: "c" }, "gamma", 1), /not among the choices/);
});

/** A cache of documents whose ids are 100 * (doc + 1) + position, so every token says where it came from. */
function fakeCache(lengths: number[]): TokenCache {
  const documents: CachedDocument[] = [];
  const tokens: number[] = [];
  lengths.forEach((length, d) => {
    documents.push({ id: `d${d}`, source: DOCUMENT_SOURCES[d % 3]!, heldOut: false, start: tokens.length, length });
    for (let k = 0; k < length; k++) tokens.push(100 * (d + 1) + k);
  });
  return new TokenCache(Uint16Array.from(tokens), documents);
}

const SEP = 1;

test("packing: each epoch lays every document once after a separator; sequences overlap by one token", () => {
  const lengths = [5, 9, 3, 12, 7, 4];
  const cache = fakeCache(lengths);
  const seqLen = 8;
  const sampler = new PackedSequenceSampler(cache, lengths.map((_, i) => i), seqLen, SEP, 7);
  const perEpoch = sampler.sequencesPerEpoch;
  assert.equal(sampler.streamLength, lengths.reduce((a, b) => a + b + 1, 0));
  assert.equal(perEpoch, Math.floor((sampler.streamLength - 1) / seqLen));
  const seqs = sampler.next(perEpoch);
  assert.ok(seqs.every((s) => s.length === seqLen + 1));
  for (let k = 1; k < seqs.length; k++) assert.equal(seqs[k]![0], seqs[k - 1]![seqLen], "the last target is the next input");
  const stream = [...seqs[0]!, ...seqs.slice(1).flatMap((s) => [...s.subarray(1)])];
  assert.equal(stream[0], SEP);
  // Split at separators: whole documents, in order, none twice.
  const docs: number[][] = [];
  for (const id of stream) {
    if (id === SEP) docs.push([]);
    else docs[docs.length - 1]!.push(id);
  }
  const seen = docs.map((d) => Math.floor(d[0]! / 100) - 1);
  assert.equal(new Set(seen).size, seen.length);
  docs.slice(0, -1).forEach((d, i) => assert.deepEqual(d, Array.from({ length: lengths[seen[i]!]! }, (_, k) => 100 * (seen[i]! + 1) + k)));
  assert.throws(() => new PackedSequenceSampler(fakeCache([2]), [0], 8, SEP, 0), /shorter than one sequence/);
});

test("packing sampler: a function of (seed, epoch), resumed exactly from its state within and across epochs", () => {
  const cache = fakeCache([5, 9, 3, 12, 7, 4, 6, 8]);
  const docs = [0, 1, 2, 3, 4, 5, 6, 7];
  const a = new PackedSequenceSampler(cache, docs, 6, SEP, 3);
  const first = a.next(5);
  const state = a.current;
  const rest = a.next(20); // runs into later epochs
  assert.ok(a.current.epoch >= 2);
  assert.deepEqual(new PackedSequenceSampler(cache, docs, 6, SEP, 3, state).next(20), rest);
  assert.deepEqual(new PackedSequenceSampler(cache, docs, 6, SEP, 3).next(5), first);
  assert.notDeepEqual(new PackedSequenceSampler(cache, docs, 6, SEP, 4).next(5), first);
  const perEpoch = a.sequencesPerEpoch;
  const twoEpochs = new PackedSequenceSampler(cache, docs, 6, SEP, 3).next(2 * perEpoch);
  assert.notDeepEqual(twoEpochs.slice(perEpoch), twoEpochs.slice(0, perEpoch), "each epoch lays the documents out anew");
});

test("evaluation packing: targets are the next tokens, the tail is padded, each target knows its document's kind", () => {
  const cache = fakeCache([3, 4]);
  const packed = packForEvaluation(cache, [0, 1], 4, SEP);
  // Stream: SEP 100 101 102 SEP 200 201 202 203 SEP (10 tokens, 9 targets) -> 3 sequences of 4.
  assert.equal(packed.inputs.length, 3);
  assert.deepEqual([...packed.inputs[0]!], [SEP, 100, 101, 102]);
  assert.deepEqual([...packed.targets[0]!], [100, 101, 102, SEP]);
  assert.deepEqual([...packed.targets[2]!], [SEP, IGNORE_TARGET, IGNORE_TARGET, IGNORE_TARGET]);
  // Document 0 is a caption, document 1 a report; the separator after a document is its own last target.
  assert.deepEqual([...packed.sources[0]!], [0, 0, 0, 0]);
  assert.deepEqual([...packed.sources[1]!], [1, 1, 1, 1]);
  assert.deepEqual([...packed.sources[2]!], [1, -1, -1, -1]);
});

test("extra text: permissive licences only, prose without code, badges or tables", () => {
  assert.ok(isPermissive("MIT") && isPermissive("(MIT OR GPL-3.0)") && isPermissive("Apache-2.0"));
  assert.ok(!isPermissive("GPL-3.0") && !isPermissive(undefined) && !isPermissive("MIT AND CC-BY-SA-4.0"));
  const prose = readmeProse("# Title\n\n[![badge](x.svg)](y)\n\nThis library parses `chords` and returns their notes, as a [reader](http://x) expects.\n\n```js\nconst a = 1;\n```\n\n| a | b |\n|---|---|\n\nShort.");
  assert.deepEqual(prose, ["This library parses chords and returns their notes, as a reader expects."]);
});

const tiny = resolveConfig("gamma-tiny");

function loopConfig(steps: number): LoopConfig {
  return { steps, gradAccum: 2, lr: 3e-3, minLrRatio: 0.1, warmupSteps: 2, weightDecay: 0.01, clipNorm: 1, seed: 5, logEvery: 1, evalEvery: 6, checkpointEvery: 4, keepCheckpoints: 2 };
}

function prepare(runDir: string): PretrainData {
  return preparePretrainData({ runDir, datasets: [dataset], tokenizer: { train: true, vocabSize: tiny.llm.vocabSize }, seed: 5, model: tiny });
}

function stage(data: PretrainData): PretrainStage {
  return new PretrainStage({ config: tiny, data, seqLen: 32, batchSize: 4, seed: 5, evalDocs: 50 });
}

test("the run's token cache: built once with the run's tokenizer, read back, refused under other settings", () => {
  const runDir = path.join(work, "cache-run");
  const data = prepare(runDir);
  const doc = data.cache.documents.findIndex((d) => d.source === "dialogue");
  const text = datasetDocuments(dataset, 5).find((d) => d.id === data.cache.documents[doc]!.id)!.text;
  assert.deepEqual([...data.cache.ids(doc)], data.tokenizer.encode(text, { parseSpecial: false }));
  assert.equal(data.cache.split(true).length, 5 * ids.filter(isHeldOut).length, "every document of a held-out song is held out");
  const again = prepare(runDir);
  assert.deepEqual(again.cache.tokens, data.cache.tokens);
  const given = preparePretrainData({ runDir: path.join(work, "given-tokenizer"), datasets: [dataset], tokenizer: { file: data.tokenizerFile }, seed: 5, model: tiny });
  assert.equal(fs.readFileSync(given.tokenizerFile, "utf8"), fs.readFileSync(data.tokenizerFile, "utf8"));
  assert.deepEqual(given.cache.tokens, data.cache.tokens);
  fs.mkdirSync(path.join(runDir, "checkpoints"), { recursive: true });
  fs.writeFileSync(path.join(runDir, "checkpoints", "latest.json"), "{}");
  assert.throws(() => preparePretrainData({ runDir, datasets: [dataset], tokenizer: { train: true, vocabSize: 400 }, seed: 5, model: tiny }), /started with other data or tokenizer settings/);
});

test("a tiny run: the loss falls, held-out metrics are written, and a resumed run ends with identical weights", async () => {
  const full = path.join(work, "full");
  const result = await runLoop(stage(prepare(full)), loopConfig(12), full, "pretrain");
  assert.equal(result.step, 12);
  const train = MetricsLog.read(path.join(full, "metrics.jsonl")).filter((r) => r.split === "train");
  const meanLoss = (records: typeof train) => records.reduce((s, r) => s + (r.loss as number), 0) / records.length;
  const early = meanLoss(train.slice(0, 2)), late = meanLoss(train.slice(-2));
  assert.ok(late < early - 1, `loss ${early.toFixed(3)} -> ${late.toFixed(3)}`);
  const ev = result.lastEval!;
  assert.ok(ev.loss! > 0 && Math.abs(ev.perplexity! - Math.exp(ev.loss!)) < 1e-6 * ev.perplexity!);
  assert.ok(ev.accuracy! > 0 && ev.accuracy! <= 1);
  assert.ok(ev.loss_caption !== undefined && ev.accuracy_mcq_gamma !== undefined);

  const llm = (dir: string) => new Map([...loadSafetensors(path.join(dir, "llm.safetensors")).tensors].map(([k, t]) => [k, t.toList()]));
  const reference = llm(full);
  assert.ok([...reference.keys()].every((k) => k.startsWith("llm.")));
  const model = loadModel(path.join(full, "model"));
  assert.deepEqual(model.model.llm.model.norm.weight.toList(), reference.get("llm.model.norm.weight"));
  assert.equal(model.tokenizer.vocabSize, prepare(full).tokenizer.vocabSize);

  const resumed = path.join(work, "resumed");
  const stopped = await runLoop(stage(prepare(resumed)), loopConfig(12), resumed, "pretrain", { stopAfter: 5 });
  assert.ok(stopped.stopped && stopped.step === 5 && stopped.artefacts.length === 0);
  const finished = await runLoop(stage(prepare(resumed)), loopConfig(12), resumed, "pretrain");
  assert.equal(finished.resumedFrom, 5);
  assert.deepEqual(llm(resumed), reference);
});

test("pretrain configs: defaults, the tokenizer choice, and fields checked against the model", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-cfg-"));
  const write = (obj: object) => { const f = path.join(dir, "p.json"); fs.writeFileSync(f, JSON.stringify({ stage: "pretrain", model: "gamma-tiny", datasets: ["d"], run: "r", ...obj })); return f; };
  const c = loadTrainConfig(write({ tokenizer: { train: true, vocabSize: 400 }, seqLen: 64 }), "pretrain");
  assert.deepEqual(c.tokenizer, { train: true, vocabSize: 400 });
  assert.equal(c.seqLen, 64);
  assert.equal(c.extraText, false);
  assert.equal(c.datasets[0], path.join(dir, "d"));
  assert.deepEqual(loadTrainConfig(write({ tokenizer: { file: "tok.json" } }), "pretrain").tokenizer, { file: path.join(dir, "tok.json") });
  assert.throws(() => loadTrainConfig(write({ tokenizer: { train: true, vocabSize: 9000 } }), "pretrain"), /"vocabSize" must be an integer from 262 to the model's llm.vocabSize \(512\)/);
  assert.throws(() => loadTrainConfig(write({ seqLen: 100000 }), "pretrain"), /"seqLen" must be a positive integer no larger than llm.maxPositions/);
  assert.throws(() => loadTrainConfig(write({ extraText: "yes" }), "pretrain"), /"extraText" must be true or false/);
  assert.equal(c.recallQa, 0, "no recall documents unless asked");
  assert.equal(loadTrainConfig(write({ recallQa: true }), "pretrain").recallQa, 1);
  assert.equal(loadTrainConfig(write({ recallQa: 4 }), "pretrain").recallQa, 4);
  assert.throws(() => loadTrainConfig(write({ recallQa: 1.5 }), "pretrain"), /"recallQa" must be true, false or the recall documents per song/);
  assert.throws(() => loadTrainConfig(write({}), "experts"), /this config is for stage "pretrain"/);
});

test("grounded documents: a song's report, then its questions answered from it (asked for only)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-grounded-"));
  const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");
  const report = "This is a jazz song in D minor at 120 BPM.\n\nSection by section:\n0:00.0-0:10.0 Intro.\n0:10.0-0:40.0 Verse 1.";
  fs.writeFileSync(path.join(dir, "sft.jsonl"), lines([{ id: "a-report", audio: "audio/a.wav", kind: "report", messages: [{ role: "user", content: "<audio>\nDescribe this song section by section, with times." }, { role: "assistant", content: report }] }]));
  const timed = Array.from({ length: 6 }, (_, i) => ({ id: `a-t${i}`, audio: "audio/a.wav", question: `When does section ${i} begin?`, choices: ["0:10.0", "0:20.0", "0:30.0", "0:40.0"], answer: "0:10.0", split: "temporal", category: "section-timing" }));
  fs.writeFileSync(path.join(dir, "mcq.jsonl"), lines([
    { id: "a-g0", audio: "audio/a.wav", question: "The piece belongs to which style?", choices: ["jazz", "rock", "funk", "pop"], answer: "jazz", split: "global", category: "genre" },
    ...timed,
    { id: "b-g0", audio: "audio/b.wav", question: "Which style?", choices: ["jazz", "rock", "funk", "pop"], answer: "rock", split: "global", category: "genre" },
  ]));
  assert.ok(!datasetDocuments(dir, 1).some((d) => d.source === "grounded"), "not without asking");
  const grounded = datasetDocuments(dir, 1, { grounded: true }).filter((d) => d.source === "grounded");
  assert.deepEqual(grounded.map((d) => d.id), ["a/grounded-global", "a/grounded-timeline"], "song b has no report: nothing to read its answer from");
  const [global, timeline] = grounded as [TextDocument, TextDocument];
  assert.equal(global.song, "a");
  assert.ok(global.text.startsWith("This is a jazz song in D minor at 120 BPM.\n\nQuestion: The piece belongs to which style?"), global.text);
  assert.ok(!global.text.includes("Section by section"), "whole-song facts only before whole-song questions");
  assert.match(global.text, /<answer>\([A-D]\) jazz<\/answer>$/);
  assert.ok(timeline.text.startsWith(report + "\n\nQuestion: When does section 0 begin?"));
  assert.equal(timeline.text.split("Question:").length - 1, GROUNDED_TIMELINE_QUESTIONS);
});

test("recall documents: a song's facts, then its time-free questions without options, each answered with the fact", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-recall-"));
  const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");
  const report = "This is a jazz song in D minor at 120 BPM.\n\nSection by section:\n0:00.0-0:10.0 Intro.";
  fs.writeFileSync(path.join(dir, "sft.jsonl"), lines([{ id: "a-report", audio: "audio/a.wav", kind: "report", messages: [{ role: "user", content: "<audio>\nDescribe this song." }, { role: "assistant", content: report }] }]));
  fs.writeFileSync(path.join(dir, "mcq.jsonl"), lines([
    { id: "a-g0", audio: "audio/a.wav", question: "Which style?", choices: ["jazz", "rock", "funk", "pop"], answer: "jazz", split: "global", category: "genre" },
    { id: "a-g1", audio: "audio/a.wav", question: "Which key?", choices: ["D minor", "F major", "A minor", "D major"], answer: "D minor", split: "global", category: "key" },
    { id: "a-t0", audio: "audio/a.wav", question: "When does the intro end?", choices: ["0:10.0", "0:20.0", "0:30.0", "0:40.0"], answer: "0:10.0", split: "temporal", category: "section-timing" },
    { id: "b-g0", audio: "audio/b.wav", question: "Which style?", choices: ["jazz", "rock", "funk", "pop"], answer: "rock", split: "global", category: "genre" },
  ]));
  assert.ok(!datasetDocuments(dir, 1).some((d) => d.source === "recall"), "not without asking");
  const recall = datasetDocuments(dir, 1, { recall: 1 }).filter((d) => d.source === "recall");
  assert.deepEqual(recall.map((d) => d.id), ["a/recall"], "song b has no report");
  const [facts, ...asked] = recall[0]!.text.split("\n");
  assert.equal(facts, "This is a jazz song in D minor at 120 BPM.", "the whole-song facts only");
  const pairs = Array.from({ length: asked.length / 2 }, (_, i) => `${asked[2 * i]!} | ${asked[2 * i + 1]!}`).sort();
  assert.deepEqual(pairs, ["Q: Which key? | A: D minor", "Q: Which style? | A: jazz"], "time-free questions only, no options");

  // With the songs' summaries: a second document per song, the summary's words then the questions they answer.
  const summary = { of: (song: string) => (song === "b" ? undefined : "D minor, jazz, fast, calm"), categories: new Set(["genre"]) };
  const both = datasetDocuments(dir, 1, { recall: 1, summary }).filter((d) => d.source === "recall");
  assert.deepEqual(both.map((d) => d.id), ["a/recall", "a/recall-summary"]);
  assert.equal(both[1]!.text, "Heard: D minor, jazz, fast, calm.\nQ: Which style?\nA: jazz", "only what the summary answers");
  const three = datasetDocuments(dir, 1, { recall: 3 }).filter((d) => d.source === "recall");
  assert.deepEqual(three.map((d) => d.id), ["a/recall", "a/recall-1", "a/recall-2"], "copies");
  assert.ok(new Set(three.map((d) => d.text)).size > 1, "asking in other orders");
});
