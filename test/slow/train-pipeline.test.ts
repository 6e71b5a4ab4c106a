// The whole training chain on a small rendered dataset with the tiny config: stage 0 (experts), then stage 1
// (align) and stage 2 (sft) from a model directory with those experts; the result answers `gamma ask` and is
// scored by `gamma bench`. Checks plumbing and artefacts (a tiny model on six songs learns little).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../src/cli/paths.js";
import { MetricsLog } from "../../src/train/metrics.js";
import { TINY_CONFIG } from "../../src/model/config.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const run = (args: string[]) => spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 900_000 });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-pipeline-"));
const dataset = path.join(work, "data");
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;

function writeConfig(name: string, body: object): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ datasets: [dataset], run: path.join(work, name), seed: 3, logEvery: 2, evalEvery: 4, checkpointEvery: 2, ...body }));
  return file;
}

test("experts -> align -> sft -> ask and bench", { timeout: 1_800_000 }, () => {
  // Seed 22: one of its 8 songs (s22-000007) is held out, so the chat stages' held-out evaluation has questions.
  const made = run(["data", "synth", "--songs", "8", "--seconds", "20-30", "--seed", "22", "--workers", "2", "--out", dataset]);
  assert.equal(made.status, 0, made.stderr);

  const experts = run(["train", "experts", "--config", writeConfig("experts", { stage: "experts", model: "gamma-tiny", batchSize: 2, evalSongs: 2, optim: { steps: 4, warmupSteps: 1 } })]);
  assert.equal(experts.status, 0, experts.stderr);

  // The init model's experts hear log-mel only; stage 0's experts (gamma-tiny) also hear semitone bands: the
  // align stage rebuilds the model with the experts' config.
  const init = path.join(work, "init"), melOnly = path.join(work, "mel-only.json");
  const tiny = structuredClone(TINY_CONFIG);
  delete tiny.temporalExpert.pitchBins;
  delete tiny.globalExpert.pitchBins;
  fs.writeFileSync(melOnly, JSON.stringify(tiny));
  assert.equal(run(["model", "init", "--config", melOnly, "--out", init]).status, 0);
  const chatBody = { init, experts: path.join(work, "experts", "experts.safetensors"), featureDir: path.join(work, "features"), variants: 2, evalSamples: 2, evalMcqs: 4 };
  const align = run(["train", "align", "--config", writeConfig("align", { stage: "align", ...chatBody, optim: { steps: 4, warmupSteps: 1, gradAccum: 2 } })]);
  assert.equal(align.status, 0, align.stderr);
  assert.match(align.stderr, /training fusion, projector;/);
  assert.match(align.stderr, /was trained with another expert config .*the model takes it/);
  const alignModel = path.join(work, "align", "model");
  assert.equal(JSON.parse(fs.readFileSync(path.join(alignModel, "config.json"), "utf8")).temporalExpert.pitchBins, TINY_CONFIG.temporalExpert.pitchBins);

  const sft = run(["train", "sft", "--config", writeConfig("sft", { stage: "sft", ...chatBody, init: alignModel, experts: undefined, optim: { steps: 4, warmupSteps: 1 },
    kinds: ["report", "dialogue", "mcq", "mcq-session"], kindWeights: { "mcq-session": 2, dialogue: 1, report: 1 } })]);
  assert.equal(sft.status, 0, sft.stderr);
  assert.ok(MetricsLog.read(path.join(work, "sft", "metrics.jsonl")).some((r) => r.split === "train" && Object.keys(r).some((k) => k === "loss_mcq-session" || k === "loss_dialogue" || k === "loss_report")));
  const summary = lastJson(sft.stdout) as { eval: Record<string, number>; artefacts: string[] };
  assert.ok(typeof summary.eval.accuracy_mcq === "number" && summary.eval.accuracy_mcq >= 0 && summary.eval.accuracy_mcq <= 1, `accuracy_mcq: ${summary.eval.accuracy_mcq}`);
  const evals = MetricsLog.read(path.join(work, "sft", "metrics.jsonl")).filter((r) => r.split === "eval");
  assert.equal(evals.length, 1);
  assert.ok(fs.existsSync(path.join(work, "sft", "plots", "loss.svg")));
  // The feature cache was filled by align and reused by sft (same experts).
  assert.ok((summary.eval.feature_cache_hits ?? 0) > 0);

  // A model that hears every clip as its summary alone is evaluated as a user meets it: through the summary.
  const summaryOnly = run(["train", "sft", "--config", writeConfig("sft-summary", { stage: "sft", ...chatBody, init: alignModel, experts: undefined, optim: { steps: 2, warmupSteps: 1 },
    kinds: ["mcq-summary"], summaryTokens: 4, summaryOnly: true, trainable: ["projector", "llm"], evalSamples: 0 })]);
  assert.equal(summaryOnly.status, 0, summaryOnly.stderr);
  const heard = (lastJson(summaryOnly.stdout) as { eval: Record<string, number | null> }).eval;
  assert.ok(typeof heard.accuracy_mcq === "number" && heard.accuracy_mcq >= 0 && heard.accuracy_mcq <= 1, `accuracy_mcq: ${heard.accuracy_mcq}`);

  const model = path.join(work, "sft", "model");
  const audio = fs.readdirSync(path.join(dataset, "audio"))[0]!;
  const ask = run(["ask", "--json", "--model", model, "--max-tokens", "8", path.join(dataset, "audio", audio), "What is the tempo?"]);
  assert.equal(ask.status, 0, ask.stderr);
  assert.equal(typeof lastJson(ask.stdout).answer, "string");
  const bench = run(["bench", "--model", model, "--limit", "6", path.join(dataset, "mcq.jsonl")]);
  assert.equal(bench.status, 0, bench.stderr);
  assert.equal(lastJson(bench.stdout).n, 6);

  // Linear probes of the experts' pooled features (cached by align and sft, or computed now).
  const probe = run(["model", "probe", "--model", model, "--data", dataset, "--feature-dir", path.join(work, "features"), "--folds", "2"]);
  assert.equal(probe.status, 0, probe.stderr);
  const probed = lastJson(probe.stdout) as { songs: number; features_computed: number; probes: Record<string, { temporal: number; global: number; both: number; fused: number; majority: number }> };
  assert.equal(probed.songs, 8);
  assert.ok(probed.features_computed >= 0 && probed.features_computed <= 8);
  assert.deepEqual(Object.keys(probed.probes), ["tonic", "mode", "key", "tempo_class", "style", "metre", "mood", "lead", "accompaniment", "tempo_tens"]);
  for (const p of Object.values(probed.probes)) for (const v of [p.temporal, p.global, p.both, p.fused, p.majority]) assert.ok(v >= 0 && v <= 1);
  assert.match(probe.stderr, /tonic +\d+ /);
});
