// Loading real-world weights laid out as Hugging Face saves them: a Whisper encoder into an audio expert, and a
// Qwen2 or Llama decoder into the LLM. Checkpoints are a directory (model.safetensors, or shards listed in
// model.safetensors.index.json, plus config.json) or one .safetensors file. Nothing is downloaded: the user
// points at files they have.
import fs from "node:fs";
import path from "node:path";
import { noGrad } from "../engine/autograd.js";
import type { Module } from "../engine/module.js";
import { openSafetensors, type SafetensorsFile } from "../engine/safetensors.js";
import type { Tensor } from "../engine/tensor.js";
import type { AudioExpert } from "./audio-expert.js";
import type { AudioExpertConfig, LlmConfig } from "./config.js";
import type { DecoderLM } from "./llm.js";

/** The tensors of a Hugging Face checkpoint, read lazily from one file or from index-listed shards. */
export class HfCheckpoint {
  private readonly files = new Map<string, SafetensorsFile>();
  private readonly where = new Map<string, string>();

  constructor(readonly location: string) {
    if (!fs.existsSync(location)) throw new Error(`${location}: no such checkpoint file or directory`);
    for (const [name, file] of this.weightMap(location)) {
      if (!this.files.has(file)) {
        if (!fs.existsSync(file)) throw new Error(`${file}: shard listed in the index is missing`);
        this.files.set(file, openSafetensors(file));
      }
      if (!this.files.get(file)!.has(name)) throw new Error(`${file}: the index lists "${name}" in this shard but it is not there`);
      this.where.set(name, file);
    }
  }

  /** config.json beside the weights, parsed (undefined when there is none). */
  config(): Record<string, unknown> | undefined {
    const dir = fs.statSync(this.location).isDirectory() ? this.location : path.dirname(this.location);
    const file = path.join(dir, "config.json");
    if (!fs.existsSync(file)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
  }

  get names(): string[] { return [...this.where.keys()]; }
  has(name: string): boolean { return this.where.has(name); }
  shape(name: string): number[] { return this.file(name).info(name).shape; }
  get(name: string): Tensor { return this.file(name).get(name); }

  close(): void {
    for (const f of this.files.values()) f.close();
  }

  private file(name: string): SafetensorsFile {
    const file = this.where.get(name);
    if (!file) throw new Error(`${this.location}: no tensor "${name}" in the checkpoint`);
    return this.files.get(file)!;
  }

  /** Which file holds each tensor: from the shard index, or every tensor of the single weights file. */
  private weightMap(location: string): Map<string, string> {
    let single = location;
    if (fs.statSync(location).isDirectory()) {
      const index = path.join(location, "model.safetensors.index.json");
      if (fs.existsSync(index)) {
        let parsed: { weight_map?: Record<string, string> };
        try {
          parsed = JSON.parse(fs.readFileSync(index, "utf8")) as typeof parsed;
        } catch (e) {
          throw new Error(`${index}: not valid JSON (${(e as Error).message})`, { cause: e });
        }
        if (!parsed.weight_map) throw new Error(`${index}: no "weight_map"`);
        return new Map(Object.entries(parsed.weight_map).map(([name, shard]) => [name, path.join(location, shard)]));
      }
      single = path.join(location, "model.safetensors");
      if (!fs.existsSync(single)) throw new Error(`${location}: neither model.safetensors nor model.safetensors.index.json found`);
    }
    const st = openSafetensors(single);
    this.files.set(single, st);
    return new Map(st.names.map((n) => [n, single] as [string, string]));
  }
}

export interface LoadReport {
  /** Tensors copied into the module. */
  loaded: number;
  /** The module's own tensors the checkpoint does not provide (kept as initialised). */
  kept: string[];
  /** The prefix the checkpoint's names had. */
  prefix: string;
}

/** Copies checkpoint tensors into a module: module name -> checkpoint name; shapes must match (or `adapt`). */
function copyInto(module: Module, ckpt: HfCheckpoint, nameFor: (own: string) => string | undefined, adapt?: (own: string, src: Tensor, target: Tensor) => Tensor): { loaded: number; kept: string[] } {
  let loaded = 0;
  const kept: string[] = [];
  noGrad(() => {
    for (const [own, target] of module.stateDict()) {
      const name = nameFor(own);
      if (name === undefined || !ckpt.has(name)) { kept.push(own); continue; }
      let src = ckpt.get(name);
      if (adapt) src = adapt(own, src, target);
      const a = target.shape, b = src.shape;
      if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
        src.dispose();
        throw new Error(`${ckpt.location}: "${name}" has shape [${b.join(", ")}], the model expects [${a.join(", ")}] (does the config match the checkpoint?)`);
      }
      target.copy_(src);
      src.dispose();
      loaded++;
    }
  });
  return { loaded, kept };
}

function detectPrefix(ckpt: HfCheckpoint, probe: string, prefixes: string[], what: string): string {
  const prefix = prefixes.find((p) => ckpt.has(p + probe));
  if (prefix === undefined) throw new Error(`${ckpt.location}: not a ${what} checkpoint (no "${probe}" under any of the prefixes ${prefixes.map((p) => JSON.stringify(p)).join(", ")})`);
  return prefix;
}

/** An expert config matching a Hugging Face WhisperConfig (config.json of openai/whisper-* and fine-tunes). */
export function expertConfigFromWhisper(hf: Record<string, unknown>): AudioExpertConfig {
  const num = (key: string): number => {
    const v = hf[key];
    if (typeof v !== "number") throw new Error(`Whisper config: "${key}" missing or not a number`);
    return v;
  };
  // Whisper's stem halves 100 mel frames per second, so max_source_positions tokens cover 2x that many frames.
  return {
    nMels: num("num_mel_bins"), windowSeconds: (num("max_source_positions") * 2) / 100, pool: 1,
    dModel: num("d_model"), nLayers: num("encoder_layers"), nHeads: num("encoder_attention_heads"), ffnDim: num("encoder_ffn_dim"),
  };
}

/** An LLM config matching a Hugging Face Qwen2Config or LlamaConfig. */
export function llmConfigFromHf(hf: Record<string, unknown>): LlmConfig {
  const num = (key: string, fallback?: number): number => {
    const v = hf[key] ?? fallback;
    if (typeof v !== "number") throw new Error(`LLM config: "${key}" missing or not a number`);
    return v;
  };
  const type = hf.model_type;
  if (type !== "qwen2" && type !== "llama") throw new Error(`LLM config: model_type ${JSON.stringify(type)} is not supported (qwen2, llama)`);
  const heads = num("num_attention_heads");
  return {
    vocabSize: num("vocab_size"), hiddenSize: num("hidden_size"), intermediateSize: num("intermediate_size"),
    numLayers: num("num_hidden_layers"), numHeads: heads, numKvHeads: num("num_key_value_heads", heads),
    ropeTheta: num("rope_theta", 10000), rmsNormEps: num("rms_norm_eps", 1e-6),
    attentionBias: type === "qwen2" ? true : hf.attention_bias === true,
    tieWordEmbeddings: hf.tie_word_embeddings === true, maxPositions: num("max_position_embeddings", 4096),
  };
}

/**
 * Loads a Whisper encoder (WhisperForConditionalGeneration, WhisperModel or a bare WhisperEncoder) into an
 * expert. The expert's own additions (time_proj) stay as initialised (zero: the expert then computes exactly
 * what Whisper does). A longer positional table than the expert's window is cut (Whisper's is sinusoidal).
 */
export function loadWhisperEncoder(expert: AudioExpert, ckpt: HfCheckpoint): LoadReport {
  const prefix = detectPrefix(ckpt, "conv1.weight", ["model.encoder.", "encoder.", ""], "Whisper encoder");
  const { loaded, kept } = copyInto(expert, ckpt, (own) => (own.startsWith("time_proj.") ? undefined : prefix + own), (own, src, target) => {
    if (own !== "embed_positions.weight" || src.size(0) <= target.size(0)) return src;
    const cut = src.narrow(0, 0, target.size(0)).contiguous();
    src.dispose();
    return cut;
  });
  return { loaded, kept, prefix };
}

/** Loads a Qwen2ForCausalLM / LlamaForCausalLM (or a multimodal model's language_model) into the LLM. */
export function loadDecoder(llm: DecoderLM, ckpt: HfCheckpoint): LoadReport {
  const prefix = detectPrefix(ckpt, "model.embed_tokens.weight", ["", "language_model.", "model.language_model."], "Qwen2/Llama decoder");
  const { loaded, kept } = copyInto(llm, ckpt, (own) => prefix + own);
  if (kept.length) throw new Error(`${ckpt.location}: the checkpoint lacks ${kept.slice(0, 5).join(", ")}${kept.length > 5 ? ", ..." : ""} (is tie_word_embeddings right in the config?)`);
  return { loaded, kept, prefix };
}
