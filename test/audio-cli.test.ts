// `gamma audio info|mel` as a user runs them: real processes on real files, their exit codes, stdout (the last
// line of info is JSON), the .npy that mel writes (parsed by hand here), and the one-line errors for bad input.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../src/cli/paths.js";
import { type BadInput, encodeWav, level, makeTempDir, parseNpy, toneSamples, writeBadInputs } from "./audio-fixtures.js";

const gamma = path.join(repoRoot(), "bin/gamma.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// Every gamma process loads libtorch (~1 s of CPU): run no more at once than there are cores.
const slots = Math.max(2, os.availableParallelism());
let active = 0;
const waiting: (() => void)[] = [];
async function acquire(): Promise<void> {
  if (active < slots) {
    active++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over by release()
}
function release(): void {
  const next = waiting.shift();
  if (next) next();
  else active--;
}

const childEnv = { ...process.env };
delete childEnv.GAMMA_DEBUG; // it adds stack traces to errors

async function run(args: string[], timeoutMs = 60_000): Promise<Run> {
  await acquire();
  try {
    return await new Promise<Run>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, [gamma, ...args], { cwd: repoRoot(), env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "", stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
      child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`gamma ${args.join(" ")} did not finish in ${timeoutMs} ms`));
      }, timeoutMs);
      child.on("error", (err) => { clearTimeout(timer); reject(err); });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      });
    });
  } finally {
    release();
  }
}

const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
const show = (r: Run) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** One line on stderr, "gamma: <file>: <problem>", exit 1, no stack trace; returns the problem. */
function assertOneLineError(r: Run, file: string, problem: RegExp[]): string {
  assert.equal(r.code, 1, show(r));
  const err = lines(r.stderr);
  assert.equal(err.length, 1, `expected exactly one line on stderr:\n${r.stderr}`);
  const line = err[0]!;
  assert.ok(line.startsWith(`gamma: ${file}: `), `stderr is not "gamma: ${file}: <problem>": ${line}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
  const said = line.slice(`gamma: ${file}: `.length);
  for (const re of problem) assert.match(said, re);
  return said;
}

/** Slaney mel (librosa's default, Whisper's filterbank): the bin whose centre is nearest `hz`. */
function melBinOf(hz: number, nMels: number): number[] {
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
  const toMel = (f: number) => (f < minLogHz ? f / fSp : minLogMel + Math.log(f / minLogHz) / logStep);
  const m = toMel(hz) / (toMel(8000) / (nMels + 1)) - 1; // filter m peaks at mel (m + 1) * step
  return [Math.floor(m), Math.ceil(m)];
}

describe("gamma audio", { concurrency: true }, () => {
  const dir = makeTempDir("audio-cli");
  const tmp = (name: string) => path.join(dir, name);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A 1.2345 s stereo 44.1 kHz tone: 54441 frames -> ceil(54441 * 16000 / 44100) = 19753 samples at 16 kHz.
  const RATE = 44100, FRAMES = 54441, SAMPLES_16K = Math.ceil((FRAMES * 16000) / RATE);
  const tone = encodeWav({ encoding: "pcm16", channels: 2, sampleRate: RATE, samples: toneSamples(FRAMES, 2, RATE) });
  const toneFile = tmp("tone.wav");
  let bad: BadInput[] = [];

  before(async () => {
    fs.writeFileSync(toneFile, tone.bytes);
    fs.writeFileSync(tmp("short.wav"), encodeWav({ encoding: "float32", channels: 1, sampleRate: 16000, samples: toneSamples(800, 1, 16000) }).bytes);
    fs.mkdirSync(tmp("bad"));
    bad = await writeBadInputs(tmp("bad"));
  });

  test("info: exit 0, a summary, and a last stdout line of JSON with the file's facts", async () => {
    const r = await run(["audio", "info", toneFile]);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stderr, "");
    const out = lines(r.stdout);
    assert.match(out[0]!, /tone\.wav: WAV \(PCM 16-bit\), 44100 Hz, 2 channels, 1\.23 s/);
    const info = JSON.parse(out[out.length - 1]!) as Record<string, unknown>;
    assert.equal(info.file, toneFile);
    assert.equal(info.format, "wav");
    assert.equal(info.codec, "PCM 16-bit");
    assert.equal(info.sampleRate, RATE);
    assert.equal(info.channels, 2);
    const { peak, rms } = level(tone.decoded);
    for (const [key, want, tol] of [["duration", FRAMES / RATE, 1e-4], ["peak", peak, 1e-6], ["rms", rms, 1e-6]] as const) {
      const got = info[key];
      assert.equal(typeof got, "number", key);
      assert.ok(Math.abs((got as number) - want) <= tol, `${key}: ${String(got)}, expected ${want} ± ${tol}`);
    }
  });

  // (each gamma process costs ~1 s of libtorch loading: --bins 80 runs on the short clip below)
  for (const bins of [128]) {
    test(`mel --bins ${bins}: a float32 .npy [${bins}, floor(samples / 160)] with the tone in its mel bin`, async () => {
      const out = tmp(`tone-${bins}.npy`);
      const r = await run(["audio", "mel", toneFile, "--bins", String(bins), "--out", out]);
      assert.equal(r.code, 0, show(r));
      const frames = Math.floor(SAMPLES_16K / 160);
      const report = JSON.parse(lines(r.stdout).pop()!) as { shape: number[]; out: string };
      assert.deepEqual(report.shape, [bins, frames]);
      assert.equal(report.out, out);

      const buf = fs.readFileSync(out);
      assert.equal(buf.toString("latin1", 0, 6), "\x93NUMPY");
      const npy = parseNpy(buf);
      assert.deepEqual([npy.major, npy.minor], [1, 0]);
      assert.equal((10 + npy.headerLength) % 64, 0, "header padded to 64 bytes");
      assert.equal(buf[10 + npy.headerLength - 1], 0x0a, "header ends in a newline");
      assert.equal(npy.descr, "<f4");
      assert.equal(npy.fortranOrder, false);
      assert.deepEqual(npy.shape, [bins, frames]);
      assert.equal(buf.length, 10 + npy.headerLength + 4 * bins * frames);
      assert.equal(npy.data.length, bins * frames);

      // Whisper's normalisation: finite, and within 2 (8 in log10, / 4) below the maximum.
      let max = -Infinity, min = Infinity;
      for (const v of npy.data) {
        assert.ok(Number.isFinite(v));
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
      assert.ok(max - min <= 2 + 1e-5, `range ${min}..${max}`);
      // The loudest bin over the middle frames is the one around 440 Hz.
      const energy = new Float64Array(bins);
      for (let m = 0; m < bins; m++) for (let t = 20; t < frames - 20; t++) energy[m]! += npy.data[m * frames + t]!;
      const loudest = energy.indexOf(Math.max(...energy));
      assert.ok(melBinOf(440, bins).includes(loudest), `loudest mel bin ${loudest}, 440 Hz is in ${melBinOf(440, bins).join(" or ")}`);
    });
  }

  test("mel --bins 80 of a 0.05 s clip: exit 0, [80, floor(800 / 160)], and one warning on stderr", async () => {
    const out = tmp("short.npy");
    const r = await run(["audio", "mel", tmp("short.wav"), "--bins", "80", "--out", out]);
    assert.equal(r.code, 0, show(r));
    const report = JSON.parse(lines(r.stdout).pop()!) as { shape: number[] };
    assert.deepEqual(report.shape, [80, 5]);
    const npy = parseNpy(fs.readFileSync(out));
    assert.equal(npy.descr, "<f4");
    assert.deepEqual(npy.shape, [80, 5]);
    assert.equal(npy.data.length, 400);
    assert.ok(npy.data.every((v) => Number.isFinite(v)));
    const err = lines(r.stderr);
    assert.equal(err.length, 1, r.stderr);
    assert.match(err[0]!, /^warning: .*short\.wav: .*0\.050 s/);
  });

  test("a bad --bins value: non-zero exit, one clear line, nothing written", async () => {
    const out = tmp("bad-bins.npy");
    const r = await run(["audio", "mel", toneFile, "--bins", "64", "--out", out]);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /--bins/);
    assert.match(r.stderr, /80 or 128/);
    assert.match(r.stderr, /64/);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
    assert.ok(lines(r.stderr).length <= 2, r.stderr);
    assert.equal(fs.existsSync(out), false);
  });

  for (const sub of ["info", "mel"]) {
    test(`audio ${sub} --help: exit 0, names the formats`, async () => {
      const r = await run(["audio", sub, "--help"]);
      assert.equal(r.code, 0, show(r));
      for (const format of [/WAV/, /MP3/, /FLAC/, /Ogg Vorbis/, /Opus/, /M4A|AAC/, /ffmpeg/]) assert.match(r.stdout, format);
      assert.match(r.stdout, sub === "info" ? /JSON/ : /--bins/);
    });
  }

  test("bad input: exit 1 and exactly one line, gamma: <path>: <problem>", { concurrency: true }, async (t) => {
    const cases = bad.filter((c) => c.cli);
    assert.ok(cases.length >= 12);
    await Promise.all(cases.map((c) => {
      // One case goes through mel (same loader, and it must not leave a .npy or a temp file behind).
      const viaMel = path.basename(c.file) === "truncated.wav";
      return t.test(`${viaMel ? "mel" : "info"}: ${c.name}`, { skip: c.skip }, async () => {
        const out = tmp("never.npy");
        const r = await run(viaMel ? ["audio", "mel", c.file, "--bins", "128", "--out", out] : ["audio", "info", c.file]);
        assertOneLineError(r, c.file, c.problem);
        assert.equal(r.stdout, "");
        if (viaMel) assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes("never")), [], "no .npy or temp file left");
      });
    }));
  });
});
