// Model benchmark for the default config (random weights: speed does not depend on training): a 3-minute song
// through the experts' input (log-mel and semitone spectrogram), both experts, the fusion and the projector (times real time), then the LLM: prefill of the
// song's prompt, greedy decoding with the KV cache (tokens/s), and 8 samples of one prompt in one batch (as a
// GRPO group). Then the likelihood protocol (`gamma bench --prompt likelihood`) with the shipped model: a
// question's 4 options scored after one run of the prompt (Gamma.answerLogLikelihoods) against the 4 whole
// passes, one per option, it replaced. Ends with one JSON line.
// GAMMA_BENCH_DEVICE=cuda runs it on the GPU. Without the shipped model (models/gamma-small) the likelihood part
// is skipped, and says so.
//   npm run bench:model            (GAMMA_BENCH_QUICK=1 for a 1-minute song)
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/cli/paths.js";
import { expertInput } from "../src/model/audio-input.js";
import { configureThreads, cpuPeak, synchronize, useDevice } from "../src/engine/runtime.js";
import { noGrad } from "../src/engine/autograd.js";
import { Generator } from "../src/engine/random.js";
import { tidy } from "../src/engine/scope.js";
import { cat, randint } from "../src/engine/tensor.js";
import { DEFAULT_CONFIG } from "../src/model/config.js";
import { GammaModel } from "../src/model/gamma.js";
import { generate } from "../src/model/generate.js";
import { assembleInputs } from "../src/model/inputs.js";
import { Gamma } from "../src/model/pipeline.js";
import { type ChatMessage, encodeChat } from "../src/model/tokenizer/chat.js";

const quick = process.env.GAMMA_BENCH_QUICK === "1";
const songSeconds = quick ? 60 : 180;
const threads = configureThreads();
const device = useDevice(process.env.GAMMA_BENCH_DEVICE ?? "cpu");

// A song-like signal: a chord progression of harmonic tones over noise bursts on the beat.
const rate = 16000;
const audio = new Float32Array(songSeconds * rate);
for (let i = 0; i < audio.length; i++) {
  const t = i / rate, bar = Math.floor(t / 2) % 4;
  const root = [220, 174.6, 261.6, 196][bar]!;
  audio[i] = 0.2 * Math.sin(2 * Math.PI * root * t) + 0.1 * Math.sin(2 * Math.PI * root * 1.5 * t) + (t % 0.5 < 0.02 ? 0.3 * (Math.random() - 0.5) : 0);
}

const model = new GammaModel(DEFAULT_CONFIG, { generator: new Generator(0) }).eval();
const time = <T>(fn: () => T): [T, number] => { const t0 = performance.now(); const r = fn(); synchronize(); return [r, (performance.now() - t0) / 1000]; };

const result = noGrad(() => tidy(() => {
  const [mel, melSeconds] = time(() => expertInput(audio, DEFAULT_CONFIG.temporalExpert));
  model.encodeAudio([expertInput(audio.subarray(0, 10 * rate), DEFAULT_CONFIG.temporalExpert)]); // warm-up
  const [encs, encodeSeconds] = time(() => model.encodeAudio([mel]));
  const enc = encs[0]!;
  // The prompt as `gamma ask` builds it: system text, audio tokens with markers, a question (~120 text tokens).
  const text = randint(0, 4000, [120], { dtype: "int64", generator: new Generator(1) });
  const prompt = cat([model.llm.embed(text.narrow(0, 0, 100)), enc.embeds, model.llm.embed(text.narrow(0, 100, 20))], 0);
  const decode = (ids: number[]) => ids.join(" ");
  generate(model.llm, [prompt.narrow(0, 0, 64)], decode, { maxNewTokens: 4, stopTokens: [] }); // warm-up
  const newTokens = quick ? 32 : 64;
  const [, prefillSeconds] = time(() => generate(model.llm, [prompt], decode, { maxNewTokens: 1, stopTokens: [] }));
  const [one, oneSeconds] = time(() => generate(model.llm, [prompt], decode, { maxNewTokens: newTokens, stopTokens: [] }));
  const [group, groupSeconds] = time(() => generate(model.llm, [prompt], decode, { maxNewTokens: newTokens, stopTokens: [], samples: 8, temperature: 1, seed: 3 }));
  const decoded = one[0]!.tokens.length, groupDecoded = group.reduce((s, g) => s + g.tokens.length, 0);
  return {
    song_seconds: songSeconds,
    input_seconds: melSeconds,
    encode_seconds: encodeSeconds,
    encode_x_realtime: songSeconds / encodeSeconds,
    audio_tokens: enc.embeds.size(0),
    prompt_tokens: prompt.size(0),
    prefill_seconds: prefillSeconds,
    prefill_tokens_per_s: prompt.size(0) / prefillSeconds,
    decode_tokens_per_s: (decoded - 1) / Math.max(1e-9, oneSeconds - prefillSeconds),
    group8_decode_tokens_per_s: (groupDecoded - 8) / Math.max(1e-9, groupSeconds - prefillSeconds),
  };
}));

const shippedModel = path.join(repoRoot(), "models", "gamma-small");
const hasShippedModel = fs.existsSync(path.join(shippedModel, "config.json"));
if (!hasShippedModel) console.error(`no shipped model at ${shippedModel}: the likelihood figures are skipped`);
const likelihood = !hasShippedModel ? undefined : noGrad(() => tidy(() => {
  const gamma = Gamma.load();
  const { model: shipped, tokenizer } = gamma.loaded;
  const clip = gamma.encodeMel(expertInput(audio.subarray(0, 30 * rate), shipped.config.temporalExpert));
  const question: ChatMessage[] = [{ role: "user", content: [{ type: "audio", clip: "song" }, { type: "text", text: "How many beats per minute does the track run at?" }] }];
  const options = ["183 BPM", "188 BPM", "193 BPM", "198 BPM"];
  const rounds = 5;
  gamma.answerLogLikelihoods(question, [clip], options); // warm-up
  const [, sharedSeconds] = time(() => { for (let i = 0; i < rounds; i++) gamma.answerLogLikelihoods(question, [clip], options); });
  // As before: every option's whole conversation through the decoder.
  const [, wholeSeconds] = time(() => {
    for (let i = 0; i < rounds; i++) {
      for (const option of options) tidy(() => {
        const chat = encodeChat(tokenizer, [...question, { role: "assistant", content: option }], { addGenerationPrompt: false });
        shipped.llm.logits(shipped.llm.forward({ embeds: assembleInputs(shipped, (t) => tokenizer.encode(t, { parseSpecial: false }), chat, [clip]).embeds.unsqueeze(0) })).sum().item();
      });
    }
  });
  return { likelihood_question_ms: (1000 * sharedSeconds) / rounds, likelihood_whole_passes_ms: (1000 * wholeSeconds) / rounds, likelihood_speedup: wholeSeconds / sharedSeconds };
}));

const r2 = (x: number) => Math.round(x * 100) / 100;
console.error(`${songSeconds} s song: log-mel + semitones ${r2(result.input_seconds)} s, experts + fusion + projector ${r2(result.encode_seconds)} s (${r2(result.encode_x_realtime)}x real time), ${result.audio_tokens} audio tokens`);
console.error(`LLM: prefill ${result.prompt_tokens} tokens in ${r2(result.prefill_seconds)} s; decoding ${r2(result.decode_tokens_per_s)} tokens/s (batch 1), ${r2(result.group8_decode_tokens_per_s)} tokens/s (8 samples of one prompt)`);
if (likelihood)
  console.error(`likelihood protocol, shipped model, 4 options: ${r2(likelihood.likelihood_question_ms)} ms a question with the prompt run once, ${r2(likelihood.likelihood_whole_passes_ms)} ms with a whole pass per option (${r2(likelihood.likelihood_speedup)}x)`);
console.log(JSON.stringify({
  bench: "model", config: DEFAULT_CONFIG.name, device, parameters: model.numParameters(), threads, cpu_peak_gflops: r2(cpuPeak().gflops),
  ...Object.fromEntries(Object.entries({ ...result, ...(likelihood ?? {}) }).map(([k, v]) => [k, r2(v)])),
}));
