// `gamma tokenizer train|encode`: train GaMMA's byte-level BPE tokenizer on a corpus, and look at how a
// tokenizer.json cuts a text.
import { Command } from "commander";
import { Corpus, GAMMA_SPECIAL_TOKENS, loadTokenizer, minimumVocabSize, trainBpe, writeTokenizerJson, type TrainProgress } from "../model/tokenizer/index.js";

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

const MB = 1024 * 1024;
const PROGRESS_INTERVAL_MS = 2000;

/** Progress lines on stderr, at most one every two seconds: megabytes read, then merges learned, with rates. */
function progressReporter(corpus: Corpus): { report: (p: TrainProgress) => void; countSeconds: () => number } {
  const started = performance.now();
  let mergeStarted: number | undefined;
  let lastLine = started;
  return {
    report(p) {
      const now = performance.now();
      if (p.stage === "merge" && mergeStarted === undefined) mergeStarted = now;
      if (now - lastLine < PROGRESS_INTERVAL_MS) return;
      lastLine = now;
      if (p.stage === "count") {
        const rate = corpus.bytesRead / MB / ((now - started) / 1000);
        console.error(`tokenizer: read ${(corpus.bytesRead / MB).toFixed(1)}/${(corpus.totalBytes / MB).toFixed(1)} MB (${rate.toFixed(1)} MB/s), ${p.words} distinct words`);
      } else {
        const rate = p.merges / ((now - mergeStarted!) / 1000);
        console.error(`tokenizer: ${p.merges} merges learned, vocabulary ${p.vocab}/${p.target} (${Math.round(rate)} merges/s)`);
      }
    },
    countSeconds: () => ((mergeStarted ?? performance.now()) - started) / 1000,
  };
}

export function tokenizerCommand(): Command {
  const tokenizer = new Command("tokenizer").description("train GaMMA's byte-level BPE tokenizer (Hugging Face tokenizer.json) and try tokenizers on text");

  tokenizer
    .command("train")
    .description("learn a byte-level BPE vocabulary from a corpus and write it as a tokenizer.json")
    .requiredOption("--corpus <files...>", ".txt files (one document each) and .jsonl files (every string value of every line is a text)")
    .requiredOption("--vocab-size <n>", `total vocabulary: 256 byte symbols + merges + ${GAMMA_SPECIAL_TOKENS.length} special tokens`, positiveInt("--vocab-size"))
    .requiredOption("--out <file>", "where to write tokenizer.json (written atomically)")
    .option("--min-frequency <k>", "do not merge pairs seen fewer than k times", positiveInt("--min-frequency"), 2)
    .addHelpText("after", `
The tokenizer.json has Qwen2's layout (NFC, Qwen2's pre-tokenizer regex with digits one by one,
byte-level BPE) and the special tokens after the merges:
  ${GAMMA_SPECIAL_TOKENS.join(" ")}
Progress goes to stderr; the last line of stdout is a JSON summary. Training is deterministic: the
same corpus and options give the same file.

Example:
  $ gamma tokenizer train --corpus data/train/captions.jsonl data/train/sft.jsonl data/train/mcq.jsonl \\
      --vocab-size 8000 --out models/tokenizer.json`)
    .action((o: { corpus: string[]; vocabSize: number; out: string; minFrequency: number }) => {
      const minimum = minimumVocabSize(GAMMA_SPECIAL_TOKENS);
      if (o.vocabSize < minimum) throw new Error(`--vocab-size must be at least ${minimum} (256 byte symbols + ${GAMMA_SPECIAL_TOKENS.length} special tokens), got ${o.vocabSize}`);
      const corpus = new Corpus(o.corpus);
      const started = performance.now();
      const progress = progressReporter(corpus);
      const json = trainBpe(corpus.texts(), { vocabSize: o.vocabSize, specialTokens: GAMMA_SPECIAL_TOKENS, minFrequency: o.minFrequency, onProgress: progress.report });
      writeTokenizerJson(o.out, json);
      const seconds = (performance.now() - started) / 1000;
      const vocabSize = Object.keys(json.model.vocab).length + json.added_tokens.length;
      const merges = json.model.merges.length;
      const countSeconds = progress.countSeconds();
      console.error(`tokenizer: ${merges} merges, vocabulary ${vocabSize}, in ${seconds.toFixed(1)} s (reading and counting ${(corpus.totalBytes / MB).toFixed(1)} MB: ${countSeconds.toFixed(1)} s, merging: ${(seconds - countSeconds).toFixed(1)} s) → ${o.out}`);
      if (vocabSize < o.vocabSize) console.error(`tokenizer: stopped below --vocab-size ${o.vocabSize}: no pair is seen --min-frequency ${o.minFrequency} times any more`);
      console.log(JSON.stringify({ out: o.out, vocab_size: vocabSize, merges, corpus_bytes: corpus.totalBytes, seconds: Math.round(seconds * 10) / 10 }));
    });

  tokenizer
    .command("encode")
    .description("print the tokens and ids of a text")
    .argument("<text>", "the text; special tokens written in it (e.g. <|audio|>) become their ids")
    .requiredOption("--tokenizer <file>", "a tokenizer.json (ours or any byte-level BPE: GPT-2, Qwen2, Llama-3)")
    .option("--json", "print {\"ids\", \"tokens\"} as one JSON object")
    .addHelpText("after", `
Each line shows an id and the text of its token (JSON-quoted, so spaces and newlines show).

Example:
  $ gamma tokenizer encode --tokenizer models/tokenizer.json "The tempo is 120 BPM; the chorus starts at 1:23.4."`)
    .action((text: string, o: { tokenizer: string; json?: boolean }) => {
      const tok = loadTokenizer(o.tokenizer);
      const ids = tok.encode(text);
      if (o.json) {
        console.log(JSON.stringify({ ids, tokens: ids.map((id) => tok.idToToken(id)) }));
        return;
      }
      const width = String(Math.max(0, ...ids)).length;
      for (const id of ids) console.log(`${String(id).padStart(width)}  ${JSON.stringify(tok.decode([id]))}`);
      console.log(`${ids.length} tokens`);
    });
  return tokenizer;
}
