// The chat stages' config fields added for the summary tokens and the answers: checked, defaulted, named when wrong.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadTrainConfig } from "../src/train/config.js";

test("outputNorm, answerWeight and answerOrder: defaults, values, and errors that name the field", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-chat-config-"));
  const write = (extra: object) => {
    const file = path.join(dir, "sft.json");
    fs.writeFileSync(file, JSON.stringify({ stage: "sft", init: "m", datasets: ["d"], run: "r", kinds: ["mcq-summary"], ...extra }));
    return file;
  };
  const plain = loadTrainConfig(write({}), "sft");
  assert.deepEqual([plain.outputNorm, plain.answerWeight, plain.answerOrder, plain.summaryWords], [false, 1, "letter-first", 0]);
  const fit = loadTrainConfig(write({ outputNorm: true, answerWeight: 0, summaryWords: 1, answerOrder: "text-first" }), "sft");
  assert.deepEqual([fit.outputNorm, fit.answerWeight, fit.answerOrder, fit.summaryWords], [true, 0, "text-first", 1]);
  assert.throws(() => loadTrainConfig(write({ answerWeight: 0 }), "sft"), /"answerWeight": 0 leaves nothing to learn without "summaryWords"/);
  assert.throws(() => loadTrainConfig(write({ answerOrder: "letter-last" }), "sft"), /"answerOrder" must be one of "letter-first", "text-first" \(got "letter-last"\)/);
  assert.throws(() => loadTrainConfig(write({ outputNorm: "yes" }), "sft"), /"outputNorm" must be true or false/);
  assert.throws(() => loadTrainConfig(write({ answerWeight: -1 }), "sft"), /"answerWeight" must be a non-negative number/);
});

test("the shipped summary-fit recipe is a valid sft config that fits the summary layers alone", () => {
  const c = loadTrainConfig(fileURLToPath(new URL("../../configs/summary-fit.json", import.meta.url)), "sft");
  assert.deepEqual([c.answerWeight, c.summaryWords > 0, c.outputNorm, c.trainable], [0, true, true, ["projector"]]);
});
