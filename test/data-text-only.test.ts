// `gamma data synth --text-only`: a text corpus of songs composed and annotated but never rendered (the LLM's
// pretraining set), quick, resumable, and never mixed up with a rendered set in the same folder.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../src/cli/paths.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
const run = (...args: string[]) => spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 120_000 });

test("text-only datasets: annotations and text, no audio; resumable; not mixed with a rendered set", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gamma-text-")), "set");
  const first = run("data", "synth", "--songs", "5", "--seed", "33", "--text-only", "--workers", "1", "--out", out);
  assert.equal(first.status, 0, first.stderr);
  const summary = JSON.parse(first.stdout.trim().split("\n").pop()!) as { text_only: number; captions: number; sft: number; mcq: number };
  assert.equal(summary.text_only, 5);
  assert.equal(summary.sft, 10, "a report and a dialogue per song");
  assert.ok(summary.captions >= 5 && summary.mcq >= 5);
  assert.equal(fs.readdirSync(path.join(out, "audio")).length, 0, "no audio");
  const songs = fs.readdirSync(path.join(out, "songs"));
  assert.equal(songs.length, 5);
  const annotation = JSON.parse(fs.readFileSync(path.join(out, "songs", songs[0]!), "utf8")) as { render: { renderer: string }; global: { duration: number }; temporal: { sections: { end: number }[] } };
  assert.equal(annotation.render.renderer, "none (text only)");
  assert.ok(annotation.global.duration > 30, `${annotation.global.duration} s`);
  assert.ok(annotation.temporal.sections.at(-1)!.end <= annotation.global.duration + 0.05);
  assert.match(first.stderr, /wrote the annotations and text of 5 songs \(no audio\)/);

  const again = run("data", "synth", "--songs", "5", "--seed", "33", "--text-only", "--workers", "1", "--out", out);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /5 already done/);

  const rendered = run("data", "synth", "--songs", "5", "--seed", "33", "--workers", "1", "--out", out);
  assert.notEqual(rendered.status, 0);
  assert.match(rendered.stderr, /already holds a different dataset .*--text-only/);
});
