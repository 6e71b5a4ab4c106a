// Does a fresh small decoder learn content-based lookup (key -> value, keys asked in another order)?
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { DecoderLM } from "../../dist/src/model/llm.js";
import { TINY_CONFIG, DEFAULT_CONFIG } from "../../dist/src/model/config.js";
import { Generator } from "../../dist/src/engine/random.js";
import { AdamW, clipGradNorm } from "../../dist/src/engine/optim.js";
import { enableGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import * as F from "../../dist/src/engine/functional.js";
import { Rng } from "../../dist/src/music/rng.js";
configureThreads();
const [lrArg, stepsArg, which] = process.argv.slice(2);
const vocab = 128;
const base = which === "small" ? DEFAULT_CONFIG.llm : TINY_CONFIG.llm;
const llm = new DecoderLM({ ...base, vocabSize: vocab, ...(which === "small" ? {} : { hiddenSize: 64, intermediateSize: 128 }) }, { generator: new Generator(1) });
const params = [...llm.parameters()];
const opt = new AdamW(params, { lr: Number(lrArg), weightDecay: 0 });
const rng = new Rng(2), batch = 32;
for (let step = 1; step <= Number(stepsArg); step++) {
  const r = tidy(() => enableGrad(() => {
    const inputs = [], targets = [];
    for (let b = 0; b < batch; b++) {
      const keys = rng.shuffle(Array.from({ length: 60 }, (_, i) => 4 + i)).slice(0, 6);
      const pairs = keys.map((k) => [k, rng.int(64, vocab - 1)]);
      const seq = pairs.flat(), tgt = seq.map(() => -100);
      seq.push(1); tgt.push(-100);
      for (const p of rng.shuffle(pairs)) { seq.push(p[0]); tgt.push(-100); seq.push(p[1]); tgt.push(p[1]); }
      inputs.push(...seq.slice(0, -1)); targets.push(...tgt.slice(1));
    }
    const T = inputs.length / batch;
    const logits = llm.logits(llm.forward({ embeds: llm.embed(tensor(inputs, { dtype: "int64", shape: [batch, T] })) })).view(-1, vocab);
    const loss = F.crossEntropy(logits, tensor(targets, { dtype: "int64" }), { ignoreIndex: -100 });
    opt.zeroGrad(); loss.backward(); clipGradNorm(params, 1); opt.step();
    const pred = logits.argmax(-1).toFloat32Array(); const scored = targets.flatMap((t, i) => (t >= 0 ? [pred[i] === t] : []));
    return { loss: +loss.item().toFixed(3), copied: +(scored.filter(Boolean).length / scored.length).toFixed(3) };
  }));
  if (step % 50 === 0) console.log(JSON.stringify({ step, ...r }));
}
