// `gamma audio info|mel`: what a file holds, and the log-mel the model hears.
import path from "node:path";
import { Command } from "commander";
import { DEFAULT_MAX_DURATION, loadAudio, logMelSpectrogram, writeNpy } from "../audio/index.js";
import { configureThreads } from "../engine/runtime.js";

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--max-duration must be a positive number of seconds, got "${v}"`);
  return n;
}

const FORMATS_HELP = `
Formats are recognised by content, never by file name: WAV (PCM 8/16/24/32-bit, float 32/64,
WAVE_FORMAT_EXTENSIBLE, any channel count), MP3 (with or without ID3), FLAC, Ogg Vorbis, Ogg FLAC and
Ogg Opus are decoded by gamma itself; M4A/AAC, AIFF and WebM are decoded through ffmpeg when it is
installed (apt-get install ffmpeg). Audio is mixed down to mono and resampled to 16 kHz.`;

export function audioCommand(): Command {
  const audio = new Command("audio").description("inspect audio files and compute the log-mel spectrogram the model hears");

  audio
    .command("info")
    .description("decode a file and report its format, sample rate, channels, duration, peak and RMS level")
    .argument("<file>", "an audio file")
    .option("--max-duration <seconds>", "refuse audio longer than this", parseSeconds, DEFAULT_MAX_DURATION)
    .addHelpText("after", `\nThe last line of output is one JSON object:\n  {"format","codec","sampleRate","channels","duration","peak","rms",...}\n${FORMATS_HELP}\n\nExample:\n  $ gamma audio info song.mp3`)
    .action(async (file: string, opts: { maxDuration: number }) => {
      const started = performance.now();
      const a = await loadAudio(file, { maxDuration: opts.maxDuration });
      for (const w of a.warnings) console.error(`warning: ${w}`);
      const i = a.info;
      const db = (x: number) => (x > 0 ? `${(20 * Math.log10(x)).toFixed(1)} dBFS` : "-inf dBFS");
      console.log(`${path.basename(file)}: ${i.formatName} (${i.codec}), ${i.sampleRate} Hz, ${i.channels} channel${i.channels > 1 ? "s" : ""}, ${i.duration.toFixed(2)} s, peak ${db(i.peak)}, RMS ${db(i.rms)}`);
      const seconds = (performance.now() - started) / 1000;
      console.log(JSON.stringify({
        file, format: i.format, codec: i.codec, sampleRate: i.sampleRate, channels: i.channels,
        duration: round(i.duration, 4), peak: round(i.peak, 6), rms: round(i.rms, 6), decodeSeconds: round(seconds, 3),
      }));
    });

  audio
    .command("mel")
    .description("write the Whisper-compatible log-mel spectrogram of a file as a float32 .npy [bins, floor(samples / 160)]")
    .argument("<file>", "an audio file")
    .requiredOption("--out <file.npy>", "where to write the spectrogram (written atomically)")
    .option("--bins <n>", "mel bins: 80 (Whisper v1/v2) or 128 (large-v3)", (v) => {
      if (v !== "80" && v !== "128") throw new Error(`--bins must be 80 or 128, got "${v}"`);
      return Number(v);
    }, 80)
    .option("--max-duration <seconds>", "refuse audio longer than this", parseSeconds, DEFAULT_MAX_DURATION)
    .addHelpText("after", `\nThe spectrogram is whisper.audio.log_mel_spectrogram(audio, n_mels, padding=0) of the 16 kHz mono audio:\nn_fft 400, hop 160, periodic Hann, Slaney mel, log10 clamped to max - 8, (x + 4) / 4.\n${FORMATS_HELP}\n\nExample:\n  $ gamma audio mel song.mp3 --bins 128 --out song.npy`)
    .action(async (file: string, opts: { out: string; bins: number; maxDuration: number }) => {
      configureThreads();
      const a = await loadAudio(file, { maxDuration: opts.maxDuration });
      for (const w of a.warnings) console.error(`warning: ${w}`);
      const mel = logMelSpectrogram(a.samples, { nMels: opts.bins });
      const shape = mel.shape;
      writeNpy(opts.out, mel.toFloat32Array(), shape);
      mel.dispose();
      console.log(JSON.stringify({ file, out: opts.out, shape, seconds: round(a.info.duration, 4) }));
    });
  return audio;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
