// Does a pretrained decoder learn to answer from the facts before the question when that is all it trains on?
// The pretraining recall documents of the summary kind ("Heard: F# major, folk, fast, happy.\nQ: ...\nA: folk"),
// loss on the answers' tokens only, `BATCH` documents a step; every 25 steps, held-out documents teacher-forced
// (an answer right when all its tokens are the likeliest), after their own facts and after another song's (the
// control: a decoder answering from priors scores the same on both).
// Usage: node recall-drill.mjs CHECKPOINT_OR_MODEL_DIR PRETRAIN_RUN_DIR DATASET_DIR LR STEPS [BATCH] [OUT_DIR]
import path from "node:path";
import { performance } from "node:perf_hooks";
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { saveSafetensors } from "../../dist/src/engine/safetensors.js";
import { loadTokenizer } from "../../dist/src/model/tokenizer/io.js";
import { pretrainDocuments, isHeldOutDocument } from "../../dist/src/train/stages/pretrain.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import { enableGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
import { AdamW, clipGradNorm } from "../../dist/src/engine/optim.js";
import * as F from "../../dist/src/engine/functional.js";
import { Rng } from "../../dist/src/music/rng.js";
import { answerSpans, exactAnswers, loadDecoder, withOtherFacts } from "./recall-docs.mjs";
configureThreads();
const [ckpt, run, dataset, lrArg, stepsArg, batchArg, out] = process.argv.slice(2);
const llm = loadDecoder(ckpt);
const tok = loadTokenizer(path.join(run, "tokenizer.json"));
const enc = (t) => tok.encode(t, { parseSpecial: false });
const all = pretrainDocuments({ datasets: [dataset], seed: 0, recallQa: 4 }).filter((d) => d.id.includes("/recall-summary"));
const train = all.filter((d) => !isHeldOutDocument(d)), heldOut = all.filter((d) => isHeldOutDocument(d) && d.id.endsWith("recall-summary")).slice(0, 80);

/** Token ids and, per position, the next token when it is an answer's (else -100). */
function encodeDoc(text) {
  const { ids, answers } = answerSpans(text, enc);
  const targets = ids.map(() => -100);
  for (const [start, stop] of answers) for (let i = start; i < stop; i++) targets[i - 1] = ids[i];
  return { ids, targets };
}

function heldOutScore() {
  const right = { own: 0, control: 0 }; let n = 0;
  heldOut.forEach((doc, d) => {
    const own = exactAnswers(llm, doc.text, enc);
    right.own += own.right; n += own.answers;
    right.control += exactAnswers(llm, withOtherFacts(doc, heldOut[(d + 1) % heldOut.length]), enc).right;
  });
  return { own: +(right.own / n).toFixed(3), control: +(right.control / n).toFixed(3), answers: n };
}

llm.train();
const params = [...llm.parameters()];
for (const p of params) p.requiresGrad_(true);
const opt = new AdamW(params, { lr: Number(lrArg), weightDecay: 0 });
const rng = new Rng(3), batch = Number(batchArg ?? 32), steps = Number(stepsArg);
console.log(JSON.stringify({ step: 0, train_docs: train.length, ...heldOutScore() }));
const started = performance.now();
for (let step = 1; step <= steps; step++) {
  const docs = Array.from({ length: batch }, () => encodeDoc(train[rng.int(0, train.length - 1)].text));
  const T = Math.max(...docs.map((d) => d.ids.length));
  const ids = docs.flatMap((d) => [...d.ids, ...Array(T - d.ids.length).fill(0)]);
  const targets = docs.flatMap((d) => [...d.targets, ...Array(T - d.ids.length).fill(-100)]);
  const loss = tidy(() => enableGrad(() => {
    const logits = llm.logits(llm.forward({ embeds: llm.embed(tensor(ids, { dtype: "int64", shape: [batch, T] })) })).view(-1, llm.config.vocabSize);
    const l = F.crossEntropy(logits, tensor(targets, { dtype: "int64" }), { ignoreIndex: -100 });
    opt.zeroGrad(); l.backward(); clipGradNorm(params, 1); opt.lrScale = Math.min(1, step / 10); opt.step();
    return l.item();
  }));
  if (step % 25 === 0) {
    llm.eval();
    console.log(JSON.stringify({ step, loss: +loss.toFixed(3), minutes: +((performance.now() - started) / 60000).toFixed(1), ...heldOutScore() }));
    llm.train();
  }
}
if (out) saveSafetensors(path.join(out, "model.safetensors"), new Map([...llm.stateDict()].map(([k, v]) => [`llm.${k}`, v])));
