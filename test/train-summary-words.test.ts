// Summary words: each summary token is pulled towards the LLM's input embedding of one whole-song fact.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SongAnnotation } from "../src/data/schema.js";
import { enableGrad } from "../src/engine/autograd.js";
import { Generator } from "../src/engine/random.js";
import { randn, tensor, zeros } from "../src/engine/tensor.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { answerableFromSummary, factOffsets, factsOfSummary, SUMMARY_FILLER, summaryCategories, summaryLine, summaryWordsLoss, summaryWordTargets } from "../src/train/summary-words.js";
import { tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const song = (tonic: string, mode: string, tempoClass: string, tempo = 183) =>
  ({
    global: {
      key: { tonic, mode }, style: "bossa nova", tempoClass, tempo, mood: ["calm", "warm"], metre: { numerator: 6, denominator: 8 },
      leadInstrument: "muted trumpet",
      instruments: [{ name: "muted trumpet", role: "lead" }, { name: "strings", role: "pad" }, { name: "honky-tonk piano", role: "comping" }, { name: "fretless bass", role: "bass" }],
    },
  }) as unknown as SongAnnotation;

test("summary words: two tokens per fact (first and last), so F# is not F and very slow is not very fast", () => {
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  // A phrase's tokens as a report writes it, whitespace-only tokens left out (the tiny tokenizer writes " F#" as " ", "F", "#").
  const ids = (phrase: string) => tokenizer.encode(phrase, { parseSpecial: false }).filter((t) => tokenizer.decode([t]).trim() !== "");
  const [comma] = ids(SUMMARY_FILLER);
  const targets = summaryWordTargets(song("F#", "dorian", "very slow"), tokenizer, 10);
  const expected = [" F#", " Dorian", " bossa nova", " very slow", " calm"].flatMap((p) => [ids(p)[0]!, ids(p).length > 1 ? ids(p).at(-1)! : comma!]);
  assert.deepEqual(targets, expected, "each fact's phrase as a report writes it (church modes capitalised), its first and last tokens");
  const differ = (a: SongAnnotation, b: SongAnnotation) => JSON.stringify(summaryWordTargets(a, tokenizer, 10)) !== JSON.stringify(summaryWordTargets(b, tokenizer, 10));
  assert.ok(differ(song("F#", "major", "fast"), song("F", "major", "fast")), "F# is not F");
  assert.ok(differ(song("D", "major", "very slow"), song("D", "major", "very fast")), "very slow is not very fast");
  assert.equal(summaryWordTargets(song("D", "minor", "fast"), tokenizer, 3).length, 3, "only as many as summary tokens");
  assert.deepEqual(factsOfSummary(5).map((f) => f.name), ["tonic", "mode"], "a fact counts when all its tokens have a summary token");
  assert.equal(summaryLine(song("F#", "dorian", "very slow"), 10), "F# Dorian, bossa nova, very slow, calm", "the same facts as text");
});

test("summary words: the later facts (metre, lead, tempo in digits, accompaniment) after the first five", () => {
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const word = (id: number) => tokenizer.decode([id]);
  const facts = factsOfSummary(19);
  assert.deepEqual(facts.map((f) => f.name), ["tonic", "mode", "style", "tempo", "mood", "metre", "lead", "bpm", "accompaniment"]);
  assert.deepEqual(factOffsets(facts), [0, 2, 4, 6, 8, 10, 12, 14, 17]);
  const targets = summaryWordTargets(song("F#", "dorian", "very slow"), tokenizer, 19).map(word);
  assert.deepEqual(targets.slice(0, 10), summaryWordTargets(song("F#", "dorian", "very slow"), tokenizer, 10).map(word), "the first five facts as before");
  assert.equal(targets.slice(10, 12).join("").replace(/\s/g, ""), "68", "6/8 as its numerator and denominator, without the space token");
  const ends = (phrase: string) => { const w = tokenizer.encode(phrase, { parseSpecial: false }).map(word).filter((t) => t.trim() !== ""); return [w[0], w.at(-1)]; };
  assert.deepEqual(targets.slice(12, 14), ends(" muted trumpet"), "the lead's first and last tokens");
  assert.equal(targets.slice(14, 17).join(""), "183", "every digit of the tempo");
  assert.equal(summaryWordTargets(song("F#", "dorian", "very slow", 96), tokenizer, 19).slice(14, 17).map(word).join(""), `96${SUMMARY_FILLER}`, "two digits and the filler");
  assert.deepEqual(targets.slice(17), ends(" honky-tonk piano"), "the accompaniment: the comping instrument before the pad");
  assert.equal(summaryLine(song("F#", "dorian", "very slow"), 19), "F# Dorian, bossa nova, very slow, calm, 6/8, muted trumpet, honky-tonk piano, 183 BPM");

  assert.deepEqual([...summaryCategories(10)].sort(), ["genre", "key", "mode", "mood", "tempo-class"]);
  assert.deepEqual([...summaryCategories(16)].sort(), ["genre", "key", "lead", "metre", "mode", "mood", "tempo-class"], "a fact counts when all its slots fit");
  const a = () => song("F#", "dorian", "very slow");
  assert.ok(answerableFromSummary({ category: "instrumentation", answer: "honky-tonk piano" }, 19, a), "an instrument the summary names");
  assert.ok(!answerableFromSummary({ category: "instrumentation", answer: "strings" }, 19, a), "present, but not named by the summary");
  assert.ok(!answerableFromSummary({ category: "instrumentation", answer: "muted trumpet" }, 14, a), "needs the accompaniment's slots too");
  assert.ok(answerableFromSummary({ category: "tempo-value", answer: "183 BPM" }, 19, a));
  assert.ok(!answerableFromSummary({ category: "section-start", answer: "0:12" }, 19, a), "nothing time-bound");
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
