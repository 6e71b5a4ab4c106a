// Decoding real files end to end through loadAudio: every WAV encoding and layout the loader claims (written
// by hand here), the compressed formats (made by ffmpeg when it is installed), sniffing by content, and every
// kind of bad input, which must give one AudioError naming the file and the problem, quickly.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { AudioError, loadAudio, type LoadedAudio } from "../src/audio/index.js";
import {
  type BadInput, BITS, codecName, dftPower, dominantFrequency, downmix, type EncodedFixture, encodedFixtureSpecs, encodeWav,
  ffmpeg, ffmpegSkip, HAVE_FFMPEG, level, makeTempDir, noisyTone, quantisationStep, toneCorrelation, toneMix, toneSamples,
  WAV_ENCODINGS, type WavEncoding, writeBadInputs, writeEncodedFixtures, writeTwoHourWav, zeroCrossings,
} from "./audio-fixtures.js";

const dir = makeTempDir("audio-decode");
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string) => path.join(dir, name);

/** loadAudio that fails the test instead of hanging. */
async function load(file: string, o: Parameters<typeof loadAudio>[1] = {}, ms = 20_000): Promise<LoadedAudio> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`loadAudio(${file}) did not finish in ${ms} ms`)), ms); });
  try {
    return await Promise.race([loadAudio(file, o), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts loading fails with an AudioError "<file>: <problem>" and returns the problem. */
async function refused(file: string, problem: RegExp[], o: Parameters<typeof loadAudio>[1] = {}): Promise<string> {
  let caught: unknown;
  try {
    const a = await load(file, o);
    assert.fail(`${file} loaded (${a.info.format}, ${a.info.duration} s) but should have been refused`);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AudioError, `expected an AudioError, got ${(caught as Error)?.name}: ${(caught as Error)?.message}`);
  assert.equal(caught.file, file);
  assert.ok(caught.message.startsWith(`${file}: `), `message does not start with the path: ${caught.message}`);
  assert.doesNotMatch(caught.message, /\n/, "one line");
  for (const re of problem) assert.match(caught.problem, re);
  return caught.problem;
}

function assertNear(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} ± ${tol}`);
}

function writeWav(name: string, o: Parameters<typeof encodeWav>[0]): ReturnType<typeof encodeWav> & { file: string } {
  const w = encodeWav(o);
  const file = tmp(name);
  fs.writeFileSync(file, w.bytes);
  return { ...w, file };
}

/** Every check on a WAV at 16 kHz: the loader must give back exactly the downmix of what was written. */
async function checkExact(name: string, encoding: WavEncoding, channels: number, extensible: boolean, frames = 4000): Promise<void> {
  const source = noisyTone(frames, channels, 16000, channels * 10 + BITS[encoding]);
  const w = writeWav(name, { encoding, channels, sampleRate: 16000, samples: source, extensible });
  const a = await load(w.file);
  const where = `${encoding}${extensible ? " extensible" : ""} ${channels} ch`;
  assert.equal(a.info.format, "wav", where);
  assert.equal(a.info.formatName, "WAV", where);
  assert.equal(a.info.codec, codecName(encoding), where);
  assert.equal(a.info.sampleRate, 16000, where);
  assert.equal(a.info.channels, channels, where);
  assert.equal(a.info.duration, frames / 16000, where);
  assert.equal(a.sampleRate, 16000, where);
  assert.equal(a.samples.length, frames, where);
  // short clips keep the suite fast; the loader says they are short, and nothing else
  assert.deepEqual(a.warnings, frames < 16000 ? [`${w.file}: the audio is only ${(frames / 16000).toFixed(3)} s long`] : [], where);
  const { peak, rms } = level(w.decoded);
  assertNear(a.info.peak, peak, 1e-9, `${where} peak`);
  assertNear(a.info.rms, rms, 1e-9 * rms, `${where} rms`);
  const exact = downmix(w.decoded, channels);
  const ideal = downmix(source, channels);
  const q = quantisationStep(encoding);
  for (let i = 0; i < frames; i++) {
    const v = a.samples[i]!;
    // the decoder's downmix of what was written (float32 rounding only) ...
    if (!(Math.abs(v - exact[i]!) <= 1.2e-7)) assert.fail(`${where}: sample ${i} is ${v}, the written samples mix to ${exact[i]}`);
    // ... and within quantisation of the signal before it was written
    if (!(Math.abs(v - ideal[i]!) <= q)) assert.fail(`${where}: sample ${i} is ${v}, the signal was ${ideal[i]} (step ${q})`);
  }
}

describe("WAV at 16 kHz decodes sample-exactly (downmix = mean of channels)", () => {
  for (const encoding of WAV_ENCODINGS) {
    for (const extensible of [false, true]) {
      test(`${codecName(encoding)}${extensible ? ", WAVE_FORMAT_EXTENSIBLE" : ""}: 1, 2, 6 and 8 channels`, async () => {
        for (const channels of [1, 2, 6, 8]) await checkExact(`exact-${encoding}-${extensible}-${channels}.wav`, encoding, channels, extensible);
      });
    }
  }

  test("more than one read block (80000 frames, the reader's block is 65536)", async () => {
    await checkExact("long-16k.wav", "pcm16", 2, false, 80000);
  });

  test("8-bit PCM is unsigned: 0x80 is zero, 0x00 is -1, 0xff is 127/128", async () => {
    const w = writeWav("u8.wav", { encoding: "pcm8", channels: 1, sampleRate: 16000, samples: [0, -1, 127 / 128, 0.5, -0.5] });
    assert.deepEqual([...w.bytes.subarray(w.bytes.length - 5 - 1, w.bytes.length - 1)], [0x80, 0x00, 0xff, 0xc0, 0x40]);
    const a = await load(w.file);
    assert.deepEqual([...a.samples], [0, -1, 127 / 128, 0.5, -0.5]);
    assert.equal(a.info.peak, 1);
  });

  test("full-scale integer extremes map to [-1, 1)", async () => {
    for (const encoding of ["pcm16", "pcm24", "pcm32"] as const) {
      const w = writeWav(`extremes-${encoding}.wav`, { encoding, channels: 1, sampleRate: 16000, samples: [-1, 1, 0] });
      const a = await load(w.file);
      assert.equal(a.samples[0], -1, encoding);
      // (2^31 - 1) / 2^31 rounds to 1 in float32
      assert.ok((encoding === "pcm32" ? a.samples[1]! <= 1 : a.samples[1]! < 1) && a.samples[1]! > 0.9999, `${encoding}: max positive ${a.samples[1]}`);
      assert.equal(a.samples[2], 0, encoding);
    }
  });
});

describe("WAV at 44.1 kHz is resampled to 16 kHz and keeps its 440 Hz tone", () => {
  const cases: [WavEncoding, number, boolean][] = [
    ...WAV_ENCODINGS.map((e): [WavEncoding, number, boolean] => [e, 2, false]),
    ["pcm16", 1, false], ["pcm16", 6, true], ["pcm24", 8, true], ["float32", 6, true], ["float64", 8, false],
  ];
  for (const [encoding, channels, extensible] of cases) {
    test(`${codecName(encoding)}${extensible ? " (extensible)" : ""}, ${channels} channel${channels > 1 ? "s" : ""}`, async () => {
      const rate = 44100, frames = 22050 + 17; // ~0.5 s, not a whole number of 441-sample periods
      const w = writeWav(`r44-${encoding}-${channels}.wav`, { encoding, channels, sampleRate: rate, samples: toneSamples(frames, channels, rate), extensible });
      const a = await load(w.file);
      assert.equal(a.info.sampleRate, rate);
      assert.equal(a.info.channels, channels);
      assert.equal(a.info.duration, frames / rate);
      const { peak, rms } = level(w.decoded);
      assertNear(a.info.peak, peak, 1e-9, "peak");
      assertNear(a.info.rms, rms, 1e-9 * rms, "rms");
      assert.equal(a.sampleRate, 16000);
      assert.equal(a.samples.length, Math.ceil((frames * 16000) / rate));
      // Away from the edges (where the filter sees the zero padding), the output is the ideal mix at 16 kHz.
      const from = 400, to = a.samples.length - 400;
      const tol = 1.5 * quantisationStep(encoding) + 1e-3;
      for (let j = from; j < to; j++) {
        const want = toneMix(j / 16000, channels);
        if (!(Math.abs(a.samples[j]! - want) <= tol)) assert.fail(`sample ${j}: ${a.samples[j]}, a 440 Hz mix gives ${want} (± ${tol})`);
      }
      assert.ok(toneCorrelation(a.samples, 16000, 440, from, to) > 0.999);
      const seconds = (to - from) / 16000;
      assertNear(zeroCrossings(a.samples, from, to), 2 * 440 * seconds, 2, "zero crossings");
      assert.equal(dominantFrequency(a.samples, 16000, [220, 330, 430, 440, 450, 550, 660, 880], from, to), 440);
    });
  }

  test("a 2 s stereo file crosses read and resampler block boundaries without a glitch", async () => {
    const rate = 44100, frames = 2 * rate + 123, channels = 2;
    const w = writeWav("r44-long.wav", { encoding: "pcm16", channels, sampleRate: rate, samples: toneSamples(frames, channels, rate) });
    const a = await load(w.file);
    assert.equal(a.samples.length, Math.ceil((frames * 16000) / rate));
    let worst = 0, at = -1;
    for (let j = 400; j < a.samples.length - 400; j++) {
      const e = Math.abs(a.samples[j]! - toneMix(j / 16000, channels));
      if (e > worst) [worst, at] = [e, j];
    }
    assert.ok(worst < 1e-3, `largest error ${worst} at output sample ${at}`);
  });

  test("other rates (8000, 22050, 48000, 96000 Hz) give ceil(n * 16000 / rate) samples of the same tone", async () => {
    for (const rate of [8000, 22050, 48000, 96000]) {
      const frames = Math.round(rate * 0.4) + 3;
      const w = writeWav(`rate-${rate}.wav`, { encoding: "float32", channels: 1, sampleRate: rate, samples: toneSamples(frames, 1, rate) });
      const a = await load(w.file);
      assert.equal(a.info.sampleRate, rate);
      assert.equal(a.samples.length, Math.ceil((frames * 16000) / rate), `${rate} Hz`);
      assert.ok(toneCorrelation(a.samples, 16000, 440, 400, a.samples.length - 400) > 0.999, `${rate} Hz`);
    }
  });
});

describe("WAV layouts", () => {
  test("LIST, JUNK and fact chunks before the data, odd-sized chunks with pad bytes, a chunk after the data", async () => {
    const frames = 1601; // 8-bit mono: an odd-sized data chunk, padded
    const source = noisyTone(frames, 1, 16000, 3);
    const info = Buffer.concat([Buffer.from("INFOINAM", "latin1"), Buffer.from([5, 0, 0, 0]), Buffer.from("tone\0", "latin1")]); // 17 bytes
    const w = writeWav("chunks.wav", {
      encoding: "pcm8", channels: 1, sampleRate: 16000, samples: source,
      first: [{ id: "JUNK", body: Buffer.alloc(5, 0x55) }],
      beforeData: [{ id: "LIST", body: info }, { id: "fact", body: Buffer.from([frames & 0xff, frames >> 8, 0, 0]) }],
      after: [{ id: "LIST", body: Buffer.concat([Buffer.from("INFO", "latin1"), Buffer.alloc(33, 0x7f)]) }],
    });
    assert.equal(w.bytes.readUInt32LE(4), w.bytes.length - 8, "RIFF size");
    const a = await load(w.file);
    assert.equal(a.info.duration, frames / 16000);
    assert.equal(a.samples.length, frames, "the trailing LIST chunk is not audio");
    for (let i = 0; i < frames; i++) if (a.samples[i] !== w.decoded[i]) assert.fail(`sample ${i}: ${a.samples[i]} != ${w.decoded[i]}`);
  });

  test("the data chunk's pad byte is not a sample (odd 24-bit mono)", async () => {
    const w = writeWav("odd24.wav", { encoding: "pcm24", channels: 1, sampleRate: 16000, samples: [0.5, -0.25, 0.125] });
    assert.equal((w.bytes.length - 44) % 2, 0, "padded");
    const a = await load(w.file);
    assert.deepEqual([...a.samples], [0.5, -0.25, 0.125]);
  });

  test("RF64 (ds64 chunk, data size 0xFFFFFFFF)", async () => {
    const source = noisyTone(3000, 2, 16000, 11);
    const w = encodeWav({ encoding: "pcm16", channels: 2, sampleRate: 16000, samples: source });
    const dataBytes = 3000 * 2 * 2;
    const ds64 = Buffer.alloc(8 + 28);
    ds64.write("ds64", 0, "latin1");
    ds64.writeUInt32LE(28, 4);
    ds64.writeBigUInt64LE(BigInt(w.bytes.length + 36 - 8), 8);
    ds64.writeBigUInt64LE(BigInt(dataBytes), 16);
    ds64.writeBigUInt64LE(3000n, 24);
    const rest = Buffer.from(w.bytes.subarray(12));
    rest.writeUInt32LE(0xffffffff, rest.indexOf("data", 0, "latin1") + 4);
    const head = Buffer.from("RF64\xff\xff\xff\xffWAVE", "latin1");
    // a trailing chunk proves the ds64 size is used (reading "to the end" would take it as audio)
    const file = tmp("rf64.wav");
    fs.writeFileSync(file, Buffer.concat([head, ds64, rest, Buffer.from("LIST\x04\0\0\0INFO", "latin1")]));
    const a = await load(file);
    assert.equal(a.info.format, "wav");
    assert.equal(a.samples.length, 3000);
    const exact = downmix(w.decoded, 2);
    for (let i = 0; i < 3000; i++) assertNear(a.samples[i]!, exact[i]!, 1.2e-7, `sample ${i}`);
  });
});

describe("compressed formats (ffmpeg-made fixtures)", { skip: HAVE_FFMPEG ? false : "ffmpeg/ffprobe not on PATH" }, () => {
  const SOURCE_SECONDS = 2, RATE = 44100;
  const fixtures = encodedFixtureSpecs(tmp("enc"));
  let made: EncodedFixture[] = [];
  const sourceLevel = level(toneSamples(SOURCE_SECONDS * RATE, 2, RATE));

  // More fixtures made in the same before hook: sample-exact FLAC and Ogg FLAC (6 channels at 16 kHz); mono
  // 16 kHz MP3 (MPEG-2 Layer III) and Opus; 5.1 as 24-bit 48 kHz (extensible) to 24-bit FLAC, Opus with
  // channel mapping family 1, and 6-channel Vorbis.
  const LOSSLESS_FRAMES = 12345, LOSSLESS_CHANNELS = 6;
  const surround = encodeWav({ encoding: "pcm24", channels: 6, sampleRate: 48000, samples: toneSamples(48000, 6, 48000), extensible: true });
  const lossless = encodeWav({ encoding: "pcm16", channels: LOSSLESS_CHANNELS, sampleRate: 16000, samples: noisyTone(LOSSLESS_FRAMES, LOSSLESS_CHANNELS, 16000, 99) });

  before(async () => {
    fs.mkdirSync(tmp("enc"));
    const source = tmp("enc/source.wav");
    fs.writeFileSync(source, encodeWav({ encoding: "pcm16", channels: 2, sampleRate: RATE, samples: toneSamples(SOURCE_SECONDS * RATE, 2, RATE) }).bytes);
    fs.writeFileSync(tmp("lossless-src.wav"), lossless.bytes);
    fs.writeFileSync(tmp("mono-src.wav"), encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 16000, samples: toneSamples(24000, 1, 16000) }).bytes);
    fs.writeFileSync(tmp("surround-src.wav"), surround.bytes);
    const extra: [string, string[], string][] = [
      ["lossless-src.wav", ["-c:a", "flac"], "lossless.flac"], ["lossless-src.wav", ["-c:a", "flac", "-f", "ogg"], "lossless.oga"],
      ["mono-src.wav", ["-c:a", "libmp3lame"], "mono.mp3"], ["mono-src.wav", ["-c:a", "libopus"], "mono.opus"],
      ["surround-src.wav", ["-c:a", "flac"], "surround.flac"], ["surround-src.wav", ["-c:a", "libopus"], "surround.opus"],
      ["surround-src.wav", ["-c:a", "libvorbis"], "surround.ogg"],
    ];
    const [fixturesMade] = await Promise.all([
      writeEncodedFixtures(tmp("enc"), source),
      ...extra.filter(([, args]) => !ffmpegSkip(args[1]!)).map(([src, args, out]) => ffmpeg("-i", tmp(src), ...args, tmp(out))),
    ]);
    made = fixturesMade;
  });

  for (const spec of fixtures) {
    const label = `${path.basename(spec.file)} (${spec.format}, ${spec.encoder})`;
    test(`${label}: format, rate, channels, duration, level and the 440 Hz tone`, { skip: ffmpegSkip(spec.encoder) }, async () => {
      assert.ok(made.some((m) => m.file === spec.file), `${spec.file} was not made`);
      const head = fs.readFileSync(spec.file).subarray(0, 3).toString("latin1");
      if (spec.file.endsWith("id3.mp3")) assert.equal(head, "ID3", "the tagged MP3 starts with its ID3v2 tag");
      if (spec.file.endsWith("bare.mp3")) assert.notEqual(head, "ID3", "the bare MP3 has no ID3v2 tag");
      const a = await load(spec.file);
      assert.equal(a.info.format, spec.format);
      assert.equal(a.info.sampleRate, spec.sampleRate);
      assert.equal(a.info.channels, 2);
      assertNear(a.info.duration, SOURCE_SECONDS, spec.durationTolerance, "duration");
      assert.deepEqual(a.warnings, []);
      assertNear(a.samples.length, Math.ceil(a.info.duration * 16000), 1, "16 kHz length");
      if (spec.format === "flac" || spec.format === "ogg-flac") {
        assertNear(a.info.peak, sourceLevel.peak, 1e-4, "peak");
        assertNear(a.info.rms, sourceLevel.rms, 1e-4, "rms");
      } else {
        // lossy codecs ring and overshoot (ffmpeg's AAC encoder peaks at 0.75 on this 0.5 tone): a loose bound
        assert.ok(a.info.peak > 0.8 * sourceLevel.peak && a.info.peak < 1.6 * sourceLevel.peak, `peak ${a.info.peak}, source ${sourceLevel.peak}`);
        assertNear(a.info.rms, sourceLevel.rms, 0.1 * sourceLevel.rms, "rms");
      }
      // The middle second: the tone, whatever the codec's delay.
      const from = 8000, to = 24000;
      const r = toneCorrelation(a.samples, 16000, 440, from, to);
      assert.ok(r > 0.9, `correlation with a 440 Hz sine ${r}`);
      assert.equal(dominantFrequency(a.samples, 16000, [220, 330, 400, 440, 480, 550, 660, 880], from, to), 440);
      assert.ok(dftPower(a.samples, 16000, 440, from, to) > 100 * dftPower(a.samples, 16000, 1000, from, to));
    });
  }

  test("sniffing by content: MP3 named .wav (with and without ID3), FLAC named .ogg, Opus named .mp3, Vorbis named .flac", async () => {
    const cases: [string, string, string][] = [
      ["id3.mp3", "mp3-data.wav", "mp3"], ["bare.mp3", "bare-mp3-data.wav", "mp3"], ["tone.flac", "flac-data.ogg", "flac"],
      ["tone.opus", "opus-data.mp3", "ogg-opus"], ["tone.ogg", "vorbis-data.flac", "ogg-vorbis"],
    ];
    const usable = cases.filter(([from]) => made.some((m) => path.basename(m.file) === from));
    assert.ok(usable.length > 0, "no fixture to rename");
    for (const [from, to, format] of usable) {
      fs.copyFileSync(tmp(`enc/${from}`), tmp(to));
      const a = await load(tmp(to));
      assert.equal(a.info.format, format, to);
      assertNear(a.info.duration, SOURCE_SECONDS, 0.1, `${to} duration`);
      assert.ok(toneCorrelation(a.samples, 16000, 440, 8000, 24000) > 0.9, to);
    }
  });

  test("FLAC and Ogg FLAC are lossless: 16 kHz 16-bit audio comes back sample-exact", { skip: ffmpegSkip("flac") }, async () => {
    const frames = LOSSLESS_FRAMES, channels = LOSSLESS_CHANNELS, w = lossless;
    const exact = downmix(w.decoded, channels);
    for (const [file, format] of [[tmp("lossless.flac"), "flac"], [tmp("lossless.oga"), "ogg-flac"]] as const) {
      const a = await load(file);
      assert.equal(a.info.format, format);
      assert.equal(a.info.codec, "FLAC 16-bit");
      assert.equal(a.info.channels, channels);
      assert.equal(a.info.duration, frames / 16000);
      assert.equal(a.samples.length, frames);
      for (let i = 0; i < frames; i++) if (!(Math.abs(a.samples[i]! - exact[i]!) <= 1.2e-7)) assert.fail(`${format} sample ${i}: ${a.samples[i]} != ${exact[i]}`);
      const { peak, rms } = level(w.decoded);
      assertNear(a.info.peak, peak, 1e-9, "peak");
      assertNear(a.info.rms, rms, 1e-9, "rms");
    }
  });

  test("5.1 at 48 kHz: 24-bit FLAC (exact levels), Opus (mapping family 1) and Vorbis", { skip: ffmpegSkip("flac", "libopus", "libvorbis") }, async () => {
    const { peak, rms } = level(surround.decoded);
    for (const [name, format, codec] of [["surround.flac", "flac", "FLAC 24-bit"], ["surround.opus", "ogg-opus", "Opus"], ["surround.ogg", "ogg-vorbis", "Vorbis"]] as const) {
      const a = await load(tmp(name));
      assert.equal(a.info.format, format, name);
      assert.equal(a.info.codec, codec, name);
      assert.equal(a.info.channels, 6, name);
      assert.equal(a.info.sampleRate, 48000, name);
      assertNear(a.info.duration, 1, format === "flac" ? 1e-9 : 0.01, `${name} duration`);
      if (format === "flac") {
        assertNear(a.info.peak, peak, 1e-9, "peak");
        assertNear(a.info.rms, rms, 1e-9, "rms");
      } else assertNear(a.info.rms, rms, 0.1 * rms, `${name} rms`);
      assert.ok(toneCorrelation(a.samples, 16000, 440, 2000, 14000) > 0.99, name);
    }
  });

  test("a mono 16 kHz MP3 and Opus", { skip: ffmpegSkip("libmp3lame", "libopus") }, async () => {
    // MPEG-2 Layer III at 16 kHz: the encoder delay, padding and the Info frame (not trimmed: the decoder has no
    // gapless support) add ~0.12 s; ffmpeg itself decodes exactly 1.5 s.
    for (const [file, format, rate, tolerance] of [[tmp("mono.mp3"), "mp3", 16000, 0.15], [tmp("mono.opus"), "ogg-opus", 48000, 0.01]] as const) {
      const a = await load(file);
      assert.equal(a.info.format, format);
      assert.equal(a.info.channels, 1, format);
      assert.equal(a.info.sampleRate, rate, format);
      assertNear(a.info.duration, 1.5, tolerance, `${format} duration`);
      assert.ok(toneCorrelation(a.samples, 16000, 440, 4000, 20000) > 0.9, format);
    }
  });
});

describe("formats are sniffed from the content, not the name (see also the compressed formats)", () => {
  test("a WAV named .mp3, .ogg, .flac or nothing", async () => {
    const w = encodeWav({ encoding: "pcm16", channels: 1, sampleRate: 16000, samples: toneSamples(1600, 1, 16000) });
    for (const name of ["really-a-wav.mp3", "really-a-wav.ogg", "really-a-wav.flac", "no-extension"]) {
      fs.writeFileSync(tmp(name), w.bytes);
      const a = await load(tmp(name));
      assert.equal(a.info.format, "wav", name);
      assert.equal(a.samples.length, 1600, name);
    }
  });
});

describe("bad input: one AudioError naming the file and the problem, never a crash or a hang", () => {
  let cases: BadInput[] = [];
  const bad = tmp("bad");
  before(async () => {
    fs.mkdirSync(bad);
    cases = await writeBadInputs(bad);
  });

  test("every case is refused with a clear message", async (t) => {
    assert.ok(cases.length >= 15);
    for (const c of cases) {
      await t.test(c.name, { skip: c.skip }, async () => {
        const problem = await refused(c.file, c.problem);
        assert.ok(problem.length > 5);
      });
    }
  });

  test("the 2-hour WAV is refused from its header, in well under 2 s, with its length and the limit", async () => {
    const file = path.join(bad, "two-hours.wav");
    assert.equal(fs.statSync(file).size, 44 + 2 * 3600 * 8000 * 2);
    const started = performance.now();
    const problem = await refused(file, [/2:00:00/, /30:00/]);
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    assert.match(problem, /--max-duration/);
    // a limit given by the caller is the one reported
    await refused(file, [/2:00:00/, /1:00:00/], { maxDuration: 3600 });
  });

  // Linux: count this process's open file descriptors.
  const fdCount = () => fs.readdirSync("/proc/self/fd").length;
  const noProcFd = fs.existsSync("/proc/self/fd") ? false : "no /proc/self/fd here";

  test("refusing a file that is too long does not leak its file descriptor (WAV)", { skip: noProcFd }, async () => {
    const file = tmp("leak-two-hours.wav");
    writeTwoHourWav(file);
    await refused(file, [/limit/]); // warm-up: anything opened once per process
    const before = fdCount();
    for (let i = 0; i < 5; i++) await refused(file, [/limit/]);
    assert.equal(fdCount() - before, 0, "file descriptors left open by 5 refused loads");
  });

  test("refusing a file that is too long does not leak its decoder (FLAC)", { skip: noProcFd || ffmpegSkip("flac") }, async () => {
    const file = path.join(bad, "whole.flac"); // 2.5 s
    await refused(file, [/limit/], { maxDuration: 1 });
    const before = fdCount();
    for (let i = 0; i < 5; i++) await refused(file, [/0:02/, /limit is 0:01/], { maxDuration: 1 });
    assert.equal(fdCount() - before, 0, "file descriptors left open by 5 refused loads");
  });

  test("a FLAC cut in the middle of its audio is not passed off as a complete file", { skip: ffmpegSkip("flac") }, async () => {
    // STREAMINFO declares 2.5 s; the file holds about half. A truncated WAV is refused ("truncated WAV: ...");
    // a FLAC, whose header gives its length just as exactly, must at least say it is truncated.
    const bytes = fs.readFileSync(path.join(bad, "whole.flac"));
    const file = tmp("half.flac");
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const truncated = /truncat|cut short|incomplete|interrupted/i;
    try {
      const a = await load(file);
      assert.ok(a.warnings.some((w) => truncated.test(w)),
        `decoded ${a.info.duration.toFixed(3)} s of a FLAC whose header says 2.5 s, with no error and warnings ${JSON.stringify(a.warnings)}`);
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      assert.ok(err instanceof AudioError, String(err));
      assert.match(err.message, truncated);
    }
  });

  test("digital silence loads, with a warning", async () => {
    const w = writeWav("silence.wav", { encoding: "pcm16", channels: 2, sampleRate: 16000, samples: new Float64Array(2 * 24000) });
    const a = await load(w.file);
    assert.equal(a.samples.length, 24000);
    assert.ok(a.samples.every((v) => v === 0));
    assert.equal(a.info.peak, 0);
    assert.equal(a.info.rms, 0);
    assert.equal(a.warnings.length, 1, JSON.stringify(a.warnings));
    assert.match(a.warnings[0]!, /silence/);
    assert.ok(a.warnings[0]!.startsWith(`${w.file}: `));
  });

  test("a 0.05 s clip loads, with a warning about its length", async () => {
    const w = writeWav("short.wav", { encoding: "pcm16", channels: 1, sampleRate: 16000, samples: toneSamples(800, 1, 16000) });
    const a = await load(w.file);
    assert.equal(a.samples.length, 800);
    assert.equal(a.info.duration, 0.05);
    assert.equal(a.warnings.length, 1, JSON.stringify(a.warnings));
    assert.match(a.warnings[0]!, /0\.050 s/);
    // and at 44.1 kHz
    const r = writeWav("short-44.wav", { encoding: "pcm16", channels: 2, sampleRate: 44100, samples: toneSamples(2205, 2, 44100) });
    const b = await load(r.file);
    assert.equal(b.samples.length, 800);
    assert.match(b.warnings.join("\n"), /0\.050 s/);
  });

  test("after all that, an ordinary file still loads (no state left behind)", async () => {
    const w = writeWav("after.wav", { encoding: "pcm16", channels: 1, sampleRate: 44100, samples: toneSamples(44100, 1, 44100) });
    const a = await load(w.file);
    assert.equal(a.samples.length, 16000);
    assert.ok(toneCorrelation(a.samples, 16000, 440, 400, 15600) > 0.999);
  });
});
