// Does a pretraining checkpoint's decoder answer held-out recall documents' questions from the facts above them?
// Teacher-forced: an answer counts when every one of its tokens is the decoder's most likely next token. Also
// scored after another song's facts (the control), to tell reading from priors.
// Usage: node recall-gate.mjs CHECKPOINT_OR_MODEL_DIR PRETRAIN_RUN_DIR DATASET_DIR [SONGS]
import path from "node:path";
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { loadTokenizer } from "../../dist/src/model/tokenizer/io.js";
import { pretrainDocuments, isHeldOutDocument } from "../../dist/src/train/stages/pretrain.js";
import { exactAnswers, loadDecoder, withOtherFacts } from "./recall-docs.mjs";
configureThreads();
const [ckpt, run, dataset, songsArg] = process.argv.slice(2);
const llm = loadDecoder(ckpt);
llm.eval();
const tok = loadTokenizer(path.join(run, "tokenizer.json"));
const enc = (t) => tok.encode(t, { parseSpecial: false });
const docs = pretrainDocuments({ datasets: [dataset], seed: 0, recallQa: 1 }).filter((d) => d.source === "recall" && isHeldOutDocument(d)).slice(0, 2 * Number(songsArg ?? 40));
// The control: each document's questions after the next document of the same kind's facts (recall-docs.mjs).
const score = { report: [0, 0], summary: [0, 0], report_control: [0, 0], summary_control: [0, 0] };
docs.forEach((doc, d) => {
  const kind = doc.id.endsWith("recall-summary") ? "summary" : "report";
  for (const [name, text] of [[kind, doc.text], [`${kind}_control`, withOtherFacts(doc, docs[(d + 2) % docs.length])]]) {
    const { right, answers } = exactAnswers(llm, text, enc);
    score[name][0] += right; score[name][1] += answers;
  }
});
const share = (k) => Math.round((score[k][0] / score[k][1]) * 1000) / 1000;
console.log(JSON.stringify({ ckpt, docs: docs.length, report: share("report"), report_control: share("report_control"), answers_report: score.report[1], summary: share("summary"), summary_control: share("summary_control"), answers_summary: score.summary[1] }));
