#!/usr/bin/env bash
# Sets up gamma-music on a fresh Debian 12 / Ubuntu machine with Node 20, and is safe to run again:
# installs the system packages it needs (only those missing), the npm packages, builds the libtorch addon
# and compiles the TypeScript. It says what it found, what it installed and what is missing.
#
# libtorch is taken from, in order: $LIBTORCH (an unpacked libtorch), a Python `torch` (pip, CPU or CUDA),
# Debian's libtorch-dev (installed here if nothing else is found).
set -euo pipefail
cd "$(dirname "$0")"

installed=()
found=()
say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- toolchain ------------------------------------------------------------------------------------------
command -v node >/dev/null || fail "node is missing: install Node.js 20 or newer (e.g. apt-get install nodejs npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: gamma-music needs Node 20 or newer"
found+=("node $(node --version)")

SUDO=""
if [ "$(id -u)" -ne 0 ]; then command -v sudo >/dev/null && SUDO="sudo"; fi
have_apt() { command -v apt-get >/dev/null && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; }
apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  have_apt || fail "missing system packages: ${missing[*]} (install them with your package manager, then run ./setup.sh again)"
  if [ $apt_updated -eq 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  installed+=("${missing[@]}")
}

for tool in g++ make python3; do
  if ! command -v "$tool" >/dev/null; then
    case "$tool" in g++) apt_install g++ ;; make) apt_install make ;; python3) apt_install python3 ;; esac
  fi
done
found+=("$(g++ --version | head -1)")

# --- libtorch -------------------------------------------------------------------------------------------
if ! node native/find-libtorch.mjs >/dev/null 2>&1; then
  say "no libtorch found (LIBTORCH unset, no python torch): installing Debian's libtorch-dev"
  apt_install libtorch-dev libopenblas0-pthread
fi
lt=$(node native/find-libtorch.mjs) || fail "no libtorch found even after installing: $(echo "$lt" | tr -d '\n')"
lt_source=$(node -e 'const j=JSON.parse(process.argv[1]).found; console.log(`libtorch ${j.version} from ${j.source} (${j.root})${j.cuda ? ", CUDA " + j.cuda : ""}`)' "$lt")
found+=("$lt_source")
if echo "$lt" | grep -q '"debian libtorch-dev"'; then
  # Debian's libtorch calls the generic BLAS; the reference BLAS is ~40x slower than OpenBLAS here.
  apt_install libopenblas0-pthread
  blas=$(readlink -f /etc/alternatives/libblas.so.3-$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu) 2>/dev/null || true)
  found+=("BLAS ${blas:-unknown}")
  case "$blas" in *openblas*) ;; *) say "warning: libblas.so.3 points to ${blas:-nothing}, not OpenBLAS: matmul will be slow (sudo update-alternatives --config libblas.so.3-x86_64-linux-gnu)";; esac
fi

# --- audio: codec libraries compiled into the addon (BSD-3) and ffmpeg (M4A/AAC, test fixtures) ------------
if have_apt; then
  apt_install pkg-config libvorbis-dev libflac-dev ffmpeg
  # The synthetic music world: fluidsynth and General MIDI soundfonts (FluidR3 and MuseScore General: MIT, for
  # training sets; TimGM6mb: held out for SynthBench).
  apt_install fluidsynth fluid-soundfont-gm musescore-general-soundfont-lossless timgm6mb-soundfont
else
  command -v fluidsynth >/dev/null || say "warning: fluidsynth not found: gamma data cannot render songs (install fluidsynth and a GM soundfont)"
  for p in vorbisfile flac; do pkg-config --exists "$p" 2>/dev/null || say "warning: $p development files not found: Ogg Vorbis / FLAC will need ffmpeg"; done
  command -v ffmpeg >/dev/null || say "warning: ffmpeg not found: M4A/AAC files cannot be read and the audio format tests are skipped"
fi
command -v ffmpeg >/dev/null && found+=("$(ffmpeg -version | head -1 | cut -d' ' -f1-3)")
command -v fluidsynth >/dev/null && found+=("fluidsynth $(fluidsynth --version 2>/dev/null | grep -o 'version [0-9.]*' | head -1 | cut -d' ' -f2)")

# --- npm packages ---------------------------------------------------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  installed+=("npm packages")
fi

# --- native addon and TypeScript ------------------------------------------------------------------------
node native/build.mjs
say "compiling TypeScript"
npx tsc -p tsconfig.json

say "found:"
for f in "${found[@]}"; do echo "  - $f"; done
if [ ${#installed[@]} -gt 0 ]; then say "installed: ${installed[*]}"; else say "installed: nothing (all present)"; fi
say "missing:   nothing. Try: bin/gamma.js doctor"
