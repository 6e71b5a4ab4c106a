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

test("gamma timeline reads the demo clip's sections with the default model's timeline head", () => {
  const r = spawnSync(process.execPath, [gamma, "timeline", "--json", demo], { encoding: "utf8", timeout: 120_000, env });
  assert.equal(r.status, 0, r.stderr);
  const heard = JSON.parse(r.stdout.trim()) as { seconds: number; sections: { start: number; end: number; label: string }[] };
  assert.ok(Math.abs(heard.seconds - 45.84) < 0.05, `${heard.seconds} s`);
  assert.ok(heard.sections.length >= 2, `a 46 s recording in more than one part: ${JSON.stringify(heard.sections)}`);
  assert.equal(heard.sections[0]!.start, 0);
  assert.equal(heard.sections.at(-1)!.end, heard.seconds);
  heard.sections.slice(1).forEach((s, i) => {
    assert.equal(s.start, heard.sections[i]!.end, "sections tile the clip");
    // Boundaries are peaks at least 2 s apart; the first may come 1 s in (an earlier peak is the clip's own start).
    assert.ok(s.start - heard.sections[i]!.start >= (i === 0 ? 1 : 2), `parts the head's 2 s apart: ${JSON.stringify(heard.sections)}`);
  });
});

test("the library: Gamma from the package entry asks about the demo clip and reads its sections", async () => {
  const { Gamma } = await import("../src/index.js");
  const gamma = Gamma.load(path.join(repoRoot(), "models/gamma-small"));
  const asked = await gamma.ask(demo, "What key is this in?");
  assert.match(asked.answer, /\b[A-G][#b]? (major|minor)\b/, asked.answer);
  assert.ok(Math.abs(asked.seconds - 45.84) < 0.05 && asked.audioTokens === 19 && asked.promptTokens > asked.audioTokens, JSON.stringify(asked));
  const { sections, seconds } = await gamma.timeline(demo);
  assert.equal(sections[0]!.start, 0);
  assert.equal(sections.at(-1)!.end, seconds);
});
