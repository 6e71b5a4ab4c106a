// Text generation with a KV cache: prompts (input embeddings, audio included) are left-padded into one batch
// and prefilled once; each prompt's cache is then copied into `samples` rows (a GRPO group shares its prompt),
// and tokens are drawn greedily or by temperature / top-k / top-p from one seeded generator, so a seed
// reproduces every sample. Rows stop at an end token or a stop string; a callback sees text as it comes.
import { noGrad } from "../engine/autograd.js";
import { Generator } from "../engine/random.js";
import { keep, tidy } from "../engine/scope.js";
import { cat, multinomial, type Tensor, tensor, zeros } from "../engine/tensor.js";
import { KVCache, type DecoderLM } from "./llm.js";

export interface GenerateOptions {
  /** Most new tokens per sample (default 256). */
  maxNewTokens?: number;
  /** 0 = greedy (default); otherwise logits are divided by it before sampling. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 = all). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 = all). */
  topP?: number;
  /** Samples per prompt (default 1): rows are prompt-major, sample-minor. */
  samples?: number;
  /** Only ids below this are ever produced (the tokenizer's size, when the embedding table is larger). */
  vocabLimit?: number;
  /** Token ids that end a sample (not included in its text). */
  stopTokens: number[];
  /** Strings that end a sample; the text is cut before the first one. */
  stopStrings?: string[];
  seed?: number;
  /**
   * One seed per row (rows are prompt-major, sample-minor) instead of `seed`: each row draws from its own
   * generator, so a row's sample does not depend on which other prompts share its batch (a benchmark question
   * sampled alone or in any batch, before or after a resume, gets the same answer).
   */
  rowSeeds?: number[];
  /** Called with each row's new text as it is decoded. */
  onText?: (row: number, delta: string) => void;
}

export interface GeneratedSample {
  prompt: number;
  text: string;
  /** The sampled token ids (the end token excluded). */
  tokens: number[];
  finish: "stop-token" | "stop-string" | "length";
  /** The end token that stopped the sample (finish "stop-token"): what the model wrote last. */
  stopToken?: number;
}

/** Samples from each prompt; returns rows in prompt-major order (prompt 0's samples first). */
export function generate(llm: DecoderLM, prompts: Tensor[], decode: (ids: number[]) => string, o: GenerateOptions): GeneratedSample[] {
  const samples = o.samples ?? 1;
  const maxNew = o.maxNewTokens ?? 256;
  const temperature = o.temperature ?? 0;
  if (prompts.length === 0) return [];
  if (!(samples >= 1) || !(maxNew >= 1)) throw new RangeError("generate: samples and maxNewTokens must be at least 1");
  return noGrad(() => {
    const rows = prompts.length * samples;
    if (o.rowSeeds && o.rowSeeds.length !== rows) throw new RangeError(`generate: ${o.rowSeeds.length} row seeds for ${rows} rows`);
    const generators = o.rowSeeds ? o.rowSeeds.map((s) => new Generator(s)) : new Generator(o.seed ?? 0);
    const lengths = prompts.map((p) => p.size(0));
    const longest = Math.max(...lengths);
    const device = prompts[0]!.device;
    let cache = KVCache.create(llm.config, prompts.length, longest + maxNew, { dtype: prompts[0]!.dtype, device });
    const rowPrompt = Array.from({ length: rows }, (_, r) => Math.floor(r / samples));
    // Left padding: every prompt ends at the same column, so the next token goes to the same place in all rows.
    const { firstLogits, keyValid } = tidy(() => {
      const hidden = prompts[0]!.size(1);
      const embeds = cat(prompts.map((p, i) => (lengths[i]! < longest ? cat([zeros([longest - lengths[i]!, hidden], { dtype: p.dtype, device }), p], 0) : p).unsqueeze(0)), 0);
      const valid = tensor(prompts.flatMap((_, i) => Array.from({ length: longest }, (_, j) => j >= longest - lengths[i]!)), { dtype: "bool", device }).view(prompts.length, longest);
      const positions = tensor(prompts.flatMap((_, i) => Array.from({ length: longest }, (_, j) => Math.max(0, j - (longest - lengths[i]!)))), { dtype: "int64", device }).view(prompts.length, longest);
      const out = llm.forward({ embeds, positions, keyValid: valid, cache });
      const pick = tensor(rowPrompt, { dtype: "int64", device });
      return { firstLogits: llm.logits(out.narrow(1, longest - 1, 1).squeeze(1)).indexSelect(0, pick), keyValid: valid.indexSelect(0, pick) };
    });
    if (samples > 1) {
      const expanded = cache.selectRows(rowPrompt);
      cache.dispose();
      cache = expanded;
    }
    let valid = keep(keyValid);
    let logits = firstLogits;
    const nextPosition = rowPrompt.map((p) => lengths[p]!);
    const tokens: number[][] = Array.from({ length: rows }, () => []);
    const texts = Array.from({ length: rows }, () => "");
    const finish: (GeneratedSample["finish"] | undefined)[] = Array.from({ length: rows }, () => undefined);
    const stoppedBy: (number | undefined)[] = new Array<number | undefined>(rows).fill(undefined);
    const streamed = new Array<number>(rows).fill(0);
    const stream = (r: number, shown: string) => {
      if (shown.length > streamed[r]!) { o.onText?.(r, shown.slice(streamed[r])); streamed[r] = shown.length; }
    };
    const flush = (r: number) => stream(r, texts[r]!);
    const stopTokens = new Set(o.stopTokens);
    try {
      for (let step = 0; step < maxNew; step++) {
        const next = tidy(() => pickTokens(o.vocabLimit ? logits.narrow(-1, 0, o.vocabLimit) : logits, temperature, o.topK ?? 0, o.topP ?? 1, generators));
        logits.dispose();
        for (let r = 0; r < rows; r++) {
          if (finish[r]) continue;
          const id = next[r]!;
          if (stopTokens.has(id)) { finish[r] = "stop-token"; stoppedBy[r] = id; flush(r); continue; }
          tokens[r]!.push(id);
          const text = decode(tokens[r]!);
          const stopAt = firstStop(text, o.stopStrings);
          texts[r] = stopAt === undefined ? text : text.slice(0, stopAt);
          if (stopAt !== undefined) { finish[r] = "stop-string"; flush(r); } else stream(r, settledPrefix(text, o.stopStrings));
        }
        if (finish.every(Boolean) || step === maxNew - 1) break;
        // Finished rows keep stepping (their outputs are ignored) so the batch stays rectangular.
        const stepResult = tidy(() => {
          const ids = tensor(next, { dtype: "int64", device }).view(rows, 1);
          const positions = tensor(nextPosition, { dtype: "int64", device }).view(rows, 1);
          const grown = cat([valid, tensor(new Array<boolean>(rows).fill(true), { dtype: "bool", device }).view(rows, 1)], 1);
          const hidden = llm.forward({ embeds: llm.embed(ids), positions, keyValid: grown, cache });
          return { logits: llm.logits(hidden.squeeze(1)), grown };
        });
        valid.dispose();
        valid = keep(stepResult.grown);
        logits = stepResult.logits;
        for (let r = 0; r < rows; r++) nextPosition[r]!++;
      }
      for (let r = 0; r < rows; r++) if (!finish[r]) flush(r);
    } finally {
      valid.dispose();
      cache.dispose();
    }
    return tokens.map((t, r) => ({ prompt: rowPrompt[r]!, text: texts[r]!, tokens: t, finish: finish[r] ?? "length", ...(stoppedBy[r] === undefined ? {} : { stopToken: stoppedBy[r] }) }));
  });
}

/** Next token per row from logits [rows, vocab]: from one generator, or row r from generators[r]. */
function pickTokens(logits: Tensor, temperature: number, topK: number, topP: number, generator: Generator | Generator[]): number[] {
  if (temperature <= 0) return logits.argmax(-1).toList();
  let scores = logits.to("float32").div(temperature);
  const vocab = scores.size(-1);
  if (topK > 0 && topK < vocab) {
    const kth = scores.topk(topK, -1).values.narrow(-1, topK - 1, 1);
    scores = scores.maskedFill(scores.lt(kth), -Infinity);
  }
  if (topP < 1) {
    const { values, indices } = scores.softmax(-1).sort(-1, true);
    // Drop a token when the tokens before it already reach p (the most likely token always stays).
    const before = values.cumsum(-1).sub(values);
    const drop = before.ge(topP);
    scores = scores.scatter(-1, indices, values.log().maskedFill(drop, -Infinity));
  }
  const probs = scores.softmax(-1);
  if (!Array.isArray(generator)) return multinomial(probs, 1, { generator }).view(-1).toList();
  return generator.map((g, r) => multinomial(probs.narrow(0, r, 1), 1, { generator: g }).item());
}

function firstStop(text: string, stops: string[] | undefined): number | undefined {
  let at: number | undefined;
  for (const s of stops ?? []) {
    const i = text.indexOf(s);
    if (i >= 0 && (at === undefined || i < at)) at = i;
  }
  return at;
}

/**
 * Text safe to show while streaming: without a trailing partial UTF-8 character (decoded as U+FFFD) and
 * without a tail that may still become a stop string.
 */
function settledPrefix(text: string, stops: string[] | undefined): string {
  let end = text.endsWith("\uFFFD") ? text.length - 1 : text.length;
  for (const s of stops ?? [])
    for (let k = Math.min(s.length - 1, end); k > 0; k--)
      if (text.slice(end - k, end) === s.slice(0, k)) { end -= k; break; }
  return text.slice(0, end);
}
