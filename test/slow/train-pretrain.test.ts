// LLM pretraining through the CLI: `gamma train pretrain` on a small text-only dataset with the tiny model; a run
// stopped (--stop-after) or killed (SIGKILL) and started again ends with exactly the decoder weights of an
// uninterrupted run, and the run directory holds the tokenizer, the token cache, metrics, plots, llm.safetensors
// and a model directory that loads.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../src/cli/paths.js";
import { loadSafetensors } from "../../src/engine/safetensors.js";
import { loadModel } from "../../src/model/io.js";
import { MetricsLog } from "../../src/train/metrics.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const run = (args: string[]) => spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 600_000 });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-train-pretrain-"));
const dataset = path.join(work, "data");

/** Captions, dialogues and questions about 60 made-up songs (no audio: pretraining reads only the text). */
function writeDataset(): void {
  fs.mkdirSync(dataset, { recursive: true });
  const styles = ["rock", "jazz", "reggae", "house", "funk"], keys = ["C major", "A minor", "G major", "E minor", "D major"];
  const captions: string[] = [], sft: string[] = [], mcq: string[] = [];
  for (let i = 0; i < 60; i++) {
    const id = `song-${String(i).padStart(3, "0")}`, audio = `audio/${id}.wav`, style = styles[i % 5]!, key = keys[(i * 3) % 5]!;
    captions.push(JSON.stringify({ id: `${id}-cap0`, audio, caption: `A ${style} piece in ${key}, at ${90 + (i % 7) * 10} beats per minute.` }));
    sft.push(JSON.stringify({ id: `${id}-dialogue`, audio, kind: "dialogue", messages: [{ role: "user", content: "<audio>\nWhat key is it in?" }, { role: "assistant", content: `It is in ${key}.` }] }));
    mcq.push(JSON.stringify({ id: `${id}-q0`, audio, question: "Which style is it?", choices: styles.slice(0, 4).includes(style) ? styles.slice(0, 4) : styles.slice(1), answer: style, split: "global", category: "style" }));
  }
  fs.writeFileSync(path.join(dataset, "captions.jsonl"), captions.join("\n") + "\n");
  fs.writeFileSync(path.join(dataset, "sft.jsonl"), sft.join("\n") + "\n");
  fs.writeFileSync(path.join(dataset, "mcq.jsonl"), mcq.join("\n") + "\n");
}

function config(name: string): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({
    stage: "pretrain", model: "gamma-tiny", datasets: [dataset], run: path.join(work, name),
    tokenizer: { train: true, vocabSize: 400 }, seqLen: 48, batchSize: 4, evalDocs: 20, seed: 5,
    optim: { steps: 10, warmupSteps: 2, lr: 0.003 }, logEvery: 2, evalEvery: 5, checkpointEvery: 2,
  }));
  return file;
}

function weights(runName: string): Map<string, number[]> {
  const { tensors } = loadSafetensors(path.join(work, runName, "llm.safetensors"));
  return new Map([...tensors].map(([k, t]) => [k, t.toList()]));
}

test("pretraining trains, writes a loadable model, and resumes exactly after --stop-after and after SIGKILL", { timeout: 900_000 }, async () => {
  writeDataset();
  const full = run(["train", "pretrain", "--config", config("full")]);
  assert.equal(full.status, 0, full.stderr);
  const summary = JSON.parse(full.stdout.trim().split("\n").pop()!) as { step: number; artefacts: string[]; eval: Record<string, number> };
  assert.equal(summary.step, 10);
  assert.ok(summary.eval.perplexity! > 1 && summary.eval.accuracy! >= 0);
  for (const f of ["tokenizer.json", "data/tokens.bin", "data/index.json", "metrics.jsonl", "plots/loss.svg", "plots/accuracy.svg", "llm.safetensors", "model/config.json"]) {
    assert.ok(fs.existsSync(path.join(work, "full", f)), f);
  }
  const records = MetricsLog.read(path.join(work, "full", "metrics.jsonl"));
  assert.deepEqual(records.filter((r) => r.split === "eval").map((r) => r.step), [5, 10]);
  const reference = weights("full");
  const model = loadModel(path.join(work, "full", "model"));
  assert.equal(model.config.name, "gamma-tiny");
  assert.deepEqual(model.model.llm.model.embed_tokens.weight.toList(), reference.get("llm.model.embed_tokens.weight"));

  const stopped = run(["train", "pretrain", "--config", config("stopped"), "--stop-after", "3"]);
  assert.equal(stopped.status, 130, stopped.stderr);
  assert.ok(!fs.existsSync(path.join(work, "stopped", "llm.safetensors")));
  const resumed = run(["train", "pretrain", "--config", config("stopped")]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from step 3/);
  assert.match(resumed.stderr, /cached in/);
  assert.deepEqual(weights("stopped"), reference);

  const killedConfig = config("killed");
  const child = spawn(process.execPath, [gamma, "train", "pretrain", "--config", killedConfig], { stdio: "ignore" });
  const latest = path.join(work, "killed", "checkpoints", "latest.json");
  while (!fs.existsSync(latest)) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const again = run(["train", "pretrain", "--config", killedConfig]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /resuming from step \d/);
  assert.deepEqual(weights("killed"), reference);
});
