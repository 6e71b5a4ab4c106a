// Gate: does a pretrained decoder answer held-out questions from a written report, in the raw-text format of
// the grounded documents? Usage: node ground.mjs CHECKPOINT_DIR RUN_DIR [N]
import os from "node:os"; import path from "node:path";
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { GammaModel } from "../../dist/src/model/gamma.js";
import { DEFAULT_CONFIG } from "../../dist/src/model/config.js";
import { Generator } from "../../dist/src/engine/random.js";
import { loadSafetensors } from "../../dist/src/engine/safetensors.js";
import { loadTokenizer } from "../../dist/src/model/tokenizer/io.js";
import { readChatSamples } from "../../dist/src/train/chat-samples.js";
import { TIME_FREE_CATEGORIES } from "../../dist/src/data/text/mcq.js";
import { tensor } from "../../dist/src/engine/tensor.js";
import { noGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
configureThreads();
const [ckpt, run, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 100);
const model = new GammaModel(DEFAULT_CONFIG, { generator: new Generator(0) });
const sd = loadSafetensors(path.join(ckpt, "model.safetensors"));
const llmSd = new Map([...sd.tensors.entries()].filter(([k]) => k.startsWith("llm.")).map(([k, v]) => [k.slice(4), v]));
model.llm.loadStateDict(llmSd);
model.eval();
const tok = loadTokenizer(path.join(run, "tokenizer.json"));
const home = os.homedir() + "/.cache/gamma-music/data/";
const sets = process.argv[5] ? [home + process.argv[5]] : [home + "text-v1"];
const { heldOut } = readChatSamples(sets, ["mcq-context"]);
const qs = heldOut.filter((s) => TIME_FREE_CATEGORIES.has(s.mcq.category) && s.mcq.style !== "muchomusic").slice(0, n);
const PREFIX = "What I know about the song: ";
const ids0 = (p) => tok.encode(p, { parseSpecial: false }).length;
let right = 0; const per = {};
for (const [i, s] of qs.entries()) {
  const user = typeof s.messages[0].content === "string" ? s.messages[0].content : s.messages[0].content.map((c) => c.text ?? "").join("");
  const prompt = user.replace(PREFIX, "");
  const L = (k) => String.fromCharCode(65 + k);
  const scores = s.mcq.options.map((o, k) => {
    const ids = tok.encode(`${prompt}\n<answer>(${L(k)}) ${o}</answer>`, { parseSpecial: false });
    return noGrad(() => tidy(() => {
      const x = tensor(ids, { dtype: "int64" });
      const lp = model.llm.logits(model.llm.forward({ embeds: model.llm.embed(x).unsqueeze(0) })).logSoftmax(-1).select(0, 0);
      let total = 0;
      const arr = lp.narrow(0, 0, ids.length - 1).gather(1, x.narrow(0, 1, ids.length - 1).unsqueeze(1)).toFloat32Array();
      for (const a of arr) total += a;
      return total;
    }));
  });
  const pick = scores.indexOf(Math.max(...scores));
  const ok = pick === s.mcq.answer;
  if (i < 3 || i % 20 === 0) console.log(i, ids0(prompt), prompt.slice(0, 150), "...", scores.map((x) => x.toFixed(1)), L(pick), ok);
  right += ok; (per[s.mcq.category] ??= [0, 0])[0] += ok; per[s.mcq.category][1]++;
}
console.log(JSON.stringify({ ckpt, n: qs.length, accuracy: right / qs.length, per }));
