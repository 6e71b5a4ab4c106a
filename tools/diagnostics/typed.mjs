// Type-based retrieval probe: 5 slots (one token of each of 5 types, fixed order), filler, then a question token
// naming a type; the target is the slot token of that type. Usage: node typed.mjs MODEL_DIR|fresh LR STEPS [FILLER]
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { loadModel } from "../../dist/src/model/io.js";
import { DecoderLM } from "../../dist/src/model/llm.js";
import { DEFAULT_CONFIG } from "../../dist/src/model/config.js";
import { Generator } from "../../dist/src/engine/random.js";
import { AdamW, clipGradNorm } from "../../dist/src/engine/optim.js";
import { enableGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import * as F from "../../dist/src/engine/functional.js";
import { Rng } from "../../dist/src/music/rng.js";
configureThreads();
const [dir, lrArg, stepsArg, fillerArg] = process.argv.slice(2);
const llm = dir === "fresh" ? new DecoderLM(DEFAULT_CONFIG.llm, { generator: new Generator(1) }) : loadModel(dir).model.llm;
for (const p of llm.parameters()) p.requiresGrad_(true);
const params = [...llm.parameters()];
const opt = new AdamW(params, { lr: Number(lrArg), weightDecay: 0 });
const rng = new Rng(2), batch = 32, filler = Number(fillerArg ?? 20);
const types = Array.from({ length: 5 }, (_, t) => Array.from({ length: 16 }, (_, i) => 1000 + t * 16 + i));
const qtok = [2000, 2001, 2002, 2003, 2004];
for (let step = 1; step <= Number(stepsArg); step++) {
  const r = tidy(() => enableGrad(() => {
    const inputs = [], targets = [];
    for (let b = 0; b < batch; b++) {
      const slot = types.map((ws) => ws[rng.int(0, 15)]);
      const seq = [...slot, ...Array.from({ length: filler }, () => rng.int(300, 900))];
      const tgt = seq.map(() => -100);
      for (let k = 0; k < 3; k++) { const t = rng.int(0, 4); seq.push(qtok[t]); tgt.push(-100); seq.push(slot[t]); tgt.push(slot[t]); }
      inputs.push(...seq.slice(0, -1)); targets.push(...tgt.slice(1));
    }
    const T = inputs.length / batch;
    const logits = llm.logits(llm.forward({ embeds: llm.embed(tensor(inputs, { dtype: "int64", shape: [batch, T] })) })).view(-1, llm.config.vocabSize);
    const loss = F.crossEntropy(logits, tensor(targets, { dtype: "int64" }), { ignoreIndex: -100 });
    opt.zeroGrad(); loss.backward(); clipGradNorm(params, 1); opt.lrScale = Math.min(1, step / 10); opt.step();
    const pred = logits.argmax(-1).toFloat32Array(); const scored = targets.flatMap((t, i) => (t >= 0 ? [pred[i] === t] : []));
    return { loss: +loss.item().toFixed(3), right: +(scored.filter(Boolean).length / scored.length).toFixed(3) };
  }));
  if (step % 25 === 0) console.log(JSON.stringify({ step, ...r }));
}
