// The gamma command as a user runs it: a real process, its stdout, stderr and exit code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "../src/cli/paths.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");
function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [gamma, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("gamma --help lists the commands, and each command has help", () => {
  const r = run("--help");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: gamma/);
  assert.match(r.stdout, /doctor/);
  const d = run("doctor", "--help");
  assert.equal(d.code, 0);
  assert.match(d.stdout, /--json/);
  assert.match(d.stdout, /GAMMA_THREADS/);
});

test("gamma doctor --json reports the engine and a measured matmul rate", () => {
  const r = run("doctor", "--json", "--quick");
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    libtorch: { version: string }; devices: string[]; threads: { intraOp: number; blas: number };
    blas: { name: string }; matmul: { gflops: number }; cpu: { gflops: number };
  };
  assert.match(report.libtorch.version, /^\d+\.\d+/);
  assert.ok(report.devices.includes("cpu"));
  assert.equal(report.threads.intraOp, 1);
  assert.ok(report.matmul.gflops > 1, `matmul ${report.matmul.gflops} GFLOP/s`);
  assert.ok(report.cpu.gflops > 0);
});

test("an unknown command or option fails with a message and a non-zero exit", () => {
  const r = run("no-such-command");
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown command/);
  const bad = run("doctor", "--nope");
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown option/);
});

test("a bad thread setting is a one-line error naming the variable", () => {
  const r = spawnSync(process.execPath, [gamma, "doctor", "--quick"], { encoding: "utf8", env: { ...process.env, GAMMA_THREADS: "zero" } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^gamma: GAMMA_THREADS=zero: must be a positive integer\n$/);
});
