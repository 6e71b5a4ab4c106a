// `gamma model init|inspect|export|compose`, `gamma ask`, `gamma chat` and `gamma timeline` as a user runs them: real processes on a real
// WAV file with a tiny randomly initialised model (the answers are noise; the plumbing, timings, token counts
// and errors are what is checked here).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { writeWav } from "../src/audio/wav-write.js";
import { repoRoot } from "../src/cli/paths.js";
import { TINY_CONFIG } from "../src/model/config.js";
import { loadSafetensors } from "../src/engine/safetensors.js";
import { saveModel } from "../src/model/io.js";
import { withTimeline } from "../src/model/rebuild.js";
import { tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 120_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-model-cli-"));
const modelDir = path.join(work, "tiny");
const wav = path.join(work, "tone.wav");
// 12.5 s: an A3 with a beat of clicks, at 22.05 kHz (resampled by the loader).
const rate = 22050;
const samples = new Float32Array(Math.round(12.5 * rate)).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) + (i % (rate / 2) < 200 ? 0.5 : 0));
writeWav(wav, samples, rate);

test("gamma model init writes a model directory; inspect reports parameters per part", () => {
  const init = run(["model", "init", "--config", "gamma-tiny", "--tokenizer", tinyTokenizerFile(), "--seed", "2", "--out", modelDir]);
  assert.equal(init.code, 0, init.stderr);
  for (const f of ["config.json", "model.safetensors", "tokenizer.json"]) assert.ok(fs.existsSync(path.join(modelDir, f)), f);
  const inspect = run(["model", "inspect", modelDir]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const report = JSON.parse(inspect.stdout) as { parameters: Record<string, number & Record<string, number>>; audio_tokens_per_second: number; config: { name: string } };
  const p = report.parameters;
  assert.equal(p.temporal_expert! + p.global_expert! + p.fusion!.total! + p.projector! + p.llm!, p.total);
  assert.equal(p.fusion!.extractor! + p.fusion!.injector! + p.fusion!.gate! + p.fusion!.other!, p.fusion!.total);
  assert.ok(p.fusion!.gate! > 0 && p.fusion!.extractor! > 0 && p.fusion!.injector! > 0);
  assert.equal(report.audio_tokens_per_second, 5);
  assert.equal(report.config.name, "gamma-tiny");
});

test("gamma model export writes bfloat16 weights of half the size, with provenance metadata", () => {
  const out = path.join(work, "exported");
  const r = run(["model", "export", modelDir, "--out", out, "--meta", "recipe=test"]);
  assert.equal(r.code, 0, r.stderr);
  const inspect = JSON.parse(run(["model", "inspect", out]).stdout) as { weights: { bytes: number; dtypes: string[]; metadata: Record<string, string> } };
  assert.deepEqual(inspect.weights.dtypes, ["bfloat16"]);
  assert.equal(inspect.weights.metadata.recipe, "test");
  assert.equal(inspect.weights.metadata.source, path.resolve(modelDir));
  const original = fs.statSync(path.join(modelDir, "model.safetensors")).size;
  assert.ok(inspect.weights.bytes < original * 0.55, `${inspect.weights.bytes} vs ${original}`);
  assert.equal(run(["model", "export", modelDir, "--out", out, "--dtype", "float16"]).code, 1);
  assert.match(run(["model", "export", path.join(work, "nowhere"), "--out", out]).stderr, /nowhere: no such model directory/);
});

test("gamma model compose joins one model's experts and fusion to another's projector, LLM and tokenizer", () => {
  const other = path.join(work, "other"), joined = path.join(work, "joined");
  assert.equal(run(["model", "init", "--config", "gamma-tiny", "--tokenizer", tinyTokenizerFile(), "--seed", "7", "--out", other]).code, 0);
  const r = run(["model", "compose", "--audio", modelDir, "--language", other, "--out", joined]);
  assert.equal(r.code, 0, r.stderr);
  const weights = (dir: string) => loadSafetensors(path.join(dir, "model.safetensors")).tensors;
  const [audio, language, composed] = [weights(modelDir), weights(other), weights(joined)];
  assert.equal(composed.size, audio.size);
  for (const [name, t] of composed) {
    const source = /^(temporal_expert|global_expert|fusion)\./.test(name) ? audio : language;
    assert.deepEqual([...t.toFloat32Array()], [...source.get(name)!.toFloat32Array()], name);
  }
  assert.equal(fs.readFileSync(path.join(joined, "tokenizer.json"), "utf8"), fs.readFileSync(path.join(other, "tokenizer.json"), "utf8"));
  // A fusion of another width cannot feed this projector.
  const wide = path.join(work, "wide.json"), wideDir = path.join(work, "wide");
  fs.writeFileSync(wide, JSON.stringify({ ...TINY_CONFIG, fusion: { ...TINY_CONFIG.fusion, dModel: 32 } }));
  assert.equal(run(["model", "init", "--config", wide, "--tokenizer", tinyTokenizerFile(), "--out", wideDir]).code, 0);
  const bad = run(["model", "compose", "--audio", wideDir, "--language", other, "--out", path.join(work, "bad")]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /fusion is 32 wide and the language side's projector reads 64/);
});

test("gamma ask --json answers with timings and the audio-token count", () => {
  const r = run(["ask", "--json", "--model", modelDir, "--max-tokens", "8", wav, "What key is this in?"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { answer: string; audio: { seconds: number; audio_tokens: number }; timings: Record<string, number> };
  assert.equal(typeof out.answer, "string");
  assert.equal(out.audio.seconds, 12.5);
  // 12.5 s at 5 tokens per second, plus the clip's summary tokens.
  assert.equal(out.audio.audio_tokens, Math.ceil(Math.ceil(1250 / 4) / 5) + TINY_CONFIG.projector.summaryTokens!);
  for (const k of ["load_s", "decode_s", "encode_s", "generate_s", "total_s"]) assert.ok(out.timings[k]! >= 0, k);
  // The same question again gives the same answer (greedy), also without --json.
  const plain = run(["ask", "--model", modelDir, "--max-tokens", "8", wav, "What key is this in?"]);
  assert.equal(plain.stdout.trim(), out.answer.trim());
});

test("gamma chat answers each piped line in turn", () => {
  const r = run(["chat", "--model", modelDir, "--max-tokens", "4", wav], "What genre is this?\nAnd the tempo?\n/quit\nignored\n");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /heard tone\.wav \(12\.5 s\)/);
  assert.equal(r.stdout.split("\n").length, 3); // two answers, then the final newline
});

test("bad input to ask: a missing model, a missing or undecodable audio file are named", () => {
  const noModel = run(["ask", "--model", path.join(work, "nope"), wav, "q"]);
  assert.equal(noModel.code, 1);
  assert.match(noModel.stderr, /nope: no such model directory/);
  const noAudio = run(["ask", "--model", modelDir, path.join(work, "missing.wav"), "q"]);
  assert.equal(noAudio.code, 1);
  assert.match(noAudio.stderr, /missing\.wav: no such file/);
  const junk = path.join(work, "junk.mp3");
  fs.writeFileSync(junk, "this is not audio at all, just text pretending to be an mp3 file");
  const bad = run(["ask", "--model", modelDir, junk, "q"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /junk\.mp3/);
  assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/); // a message, not a stack trace
  const badTemp = run(["ask", "--model", modelDir, "--temperature", "hot", wav, "q"]);
  assert.match(badTemp.stderr, /--temperature must be a number/);
});

test("gamma bench with a model answers every question, several per recording, with real and silent audio", () => {
  const bench = path.join(work, "bench.jsonl");
  const item = (id: string, audio: string) => JSON.stringify({ id, audio, question: "Which key?", choices: ["C major", "A minor", "G major", "E minor"], answer: "A minor", split: "global", category: "key" });
  fs.writeFileSync(bench, [item("q1", "tone.wav"), item("q2", "tone.wav"), item("q3", "tone.wav")].join("\n") + "\n");
  for (const audio of ["real", "silent"]) {
    const r = run(["bench", "--model", modelDir, "--prompt", "gamma", "--batch-size", "2", "--audio", audio, bench]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!) as { n: number; invalid: number };
    assert.equal(report.n, 3, audio);
    assert.equal(report.invalid, 0, audio);
  }
  // The likelihood protocol: every answer names an option (the model ranks them), none unparsed.
  const ranked = run(["bench", "--model", modelDir, "--prompt", "likelihood", bench]);
  assert.equal(ranked.code, 0, ranked.stderr);
  const report = JSON.parse(ranked.stdout.trim().split("\n").pop()!) as { n: number; parse_failures: number };
  assert.deepEqual([report.n, report.parse_failures], [3, 0]);
});

test("gamma timeline: a model's sections of a recording as JSON; a model without a timeline head and a wrong --data are refused in one line", () => {
  const withHead = path.join(work, "tiny-timeline");
  saveModel(withHead, withTimeline(tinyModel(3), { pool: 5, dModel: 32, nLayers: 1, nHeads: 2, ffnDim: 64 }), tinyTokenizerFile());
  const printed = run(["timeline", "--model", withHead, "--json", wav]);
  assert.equal(printed.code, 0, printed.stderr);
  const heard = JSON.parse(printed.stdout) as { file: string; seconds: number; sections: { start: number; end: number; label: string }[] };
  assert.equal(heard.file, wav);
  assert.ok(Math.abs(heard.seconds - 12.5) < 0.02, `${heard.seconds}`);
  assert.equal(heard.sections[0]!.start, 0);
  assert.equal(heard.sections.at(-1)!.end, heard.seconds);
  heard.sections.slice(1).forEach((s, i) => assert.equal(s.start, heard.sections[i]!.end, "sections tile the song"));

  const without = path.join(work, "tiny-no-timeline");
  saveModel(without, tinyModel(3), tinyTokenizerFile());
  const refused = run(["timeline", "--model", without, wav]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr.trim(), /^gamma: .* has no timeline head; fit one with `gamma train timeline`/);
  assert.equal(refused.stderr.trim().split("\n").length, 1);
  const noData = run(["timeline", "--model", withHead, "--data", work]);
  assert.equal(noData.code, 1);
  assert.match(noData.stderr, /not a dataset directory \(no songs\/ folder/);
});
