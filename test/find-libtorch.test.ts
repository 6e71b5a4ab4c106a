// Discovery order of the libtorch the addon builds against: LIBTORCH, then a Python torch, then Debian's.
// The prefixes here are real libtorch files (links to the one this machine has) laid out the way an unpacked
// libtorch zip or a pip torch lays them out.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Finder from "../native/find-libtorch.mjs";
import { repoRoot } from "../src/cli/paths.js";

// Plain JavaScript outside the compiled tree: loaded by path, typed by its .d.mts.
const { findLibtorch } = (await import(pathToFileURL(path.join(repoRoot(), "native/find-libtorch.mjs")).href)) as typeof Finder;

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

/** A prefix with include/ and lib/ pointing at the real libtorch found on this machine. */
function prefixOfRealLibtorch(): string {
  const { found } = findLibtorch();
  assert.ok(found, "a libtorch must be installed (./setup.sh)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-libtorch-"));
  fs.mkdirSync(path.join(dir, "lib"));
  fs.symlinkSync(found.includeDirs[0]!, path.join(dir, "include"));
  for (const name of fs.readdirSync(found.libDir)) {
    if (/^lib(torch|torch_cpu|c10)\.so/.test(name)) fs.symlinkSync(path.join(found.libDir, name), path.join(dir, "lib", name));
  }
  return dir;
}

test("LIBTORCH comes first and is linked with an rpath", () => {
  const prefix = prefixOfRealLibtorch();
  const { found } = withEnv({ LIBTORCH: prefix }, () => findLibtorch());
  assert.equal(found?.source, `LIBTORCH=${prefix}`);
  assert.equal(found?.libDir, path.join(prefix, "lib"));
  assert.ok(found?.libs.includes("torch_cpu"));
  assert.equal(found?.rpath, true);
  assert.match(found!.version, /^\d+\.\d+/);
  fs.rmSync(prefix, { recursive: true });
});

test("a LIBTORCH that holds no libtorch is an error, not a silent fallback", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-empty-"));
  assert.throws(() => withEnv({ LIBTORCH: empty }, () => findLibtorch()), /has no include\/ATen\/ATen.h and lib\/libtorch_cpu.so/);
  fs.rmSync(empty, { recursive: true });
});

test("a Python torch is used before Debian's, with its version, CUDA and C++ ABI", () => {
  const prefix = prefixOfRealLibtorch();
  // An interpreter that answers the discovery script the way `import torch` would for a CUDA build.
  const python = path.join(prefix, "python3");
  const answer = JSON.stringify({ root: prefix, version: "2.11.0+cu130", cuda: "13.0", abi: 1 });
  fs.writeFileSync(python, `#!/bin/sh\necho '${answer}'\n`, { mode: 0o755 });
  const { found, tried } = withEnv({ LIBTORCH: undefined, PYTHON: python }, () => findLibtorch());
  assert.deepEqual(tried, ["LIBTORCH (unset)"]);
  assert.equal(found?.source, `python torch (${python})`);
  assert.equal(found?.version, "2.11.0+cu130");
  assert.equal(found?.cuda, "13.0");
  assert.equal(found?.cxx11Abi, 1);
  fs.rmSync(prefix, { recursive: true });
});
