// GRPO's questions: RL files and dataset MCQs read the same way with errors that name file:line, prompts, the
// harder answer-consistent variants rl-select makes, the held-out split, and the grpo config.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../src/cli/paths.js";
import { parseTime } from "../src/data/timefmt.js";
import { questionRng } from "../src/eval/shuffle.js";
import { loadTrainConfig } from "../src/train/config.js";
import { accuracyReward } from "../src/train/rewards.js";
import { poseItem, readRlFile, readRlPool, type RlItem, splitBySong, toRlItem, writeRlFile } from "../src/train/rl-items.js";
import { closerDistractors, composite, finerTolerance, numericScale, upgradeQuestions, withoutToleranceNote } from "../src/train/rl-upgrades.js";
import { isHeldOut } from "../src/train/songs.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-rl-data-"));
fs.mkdirSync(path.join(dir, "audio"));
for (const s of ["a", "b"]) fs.writeFileSync(path.join(dir, "audio", `${s}.wav`), "");
const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const mcqRow = (id: string, fields: object = {}) => ({ id, audio: "audio/a.wav", question: "What is the style?", choices: ["pop", "rock", "jazz", "funk"], answer: "jazz", split: "global", category: "style", ...fields });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const timeMcq: RlItem = {
  id: "t1", audio: path.join(dir, "audio/a.wav"), question: "When does the first chorus come in (give or take a second)?", kind: "mcq",
  choices: ["0:32.1", "0:35.9", "0:43.5", "0:39.7"], answer: "0:32.1", split: "temporal", category: "section-timing",
};
const tempoMcq: RlItem = {
  id: "b1", audio: path.join(dir, "audio/a.wav"), question: "What is the tempo in BPM (±2 BPM)?", kind: "mcq",
  choices: ["151 BPM", "139 BPM", "163 BPM", "127 BPM"], answer: "127 BPM", split: "global", category: "tempo-value",
};
const countMcq: RlItem = { ...tempoMcq, id: "c1", question: "How many sections?", choices: ["4", "5", "6", "7"], answer: "5", category: "section-count" };
const styleMcq: RlItem = { ...tempoMcq, id: "s1", question: "What is the style?", choices: ["pop", "rock", "jazz", "funk"], answer: "jazz", category: "style" };

test("a dataset's MCQ rows and RL lines read alike: kind mcq by default, audio resolved, pass rates and provenance kept", () => {
  fs.writeFileSync(path.join(dir, "mcq.jsonl"), lines([mcqRow("q1"), mcqRow("q2", { audio: "audio/b.wav" })]));
  const pool = readRlPool([dir]);
  assert.deepEqual(pool.map((i) => [i.id, i.kind, i.audio]), [["q1", "mcq", path.join(dir, "audio/a.wav")], ["q2", "mcq", path.join(dir, "audio/b.wav")]]);
  const out = path.join(dir, "sets", "rl.jsonl");
  const items: RlItem[] = [{ ...pool[0]!, pass_rate: 0.375 }, { ...timeMcq, id: "t1~finer", kind: "time", choices: undefined, tolerance: 0.5, unit: "s", source_ids: ["t1"], upgrade: "finer-tolerance", pass_rate: 0.5 }];
  delete items[1]!.choices;
  writeRlFile(out, items);
  assert.equal(JSON.parse(fs.readFileSync(out, "utf8").split("\n")[0]!).audio, "../audio/a.wav", "audio relative to the file");
  assert.deepEqual(readRlFile(out), items);
  assert.throws(() => readRlPool([dir, out, path.join(dir, "mcq.jsonl")]), /question id q1 is also in/);
  assert.throws(() => readRlPool([path.join(dir, "audio")]), /audio: not a dataset directory \(no mcq\.jsonl\)/);
});

test("bad RL files: every problem names file:line", () => {
  const cases: [object | string, RegExp][] = [
    ["{not json", /:2: not valid JSON/],
    [mcqRow("x", { answer: "blues" }), /:2: question x: the answer "blues" is not among the choices/],
    [mcqRow("x", { choices: ["pop", "Pop"], answer: "pop" }), /:2: question x: "choices" must be distinct/],
    [mcqRow("x", { audio: "audio/missing.wav" }), /:2: audio .*missing\.wav does not exist/],
    [mcqRow("x", { kind: "essay" }), /:2: unknown kind "essay"/],
    [mcqRow("x", { kind: "number", answer: "fast", choices: undefined }), /:2: question x: a "number" item's answer must be a number/],
    [mcqRow("x", { kind: "time", answer: "0:12.0", choices: undefined }), /:2: question x: a "time" item needs "tolerance"/],
    [mcqRow("x", { kind: "time", answer: "soon", tolerance: 1, choices: undefined }), /:2: question x: a "time" item's answer must be a time/],
    [mcqRow("x", { pass_rate: 2 }), /:2: "pass_rate" must be a number in \[0, 1\]/],
    [mcqRow("x", { upgrade: "harder" }), /:2: "upgrade" must be one of/],
    [mcqRow("x", { question: "" }), /:2: "question" must be a non-empty string/],
    [mcqRow("q0"), /:2: question id q0 repeats line 1/],
    ["[1, 2]", /:2: not a JSON object/],
  ];
  for (const [row, error] of cases) {
    const file = write("bad.jsonl", lines([mcqRow("q0")]) + (typeof row === "string" ? row : JSON.stringify(row)) + "\n");
    assert.throws(() => readRlFile(file), new RegExp(escape(file) + error.source), String(error));
  }
  assert.throws(() => readRlFile(write("empty.jsonl", "\n")), /empty\.jsonl: no questions/);
  assert.throws(() => readRlFile(path.join(dir, "nope.jsonl")), /nope\.jsonl: no such file/);
});

test("MCQ prompts: think style, options in a seeded order per question, the answer's index tracked", () => {
  const q = poseItem(styleMcq);
  assert.deepEqual([...q.options!].sort(), [...styleMcq.choices!].sort());
  assert.equal(q.options![q.answerIndex!], "jazz");
  assert.deepEqual(poseItem(styleMcq).options, q.options, "deterministic");
  const reordered = new Set(Array.from({ length: 20 }, (_, seed) => poseItem(styleMcq, 100 + seed).answerIndex));
  assert.ok(reordered.size >= 3, `another order seed, another order: the answer at ${[...reordered]}`);
  assert.deepEqual(poseItem(styleMcq, 101).options, poseItem(styleMcq, 101).options);
  const orders = new Set(Array.from({ length: 20 }, (_, i) => poseItem({ ...styleMcq, id: `s${i}` }).answerIndex));
  assert.ok(orders.size >= 3, "the answer's position varies with the id");
  assert.match(q.prompt, /^Question: What is the style\?\nOptions:\n\(A\) /);
});

test("numeric MCQs are recognised by their options", () => {
  assert.deepEqual(numericScale(timeMcq), { kind: "time", values: [32.1, 35.9, 43.5, 39.7], answer: 32.1 });
  assert.equal(numericScale(tempoMcq)!.kind, "bpm");
  assert.equal(numericScale(countMcq)!.kind, "count");
  assert.equal(numericScale(styleMcq), undefined);
  assert.equal(withoutToleranceNote(timeMcq.question), "When does the first chorus come in?");
  assert.equal(withoutToleranceNote(tempoMcq.question), "What is the tempo in BPM?");
});

test("closer distractors: nearer the answer than before, still outside the stated tolerance, inside the song", () => {
  for (let seed = 0; seed < 20; seed++) {
    const v = closerDistractors(timeMcq, questionRng(seed, "x"), 60)!;
    assert.ok(v, `seed ${seed}`);
    assert.equal(v.id, "t1~closer");
    assert.deepEqual([v.upgrade, v.source_ids, v.question, v.answer], ["closer-distractors", ["t1"], timeMcq.question, "0:32.1"]);
    const times = v.choices!.map((c) => parseTime(c)!).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.ok(gaps.every((g) => g >= 2 - 1e-9 && g < 3.8), `gaps ${gaps}`); // old spacing 3.8 s, stated tolerance 1 s
    assert.ok(times[0]! >= 0 && times[3]! <= 60);
    toRlItem({ ...v, audio: v.audio }, "v", "/"); // a valid MCQ
  }
  const tempo = closerDistractors(tempoMcq, questionRng(1, "b"), 60)!;
  const bpms = tempo.choices!.map((c) => Number(c.split(" ")[0])).sort((a, b) => a - b);
  assert.deepEqual(bpms.slice(1).map((b, i) => b - bpms[i]!), [6, 6, 6], "12 BPM apart before, 6 now (>= 2 x 2 BPM)");
  assert.ok(tempo.choices!.includes("127 BPM"));
  assert.equal(closerDistractors(countMcq, questionRng(1, "c"), 60), undefined, "counts are one apart already");
  assert.equal(closerDistractors(styleMcq, questionRng(1, "s"), 60), undefined);
  const tight = { ...timeMcq, choices: ["0:32.1", "0:34.1", "0:36.1", "0:38.1"] };
  assert.equal(closerDistractors(tight, questionRng(1, "t"), 60), undefined, "already 2 s apart");
  const early = { ...timeMcq, choices: ["0:01.0", "0:04.8", "0:08.6", "0:12.4"], answer: "0:01.0" };
  assert.equal(closerDistractors(early, questionRng(1, "t"), 4), undefined, "no room for four options 2 s apart in a 4 s song");
});

test("finer tolerance: open answers graded finer than the options allowed; open questions get half", () => {
  const time = finerTolerance(timeMcq)!;
  assert.deepEqual({ ...time, audio: "" }, {
    id: "t1~finer", audio: "", question: "When does the first chorus come in?", kind: "time", answer: "0:32.1", tolerance: 0.5, unit: "s",
    split: "temporal", category: "section-timing", source_ids: ["t1"], upgrade: "finer-tolerance",
  });
  assert.equal(accuracyReward("<think>x</think><answer>0:32.5</answer>", poseItem(time)), 1);
  assert.equal(accuracyReward("<think>x</think><answer>0:32.7</answer>", poseItem(time)), 0);
  const tempo = finerTolerance(tempoMcq)!;
  assert.deepEqual([tempo.kind, tempo.answer, tempo.tolerance, tempo.unit, tempo.question], ["number", 127, 0.04, "BPM", "What is the tempo in BPM?"]);
  const count = finerTolerance(countMcq)!;
  assert.deepEqual([count.kind, count.answer, count.tolerance], ["number", 5, 0]);
  assert.equal(finerTolerance(styleMcq), undefined);
  assert.equal(finerTolerance(time)!.tolerance, 0.25, "open time: half");
  assert.equal(finerTolerance({ ...time, tolerance: 0.3 }), undefined, "0.15 s would be finer than times are written");
  assert.equal(finerTolerance(tempo)!.tolerance, 0.02);
  assert.equal(finerTolerance(count), undefined, "exact already");
});

test("composite: one option pairs both right answers; the others get at least one part wrong", () => {
  const c = composite(styleMcq, timeMcq, questionRng(3, "c"));
  assert.equal(c.id, "s1+t1");
  assert.equal(c.answer, "first: jazz; second: 0:32.1");
  assert.deepEqual([c.source_ids, c.upgrade, c.split, c.category], [["s1", "t1"], "composite", "mixed", "style+section-timing"]);
  assert.equal(new Set(c.choices).size, 4);
  const right = c.choices!.filter((o) => o.includes("first: jazz;") && o.endsWith("second: 0:32.1"));
  assert.deepEqual(right, [c.answer]);
  assert.equal(c.choices!.filter((o) => o.includes("first: jazz;")).length, 2, "knowing one part is worth half");
  assert.match(c.question, /^Two questions about this track\. First: What is the style\? Second: When does the first chorus/);
  toRlItem({ ...c, audio: c.audio }, "c", "/");
  const q = poseItem(c);
  const letter = String.fromCharCode(65 + q.answerIndex!);
  assert.equal(accuracyReward(`<think>x</think><answer>(${letter}) ${c.answer}</answer>`, q), 1);
});

test("upgradeQuestions: variants of each kind, composites within a song across categories, the same for the same seed", () => {
  const songB = path.join(dir, "audio/b.wav");
  const kept = [timeMcq, tempoMcq, countMcq, styleMcq, { ...styleMcq, id: "s2", audio: songB }, { ...timeMcq, id: "t2", audio: songB, category: "style" }];
  const seconds = () => 120;
  const a = upgradeQuestions(kept, { upgrades: ["closer-distractors", "finer-tolerance", "composite"], seed: 4, songSeconds: seconds });
  assert.deepEqual(upgradeQuestions(kept, { upgrades: ["closer-distractors", "finer-tolerance", "composite"], seed: 4, songSeconds: seconds }), a);
  const by = (u: string) => a.filter((v) => v.upgrade === u);
  assert.deepEqual(by("closer-distractors").map((v) => v.id).sort(), ["b1~closer", "t1~closer", "t2~closer"]);
  assert.deepEqual(by("finer-tolerance").map((v) => v.id).sort(), ["b1~finer", "c1~finer", "t1~finer", "t2~finer"]);
  const composites = by("composite");
  assert.equal(composites.length, 2, "song a: four questions make two pairs; song b: its two share a category");
  for (const c of composites) {
    const [x, y] = c.source_ids!.map((id) => kept.find((k) => k.id === id)!);
    assert.equal(x!.audio, y!.audio);
    assert.notEqual(x!.category, y!.category);
  }
  assert.equal(new Set(composites.flatMap((c) => c.source_ids)).size, 4, "a question is in one pair at most");
  assert.deepEqual(upgradeQuestions(kept, { upgrades: [], seed: 4, songSeconds: seconds }), []);
});

test("held-out songs are split off as in every stage", () => {
  let heldId = 0;
  while (!isHeldOut(`song-${heldId}`)) heldId++;
  const items = [`song-${heldId}`, `song-${heldId + 1}`].map((s, i) => ({ ...styleMcq, id: `q${i}`, audio: `/x/audio/${s}.wav` }));
  const { train, heldOut } = splitBySong(items);
  assert.deepEqual(heldOut.map((i) => i.id), ["q0"]);
  assert.equal(train.length + heldOut.length, 2);
});

test("grpo config: defaults, gradAccum from promptsPerBatch, reference defaults to init; errors name the field", () => {
  const file = (body: object) => write("grpo.json", JSON.stringify({ stage: "grpo", init: "sft/model", rl: "rl/rl.jsonl", run: "runs/g", ...body }));
  const c = loadTrainConfig(file({ promptsPerBatch: 3, optim: { steps: 6 } }), "grpo");
  assert.equal(c.init, path.join(dir, "sft/model"));
  assert.equal(c.reference, c.init);
  assert.equal(c.rl, path.join(dir, "rl/rl.jsonl"));
  assert.deepEqual(c.trainable, ["llm"]);
  assert.equal(c.loop.gradAccum, 3);
  assert.deepEqual(c.grpo, {
    groupSize: 8, promptsPerBatch: 3, innerSteps: 2, clipEpsilon: 0.2, klBeta: 0.04, temperature: 1, topK: 0, topP: 1, maxNewTokens: 128,
    rewardWeights: { format: 0.5, accuracy: 1 }, optionOrder: "per-rollout", ordersPerGroup: 1, mcqAnswer: "parsed", evalItems: 32,
    summary: "heard", misheard: 0,
  });
  const written = loadTrainConfig(file({ summary: "written", misheard: 0.5 }), "grpo").grpo;
  assert.deepEqual([written.summary, written.misheard], ["written", 0.5]);
  assert.throws(() => loadTrainConfig(file({ summary: "read" }), "grpo"), /"summary" must be one of "heard", "written"/);
  assert.throws(() => loadTrainConfig(file({ misheard: 0.5 }), "grpo"), /"misheard" states misheard facts in written summaries: it needs "summary": "written"/);
  assert.throws(() => loadTrainConfig(file({ summary: "written", misheard: 2 }), "grpo"), /"misheard" must be a share in \[0, 1\]/);
  assert.equal(loadTrainConfig(file({ mcqAnswer: "consistent" }), "grpo").grpo.mcqAnswer, "consistent");
  assert.equal(loadTrainConfig(file({ mcqAnswer: "text" }), "grpo").grpo.mcqAnswer, "text");
  assert.throws(() => loadTrainConfig(file({ mcqAnswer: "strict" }), "grpo"), /"mcqAnswer" must be one of "parsed", "consistent", "text"/);
  assert.equal(loadTrainConfig(file({ optionOrder: "fixed" }), "grpo").grpo.optionOrder, "fixed");
  assert.throws(() => loadTrainConfig(file({ optionOrder: "random" }), "grpo"), /"optionOrder" must be one of "per-rollout", "fixed"/);
  assert.equal(loadTrainConfig(file({ ordersPerGroup: 4 }), "grpo").grpo.ordersPerGroup, 4);
  assert.throws(() => loadTrainConfig(file({ groupSize: 6, ordersPerGroup: 4 }), "grpo"), /"ordersPerGroup" must be a positive integer dividing groupSize \(6\)/);
  assert.equal(loadTrainConfig(file({ reference: "other" }), "grpo").reference, path.join(dir, "other"));
  assert.throws(() => loadTrainConfig(file({ optim: { gradAccum: 2 } }), "grpo"), /"optim\.gradAccum" is "promptsPerBatch" in grpo/);
  assert.throws(() => loadTrainConfig(file({ groupSize: 1 }), "grpo"), /"groupSize" must be an integer of at least 2/);
  assert.throws(() => loadTrainConfig(file({ temperature: 0 }), "grpo"), /"temperature" must be above 0/);
  assert.throws(() => loadTrainConfig(file({ rewardWeights: { format: 0, accuracy: 0 } }), "grpo"), /"rewardWeights" are all 0/);
  assert.throws(() => loadTrainConfig(file({ rewardWeights: { style: 1 } }), "grpo"), /unknown reward weight "style"/);
  assert.throws(() => loadTrainConfig(file({ trainable: ["llm", "ears"] }), "grpo"), /"trainable" must be a list of/);
  assert.throws(() => loadTrainConfig(write("g2.json", JSON.stringify({ stage: "grpo", init: "m", run: "r" })), "grpo"), /g2\.json: "rl" .* is missing/);
});

test("rl-select over written summaries: only questions the summary answers are measured, no audio is needed or heard, upgrades that leave the summary dropped", async () => {
  const { rlSelect } = await import("../src/train/rl-select.js");
  const { saveModel } = await import("../src/model/io.js");
  const { tinyModel, tinyTokenizerFile } = await import("./model-helpers.js");
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-rl-written-"));
  // A text-only dataset (gamma data synth --text-only): annotations, no audio at all.
  fs.mkdirSync(path.join(data, "songs"));
  const annotation = {
    global: {
      key: { tonic: "D", mode: "major" }, tempo: 127.3, style: "jazz", tempoClass: "fast", mood: ["happy"], metre: { numerator: 3, denominator: 4 },
      leadInstrument: "trumpet", instruments: [{ name: "trumpet", role: "lead" }, { name: "piano", role: "comping" }], duration: 80,
    },
  };
  for (const s of ["a", "b"]) {
    fs.writeFileSync(path.join(data, "songs", `${s}.json`), JSON.stringify(annotation));
  }
  fs.writeFileSync(path.join(data, "mcq.jsonl"), lines(["a", "b"].flatMap((s) => [
    { ...tempoMcq, id: `${s}-tempo`, audio: `audio/${s}.wav` },
    { ...styleMcq, id: `${s}-style`, audio: `audio/${s}.wav`, category: "genre" },
    { ...timeMcq, id: `${s}-time`, audio: `audio/${s}.wav` },
  ])));
  const model = path.join(data, "model");
  saveModel(model, tinyModel(2, (c) => { c.projector.summaryTokens = 19; c.projector.summaryAsWords = true; c.projector.summaryOnly = true; }), tinyTokenizerFile());
  const featureDir = path.join(data, "features");
  const options = {
    model, pool: [data], out: path.join(data, "rl.jsonl"), groupSize: 4, orders: 2, minPass: 0, maxPass: 1, seed: 0, temperature: 1, maxNewTokens: 8,
    batchSize: 4, featureDir, upgrades: ["closer-distractors", "finer-tolerance"] as const, summary: "written" as const,
  };
  const summary = await rlSelect({ ...options, upgrades: [...options.upgrades] });
  assert.deepEqual([summary.pool, summary.answerable, summary.measured, summary.kept], [6, 4, 4, 4]);
  assert.deepEqual(summary.variants_made, { "closer-distractors": 2 }, "the open tempo answers of finer-tolerance are not in the summary");
  assert.equal(summary.written, 4 + summary.variants_kept);
  assert.ok(!fs.existsSync(featureDir) || fs.readdirSync(featureDir).length === 0, "no features: nothing was heard");
  assert.ok(readRlFile(options.out, { written: true }).every((item) => item.category !== "section-timing"));
  assert.throws(() => readRlFile(options.out), /audio .*a\.wav does not exist/, "heard, the same questions need their audio");
  fs.rmSync(path.join(data, "songs", "b.json"));
  assert.throws(() => readRlFile(options.out, { written: true }), /the song's annotation .*songs\/b\.json does not exist \(a question over a written summary reads its song's songs\/<id>\.json\)/);
  fs.writeFileSync(path.join(data, "songs", "b.json"), JSON.stringify(annotation));
  await assert.rejects(rlSelect({ ...options, upgrades: [], summary: "heard", misheard: 0.5 }), /--misheard states misheard facts in written summaries: it needs --summary written/);
  saveModel(model, tinyModel(2), tinyTokenizerFile());
  await assert.rejects(rlSelect({ ...options, upgrades: [] }), /rl-select: questions over written summaries need a model that hears a song as summary words alone/);
});

test("rl-select --mcq-answer: the GRPO rules are offered, anything else is refused before any work", () => {
  const gamma = path.join(repoRoot(), "bin/gamma.js");
  const help = spawnSync(process.execPath, [gamma, "data", "rl-select", "--help"], { encoding: "utf8" });
  assert.match(help.stdout.replace(/\s+/g, " "), /--mcq-answer <rule>.*choices: "parsed", "consistent", "text", "grounded"/);
  const bad = spawnSync(process.execPath, [gamma, "data", "rl-select", "--model", "m", "--pool", "p", "--out", "o.jsonl", "--mcq-answer", "letters"], { encoding: "utf8" });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /option '--mcq-answer <rule>' argument 'letters' is invalid. Allowed choices are parsed, consistent, text, grounded/);
});
