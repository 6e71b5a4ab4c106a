#!/usr/bin/env node
// The `gamma` command: runs the compiled CLI (dist/), or says how to build it.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, "dist/src/cli/main.js");
if (!existsSync(entry)) {
  console.error(`gamma: not built yet (${entry} is missing). Run ./setup.sh in ${root}.`);
  process.exit(1);
}
process.on("unhandledRejection", (err) => {
  console.error(`gamma: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv);
