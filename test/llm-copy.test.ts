// The decoder can learn what every audio question needs from it: to find something earlier in its context and
// say it again. A random sequence, a separator, the same sequence: the second half is predictable only by
// looking back (an induction head). A broken attention, mask or rotary table fails this while a plain language
// model loss on templated text can still look fine.
import assert from "node:assert/strict";
import { test } from "node:test";
import { enableGrad } from "../src/engine/autograd.js";
import * as F from "../src/engine/functional.js";
import { AdamW, clipGradNorm } from "../src/engine/optim.js";
import { Generator } from "../src/engine/random.js";
import { tidy } from "../src/engine/scope.js";
import { tensor } from "../src/engine/tensor.js";
import { TINY_CONFIG } from "../src/model/config.js";
import { DecoderLM } from "../src/model/llm.js";
import { Rng } from "../src/music/rng.js";

test("the decoder learns to repeat a random sequence it has just read (in-context copying)", () => {
  const vocab = 64, half = 12, batch = 32, separator = 1;
  const llm = new DecoderLM({ ...TINY_CONFIG.llm, vocabSize: vocab, hiddenSize: 64, intermediateSize: 128 }, { generator: new Generator(1) });
  const params = [...llm.parameters()];
  const opt = new AdamW(params, { lr: 3e-3, weightDecay: 0 });
  const rng = new Rng(2);
  const step = (): { loss: number; copied: number } => tidy(() => enableGrad(() => {
    const inputs: number[] = [], targets: number[] = [];
    for (let b = 0; b < batch; b++) {
      const s = Array.from({ length: half }, () => rng.int(2, vocab - 1));
      const seq = [...s, separator, ...s];
      inputs.push(...seq.slice(0, -1));
      targets.push(...seq.slice(1).map((t, i) => (i >= half ? t : -100))); // only the repeat is scored
    }
    const logits = llm.logits(llm.forward({ embeds: llm.embed(tensor(inputs, { dtype: "int64", shape: [batch, 2 * half] })) })).view(-1, vocab);
    const loss = F.crossEntropy(logits, tensor(targets, { dtype: "int64" }), { ignoreIndex: -100 });
    opt.zeroGrad();
    loss.backward();
    clipGradNorm(params, 1);
    opt.step();
    const predicted = logits.argmax(-1).toFloat32Array();
    const scored = targets.flatMap((t, i) => (t >= 0 ? [predicted[i] === t] : []));
    return { loss: loss.item(), copied: scored.filter(Boolean).length / scored.length };
  }));
  const first = step();
  assert.ok(first.copied < 0.1, `random at the start (${first.copied})`);
  let last = first;
  for (let i = 0; i < 150; i++) last = step();
  assert.ok(last.copied > 0.95, `after 150 steps the repeat is copied (${last.copied.toFixed(3)} of its tokens right, loss ${last.loss.toFixed(3)})`);
});
