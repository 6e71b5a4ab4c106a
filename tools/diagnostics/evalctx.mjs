// Held-out time-free written-context MCQs (chat format, greedy, the bench's parsers), for a model dir with the
// LLM weights of a checkpoint. Usage: node evalctx.mjs MODEL_DIR [CHECKPOINT_DIR] [N] [kind: mcq-context|mcq-written-summary]
import os from "node:os"; import path from "node:path";
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { loadModel } from "../../dist/src/model/io.js";
import { loadSafetensors } from "../../dist/src/engine/safetensors.js";
import { readChatSamples } from "../../dist/src/train/chat-samples.js";
import { TIME_FREE_CATEGORIES } from "../../dist/src/data/text/mcq.js";
import { chatInputs } from "../../dist/src/train/chat-inputs.js";
import { noGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
import { generate } from "../../dist/src/model/generate.js";
import { answerStopIds } from "../../dist/src/model/tokenizer/special-tokens.js";
import { PARSERS } from "../../dist/src/eval/parse.js";
import { SongFacts, summaryWordTargets } from "../../dist/src/train/summary-words.js";
configureThreads();
const [dir, ckpt, nArg, kindArg] = process.argv.slice(2);
const n = Number(nArg ?? 96), kind = kindArg ?? "mcq-context";
const { model, tokenizer } = loadModel(dir);
if (ckpt && ckpt !== "-") {
  const sd = loadSafetensors(path.join(ckpt, "model.safetensors"));
  model.llm.loadStateDict(new Map([...sd.tensors.entries()].filter(([k]) => k.startsWith("llm.")).map(([k, v]) => [k.slice(4), v])));
}
model.eval();
const home = os.homedir() + "/.cache/gamma-music/data/";
const { heldOut } = readChatSamples([home + "text-v1", home + "train-v1"], [kind]);
const qs = heldOut.filter((s) => s.mcq && TIME_FREE_CATEGORIES.has(s.mcq.category)).slice(0, n);
const facts = new SongFacts();
let right = 0; const per = {}, style = {};
for (const [i, s] of qs.entries()) {
  const written = s.writtenSummary ? summaryWordTargets(facts.get(s.audio), tokenizer, model.config.projector.summaryTokens) : undefined;
  const out = noGrad(() => tidy(() => generate(model.llm, [chatInputs(model, tokenizer, s.messages.slice(0, 1), undefined, true, { summaryOnly: s.summaryOnly, writtenSummary: written }).embeds], (ids) => tokenizer.decode(ids, { skipSpecial: true }), { maxNewTokens: 60, stopTokens: answerStopIds(tokenizer), vocabLimit: tokenizer.vocabSize })[0].text));
  const ok = PARSERS[s.mcq.style](out, s.mcq.options) === s.mcq.answer;
  right += ok; (per[s.mcq.category] ??= [0, 0])[0] += ok; per[s.mcq.category][1]++; (style[s.mcq.style] ??= [0, 0])[0] += ok; style[s.mcq.style][1]++;
  if (i < 3) console.log(JSON.stringify(out), s.mcq.options[s.mcq.answer], ok);
}
console.log(JSON.stringify({ dir, ckpt, kind, n: qs.length, accuracy: right / qs.length, per, style }));
