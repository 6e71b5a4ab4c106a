// Can the decoder learn to answer from the facts written in the summary slot? LLM only, answer loss.
// Usage: node diag.mjs MODEL_DIR LR STEPS BATCH [kind] [styles]
import os from "node:os";
import { configureThreads } from "../../dist/src/engine/runtime.js";
import { loadModel } from "../../dist/src/model/io.js";
import { withSummaryTokens } from "../../dist/src/model/rebuild.js";
import { readChatSamples } from "../../dist/src/train/chat-samples.js";
import { TIME_FREE_CATEGORIES } from "../../dist/src/data/text/mcq.js";
import { answerLoss, chatInputs, freezeAllBut } from "../../dist/src/train/chat-inputs.js";
import { AdamW, clipGradNorm } from "../../dist/src/engine/optim.js";
import { enableGrad, noGrad } from "../../dist/src/engine/autograd.js";
import { tidy } from "../../dist/src/engine/scope.js";
import { generate } from "../../dist/src/model/generate.js";
import { answerStopIds } from "../../dist/src/model/tokenizer/special-tokens.js";
import { PARSERS } from "../../dist/src/eval/parse.js";
import { SongFacts, summaryWordTargets } from "../../dist/src/train/summary-words.js";
import { Rng } from "../../dist/src/music/rng.js";
configureThreads();
const [dir, lrArg, stepsArg, batchArg, kindArg, stylesArg] = process.argv.slice(2);
const lr = Number(lrArg), steps = Number(stepsArg), batch = Number(batchArg), kind = kindArg ?? "mcq-written-summary";
const styles = (stylesArg ?? "gamma,muchomusic,think").split(",");
const loaded = loadModel(dir);
const model = withSummaryTokens(loaded.model, 10), tokenizer = loaded.tokenizer;
const home = os.homedir() + "/.cache/gamma-music/data/";
const { train, heldOut } = readChatSamples([home + "text-v1"], [kind], { answerOrder: "text-first" });
const facts = new SongFacts();
// LABELLED=1: the facts as a labelled line of text in the user's message instead of the summary slot.
const labelled = (s) => {
  const g = facts.get(s.audio).global, mode = g.key.mode;
  const line = `key: ${g.key.tonic} ${["major", "minor"].includes(mode) ? mode : mode[0].toUpperCase() + mode.slice(1)}. genre: ${g.style}. tempo: ${g.tempoClass}. mood: ${g.mood[0]}.`;
  const [u, ...rest] = s.messages;
  return { ...s, summaryOnly: false, writtenSummary: false, messages: [{ role: "user", content: line + "\n\n" + u.content.filter((p) => p.type === "text").map((p) => p.text).join("\n") }, ...rest] };
};
const cats = process.env.CATS ? process.env.CATS.split(",") : [...TIME_FREE_CATEGORIES];
const keep = (s) => s.mcq && cats.includes(s.mcq.category) && styles.includes(s.mcq.style);
// AUDIO_LAST=1: the audio part after the question, so the summary ends the prompt (fixed distance to the answer).
const audioLast = (s) => { const [u, ...rest] = s.messages; return { ...s, messages: [{ role: "user", content: [...u.content.filter((p) => p.type !== "audio"), ...u.content.filter((p) => p.type === "audio")] }, ...rest] }; };
const shape = process.env.LABELLED ? labelled : process.env.AUDIO_LAST ? audioLast : (s) => s;
const recall = kind.startsWith("recall");
// LABEL_ANSWERS=1: recall answers start with the fact's name ("key: F# major"), so the token that must find the
// value names its kind itself.
const labelOf = (question) => /mode|scale/i.test(question) ? "mode" : /key/i.test(question) ? "key" : /tempo|pace|speed|fast|slow/i.test(question) ? "tempo" : /mood|feel|character|emotion/i.test(question) ? "mood" : "genre";
const labelled2 = (s) => process.env.LABEL_ANSWERS ? { ...s, messages: s.messages.map((m, i) => m.role === "assistant" ? { ...m, content: `${labelOf(s.messages[i - 1].content.at(-1).text)}: ${m.content}` } : m) } : s;
const tr = recall ? train.map(labelled2) : train.filter(keep).map(shape), ho = recall ? heldOut.slice(0, 48).map(labelled2) : heldOut.filter(keep).slice(0, 48).map(shape);
console.error(`train ${tr.length}, held out ${ho.length}: ${JSON.stringify(tr[0].messages)}`);
const inputs = (s, gen) => chatInputs(model, tokenizer, gen ? s.messages.slice(0, 1) : s.messages, undefined, gen, { summaryOnly: s.summaryOnly, writtenSummary: s.writtenSummary ? summaryWordTargets(facts.get(s.audio), tokenizer, 10) : undefined });
freezeAllBut(model, ["llm"], "diag");
model.train();
const params = [...model.llm.parameters()].filter((p) => p.requiresGrad);
const opt = new AdamW(params, { lr, weightDecay: 0.05 });
const rng = new Rng(1);
const evaluate = () => {
  model.eval();
  let right = 0; const per = {};
  for (const s of ho) {
    const out = noGrad(() => tidy(() => generate(model.llm, [inputs(s, true).embeds], (ids) => tokenizer.decode(ids, { skipSpecial: true }), { maxNewTokens: 60, stopTokens: answerStopIds(tokenizer), vocabLimit: tokenizer.vocabSize })[0].text));
    const ok = recall ? out.trim().toLowerCase() === s.messages[1].content.trim().toLowerCase() : PARSERS[s.mcq.style](out, s.mcq.options) === s.mcq.answer; right += ok;
    if (recall && ho.indexOf(s) < 3) console.log(JSON.stringify([s.messages[0].content.at(-1).text, s.messages[1].content, out]));
    const cat = recall ? "recall" : s.mcq.category;
    (per[cat] ??= [0, 0])[0] += ok; per[cat][1]++;
  }
  model.train();
  return { right: right / ho.length, per: Object.entries(per).map(([k, [a, b]]) => `${k}:${a}/${b}`).join(" ") };
};
const started = Date.now();
let lossSum = 0;
for (let step = 1; step <= steps; step++) {
  opt.zeroGrad();
  for (let i = 0; i < batch; i++) {
    const s = tr[rng.int(0, tr.length - 1)];
    lossSum += tidy(() => enableGrad(() => { const { loss } = answerLoss(model.llm, inputs(s, false)); loss.div(batch).backward(); return loss.item(); })) / batch;
  }
  noGrad(() => clipGradNorm(params, 1));
  opt.lrScale = Math.min(1, step / 10);
  opt.step();
  if (step % 25 === 0) { console.log(JSON.stringify({ step, loss: +(lossSum / 25).toFixed(4), min: +((Date.now() - started) / 60000).toFixed(1), ...(step % 50 === 0 ? evaluate() : {}) })); lossSum = 0; }
}
