// Finds a libtorch to build the addon against, in the documented order:
//   1. an explicit LIBTORCH directory (an unpacked libtorch zip, or any prefix with include/ and lib/),
//   2. a Python `torch` installation (pip torch, CPU or CUDA: it carries libtorch and its headers),
//   3. Debian's packages (libtorch-dev).
// Prints nothing by itself; build.mjs and setup.sh use findLibtorch() and report what was found.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

/** @typedef {{source: string, root: string, includeDirs: string[], libDir: string, libs: string[], version: string, cuda: string|null, cxx11Abi: number|null, rpath: boolean}} Libtorch */

function versionFromHeaders(includeRoot) {
  const candidates = [path.join(includeRoot, "torch/csrc/api/include/torch/version.h"), path.join(includeRoot, "torch/version.h")];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const full = /TORCH_VERSION\s+"([^"]+)"/.exec(text);
    if (full) return full[1];
    const parts = ["MAJOR", "MINOR", "PATCH"].map((p) => new RegExp(`TORCH_VERSION_${p}\\s+(\\d+)`).exec(text)?.[1]);
    if (parts.every(Boolean)) return parts.join(".");
  }
  return "unknown";
}

function libsIn(libDir) {
  const names = readdirSync(libDir);
  const has = (stem) => names.some((n) => n === `lib${stem}.so` || n.startsWith(`lib${stem}.so.`));
  const libs = ["torch", "torch_cpu", "c10"].filter(has);
  // CUDA builds register their kernels and hooks from these libraries; link them so they load.
  for (const extra of ["torch_cuda", "c10_cuda"]) if (has(extra)) libs.push(extra);
  return libs;
}

function fromPrefix(root, source) {
  const include = path.join(root, "include");
  const libDir = path.join(root, "lib");
  if (!existsSync(path.join(include, "ATen/ATen.h")) || !existsSync(libDir)) return null;
  const libs = libsIn(libDir);
  if (!libs.includes("torch_cpu") && !libs.includes("torch")) return null;
  return {
    source, root,
    includeDirs: [include, path.join(include, "torch/csrc/api/include")],
    libDir, libs, version: versionFromHeaders(include),
    cuda: libs.includes("torch_cuda") ? "yes" : null,
    cxx11Abi: null, rpath: true,
  };
}

function fromPython() {
  const script = [
    "import json, os, torch",
    "print(json.dumps({'root': os.path.dirname(torch.__file__), 'version': torch.__version__,",
    " 'cuda': torch.version.cuda, 'abi': int(torch._C._GLIBCXX_USE_CXX11_ABI)}))",
  ].join("\n");
  for (const python of [process.env.PYTHON, "python3", "python"].filter(Boolean)) {
    let out;
    try {
      out = execFileSync(python, ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 });
    } catch {
      continue;
    }
    const info = JSON.parse(out.trim().split("\n").pop());
    const found = fromPrefix(info.root, `python torch (${python})`);
    if (!found) continue;
    return { ...found, version: info.version, cuda: info.cuda, cxx11Abi: info.abi };
  }
  return null;
}

function fromDebian() {
  const include = "/usr/include";
  const multiarch = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];
  if (!existsSync(path.join(include, "ATen/ATen.h"))) return null;
  for (const libDir of multiarch) {
    if (!existsSync(path.join(libDir, "libtorch_cpu.so"))) continue;
    return {
      source: "debian libtorch-dev", root: "/usr",
      includeDirs: [include, path.join(include, "torch/csrc/api/include")],
      libDir, libs: libsIn(libDir), version: versionFromHeaders(include), cuda: null, cxx11Abi: null, rpath: false,
    };
  }
  return null;
}

/** @returns {{found: Libtorch|null, tried: string[]}} */
export function findLibtorch() {
  const tried = [];
  if (process.env.LIBTORCH) {
    const found = fromPrefix(process.env.LIBTORCH, `LIBTORCH=${process.env.LIBTORCH}`);
    if (found) return { found, tried };
    // An explicit choice that does not work is an error, not something to silently replace.
    throw new Error(`LIBTORCH=${process.env.LIBTORCH} has no include/ATen/ATen.h and lib/libtorch_cpu.so; point it at an unpacked libtorch or unset it`);
  }
  tried.push("LIBTORCH (unset)");
  const py = fromPython();
  if (py) return { found: py, tried };
  tried.push("python torch (no `import torch` in python3/python)");
  const deb = fromDebian();
  if (deb) return { found: deb, tried };
  tried.push("Debian libtorch-dev (no /usr/include/ATen/ATen.h with libtorch_cpu.so)");
  return { found: null, tried };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { found, tried } = findLibtorch();
  console.log(JSON.stringify({ found, tried }, null, 2));
  process.exit(found ? 0 : 1);
}
