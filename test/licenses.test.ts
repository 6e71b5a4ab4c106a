// The runtime dependency tree stays permissive: no GPL, LGPL or AGPL package may be needed at run time.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/cli/paths.js";

interface Lock { packages: Record<string, { dev?: boolean; license?: string; optional?: boolean }> }

test("no runtime dependency is GPL, LGPL or AGPL licensed", () => {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package-lock.json"), "utf8")) as Lock;
  const runtime = Object.entries(lock.packages).filter(([name, p]) => name.startsWith("node_modules/") && !p.dev);
  assert.ok(runtime.length > 0);
  const offenders: string[] = [];
  for (const [name] of runtime) {
    // The lockfile may omit licences; the installed package.json is the authority.
    const manifest = path.join(repoRoot(), name, "package.json");
    const license = fs.existsSync(manifest) ? String((JSON.parse(fs.readFileSync(manifest, "utf8")) as { license?: unknown }).license ?? "") : "";
    if (!license) offenders.push(`${name}: no licence declared`);
    else if (/\b(A|L)?GPL\b/i.test(license)) offenders.push(`${name}: ${license}`);
  }
  assert.deepEqual(offenders, []);
});
