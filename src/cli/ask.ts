// `gamma ask` (one question about one recording) and `gamma chat` (a multi-turn conversation about one or
// more recordings). Both use the shipped default model unless --model names another.
import path from "node:path";
import readline from "node:readline";
import { Command } from "commander";
import { configureThreads } from "../engine/runtime.js";
import type { AudioEncoding } from "../model/gamma.js";
import { Gamma, type ReplyOptions } from "../model/pipeline.js";
import type { ChatMessage, ChatPart } from "../model/tokenizer/chat.js";
import { intOption, numberOption } from "./options.js";

interface SamplingFlags { model?: string; maxTokens: number; temperature: number; topP: number; topK: number; seed: number }

function withSampling(cmd: Command): Command {
  return cmd
    .option("--model <dir>", "a model directory (default: the shipped model, or $GAMMA_MODEL)")
    .option("--max-tokens <n>", "longest answer in tokens", intOption("--max-tokens", 1), 256)
    .option("--temperature <t>", "0 answers greedily (deterministic); above 0 samples", numberOption("--temperature", 0, 10), 0)
    .option("--top-p <p>", "sample from the smallest set of tokens reaching this probability", numberOption("--top-p", 0, 1), 1)
    .option("--top-k <k>", "sample from the k most likely tokens (0 = all)", intOption("--top-k", 0), 0)
    .option("--seed <n>", "random seed for sampling", intOption("--seed", 0), 0);
}

function replyOptions(f: SamplingFlags): ReplyOptions {
  return { maxNewTokens: f.maxTokens, temperature: f.temperature, topP: f.topP, topK: f.topK, seed: f.seed };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function askCommand(): Command {
  return withSampling(new Command("ask")
    .description("answer a question about a recording (genre, key, tempo, instruments, mood, structure, what happens when)")
    .argument("<audio>", "an audio file (WAV, MP3, FLAC, Ogg; M4A/AAC through ffmpeg), up to 30 minutes")
    .argument("<question>", "the question, e.g. \"When does the chorus start?\""))
    .option("--json", "print one JSON object: the answer, timings, the audio-token count and, for a model that reads its timeline, the sections it read")
    .addHelpText("after", `
Times are written m:ss.s in questions and answers ("What happens at 1:20.0?").

Examples:
  $ gamma ask song.mp3 "What key is this in?"
  $ gamma ask --json song.mp3 "When do the drums enter?" | jq .timings`)
    .action(async (audio: string, question: string, opts: SamplingFlags & { json?: boolean }) => {
      configureThreads();
      const t0 = performance.now();
      const gamma = Gamma.load(opts.model);
      const loadSeconds = (performance.now() - t0) / 1000;
      const stream = !opts.json && process.stdout.isTTY;
      const asked = await gamma.ask(audio, question, { ...replyOptions(opts), onText: stream ? (_, t) => process.stdout.write(t) : undefined });
      for (const w of asked.warnings) console.error(`warning: ${w}`);
      const { answer } = asked;
      if (opts.json) {
        console.log(JSON.stringify({
          answer, model: gamma.name, audio: { file: audio, seconds: round(asked.seconds, 2), audio_tokens: asked.audioTokens, prompt_tokens: asked.promptTokens },
          ...(asked.sections ? { sections: asked.sections.map((s) => ({ start: round(s.start, 1), end: round(s.end, 1), label: s.label })) } : {}),
          timings: { load_s: round(loadSeconds), decode_s: round(asked.decodeSeconds), encode_s: round(asked.encodeSeconds), generate_s: round(asked.generateSeconds), total_s: round((performance.now() - t0) / 1000) },
        }));
      } else if (stream) process.stdout.write("\n");
      else console.log(answer);
    });
}

export function chatCommand(): Command {
  return withSampling(new Command("chat")
    .description("talk about one or more recordings, turn by turn (type /quit to end, /reset to forget the conversation)")
    .argument("<audio...>", "audio files the conversation is about (all are heard in the first turn)"))
    .addHelpText("after", `
Reads one question per line; with a terminal it shows a prompt and streams answers. Piped input works too:
  $ printf 'What genre is this?\\nAnd the tempo?\\n' | gamma chat song.mp3

Example:
  $ gamma chat intro.wav outro.wav`)
    .action(async (audio: string[], opts: SamplingFlags) => {
      configureThreads();
      const gamma = Gamma.load(opts.model);
      const clips: AudioEncoding[] = [];
      for (const file of audio) {
        const heard = await gamma.hear(file);
        for (const w of heard.warnings) console.error(`warning: ${w}`);
        clips.push(heard.encoding);
        console.error(`heard ${path.basename(file)} (${heard.encoding.seconds.toFixed(1)} s)`);
      }
      const audioParts: ChatPart[] = audio.map((file) => ({ type: "audio", clip: file }));
      let history: ChatMessage[] = [];
      const interactive = process.stdin.isTTY && process.stdout.isTTY;
      const rl = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, prompt: "you> " });
      if (interactive) rl.prompt();
      for await (const line of rl) {
        const text = line.trim();
        if (text === "/quit" || text === "/exit") break;
        if (text === "/reset") { history = []; console.error("(conversation cleared)"); if (interactive) rl.prompt(); continue; }
        if (!text) { if (interactive) rl.prompt(); continue; }
        const user: ChatMessage = { role: "user", content: history.length === 0 ? [...audioParts, { type: "text", text }] : text };
        if (interactive) process.stdout.write("gamma> ");
        const reply = gamma.reply([...history, user], clips, { ...replyOptions(opts), onText: interactive ? (_, t) => process.stdout.write(t) : undefined });
        const answer = reply.texts[0] ?? "";
        if (interactive) process.stdout.write("\n");
        else console.log(answer);
        history = [...history, user, { role: "assistant", content: answer }];
        if (interactive) rl.prompt();
      }
      rl.close();
    });
}
