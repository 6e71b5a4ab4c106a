// The main job as a new user runs it: `gamma ask` with no --model answers about the bundled demo recording with
// the shipped default model (models/gamma-small, in the repository).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../src/cli/paths.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const demo = path.join(repoRoot(), "assets/demo/hungarian-dance-5.ogg");
const env = { ...process.env };
delete env.GAMMA_MODEL;

test("the default model ships in the repository, within the 60 MB budget", () => {
  const dir = path.join(repoRoot(), "models/gamma-small");
  const bytes = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  assert.ok(bytes > 10e6 && bytes <= 60e6, `${bytes} bytes`);
});

test("gamma ask answers about the demo clip with the default model, with timings and the audio-token count", () => {
  const r = spawnSync(process.execPath, [gamma, "ask", "--json", demo, "What key is this in?"], { encoding: "utf8", timeout: 120_000, env });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { answer: string; audio: { seconds: number; audio_tokens: number }; timings: Record<string, number> };
  assert.ok(out.answer.trim().length > 0, "an answer");
  assert.match(out.answer, /\b[A-G][#b]? (major|minor)\b/, `a key is named: ${out.answer}`);
  assert.ok(Math.abs(out.audio.seconds - 45.84) < 0.05, `${out.audio.seconds} s`);
  // The shipped model hears a clip as its 19 summary tokens (projector.summaryOnly): whole-song facts only.
  assert.equal(out.audio.audio_tokens, 19);
  assert.ok(out.timings.total_s! < 10, `${out.timings.total_s} s`);
});
