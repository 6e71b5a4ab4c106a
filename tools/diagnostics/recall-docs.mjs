// What recall-gate.mjs and recall-drill.mjs share: a checkpoint's decoder, a pretraining recall document's
// answer spans, the control document (another song's facts before the same questions), and teacher-forced
// exact answers.
import path from "node:path";
import { GammaModel } from "../../dist/src/model/gamma.js";
import { DEFAULT_CONFIG } from "../../dist/src/model/config.js";
import { Generator } from "../../dist/src/engine/random.js";
import { loadSafetensors } from "../../dist/src/engine/safetensors.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import { noGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";

/** The LLM of a checkpoint or model directory (its model.safetensors), in the default config's shape. */
export function loadDecoder(dir) {
  const model = new GammaModel(DEFAULT_CONFIG, { generator: new Generator(0) });
  const { tensors } = loadSafetensors(path.join(dir, "model.safetensors"));
  model.llm.loadStateDict(new Map([...tensors.entries()].filter(([k]) => k.startsWith("llm.")).map(([k, v]) => [k.slice(4), v])));
  return model.llm;
}

/**
 * A document's token ids and its answers as [start, stop) token spans: the tokens after each "\nA:" up to the
 * next newline, found by encoding the text before them.
 */
export function answerSpans(text, encode) {
  const ids = encode(text), answers = [];
  for (let at = text.indexOf("\nA:"); at >= 0; at = text.indexOf("\nA:", at + 1)) {
    const end = text.indexOf("\n", at + 3);
    answers.push([encode(text.slice(0, at + 3)).length, end < 0 ? ids.length : encode(text.slice(0, end)).length]);
  }
  return { ids, answers };
}

/** The facts before a document's first question. */
const factsOf = (text) => text.slice(0, text.indexOf("\nQ:"));

/**
 * The control: `doc`'s questions and answers after `other`'s facts. A decoder that reads the facts answers the
 * true facts right less often there; one that answers from priors scores the same.
 */
export function withOtherFacts(doc, other) {
  return factsOf(other.text) + doc.text.slice(factsOf(doc.text).length);
}

/** How many of a text's answers the decoder gets wholly right (every token its likeliest), and how many there are. */
export function exactAnswers(llm, text, encode) {
  const { ids, answers } = answerSpans(text, encode);
  const predicted = noGrad(() => tidy(() => llm.logits(llm.forward({ embeds: llm.embed(tensor(ids, { dtype: "int64" })).unsqueeze(0) })).argmax(-1).toFloat32Array()));
  const right = answers.filter(([start, stop]) => stop > start && ids.slice(start, stop).every((id, k) => predicted[start + k - 1] === id)).length;
  return { right, answers: answers.length };
}
