// Does a pretraining checkpoint's decoder answer held-out recall documents' questions from the facts above them?
// Teacher-forced: an answer counts when every one of its tokens is the decoder's most likely next token. Also
// scored after another song's facts (the control), to tell reading from priors.
// Usage: node recall-gate.mjs CHECKPOINT_OR_MODEL_DIR PRETRAIN_RUN_DIR DATASET_DIR [SONGS]
import path from "node:path";
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { GammaModel } from "../../dist/src/model/gamma.js";
import { DEFAULT_CONFIG } from "../../dist/src/model/config.js";
import { Generator } from "../../dist/src/engine/random.js";
import { loadSafetensors } from "../../dist/src/engine/safetensors.js";
import { loadTokenizer } from "../../dist/src/model/tokenizer/io.js";
import { pretrainDocuments, isHeldOutDocument } from "../../dist/src/train/stages/pretrain.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import { noGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
configureThreads();
const [ckpt, run, dataset, songsArg] = process.argv.slice(2);
const model = new GammaModel(DEFAULT_CONFIG, { generator: new Generator(0) });
const sd = loadSafetensors(path.join(ckpt, "model.safetensors"));
model.llm.loadStateDict(new Map([...sd.tensors.entries()].filter(([k]) => k.startsWith("llm.")).map(([k, v]) => [k.slice(4), v])));
model.eval();
const tok = loadTokenizer(path.join(run, "tokenizer.json"));
const enc = (t) => tok.encode(t, { parseSpecial: false });
const docs = pretrainDocuments({ datasets: [dataset], seed: 0, recallQa: 1 }).filter((d) => d.source === "recall" && isHeldOutDocument(d)).slice(0, 2 * Number(songsArg ?? 40));
// The control: each document's questions and answers after another held-out song's facts (the next document of
// the same kind). A decoder that reads the facts answers the true facts right less often there; one that answers
// from priors scores the same. The gap between the two is what reading adds.
const head = (text) => text.slice(0, text.indexOf("\nQ:"));
const score = { report: [0, 0], summary: [0, 0], report_control: [0, 0], summary_control: [0, 0] };
docs.forEach((doc, d) => {
  const kind = doc.id.endsWith("recall-summary") ? "summary" : "report";
  const other = docs[(d + 2) % docs.length];
  for (const [name, text] of [[kind, doc.text], [`${kind}_control`, head(other.text) + doc.text.slice(head(doc.text).length)]]) {
    const ids = enc(text);
    const predicted = noGrad(() => tidy(() => model.llm.logits(model.llm.forward({ embeds: model.llm.embed(tensor(ids, { dtype: "int64" })).unsqueeze(0) })).argmax(-1).toFloat32Array()));
    // Each answer: the tokens after "\nA:" up to the next newline, found by encoding the text before it.
    for (let at = text.indexOf("\nA:"); at >= 0; at = text.indexOf("\nA:", at + 1)) {
      const start = enc(text.slice(0, at + 3)).length, end = text.indexOf("\n", at + 3);
      const stop = end < 0 ? ids.length : enc(text.slice(0, end)).length;
      let right = stop > start;
      for (let i = start; i < stop; i++) if (predicted[i - 1] !== ids[i]) right = false;
      score[name][0] += right; score[name][1]++;
    }
  }
});
const share = (k) => Math.round((score[k][0] / score[k][1]) * 1000) / 1000;
console.log(JSON.stringify({ ckpt, docs: docs.length, report: share("report"), report_control: share("report_control"), answers_report: score.report[1], summary: share("summary"), summary_control: share("summary_control"), answers_summary: score.summary[1] }));
