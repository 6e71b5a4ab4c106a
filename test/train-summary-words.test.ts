// Summary words: each summary token is pulled towards the LLM's input embedding of one whole-song fact.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SongAnnotation } from "../src/data/schema.js";
import { enableGrad } from "../src/engine/autograd.js";
import { Generator } from "../src/engine/random.js";
import { randn, tensor, zeros } from "../src/engine/tensor.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { factsOfSummary, SUMMARY_FILLER, summaryLine, summaryWordsLoss, summaryWordTargets, TOKENS_PER_FACT } from "../src/train/summary-words.js";
import { tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const song = (tonic: string, mode: string, tempoClass: string) =>
  ({ global: { key: { tonic, mode }, style: "bossa nova", tempoClass, mood: ["calm", "warm"] } }) as unknown as SongAnnotation;

test("summary words: two tokens per fact (first and last), so F# is not F and very slow is not very fast", () => {
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const ids = (phrase: string) => tokenizer.encode(phrase, { parseSpecial: false });
  const [comma] = ids(SUMMARY_FILLER);
  const targets = summaryWordTargets(song("F#", "dorian", "very slow"), tokenizer, 10);
  const expected = [" F#", " Dorian", " bossa nova", " very slow", " calm"].flatMap((p) => [ids(p)[0]!, ids(p).length > 1 ? ids(p).at(-1)! : comma!]);
  assert.deepEqual(targets, expected, "each fact's phrase as a report writes it (church modes capitalised), its first and last tokens");
  assert.equal(TOKENS_PER_FACT, 2);
  const differ = (a: SongAnnotation, b: SongAnnotation) => JSON.stringify(summaryWordTargets(a, tokenizer, 10)) !== JSON.stringify(summaryWordTargets(b, tokenizer, 10));
  assert.ok(differ(song("F#", "major", "fast"), song("F", "major", "fast")), "F# is not F");
  assert.ok(differ(song("D", "major", "very slow"), song("D", "major", "very fast")), "very slow is not very fast");
  assert.equal(summaryWordTargets(song("D", "minor", "fast"), tokenizer, 3).length, 3, "only as many as summary tokens");
  assert.deepEqual(factsOfSummary(5).map((f) => f.name), ["tonic", "mode"], "a fact counts when all its tokens have a summary token");
  assert.equal(summaryLine(song("F#", "dorian", "very slow")), "F# Dorian, bossa nova, very slow, calm", "the same facts as text");
});

test("summary words: the loss is lowest at the words and ln(vocab) at zero", () => {
  const model = tinyModel();
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const targets = summaryWordTargets(song("D", "minor", "fast"), tokenizer, 4);

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
