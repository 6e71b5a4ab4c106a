// `gamma bench`: the three benchmark formats, the MuChoMusic protocol (seeded option order, prompt, answer
// parsing), scoring, the audio controls, resuming, and bad items reported while the run goes on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { writeWav } from "../src/audio/wav-write.js";
import { repoRoot } from "../src/cli/paths.js";
import type { Answerer, AnswerRequest } from "../src/eval/answerer.js";
import { baselineAnswerer } from "../src/eval/baselines.js";
import { type BenchOptions, runBench } from "../src/eval/bench.js";
import { audioInputs } from "../src/eval/controls.js";
import { detectFormat } from "../src/eval/formats/detect.js";
import { loadBenchmark } from "../src/eval/formats/index.js";
import { pythonStrings, trackFileNames } from "../src/eval/formats/muchomusic.js";
import { parseGamma, parseMuchomusic, parseRanked } from "../src/eval/parse.js";
import { formatPrompt } from "../src/eval/prompt.js";
import { derangement, optionOrder } from "../src/eval/shuffle.js";
import { wilsonInterval } from "../src/eval/score.js";
import { ffmpeg, ffmpegSkip, makeTempDir } from "./audio-fixtures.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string; last: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [gamma, "bench", ...args], { encoding: "utf8", timeout: 60_000 });
  const lastLine = r.stdout.trim().split("\n").pop() ?? "";
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, last: lastLine.startsWith("{") ? JSON.parse(lastLine) as Record<string, unknown> : {} };
}

function tone(file: string, seconds: number, freq = 440): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeWav(file, Float32Array.from({ length: Math.round(16000 * seconds) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * freq * i) / 16000)), 16000);
}

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";

/** Our jsonl: six good questions over three songs (the longest option always right), and one of each bad item. */
function writeJsonlBench(dir: string): string {
  for (let s = 0; s < 3; s++) tone(path.join(dir, "audio", `song${s}.wav`), 0.5 + 0.25 * s, 220 * (s + 1));
  fs.writeFileSync(path.join(dir, "audio", "noise.wav"), Buffer.from("this is not audio at all, only text bytes"));
  const good = Array.from({ length: 6 }, (_, i) => ({
    id: `q${i}`, audio: `audio/song${i % 3}.wav`, question: `Question ${i}?`,
    choices: ["a", "the right answer", "bb", "ccc"], answer: "the right answer",
    split: i % 2 ? "temporal" : "global", category: i < 3 ? "tempo" : "key",
  }));
  const file = path.join(dir, "mcq.jsonl");
  fs.writeFileSync(file, jsonl([
    ...good.slice(0, 3),
    "{not json",
    { ...good[0], id: "bad-answer", answer: "nowhere" },
    "",
    { ...good[0], id: "no-audio", audio: "audio/missing.wav" },
    { ...good[0], id: "noise", audio: "audio/noise.wav" },
    { ...good[0] },
    ...good.slice(3),
  ]));
  return file;
}

const quiet = { warn: () => undefined };
function options(file: string, over: Partial<BenchOptions> = {}): BenchOptions {
  return {
    file, seed: 0, shuffle: true, prompt: "muchomusic", audio: "real", answererId: "baseline:longest",
    makeAnswerer: () => Promise.resolve(baselineAnswerer("longest", 0)), ...quiet, ...over,
  };
}

/** An answerer that writes what `reply` says, and records every batch it is given. */
function scripted(reply: (r: AnswerRequest) => string, batchSize = 4): Answerer & { batches: AnswerRequest[][] } {
  const batches: AnswerRequest[][] = [];
  return { name: "scripted", batchSize, batches, answer: (rs) => { batches.push(rs); return Promise.resolve(rs.map(reply)); } };
}

test("formats are detected from content, whatever the name", () => {
  assert.equal(detectFormat("x.txt", '{"id":"a"}\n{"id":"b"}\n'), "jsonl");
  assert.equal(detectFormat("x.jsonl", '\uFEFF  [\n {"id": "a"}\n]'), "mmau");
  assert.equal(detectFormat("x.json", "question_id,question,correct_answer,distractor_1_answer,dataset\n1,q,a,b,sdd\n"), "muchomusic");
  assert.throws(() => detectFormat("x.csv", "id,text\n1,hello\n"), /cannot tell the benchmark format.*--format/);
  assert.throws(() => detectFormat("x.wav", "RIFF....WAVEfmt "), /cannot tell the benchmark format/);
});

test("our jsonl: good questions are read, and each bad record becomes a problem naming its line and id", () => {
  const dir = makeTempDir("bench-jsonl");
  try {
    const bench = loadBenchmark(writeJsonlBench(dir));
    assert.equal(bench.format, "jsonl");
    assert.deepEqual(bench.items.map((i) => i.id), ["q0", "q1", "q2", "no-audio", "noise", "q3", "q4", "q5"]);
    const q1 = bench.items[1]!;
    assert.equal(q1.audio, path.join(dir, "audio", "song1.wav"));
    assert.equal(q1.answer, 1);
    assert.equal(q1.split, "temporal");
    assert.deepEqual(q1.categories, ["tempo"]);
    assert.deepEqual(bench.problems.map((p) => [p.source, p.id, p.problem.replace(/ \(.*/, "")]), [
      ["mcq.jsonl:4", undefined, "not valid JSON"],
      ["mcq.jsonl:5", "bad-answer", 'the answer "nowhere" is not among the choices'],
      ["mcq.jsonl:9", "q0", "repeats the id of mcq.jsonl:1"],
    ]);
    assert.equal(loadBenchmark(path.join(dir, "mcq.jsonl"), { limit: 4 }).items.length, 3, "--limit counts records, bad ones too");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("MuChoMusic CSV: upstream columns, dimensions, and audio found by track name under the audio folder", () => {
  const dir = makeTempDir("bench-mcm");
  try {
    // Song Describer audio as upstream names it (<track>.2min.mp3: WAV content here, sniffed), MusicCaps as
    // [<ytid>]-[<start>-<end>].wav; a YouTube id may hold "_" and "-".
    tone(path.join(dir, "data", "sdd", "audio", "00", "415600.2min.mp3"), 0.5);
    tone(path.join(dir, "data", "musiccaps", "audio", "[a_b-c]-[30-40].wav"), 0.5);
    const file = path.join(dir, "muchomusic.csv");
    fs.writeFileSync(file, [
      "question_id,question,correct_answer,distractor_1_answer,distractor_2_answer,distractor_3_answer,dataset,dataset_identifier,genre,music_knowledge,music_reasoning",
      `7,"What, exactly, plays?",Piano,Guitar,Drums,"Voice, choir",sdd,415600,Pop,"['instrumentation', 'melody']",[]`,
      `8,Which mood?,Calm,Angry,Sad,Tense,musiccaps,a_b-c_30,Jazz,,"['mood']"`,
      "9,too few fields,Calm,Angry",
      "10,Where is it?,Here,There,Nowhere,Else,sdd,999,Rock,[],[]",
    ].join("\n") + "\n");
    const bench = loadBenchmark(file, { audioDir: path.join(dir, "data") });
    assert.equal(bench.format, "muchomusic");
    assert.deepEqual(bench.items.map((i) => i.id), ["7", "8"]);
    const [q7, q8] = bench.items;
    assert.deepEqual(q7!.choices, ["Piano", "Guitar", "Drums", "Voice, choir"]);
    assert.equal(q7!.answer, 0);
    assert.equal(q7!.question, "What, exactly, plays?");
    assert.equal(q7!.audio, path.join(dir, "data", "sdd", "audio", "00", "415600.2min.mp3"));
    assert.deepEqual(q7!.categories, ["knowledge"]);
    assert.deepEqual(q7!.subCategories, ["instrumentation", "melody"]);
    assert.equal(q8!.audio, path.join(dir, "data", "musiccaps", "audio", "[a_b-c]-[30-40].wav"));
    assert.deepEqual([q8!.categories, q8!.subCategories], [["reasoning"], ["mood"]]);
    assert.deepEqual(bench.problems.map((p) => [p.source, p.id]), [["muchomusic.csv:4", "9"], ["muchomusic.csv:5", "10"]]);
    assert.match(bench.problems[0]!.problem, /different number of fields/);
    assert.match(bench.problems[1]!.problem, /no audio for sdd track 999 under .*999\.2min\.\*, 999\.\*.*--audio-dir/);

    // A CSV with an audio_path column names each row's file instead.
    fs.writeFileSync(file, "question,correct_answer,distractor_1_answer,question_id,audio_path\nQ?,yes,no,1,data/sdd/audio/00/415600.2min.mp3\n");
    assert.equal(loadBenchmark(file).items[0]!.audio, path.join(dir, "data", "sdd", "audio", "00", "415600.2min.mp3"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(pythonStrings(`['genre and style', "rock 'n' roll"]`), ["genre and style", "rock 'n' roll"]);
  assert.deepEqual(pythonStrings(""), []);
  assert.deepEqual(trackFileNames("musiccaps", "-0Gj8-vB1q4_30.json"), ["[-0Gj8-vB1q4]-[30-40]", "-0Gj8-vB1q4_30", "-0Gj8-vB1q4"]);
});

test("MMAU JSON: paths relative to the file; an undecodable .wav and a missing answer are invalid, the run goes on", async () => {
  const dir = makeTempDir("bench-mmau");
  try {
    tone(path.join(dir, "test-mini-audios", "a.wav"), 0.5);
    tone(path.join(dir, "test-mini-audios", "b.wav"), 0.75);
    fs.writeFileSync(path.join(dir, "test-mini-audios", "broken.wav"), Buffer.alloc(2000, 0x41));
    const item = (id: string, audio: string, answer = "Guitar") => ({
      id, audio_id: `./test-mini-audios/${audio}`, question: "Which instrument?", choices: ["Piano", "Guitar", "Violin", "Flute"],
      answer, dataset: "MusicCaps", task: "music", split: "test-mini", category: "Information Extraction", "sub-category": "Instrument Identification", difficulty: "easy",
    });
    const file = path.join(dir, "mmau-test-mini.json");
    fs.writeFileSync(file, JSON.stringify([item("m1", "a.wav"), item("m2", "broken.wav"), item("m3", "b.wav", "Banjo"), item("m4", "b.wav"), 42], null, 2));
    const warnings: string[] = [];
    const report = await runBench(options(file, { warn: (l) => warnings.push(l) }));
    assert.equal(report.format, "mmau");
    assert.equal(report.n, 2);
    assert.equal(report.invalid, 3);
    assert.deepEqual(report.invalid_items.map((p) => p.source), ["mmau-test-mini.json item 3", "mmau-test-mini.json item 5", "mmau-test-mini.json item 2"]);
    assert.match(warnings.join("\n"), /item 2 \(id m2\): .*broken\.wav: not a recognised audio format/);
    assert.deepEqual(Object.keys(report.by_category), ["Information Extraction"]);
    assert.deepEqual(report.by_sub_category["Instrument Identification"]!.n, 2);
    assert.deepEqual(report.by_difficulty.easy!.n, 2);
    assert.deepEqual(report.by_split, {});
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("MMAU JSON: MP3 data under a .wav name is sniffed and decoded", { skip: ffmpegSkip("libmp3lame") }, async () => {
  const dir = makeTempDir("bench-mmau-mp3");
  try {
    tone(path.join(dir, "src.wav"), 1);
    await ffmpeg("-i", path.join(dir, "src.wav"), "-c:a", "libmp3lame", "-f", "mp3", path.join(dir, "really-an-mp3.wav"));
    const file = path.join(dir, "mmau.json");
    fs.writeFileSync(file, JSON.stringify([{ id: "x", audio_id: "really-an-mp3.wav", question: "Q?", choices: ["yes", "no"], answer: "yes", category: "c", "sub-category": "s", difficulty: "hard" }]));
    const report = await runBench(options(file, { audio: "silent", makeAnswerer: () => Promise.resolve(scripted((r) => {
      assert.equal(r.audio.kind, "silent");
      assert.ok(r.audio.kind === "silent" && Math.abs(r.audio.seconds - 1) < 0.15, "silence as long as the MP3 (with its encoder padding)");
      return "(A)";
    })) }));
    assert.deepEqual([report.n, report.invalid], [1, 0]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("MuChoMusic parsing: one letter, else an option's text, else unparsed", () => {
  const options = ["Piano", "Electric guitar", "Drums", "Choir"];
  const cases: [string, number | undefined][] = [
    ["B", 1],
    ["(C) Drums", 2],
    ["Question: x Options: (A) Piano (B) ... The correct answer is: (D)", 3], // only what follows the prefix
    ["the answer is d", undefined], // letters are capitals
    ["A or B", undefined], // two letters, and no option's text
    ["A piano, or B", 0], // two letters: the text decides
    ["I hear an electric guitar", 1],
    ["(A) or (B)? the drums", 2], // two letters: the text decides
    ["piano and drums", 0], // the first option in order whose text occurs
    ["nothing useful", undefined],
  ];
  for (const [output, expected] of cases) assert.equal(parseMuchomusic(output, options), expected, output);
});

test("our <answer> parsing: the tag first, then MuChoMusic's rule", () => {
  const options = ["A major", "C minor", "D major", "E minor"];
  const cases: [string, number | undefined][] = [
    ["<answer>(C) D major</answer>", 2],
    ["Thinking about (A) and (B)... <answer>(B) C minor</answer>", 1],
    ["<answer>D</answer>", 3],
    ["<answer>A major</answer>", 0], // an option's text, not the letter A
    ["<answer>e minor</answer>", 3],
    ["<answer>it is D major</answer>", 2], // one option's text, though MuChoMusic's rule would read the letter D
    ["<answer>A major or C minor, but D</answer>", 0], // two options' texts: MuChoMusic's rule (3 letters; the first text)
    ["<answer>(Z) who knows</answer>", undefined],
    ["no tag: C", 2],
    ["<answer></answer>", undefined],
  ];
  for (const [output, expected] of cases) assert.equal(parseGamma(output, options), expected, output);
});

test("the likelihood protocol: the question alone, answers read by their leading letter", () => {
  assert.equal(formatPrompt("likelihood", "Which key?", ["C", "G"]), "Which key?");
  const options = ["C major", "D minor", "E minor"];
  assert.equal(parseRanked("(B) D minor", options), 1);
  assert.equal(parseRanked(" (C) E minor", options), 2);
  assert.equal(parseRanked("(D) F major", options), parseGamma("(D) F major", options), "a letter past the options falls back to our rule");
  assert.equal(parseRanked("<answer>(A) C major</answer>", options), 0);
});

test("prompts: MuChoMusic's exactly, and ours asking for <answer>", () => {
  assert.equal(formatPrompt("muchomusic", "Which key?", ["C", "G"]), "Question: Which key?\n Options: (A) C (B) G \n The correct answer is: ");
  const ours = formatPrompt("gamma", "Which key?", ["C", "G"]);
  assert.match(ours, /^Question: Which key\?\nOptions:\n\(A\) C\n\(B\) G\n.*<answer>/);
});

test("option order: deterministic per seed and id, answer positions uniform, identity without shuffling", () => {
  assert.deepEqual(optionOrder(4, 3, "q1", true), optionOrder(4, 3, "q1", true));
  assert.deepEqual(optionOrder(4, 3, "q1", false), [0, 1, 2, 3]);
  const orders = (seed: number) => Array.from({ length: 200 }, (_, i) => optionOrder(4, seed, `q${i}`, true).join(""));
  assert.notDeepEqual(orders(0), orders(1));
  const positions = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) positions[optionOrder(4, 7, `question-${i}`, true).indexOf(0)]!++;
  for (const count of positions) assert.ok(Math.abs(count - 1000) < 120, `answer positions ${positions.join(", ")}`);
});

test("Wilson 95% interval", () => {
  const close = (a: [number, number], b: [number, number]) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) < 1e-4, `${a} vs ${b}`));
  close(wilsonInterval(0, 10), [0, 0.27753]);
  close(wilsonInterval(5, 10), [0.23659, 0.76341]);
  close(wilsonInterval(10, 10), [0.72247, 1]);
  close(wilsonInterval(382, 1566), [0.22331, 0.26581]);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
});

test("controls: silent keeps each duration; shuffled gives every question another file's audio, by seed; written names its own song", () => {
  const qs = [{ file: "a", seconds: 1 }, { file: "a", seconds: 1 }, { file: "b", seconds: 2 }, { file: "c", seconds: 3 }, { file: "d", seconds: 4 }];
  assert.deepEqual(audioInputs(qs, "silent", 0), qs.map((q) => ({ kind: "silent", seconds: q.seconds })));
  assert.deepEqual(audioInputs(qs, "real", 0), qs.map((q) => ({ kind: "file", path: q.file })));
  assert.deepEqual(audioInputs(qs, "written", 0), qs.map((q) => ({ kind: "written", path: q.file })), "each question's own song, its facts to be written");
  for (let seed = 0; seed < 20; seed++) {
    const heard = audioInputs(qs, "shuffled", seed).map((a) => (a.kind === "file" ? a.path : ""));
    heard.forEach((h, i) => assert.notEqual(h, qs[i]!.file, `seed ${seed}: question ${i} hears its own audio`));
    assert.equal(heard[0], heard[1], "questions on one song hear the same other song");
    assert.deepEqual(new Set(heard), new Set(["a", "b", "c", "d"]));
    assert.deepEqual(audioInputs(qs, "shuffled", seed), audioInputs(qs, "shuffled", seed));
  }
  assert.throws(() => audioInputs([qs[0]!, qs[1]!], "shuffled", 0), /at least two different audio files/);
  for (let n = 2; n < 9; n++) derangement(n, n).forEach((j, i) => assert.notEqual(i, j));
});

test("batches, parse failures scored wrong, and per-split/category scores", async () => {
  const dir = makeTempDir("bench-run");
  try {
    const file = writeJsonlBench(dir);
    const answerer = scripted((r) => (r.id === "q0" ? "hmm" : `(${String.fromCharCode(65 + r.choices.indexOf("the right answer"))})`), 4);
    const report = await runBench(options(file, { makeAnswerer: () => Promise.resolve(answerer) }));
    assert.deepEqual(answerer.batches.map((b) => b.length), [4, 2]);
    assert.deepEqual([report.n, report.correct, report.parse_failures, report.invalid], [6, 5, 1, 5]);
    assert.ok(Math.abs(report.accuracy - 5 / 6) < 1e-12);
    assert.deepEqual(report.by_split.global, { n: 3, correct: 2, accuracy: 2 / 3, ci95: wilsonInterval(2, 3), parse_failures: 1 });
    assert.deepEqual(Object.keys(report.by_category), ["key", "tempo"]);
    assert.equal(report.chance, 0.25);
    const first = answerer.batches[0]![0]!;
    assert.equal(first.audio.kind === "file" && first.audio.path, path.join(dir, "audio", "song0.wav"));
    assert.match(first.prompt, /^Question: Question 0\?\n Options: \(A\) /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--audio written reads each song's annotation, not its audio: a text-only dataset is benched; a song without one is invalid", async () => {
  const dir = makeTempDir("bench-written");
  try {
    // A dataset as `gamma data synth --text-only` leaves it: songs/<id>.json, no audio/<id>.wav.
    fs.mkdirSync(path.join(dir, "songs"));
    fs.writeFileSync(path.join(dir, "songs", "s1.json"), JSON.stringify({ global: { duration: 95.5 } }));
    const file = path.join(dir, "q.jsonl");
    const question = (id: string, song: string) => JSON.stringify({ id, audio: `audio/${song}.wav`, question: "Mode?", choices: ["major", "minor"], answer: "minor" });
    fs.writeFileSync(file, [question("known", "s1"), question("unknown", "s2")].join("\n") + "\n");
    const answerer = scripted(() => "(B)");
    const warnings: string[] = [];
    const report = await runBench(options(file, { audio: "written", warn: (l) => warnings.push(l), makeAnswerer: () => Promise.resolve(answerer) }));
    assert.deepEqual([report.n, report.invalid], [1, 1]);
    assert.deepEqual(answerer.batches.flat().map((r) => r.audio), [{ kind: "written", path: path.join(dir, "audio", "s1.wav") }]);
    assert.match(warnings.join("\n"), /invalid: q\.jsonl:2 \(id unknown\): .*songs\/s2\.json: no annotation for .*s2\.wav/);
    // Heard, the same questions have no audio to hear.
    await assert.rejects(runBench(options(file, { makeAnswerer: () => Promise.resolve(scripted(() => "(B)")) })), /no valid questions .*s1\.wav: no such file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--temperature: recorded in the run's settings, so a resume at another temperature is refused; refused with a baseline or likelihood", async () => {
  const dir = makeTempDir("bench-temperature");
  try {
    const file = writeJsonlBench(dir);
    const out = path.join(dir, "run");
    const report = await runBench(options(file, { out, temperature: 0.7 }));
    assert.equal(report.temperature, 0.7);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, "run.json"), "utf8")).temperature, 0.7);
    assert.match(fs.readFileSync(path.join(out, "report.md"), "utf8"), /\| answers \| sampled at temperature 0\.7, each question from its own seed \|/);
    await assert.rejects(runBench(options(file, { out, resume: true })), /other settings \(temperature was 0\.7, now null\)/);
    const greedy = await runBench(options(file, { out: path.join(dir, "greedy") }));
    assert.equal("temperature" in greedy, false, "greedy runs' settings are as before");
    const baseline = cli(file, "--baseline", "longest", "--temperature", "1");
    assert.notEqual(baseline.code, 0);
    assert.match(baseline.stderr, /--temperature samples a model's answers; a baseline does not generate text/);
    assert.match(cli(file, "--prompt", "likelihood", "--temperature", "1").stderr, /--prompt likelihood ranks the options without generating/);
    assert.match(cli(file, "--temperature", "-1").stderr, /--temperature must be a number from 0 to 10, got "-1"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("gamma bench --baseline: bad items warned and counted, report.json and report.md written, last line JSON", async () => {
  const dir = makeTempDir("bench-cli");
  try {
    const file = writeJsonlBench(dir);
    const out = path.join(dir, "run");
    const r = cli(file, "--baseline", "longest", "--out", out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.last.accuracy, 1, "the longest option is always right here");
    assert.equal(r.last.n, 6);
    assert.equal(r.last.parse_failures, 0);
    assert.equal(r.last.invalid, 5);
    assert.ok(typeof r.last.by_split === "object" && typeof r.last.by_category === "object");
    assert.match(r.stderr, /invalid: mcq\.jsonl:4: not valid JSON/);
    assert.match(r.stderr, /invalid: mcq\.jsonl:7 \(id no-audio\): .*missing\.wav: no such file/);
    assert.match(r.stderr, /invalid: mcq\.jsonl:8 \(id noise\): .*not a recognised audio format/);
    const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")) as { invalid_items: unknown[]; accuracy: number };
    assert.equal(report.invalid_items.length, 5);
    const md = fs.readFileSync(path.join(out, "report.md"), "utf8");
    assert.match(md, /\*\*Accuracy 100\.0%\*\*/);
    assert.match(md, /Invalid items: 5, excluded from the accuracy's denominator/);
    assert.match(md, /\| mcq\.jsonl:5 \| bad-answer \| the answer "nowhere" is not among the choices \|/);
    assert.equal(fs.readFileSync(path.join(out, "results.jsonl"), "utf8").trim().split("\n").length, 6);

    // The first option as presented, options kept in the file's order: the answer is never first.
    const first = await runBench(options(file, { shuffle: false, limit: 3, answererId: "baseline:first", makeAnswerer: () => Promise.resolve(baselineAnswerer("first", 0)) }));
    assert.deepEqual([first.accuracy, first.n, first.limit], [0, 3, 3]);

    await assert.rejects(runBench(options(file, { out })), /already holds a bench run: continue it with --resume/);
    await assert.rejects(runBench(options(file, { resume: true })), /--resume needs --out/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--resume continues from a partial results file and gives the same report", async () => {
  const dir = makeTempDir("bench-resume");
  try {
    const file = writeJsonlBench(dir);
    const full = path.join(dir, "full"), cut = path.join(dir, "cut");
    const random = (out: string, resume = false) => options(file, {
      out, resume, answererId: "baseline:random", makeAnswerer: () => Promise.resolve(baselineAnswerer("random", 0, 2)),
    });
    const whole = await runBench(random(full));
    // A run killed after two results, in the middle of writing the third line.
    fs.mkdirSync(cut);
    fs.copyFileSync(path.join(full, "run.json"), path.join(cut, "run.json"));
    const lines = fs.readFileSync(path.join(full, "results.jsonl"), "utf8").split("\n");
    fs.writeFileSync(path.join(cut, "results.jsonl"), `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 20)}`);
    const asked: string[] = [];
    const resumed = await runBench({ ...random(cut, true), makeAnswerer: () => Promise.resolve({ ...baselineAnswerer("random", 0, 2), answer: (rs) => {
      asked.push(...rs.map((r) => r.id));
      return baselineAnswerer("random", 0).answer(rs);
    } }) });
    // Asked by recording: song0's q0 and q3 were done; song1's q1, q4 and song2's q2, q5 remain.
    assert.deepEqual(asked, ["q1", "q4", "q2", "q5"]);
    const timeless = ({ seconds_per_question: _s, ...rest }: typeof whole) => rest;
    assert.deepEqual(timeless(resumed), timeless(whole));
    const results = (dir: string) => fs.readFileSync(path.join(dir, "results.jsonl"), "utf8").trim().split("\n")
      .map((l) => ({ ...JSON.parse(l) as object, seconds: 0 }));
    assert.deepEqual(results(cut), results(full), "the cut line is dropped and the rest appended");
    await assert.rejects(runBench({ ...random(cut, true), seed: 1 }), /--resume: .* holds a run with other settings \(seed was 0, now 1\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a whole bad file is one clear error", async () => {
  const dir = makeTempDir("bench-badfile");
  try {
    await assert.rejects(runBench(options(path.join(dir, "none.jsonl"))), /none\.jsonl: no such file/);
    fs.writeFileSync(path.join(dir, "notes.txt"), "just some notes\n");
    await assert.rejects(runBench(options(path.join(dir, "notes.txt"))), /cannot tell the benchmark format/);
    fs.writeFileSync(path.join(dir, "bad.jsonl"), '{"id":"x","audio":"gone.wav","question":"Q?","choices":["a","b"],"answer":"a"}\n');
    await assert.rejects(runBench(options(path.join(dir, "bad.jsonl"))), /no valid questions \(1 invalid; the first: bad\.jsonl:1: .*gone\.wav: no such file\)/);
    fs.writeFileSync(path.join(dir, "broken.json"), "[{");
    await assert.rejects(runBench(options(path.join(dir, "broken.json"))), /broken\.json: not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("each recording's questions are asked one after another; every question is reported", async () => {
  const dir = makeTempDir("bench-grouped");
  try {
    const file = writeJsonlBench(dir);
    const answerer = scripted(() => "(A)", 1);
    const out = path.join(dir, "run");
    const report = await runBench(options(file, { makeAnswerer: () => Promise.resolve(answerer), out }));
    const asked = answerer.batches.flat().map((r) => (r.audio.kind === "file" ? path.basename(r.audio.path) : "silent"));
    // The file scatters them (song0, song1, song2, song0, ...); each song's run is now unbroken.
    assert.deepEqual(asked, ["song0.wav", "song0.wav", "song1.wav", "song1.wav", "song2.wav", "song2.wav"]);
    assert.equal(report.n, 6);
    assert.equal((JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")) as { n: number }).n, 6);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
