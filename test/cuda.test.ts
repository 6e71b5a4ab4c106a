// The GPU path, where this build's libtorch has CUDA and a GPU is visible (skipped otherwise, with the reason):
// the same tiny GaMMA model built on cuda and on cpu from one seed gives the same logits, the same loss and
// gradients, and the same AdamW step; checkpoints written from the GPU load back exactly; `gamma --device cuda
// ask` answers what `--device cpu` answers. Without CUDA, `--device cuda` is a clear error (tested in any build).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { writeWav } from "../src/audio/wav-write.js";
import { repoRoot } from "../src/cli/paths.js";
import { enableGrad, noGrad } from "../src/engine/autograd.js";
import * as F from "../src/engine/functional.js";
import { AdamW, decayGroups } from "../src/engine/optim.js";
import { cudaAvailable, useDevice } from "../src/engine/runtime.js";
import { loadSafetensors, saveSafetensors } from "../src/engine/safetensors.js";
import { Generator } from "../src/engine/random.js";
import { getDefaultDevice, multinomial, type Tensor, tensor } from "../src/engine/tensor.js";
import { assembleInputs } from "../src/model/inputs.js";
import { encodeChat } from "../src/model/tokenizer/chat.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { assertClose } from "./helpers.js";
import { randomMel, tinyModel, tinyTokenizerFile } from "./model-helpers.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const skip = cudaAvailable() ? false : "this libtorch has no CUDA or no GPU is visible";

/** Runs fn with new tensors created on `device`, then puts the default back to cpu. */
function on<T>(device: "cpu" | "cuda", fn: () => T): T {
  useDevice(device);
  try {
    return fn();
  } finally {
    useDevice("cpu");
  }
}

/** One training step of the tiny model on a chat with audio: loss, a gradient norm per part, the updated weights. */
function trainStep(device: "cpu" | "cuda") {
  return on(device, () => {
    const model = tinyModel(3);
    const tokenizer = loadTokenizer(tokenizerFile);
    const chat = encodeChat(tokenizer, [
      { role: "user", content: [{ type: "audio", clip: "a" }, { type: "text", text: "What is the key?" }] },
      { role: "assistant", content: "A minor, at 0:42.5 the chorus starts." },
    ]);
    const optimizer = new AdamW(decayGroups([...model.namedParameters()], 0.01), { lr: 1e-3 });
    const loss = enableGrad(() => {
      const [enc] = model.encodeAudio([randomMel(14)]);
      const inputs = assembleInputs(model, (t) => tokenizer.encode(t), chat, [enc!]);
      const logits = model.llm.logits(model.llm.forward({ embeds: inputs.embeds.unsqueeze(0) })).squeeze(0);
      const l = F.crossEntropy(logits, tensor(inputs.targets, { dtype: "int64" }));
      l.backward();
      return l;
    });
    const device = model.llm.model.embed_tokens.weight.device;
    const grads = Object.fromEntries([...model.namedParameters()].filter(([n]) => /(^|\.)0\.|proj|embed/.test(n)).slice(0, 12).map(([n, p]) => [n, p.grad!.norm().item()]));
    optimizer.step();
    const weights = Object.fromEntries([...model.namedParameters()].slice(0, 12).map(([n, p]) => [n, p.flatten().narrow(0, 0, Math.min(64, p.numel)).toArray() as number[]]));
    return { loss: loss.item(), grads, weights, device };
  });
}

const tokenizerFile = tinyTokenizerFile();
const softmaxRows = (rows: number[][]): Tensor => tensor(rows).softmax(-1);

test("--device cuda without CUDA is a clear error naming what to do", { skip: cudaAvailable() ? "this build has CUDA" : false }, () => {
  assert.throws(() => useDevice("cuda"), /has no CUDA.*pip install torch.*--device cpu/);
  assert.throws(() => useDevice("gpu"), /unknown device 'gpu': use cpu, cuda or cuda:N/);
  assert.equal(getDefaultDevice(), "cpu");
  const r = spawnSync(process.execPath, [gamma, "--device", "cuda", "ask", "x.wav", "q"], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^gamma: device 'cuda': .* has no CUDA/);
});

test("a tiny model's training step on cuda matches cpu: loss, gradients, AdamW update", { skip }, () => {
  const cpu = trainStep("cpu"), cuda = trainStep("cuda");
  assert.equal(cpu.device, "cpu");
  assert.equal(cuda.device, "cuda:0");
  // Convolutions on cuDNN may use TF32: agreement to a few parts in a thousand, not bit for bit.
  assertClose([cuda.loss], [cpu.loss], { atol: 1e-3, rtol: 2e-3 }, "loss");
  for (const [name, g] of Object.entries(cpu.grads)) assertClose([cuda.grads[name]!], [g], { atol: 1e-4, rtol: 2e-2 }, `grad norm ${name}`);
  for (const [name, w] of Object.entries(cpu.weights)) assertClose(cuda.weights[name]!, w, { atol: 2e-4, rtol: 1e-3 }, `updated ${name}`);
});

test("seeded sampling draws the same tokens from cuda probabilities as from cpu ones", { skip }, () => noGrad(() => {
  const probs = softmaxRows([[0.1, 2, 0.3, 1.5, 0.2], [1, 1, 1, 1, 1], [3, 0, 0, 0, 2.5]]);
  const draw = (device: "cpu" | "cuda") => multinomial(probs.to(device), 3, { replacement: true, generator: new Generator(11) });
  const onCuda = draw("cuda");
  assert.equal(onCuda.device, "cuda:0");
  assert.deepEqual(onCuda.toList(), draw("cpu").toList());
}));

test("weights saved from the GPU load back exactly, onto either device", { skip }, () => noGrad(() => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gamma-cuda-")), "w.safetensors");
  const saved = on("cuda", () => {
    const model = tinyModel(5);
    saveSafetensors(file, model.stateDict());
    return Object.fromEntries([...model.stateDict()].slice(0, 6).map(([n, t]) => [n, t.flatten().toArray() as number[]]));
  });
  for (const device of ["cpu", "cuda"] as const) on(device, () => {
    const { tensors } = loadSafetensors(file);
    for (const [n, v] of Object.entries(saved)) {
      assert.equal(tensors.get(n)!.device, device === "cpu" ? "cpu" : "cuda:0");
      assert.deepEqual(tensors.get(n)!.flatten().toArray(), v, n);
    }
  });
}));

test("gamma --device cuda ask answers what --device cpu answers", { skip }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-cuda-ask-"));
  const model = path.join(work, "tiny"), wav = path.join(work, "tone.wav");
  const rate = 22050;
  writeWav(wav, new Float32Array(Math.round(8 * rate)).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) + (i % (rate / 2) < 200 ? 0.5 : 0)), rate);
  const run = (args: string[]) => spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 120_000 });
  const init = run(["model", "init", "--config", "gamma-tiny", "--tokenizer", tokenizerFile, "--seed", "2", "--out", model]);
  assert.equal(init.status, 0, init.stderr);
  const ask = (device: string) => run(["--device", device, "ask", "--json", "--model", model, "--max-tokens", "8", wav, "What key is this in?"]);
  const cpu = ask("cpu"), cuda = ask("cuda");
  assert.equal(cuda.status, 0, cuda.stderr);
  const answer = (r: typeof cpu) => (JSON.parse(r.stdout.trim().split("\n").pop()!) as { answer: string }).answer;
  assert.equal(answer(cuda), answer(cpu));
});
