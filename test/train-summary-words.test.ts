// Summary words: each summary token is pulled towards the LLM's input embedding of one whole-song fact.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SongAnnotation } from "../src/data/schema.js";
import { enableGrad } from "../src/engine/autograd.js";
import { Generator } from "../src/engine/random.js";
import { randn, tensor, zeros } from "../src/engine/tensor.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { summaryWordsLoss, summaryWordTargets } from "../src/train/summary-words.js";
import { tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const song = { global: { key: { tonic: "D", mode: "minor" }, style: "bossa nova", tempoClass: "fast" } } as unknown as SongAnnotation;

test("summary words: targets are the facts' first tokens; the loss is lowest at the words and ln(vocab) at zero", () => {
  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const targets = summaryWordTargets(song, tokenizer, 4);
  assert.deepEqual(targets, [" D", " minor", " bossa", " fast"].map((w) => tokenizer.encode(w, { parseSpecial: false })[0]!));
  assert.equal(summaryWordTargets(song, tokenizer, 2).length, 2, "only as many facts as summary tokens");

  const table = model.llm.model.embed_tokens.weight;
  const exact = table.indexSelect(0, tensor(targets, { dtype: "int64" })).detach();
  const at = summaryWordsLoss(model.llm, exact.mul(37), targets);
  assert.equal(at.right, 4, "each token's nearest word, whatever its length");

  const vocab = table.size(0), hidden = table.size(1);
  const none = summaryWordsLoss(model.llm, zeros([4, hidden]), targets);
  assert.ok(Math.abs(none.loss.item() - Math.log(vocab)) < 1e-4, "a zero summary says nothing: every word equally likely");
  assert.ok(at.loss.item() < none.loss.item() - 1);

  const summary = randn([4, hidden], { generator: new Generator(3) }).requiresGrad_();
  const r = enableGrad(() => summaryWordsLoss(model.llm, summary, targets));
  assert.ok(r.loss.item() > at.loss.item());
  enableGrad(() => r.loss.backward());
  assert.ok(summary.grad!.abs().sum().item() > 0, "the summary learns");
  assert.equal(table.grad, undefined, "the words do not move");
});
