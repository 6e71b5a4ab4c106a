// Induction warm-up: train the decoder to repeat a random token sequence it has just read (dense copy targets),
// then save the model. Usage: node warm.mjs MODEL_DIR OUT_DIR LR STEPS
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { loadModel, saveModel } from "../../dist/src/model/io.js";
import { AdamW, clipGradNorm } from "../../dist/src/engine/optim.js";
import { enableGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import * as F from "../../dist/src/engine/functional.js";
import { Rng } from "../../dist/src/music/rng.js";
import path from "node:path";
configureThreads();
const [dir, out, lrArg, stepsArg] = process.argv.slice(2);
const { model, tokenizer } = loadModel(dir);
const llm = model.llm, vocab = tokenizer.vocabSize - 40;
for (const [n, p] of model.namedParameters()) p.requiresGrad_(n.startsWith("llm."));
const params = [...llm.parameters()].filter((p) => p.requiresGrad);
const opt = new AdamW(params, { lr: Number(lrArg), weightDecay: 0 });
const rng = new Rng(2), batch = 16;
for (let step = 1; step <= Number(stepsArg); step++) {
  const r = tidy(() => enableGrad(() => {
    const inputs = [], targets = [];
    for (let b = 0; b < batch; b++) {
      // Several random "key value" pairs, then the keys again in another order, each followed by its value.
      const pairs = Array.from({ length: 8 }, () => [rng.int(300, vocab), rng.int(300, vocab), rng.int(300, vocab)]);
      const seq = pairs.flat(); const tgt = seq.map(() => -100);
      for (const p of rng.shuffle(pairs)) { seq.push(p[0]); tgt.push(-100); seq.push(p[1]); tgt.push(p[1]); seq.push(p[2]); tgt.push(p[2]); }
      inputs.push(...seq.slice(0, -1)); targets.push(...tgt.slice(1));
    }
    const T = inputs.length / batch;
    const logits = llm.logits(llm.forward({ embeds: llm.embed(tensor(inputs, { dtype: "int64", shape: [batch, T] })) })).view(-1, llm.config.vocabSize);
    const loss = F.crossEntropy(logits, tensor(targets, { dtype: "int64" }), { ignoreIndex: -100 });
    opt.zeroGrad(); loss.backward(); clipGradNorm(params, 1); opt.lrScale = Math.min(1, step / 20); opt.step();
    const pred = logits.argmax(-1).toFloat32Array(); const scored = targets.flatMap((t, i) => (t >= 0 ? [pred[i] === t] : []));
    return { loss: loss.item(), copied: scored.filter(Boolean).length / scored.length };
  }));
  if (step % 20 === 0) console.log(JSON.stringify({ step, ...r }));
}
saveModel(out, model, path.join(dir, "tokenizer.json"));
