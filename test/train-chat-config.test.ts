// The chat stages' config fields added for the summary tokens and the answers: checked, defaulted, named when wrong.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadTrainConfig } from "../src/train/config.js";
import { HEAD_LIKE_NOISE } from "../src/train/timeline-noise.js";

/** Writes sft configs of these kinds with extra fields into a fresh folder; returns the file each time. */
function configWriter(kinds: string[]): (extra: object) => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-config-"));
  return (extra) => {
    const file = path.join(dir, "sft.json");
    fs.writeFileSync(file, JSON.stringify({ stage: "sft", init: "m", datasets: ["d"], run: "r", kinds, ...extra }));
    return file;
  };
}

test("outputNorm, answerWeight, answerOrder, promptStyles, summaryRhythm, summaryDropout, summaryRhythmFacts: defaults, values, and errors that name the field", () => {
  const write = configWriter(["mcq-summary"]);
  const plain = loadTrainConfig(write({}), "sft");
  assert.deepEqual([plain.outputNorm, plain.answerWeight, plain.answerOrder, plain.summaryWords], [false, 1, "letter-first", 0]);
  const fit = loadTrainConfig(write({ outputNorm: true, answerWeight: 0, summaryWords: 1, answerOrder: "text-first" }), "sft");
  assert.deepEqual([fit.outputNorm, fit.answerWeight, fit.answerOrder, fit.summaryWords], [true, 0, "text-first", 1]);
  assert.throws(() => loadTrainConfig(write({ answerWeight: 0 }), "sft"), /"answerWeight": 0 leaves nothing to learn without "summaryWords"/);
  assert.throws(() => loadTrainConfig(write({ answerOrder: "letter-last" }), "sft"), /"answerOrder" must be one of "letter-first", "text-first" \(got "letter-last"\)/);
  assert.equal(plain.promptStyles, undefined);
  assert.deepEqual(loadTrainConfig(write({ promptStyles: ["think"] }), "sft").promptStyles, ["think"]);
  assert.throws(() => loadTrainConfig(write({ promptStyles: ["likelihood"] }), "sft"), /"promptStyles" must be a list of muchomusic, gamma, think/);
  assert.throws(() => loadTrainConfig(write({ outputNorm: "yes" }), "sft"), /"outputNorm" must be true or false/);
  assert.throws(() => loadTrainConfig(write({ answerWeight: -1 }), "sft"), /"answerWeight" must be a non-negative number/);
  assert.deepEqual([plain.summaryRhythm, plain.summaryDropout], [false, 0]);
  const rhythmic = loadTrainConfig(write({ summaryRhythm: true, summaryDropout: 0.3 }), "sft");
  assert.deepEqual([rhythmic.summaryRhythm, rhythmic.summaryDropout], [true, 0.3]);
  assert.throws(() => loadTrainConfig(write({ summaryDropout: 1 }), "sft"), /"summaryDropout" must be a number from 0 to below 1/);
  assert.equal(plain.summaryRhythmFacts, undefined);
  assert.deepEqual(loadTrainConfig(write({ summaryRhythmFacts: ["tempo", "bpm"] }), "sft").summaryRhythmFacts, ["tempo", "bpm"]);
  assert.throws(() => loadTrainConfig(write({ summaryRhythmFacts: ["tempo", "groove"] }), "sft"), /"summaryRhythmFacts" must be a list of tonic, mode, style, tempo/);
  assert.throws(() => loadTrainConfig(write({ summaryRhythm: true, summaryRhythmFacts: ["tempo"] }), "sft"), /"summaryRhythm" and "summaryRhythmFacts" exclude each other/);
  assert.equal(plain.freshSummaryLayers, false);
  assert.equal(loadTrainConfig(write({ freshSummaryLayers: true }), "sft").freshSummaryLayers, true);
  assert.throws(() => loadTrainConfig(write({ freshSummaryLayers: 1 }), "sft"), /"freshSummaryLayers" must be true or false/);
});

test("the shipped summary-fit recipe is a valid sft config that fits the summary layers alone", () => {
  const c = loadTrainConfig(fileURLToPath(new URL("../../configs/summary-fit.json", import.meta.url)), "sft");
  assert.deepEqual([c.answerWeight, c.summaryWords > 0, c.outputNorm, c.trainable], [0, true, true, ["projector"]]);
});

test("the shipped model's recipe (configs/gamma-small) is a chain of valid configs, each starting where the one before ended", () => {
  const dir = fileURLToPath(new URL("../../configs/gamma-small/", import.meta.url));
  const file = (name: string) => path.join(dir, `${name}.json`);
  const stage = (name: string) => (JSON.parse(fs.readFileSync(file(name), "utf8")) as { stage: "align" | "sft" }).stage;
  const chat = (name: string) => loadTrainConfig(file(name), stage(name));
  const runs = (name: string) => loadTrainConfig(file(name), "pretrain").run;
  assert.equal(chat("align-v2").init, path.join(runs("pretrain-v1"), "model"));
  assert.equal(chat("align-v2").experts, path.join(loadTrainConfig(fileURLToPath(new URL("../../configs/experts.json", import.meta.url)), "experts").run, "experts.safetensors"));
  assert.equal(chat("sft-v3").init, path.join(chat("align-v2").run, "model"));
  assert.equal(chat("sft-v4").init, path.join(chat("sft-v3").run, "model"));
  const read = chat("read-v1");
  assert.equal(read.init, path.join(runs("pretrain-v4"), "model"));
  assert.deepEqual([read.trainable, read.summaryTokens, read.summaryAsWords, read.summaryOnly], [["llm"], 10, true, true]);
  const fit = chat("sumfit-v3");
  assert.deepEqual([fit.answerWeight, fit.trainable, fit.summaryTokens], [0, ["projector"], 10]);
  // The shipped model (session 10): session 9's export with its summary layers refitted, rhythm slots for five facts.
  const shipped = chat("sumfit-v8");
  assert.equal(path.basename(shipped.init), "shipped-v5");
  assert.deepEqual([shipped.answerWeight, shipped.trainable, shipped.summaryTokens, shipped.summaryRhythmFacts, shipped.summaryRhythm],
    [0, ["projector"], 19, ["style", "tempo", "mood", "metre", "bpm"], false]);
});

test("timelineAsText and timelineNoise: the head-like noise by default, fields replaced one by one, wrong ones named", () => {
  const write = configWriter(["recall-written-timeline-session"]);
  const plain = loadTrainConfig(write({}), "sft");
  assert.deepEqual([plain.timelineAsText, plain.timelineNoise], [undefined, HEAD_LIKE_NOISE]);
  const clean = loadTrainConfig(write({ timelineAsText: true, timelineNoise: { exact: 0.6, jitter: 0.1 } }), "sft");
  assert.deepEqual([clean.timelineAsText, clean.timelineNoise], [true, { ...HEAD_LIKE_NOISE, exact: 0.6, jitter: 0.1 }]);
  assert.throws(() => loadTrainConfig(write({ timelineNoise: { exact: 2 } }), "sft"), /"exact" must be a chance from 0 to 1 \(got 2\)/);
  assert.throws(() => loadTrainConfig(write({ timelineNoise: { jitter: -1 } }), "sft"), /"jitter" must be seconds from 0 to 5/);
  assert.throws(() => loadTrainConfig(write({ timelineNoise: { drop: 0.1 } }), "sft"), /"timelineNoise" has no field "drop" \(it has exact, jitter, miss, stray, extra, relabel\)/);
  assert.throws(() => loadTrainConfig(write({ timelineNoise: 0.5 }), "sft"), /"timelineNoise" must be an object/);
  assert.throws(() => loadTrainConfig(write({ timelineAsText: "yes" }), "sft"), /"timelineAsText" must be true or false/);
  const timeread = loadTrainConfig(fileURLToPath(new URL("../../configs/gamma-small/timeread-v1.json", import.meta.url)), "sft");
  assert.deepEqual([timeread.timelineAsText, timeread.kinds, timeread.trainable, path.basename(path.dirname(timeread.init))], [true, ["recall-written-timeline-session"], ["llm"], "timeline-v3"]);
});
