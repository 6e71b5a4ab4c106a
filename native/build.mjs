// Builds the native addon against the libtorch that find-libtorch.mjs finds, and says which one.
// Skips the compile when the sources, the libtorch and the Node version are unchanged since the last build.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findLibtorch } from "./find-libtorch.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const force = process.argv.includes("--force");
const { found, tried } = findLibtorch();
if (!found) {
  console.error("gamma native build: no libtorch found. Tried:\n  - " + tried.join("\n  - "));
  console.error("Run ./setup.sh (installs Debian's libtorch-dev), or set LIBTORCH=/path/to/libtorch, or pip install torch.");
  process.exit(1);
}

const major = Number(found.version.split(".")[0]);
const minor = Number(found.version.split(".")[1]);
// libtorch 2.x needs C++17; newer releases C++20. Build with the standard the headers require.
const cxxStd = major > 2 || (major === 2 && minor >= 10) ? "-std=c++20" : "-std=c++17";
const defines = [];
if (found.cxx11Abi !== null) defines.push(`_GLIBCXX_USE_CXX11_ABI=${found.cxx11Abi}`);
// Optional audio codecs from system libraries (BSD-licensed): compiled in when pkg-config finds them.
function pkg(name) {
  const r = spawnSync("pkg-config", ["--libs", name], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean) : null;
}
const codecs = { defines: [], libs: [], found: [] };
for (const [name, define, label] of [["vorbisfile", "GAMMA_WITH_VORBIS", "Vorbis"], ["flac", "GAMMA_WITH_FLAC", "FLAC"]]) {
  const libs = pkg(name);
  if (libs) {
    codecs.defines.push(define);
    codecs.libs.push(...libs);
    codecs.found.push(label);
  }
}
const config = { ...found, cxxStd, defines, codecs };
writeFileSync(path.join(here, "libtorch.json"), JSON.stringify(config, null, 2) + "\n");

const sources = ["binding.gyp", ...readdirSync(path.join(here, "src")).map((f) => `src/${f}`)];
const hash = createHash("sha256");
for (const f of sources) hash.update(f).update(readFileSync(path.join(here, f)));
hash.update(JSON.stringify(config)).update(process.version);
const stamp = hash.digest("hex");
const stampFile = path.join(here, "build", "stamp");
const output = path.join(here, "build", "Release", "gamma_native.node");
if (!force && existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
  console.log(`gamma native: up to date (libtorch ${found.version} from ${found.source})`);
  process.exit(0);
}

console.log(`gamma native: building against libtorch ${found.version} from ${found.source} (${found.root}), CUDA: ${found.cuda ?? "no"}; audio codecs: ${codecs.found.join(", ") || "none (install libvorbis-dev libflac-dev)"}`);
const require = createRequire(import.meta.url);
const gypBin = require.resolve("node-gyp/bin/node-gyp.js");
const args = [gypBin, "rebuild", `--jobs=${Math.max(1, (await import("node:os")).cpus().length)}`];
// Build against the headers of the running Node when they are installed with it (no download needed).
const prefix = path.dirname(path.dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, "include/node/node_api.h"))) args.push(`--nodedir=${prefix}`);
const started = Date.now();
const res = spawnSync(process.execPath, args, { cwd: here, stdio: "inherit" });
if (res.status !== 0) {
  console.error("gamma native: the build failed (compiler output above). Check that g++ and make are installed and that the libtorch headers match its libraries.");
  process.exit(res.status ?? 1);
}
writeFileSync(stampFile, stamp);
console.log(`gamma native: built in ${((Date.now() - started) / 1000).toFixed(0)} s -> ${path.relative(process.cwd(), output)}`);
