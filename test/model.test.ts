// The GaMMA model: shapes and time bookkeeping of the experts, fusion and projector; causality; KV-cache
// generation against full recompute; batching; sampling determinism; gradients reaching every module;
// exact save/load round trips.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { noGrad } from "../src/engine/autograd.js";
import * as F from "../src/engine/functional.js";
import { Generator } from "../src/engine/random.js";
import { cat, randn, type Tensor, tensor } from "../src/engine/tensor.js";
import { audioTokensPerSecond, DEFAULT_CONFIG, resolveConfig, TINY_CONFIG, validateConfig } from "../src/model/config.js";
import { generate } from "../src/model/generate.js";
import { assembleInputs, IGNORE_INDEX } from "../src/model/inputs.js";
import { loadModel, saveModel } from "../src/model/io.js";
import { withAudioView, withOutputNorm, withSummaryTokens } from "../src/model/rebuild.js";
import { type ChatMessage, encodeChat } from "../src/model/tokenizer/chat.js";
import { Gamma } from "../src/model/pipeline.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { assertClose } from "./helpers.js";
import { randomMel, tinyModel, tinyTokenizerFile } from "./model-helpers.js";

test("configs: presets validate, the default keeps at least 4 audio tokens per second, bad fields are named", () => {
  validateConfig(DEFAULT_CONFIG);
  validateConfig(TINY_CONFIG);
  assert.ok(audioTokensPerSecond(DEFAULT_CONFIG) >= 4);
  assert.equal(resolveConfig("gamma-tiny").name, "gamma-tiny");
  const bad = structuredClone(TINY_CONFIG);
  bad.llm.numKvHeads = 3;
  assert.throws(() => validateConfig(bad, "x.json"), /x\.json: llm\.numHeads \(4\) must be a multiple of numKvHeads \(3\)/);
  assert.throws(() => resolveConfig("no-such-preset"), /neither a preset/);
});

test("experts and fusion: token counts follow the clip's length, gates are per token in (0, 1)", () => noGrad(() => {
  const model = tinyModel();
  const [enc] = model.encodeAudio([randomMel(25)]);
  // 25 s: temporal expert 2500 frames / 4 = 625 tokens; projector stacks 5 -> 125 LLM tokens of 0.2 s.
  assert.deepEqual(enc!.embeds.shape, [125, TINY_CONFIG.llm.hiddenSize]);
  assert.equal(enc!.tokenSeconds, 0.2);
  assert.equal(enc!.seconds, 25);
  assert.equal(enc!.gates.length, TINY_CONFIG.fusion.nBlocks);
  assert.deepEqual(enc!.gates[0]!.shape, [625]);
  const g = enc!.gates[0]!.toList();
  assert.ok(g.every((v) => v > 0 && v < 1));
  // A song shorter than one window and a batch of clips of different lengths.
  const encs = model.encodeAudio([randomMel(3.3), randomMel(41)]);
  assert.deepEqual(encs.map((e) => e.embeds.size(0)), [Math.ceil(Math.ceil(330 / 4) / 5), Math.ceil(1025 / 5)]);
}));

test("audio of one clip does not depend on which other clips share the batch", () => noGrad(() => {
  const model = tinyModel();
  const alone = model.encodeAudio([randomMel(12, 3)])[0]!.embeds;
  const batched = model.encodeAudio([randomMel(31, 4), randomMel(12, 3)])[1]!.embeds;
  assertClose(batched.toList(), alone.toList(), 1e-5);
}));

test("absolute time: the same sound later in the song gets a different embedding", () => noGrad(() => {
  const model = tinyModel();
  const sound = randomMel(10, 5);
  // Two 20 s songs: the sound first then silence-like noise, and the reverse.
  const other = randomMel(10, 6);
  const a = model.encodeAudio([cat([sound, other], 1)])[0]!.embeds.narrow(0, 0, 50);
  const b = model.encodeAudio([cat([other, sound], 1)])[0]!.embeds.narrow(0, 50, 50);
  const diff = a.sub(b).abs().max().item();
  assert.ok(diff > 1e-3, `time embedding should tell 0:00 from 0:10 (max diff ${diff})`);
}));

test("causality: changing a later input never changes earlier logits", () => noGrad(() => {
  const model = tinyModel();
  const d = TINY_CONFIG.llm.hiddenSize;
  const x = randn([1, 20, d], { generator: new Generator(2) });
  const before = model.llm.logits(model.llm.forward({ embeds: x }));
  const changed = x.clone();
  changed.narrow(1, 12, 1).copy_(randn([1, 1, d], { generator: new Generator(3) }));
  const after = model.llm.logits(model.llm.forward({ embeds: changed }));
  assertClose(after.narrow(1, 0, 12).toList(), before.narrow(1, 0, 12).toList(), 1e-6);
  assert.ok(after.narrow(1, 12, 8).sub(before.narrow(1, 12, 8)).abs().max().item() > 1e-4);
}));

test("KV-cache generation equals recomputing the whole sequence", () => noGrad(() => {
  const model = tinyModel();
  const prompt = randn([9, TINY_CONFIG.llm.hiddenSize], { generator: new Generator(4) });
  const [sample] = generate(model.llm, [prompt], (ids) => ids.join(","), { maxNewTokens: 12, stopTokens: [] });
  assert.equal(sample!.tokens.length, 12);
  // Full recompute: the argmax after each prefix is the next generated token.
  const ids = tensor(sample!.tokens, { dtype: "int64" });
  const full = cat([prompt, model.llm.embed(ids)], 0).unsqueeze(0);
  const logits = model.llm.logits(model.llm.forward({ embeds: full })).squeeze(0);
  const greedy = logits.narrow(0, 8, 12).argmax(-1).toList();
  assert.deepEqual(greedy, sample!.tokens);
}));

test("left-padded batches generate what each prompt generates alone; samples are seeded", () => noGrad(() => {
  const model = tinyModel();
  const d = TINY_CONFIG.llm.hiddenSize;
  const p1 = randn([5, d], { generator: new Generator(5) });
  const p2 = randn([13, d], { generator: new Generator(6) });
  const decode = (ids: number[]) => ids.join(",");
  const alone = [p1, p2].map((p) => generate(model.llm, [p], decode, { maxNewTokens: 8, stopTokens: [] })[0]!.tokens);
  const together = generate(model.llm, [p1, p2], decode, { maxNewTokens: 8, stopTokens: [] }).map((s) => s.tokens);
  assert.deepEqual(together, alone);

  const opts = { maxNewTokens: 10, stopTokens: [], temperature: 1, topK: 50, topP: 0.9, samples: 3 };
  const a = generate(model.llm, [p1, p2], decode, { ...opts, seed: 11 });
  const b = generate(model.llm, [p1, p2], decode, { ...opts, seed: 11 });
  const c = generate(model.llm, [p1, p2], decode, { ...opts, seed: 12 });
  assert.deepEqual(a.map((s) => s.prompt), [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(a.map((s) => s.tokens), b.map((s) => s.tokens));
  assert.notDeepEqual(a.map((s) => s.tokens), c.map((s) => s.tokens));
  assert.ok(new Set(a.slice(0, 3).map((s) => s.text)).size > 1, "samples of one prompt should differ at temperature 1");

  // Row seeds: a row's sample is its seed's, whichever prompts share the batch (and in which order).
  const sampled = { maxNewTokens: 10, stopTokens: [], temperature: 1 };
  const pair = generate(model.llm, [p1, p2], decode, { ...sampled, rowSeeds: [21, 22] }).map((s) => s.tokens);
  const swapped = generate(model.llm, [p2, p1], decode, { ...sampled, rowSeeds: [22, 21] }).map((s) => s.tokens);
  const single = generate(model.llm, [p2], decode, { ...sampled, rowSeeds: [22] })[0]!.tokens;
  assert.deepEqual([swapped[1], swapped[0]], pair);
  assert.deepEqual(single, pair[1]);
  assert.notDeepEqual(generate(model.llm, [p2], decode, { ...sampled, rowSeeds: [23] })[0]!.tokens, single, "another seed, another sample");
  assert.throws(() => generate(model.llm, [p1, p2], decode, { ...sampled, rowSeeds: [1] }), /1 row seeds for 2 rows/);
}));

test("stop tokens and stop strings end a sample; streamed text equals the final text", () => noGrad(() => {
  const model = tinyModel();
  const prompt = randn([6, TINY_CONFIG.llm.hiddenSize], { generator: new Generator(8) });
  const decode = (ids: number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join("");
  const [free] = generate(model.llm, [prompt], decode, { maxNewTokens: 16, stopTokens: [] });
  assert.equal(free!.finish, "length");
  const stop = free!.text.slice(6, 8);
  const streamed: string[] = [];
  const [cut] = generate(model.llm, [prompt], decode, { maxNewTokens: 16, stopTokens: [], stopStrings: [stop], onText: (_, t) => streamed.push(t) });
  assert.equal(cut!.finish, "stop-string");
  assert.equal(cut!.text, free!.text.slice(0, free!.text.indexOf(stop)));
  assert.equal(streamed.join(""), cut!.text);
  const [ended] = generate(model.llm, [prompt], decode, { maxNewTokens: 16, stopTokens: [free!.tokens[4]!] });
  assert.equal(ended!.finish, "stop-token");
  assert.deepEqual(ended!.tokens, free!.tokens.slice(0, free!.tokens.indexOf(free!.tokens[4]!)));
}));

test("a chat with audio trains: gradients reach every trainable module", () => {
  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const chat = encodeChat(tokenizer, [
    { role: "user", content: [{ type: "audio", clip: "a" }, { type: "text", text: "What is the key?" }] },
    { role: "assistant", content: "A minor, at 0:42.5 the chorus starts." },
  ]);
  const [enc] = model.encodeAudio([randomMel(14)]);
  const inputs = assembleInputs(model, (t) => tokenizer.encode(t), chat, [enc!]);
  // 14 s -> 70 audio tokens with two time markers ("0:00.0", "0:10.0") before them, after 2 summary tokens.
  assert.equal(inputs.audioTokens, 70 + TINY_CONFIG.projector.summaryTokens!);
  assert.equal(inputs.targets.length, inputs.embeds.size(0));
  const answerTargets = inputs.targets.filter((t) => t !== IGNORE_INDEX).length;
  assert.equal(answerTargets, chat.targetMask.filter(Boolean).length);
  const logits = model.llm.logits(model.llm.forward({ embeds: inputs.embeds.unsqueeze(0) })).squeeze(0);
  const loss = F.crossEntropy(logits, tensor(inputs.targets, { dtype: "int64" }));
  loss.backward();
  const silent = [...model.namedParameters()].filter(([, p]) => !p.grad || p.grad.abs().sum().item() === 0).map(([n]) => n);
  assert.deepEqual(silent, [], `parameters without gradient: ${silent.join(", ")}`);
});

test("summary tokens: each clip's close it, after its last audio token and before the words that follow", () => noGrad(() => {
  const model = tinyModel();
  const k = TINY_CONFIG.projector.summaryTokens!;
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const encode = (t: string) => tokenizer.encode(t);
  const chat = encodeChat(tokenizer, [{ role: "user", content: [{ type: "audio", clip: "a" }, { type: "text", text: "Key?" }] }]);
  const mel = randomMel(14);
  const [enc] = model.encodeAudio([mel]);
  assert.deepEqual(enc!.summary!.shape, [k, TINY_CONFIG.llm.hiddenSize]);
  const inputs = assembleInputs(model, encode, chat, [enc!]);
  const slot = chat.audioSlots[0]!;
  // Layout: text before the slot | "0:00.0" | 50 audio tokens | "0:10.0" | 20 audio tokens | k summary tokens | the rest of the chat.
  const markers = encode("0:00.0").length + encode("0:10.0").length;
  const audioEnd = slot + markers + 70;
  const last = inputs.embeds.narrow(0, audioEnd - 3, 3).toFloat32Array();
  assertClose(last, enc!.embeds.narrow(0, 67, 3).toFloat32Array(), 0);
  assertClose(inputs.embeds.narrow(0, audioEnd, k).toFloat32Array(), enc!.summary!.toFloat32Array(), 0);
  const rest = chat.ids.slice(slot + 1);
  assert.equal(inputs.embeds.size(0), audioEnd + k + rest.length);
  assertClose(inputs.embeds.narrow(0, audioEnd + k, rest.length).toFloat32Array(), model.llm.embed(tensor(rest, { dtype: "int64" })).toFloat32Array(), 0);
  // The summary pools the whole clip: changing only its last seconds changes it.
  const changed = cat([mel.narrow(1, 0, 1200), randomMel(2, 99)], 1);
  const [other] = model.encodeAudio([changed]);
  assert.ok(other!.summary!.sub(enc!.summary!).abs().amax([0, 1]).item() > 1e-4);
  // A model made without summary tokens has no summary layers and no summary in its encodings.
  const plain = tinyModel(1, (c) => { c.projector.summaryTokens = 0; });
  assert.ok(![...plain.stateDict().keys()].some((name) => name.startsWith("projector.summary_")));
  assert.equal(plain.encodeAudio([mel])[0]!.summary, undefined);
}));

test("withSummaryTokens adds fresh summary layers and keeps every other weight", () => noGrad(() => {
  const plain = tinyModel(5, (c) => { c.projector.summaryTokens = 0; });
  const before = new Map([...plain.stateDict()].map(([name, t]) => [name, t.toList()]));
  const grown = withSummaryTokens(plain, 3);
  assert.equal(grown.config.projector.summaryTokens, 3);
  for (const [name, values] of before) assert.deepEqual(grown.stateDict().get(name)!.toList(), values, name);
  assert.deepEqual(grown.encodeAudio([randomMel(3)])[0]!.summary!.shape, [3, TINY_CONFIG.llm.hiddenSize]);
  assert.equal(withSummaryTokens(grown, 3), grown, "no change asked: the same model");
  const bad = structuredClone(TINY_CONFIG);
  bad.projector.summaryTokens = 1.5;
  assert.throws(() => validateConfig(bad, "c.json"), /c\.json: projector\.summaryTokens must be an integer from 0 to 64/);
}));

test("withOutputNorm sizes every audio embedding like the words, keeping every other weight", () => noGrad(() => {
  const plain = tinyModel(6);
  const before = new Map([...plain.stateDict()].map(([name, t]) => [name, t.toList()]));
  const mel = randomMel(3);
  const normed = withOutputNorm(plain);
  assert.equal(normed.config.projector.outputNorm, true);
  for (const [name, values] of before) assert.deepEqual(normed.stateDict().get(name)!.toList(), values, name);
  const words = normed.llm.model.embed_tokens.weight;
  const wordRms = words.square().mean().sqrt().item();
  const rms = (t: Tensor) => t.square().mean(-1).sqrt().toFloat32Array();
  const clip = normed.encodeAudio([mel])[0]!;
  for (const r of [...rms(clip.embeds), ...rms(clip.summary!)]) assert.ok(Math.abs(r - wordRms) / wordRms < 1e-3, `audio token RMS ${r} vs words ${wordRms}`);
  assert.equal(withOutputNorm(normed), normed, "a model that has it stays as it is");
  const bad = structuredClone(TINY_CONFIG);
  (bad.projector as { outputNorm?: unknown }).outputNorm = "yes";
  assert.throws(() => validateConfig(bad, "c.json"), /c\.json: projector\.outputNorm must be true or false/);
}));

test("withAudioView: the summary heard as its nearest words, and a summary-only model hears nothing else", () => noGrad(() => {
  const model = tinyModel(7);
  const mel = randomMel(14);
  const [full] = model.encodeAudio([mel]);
  const words = withAudioView(model, { summaryAsWords: true }); // the rebuilt model takes over the weights
  assert.equal(words.config.projector.summaryAsWords, true);
  const [heard] = words.encodeAudio([mel]);
  assertClose(heard!.embeds.toFloat32Array(), full!.embeds.toFloat32Array(), 0, "the time-marked tokens as before");
  // Each summary token is replaced by the input embedding of the word nearest to it (cosine).
  const table = words.llm.model.embed_tokens.weight;
  const unit = (t: Tensor) => t.div(t.square().sum(-1, true).sqrt());
  const nearest = [...unit(full!.summary!).matmul(unit(table).transpose(0, 1)).argmax(-1).toFloat32Array()];
  assertClose(heard!.summary!.toFloat32Array(), words.llm.embed(tensor(nearest, { dtype: "int64" })).toFloat32Array(), 0);
  const only = withAudioView(words, { summaryOnly: true });
  const [brief] = only.encodeAudio([mel]);
  assert.equal(brief!.embeds.size(0), 0, "no time-marked tokens");
  assertClose(brief!.summary!.toFloat32Array(), heard!.summary!.toFloat32Array(), 0);
  assert.equal(withAudioView(only, {}), only, "nothing asked: the same model");
  const bad = structuredClone(TINY_CONFIG);
  bad.projector.summaryTokens = 0;
  bad.projector.summaryOnly = true;
  assert.throws(() => validateConfig(bad, "c.json"), /c\.json: projector\.summaryOnly needs summary tokens/);
}));

test("save/load round trip is exact (float32) and close (bfloat16); broken directories are named", () => noGrad(() => {
  const model = tinyModel(3);
  const tokenizerFile = tinyTokenizerFile();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-model-"));
  saveModel(dir, model, tokenizerFile);
  const loaded = loadModel(dir);
  for (const [name, t] of model.stateDict()) assert.deepEqual(loaded.model.stateDict().get(name)!.toList(), t.toList(), name);
  const mel = randomMel(11);
  assert.deepEqual(loaded.model.encodeAudio([mel])[0]!.embeds.toList(), model.encodeAudio([mel])[0]!.embeds.toList());

  const half = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-model-bf16-"));
  saveModel(half, model, tokenizerFile, { dtype: "bfloat16" });
  assert.ok(fs.statSync(path.join(half, "model.safetensors")).size < fs.statSync(path.join(dir, "model.safetensors")).size * 0.55);
  const w = loadModel(half).model.llm.model.embed_tokens.weight;
  assertClose(w.toList(), model.llm.model.embed_tokens.weight.toList(), { atol: 1e-3, rtol: 1e-2 });

  fs.rmSync(path.join(half, "tokenizer.json"));
  assert.throws(() => loadModel(half), /not a model directory \(missing tokenizer\.json\)/);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...model.config, llm: { ...model.config.llm, numLayers: 3 } }));
  assert.throws(() => loadModel(dir), /model\.safetensors: loadStateDict: missing llm\.model\.layers\.2/);
}));

test("answerLogLikelihoods: the log-probability of the last assistant turn's tokens, earlier turns given, the prompt run once for all", () => noGrad(() => {
  const model = tinyModel(4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-model-ll-"));
  saveModel(dir, model, tinyTokenizerFile());
  const gamma = Gamma.load(dir);
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const clip = gamma.encodeMel(randomMel(11));
  const history: ChatMessage[] = [
    { role: "user", content: [{ type: "audio", clip: "a" }, { type: "text", text: "Key?" }] },
    { role: "assistant", content: "A minor." },
    { role: "user", content: "Tempo?" },
  ];
  const candidates = ["96 BPM.", "fast", "a rather slow waltz, counted in three", "x"]; // lengths differ: the shorter ones run padded
  const scores = gamma.answerLogLikelihoods(history, [clip], candidates);
  candidates.forEach((candidate, c) => {
    // By hand: every position's log-softmax, summed over the targets after the last user turn.
    const chat = encodeChat(tokenizer, [...history, { role: "assistant", content: candidate }], { addGenerationPrompt: false });
    const inputs = assembleInputs(gamma.loaded.model, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, [clip]);
    const logProbs = gamma.loaded.model.llm.logits(gamma.loaded.model.llm.forward({ embeds: inputs.embeds.unsqueeze(0) })).squeeze(0).logSoftmax(-1).toArray() as number[][];
    const firstAnswerEnd = inputs.targets.findIndex((t, i) => t >= 0 && inputs.targets[i + 1]! < 0);
    const lastTurn = inputs.targets.flatMap((t, i) => (t >= 0 && i > firstAnswerEnd ? [logProbs[i]![t]!] : []));
    assert.ok(lastTurn.length >= 2, "the candidate's tokens and the turn's end");
    assertClose([scores[c]!], [lastTurn.reduce((a, b) => a + b, 0)], { atol: 1e-4, rtol: 1e-5 });
  });
}));

test("readSummary and the bench's written view: the song's facts as summary words, exactly as training writes them; refused where words are not all the model hears", async () => {
  const { chatInputs } = await import("../src/train/chat-inputs.js");
  const { createModelAnswerer } = await import("../src/model/answerer.js");
  const model = tinyModel(6, (c) => { c.projector.summaryTokens = 19; c.projector.summaryAsWords = true; c.projector.summaryOnly = true; });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-model-written-"));
  saveModel(path.join(dir, "model"), model, tinyTokenizerFile());
  const gamma = Gamma.load(path.join(dir, "model"));
  const tokenizer = gamma.loaded.tokenizer;
  const words = [5, 9, 11, 13];
  const messages: ChatMessage[] = [{ role: "user", content: [{ type: "audio", clip: "a" }, { type: "text", text: "Key?" }] }];
  noGrad(() => {
    const fromBench = assembleInputs(gamma.loaded.model, (t) => tokenizer.encode(t, { parseSpecial: false }), encodeChat(tokenizer, messages, { addGenerationPrompt: true }), [gamma.readSummary(words)]);
    const fromTraining = chatInputs(gamma.loaded.model, tokenizer, messages, undefined, true, { summaryOnly: true, writtenSummary: words });
    assert.deepEqual(fromBench.embeds.toList(), fromTraining.embeds.toList());
  });

  // A dataset song: bench's written view reads songs/<id>.json beside audio/<id>.wav.
  fs.mkdirSync(path.join(dir, "songs"));
  const annotation = { global: { key: { tonic: "F#", mode: "minor" }, tempo: 90, style: "pop", tempoClass: "moderate", mood: ["calm"], metre: { numerator: 4, denominator: 4 }, leadInstrument: "flute", instruments: [{ name: "flute", role: "lead" }], duration: 30 } };
  fs.writeFileSync(path.join(dir, "songs", "song-1.json"), JSON.stringify(annotation));
  const answerer = await createModelAnswerer(path.join(dir, "model"), { batchSize: 2 });
  const request = (id: string, file: string) => ({ id, prompt: "Which key? (A) F# minor (B) C major", choices: ["F# minor", "C major"], audio: { kind: "written" as const, path: file } });
  const [answer] = await answerer.answer([request("q", path.join(dir, "audio", "song-1.wav"))]);
  assert.equal(typeof answer, "string");
  await assert.rejects(answerer.answer([request("r", path.join(dir, "audio", "song-2.wav"))]), /songs\/song-2\.json: no annotation for .*song-2\.wav/);
  answerer.close?.();

  // Sampled answers (gamma bench --temperature): each request's own seed, whatever else is in the batch.
  const sampler = await createModelAnswerer(path.join(dir, "model"), { batchSize: 2, temperature: 1 });
  assert.match(sampler.name, /sampled at temperature 1$/);
  const song = path.join(dir, "audio", "song-1.wav");
  const seeded = (id: string, sampleSeed: number) => ({ ...request(id, song), prompt: `${id}: which key? (A) F# minor (B) C major`, sampleSeed });
  const [, second] = await sampler.answer([seeded("x", 1), seeded("y", 2)]);
  const [alone] = await sampler.answer([seeded("y", 2)]);
  assert.equal(alone, second);
  sampler.close?.();
  await assert.rejects(createModelAnswerer(path.join(dir, "model"), { temperature: -1 }), /temperature must be 0 \(greedy\) or above, got -1/);

  const plain = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-model-plain-"));
  saveModel(plain, tinyModel(6), tinyTokenizerFile());
  assert.throws(() => Gamma.load(plain).readSummary(words), /does not hear songs as summary words alone/);
});
