// Loading Hugging Face layouts: the tests write tiny random checkpoints with exactly the tensor names and
// shapes of WhisperForConditionalGeneration, Qwen2ForCausalLM (sharded, with an index) and LlamaForCausalLM
// (tied embeddings, no biases), load them, and check every tensor landed where it belongs. A float64 reference
// written from the Qwen2 equations checks that the loaded decoder computes what Qwen2 computes.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { noGrad } from "../src/engine/autograd.js";
import { Generator } from "../src/engine/random.js";
import { saveSafetensors } from "../src/engine/safetensors.js";
import { randn, type Tensor, tensor } from "../src/engine/tensor.js";
import { AudioExpert } from "../src/model/audio-expert.js";
import { expertConfigFromWhisper, HfCheckpoint, llmConfigFromHf, loadDecoder, loadWhisperEncoder } from "../src/model/hf.js";
import { DecoderLM } from "../src/model/llm.js";
import { assertClose } from "./helpers.js";

const gen = new Generator(42);
const rnd = (shape: number[]) => randn(shape, { generator: gen }).mul(0.2);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gamma-hf-"));

function whisperCheckpoint(dir: string, c: { mels: number; d: number; layers: number; heads: number; ffn: number; positions: number }): Map<string, Tensor> {
  const t = new Map<string, Tensor>();
  const e = "model.encoder.";
  t.set(`${e}conv1.weight`, rnd([c.d, c.mels, 3])); t.set(`${e}conv1.bias`, rnd([c.d]));
  t.set(`${e}conv2.weight`, rnd([c.d, c.d, 3])); t.set(`${e}conv2.bias`, rnd([c.d]));
  t.set(`${e}embed_positions.weight`, rnd([c.positions, c.d]));
  for (let i = 0; i < c.layers; i++) {
    const l = `${e}layers.${i}.`;
    for (const p of ["q_proj", "v_proj", "out_proj"]) { t.set(`${l}self_attn.${p}.weight`, rnd([c.d, c.d])); t.set(`${l}self_attn.${p}.bias`, rnd([c.d])); }
    t.set(`${l}self_attn.k_proj.weight`, rnd([c.d, c.d]));
    for (const n of ["self_attn_layer_norm", "final_layer_norm"]) { t.set(`${l}${n}.weight`, rnd([c.d])); t.set(`${l}${n}.bias`, rnd([c.d])); }
    t.set(`${l}fc1.weight`, rnd([c.ffn, c.d])); t.set(`${l}fc1.bias`, rnd([c.ffn]));
    t.set(`${l}fc2.weight`, rnd([c.d, c.ffn])); t.set(`${l}fc2.bias`, rnd([c.d]));
  }
  t.set(`${e}layer_norm.weight`, rnd([c.d])); t.set(`${e}layer_norm.bias`, rnd([c.d]));
  // The decoder half of the checkpoint is there too, and must be ignored.
  t.set("model.decoder.embed_tokens.weight", rnd([50, c.d]));
  t.set("model.decoder.layers.0.self_attn.k_proj.weight", rnd([c.d, c.d]));
  saveSafetensors(path.join(dir, "model.safetensors"), t);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({
    model_type: "whisper", num_mel_bins: c.mels, max_source_positions: c.positions, d_model: c.d,
    encoder_layers: c.layers, encoder_attention_heads: c.heads, encoder_ffn_dim: c.ffn,
  }));
  return t;
}

test("a Whisper checkpoint (model.encoder.* names) loads into an expert, tensor by tensor", () => noGrad(() => {
  const dir = tmp();
  const ref = whisperCheckpoint(dir, { mels: 80, d: 16, layers: 2, heads: 2, ffn: 32, positions: 1500 });
  const ckpt = new HfCheckpoint(dir);
  const config = expertConfigFromWhisper(ckpt.config()!);
  assert.deepEqual(config, { nMels: 80, windowSeconds: 30, pool: 1, dModel: 16, nLayers: 2, nHeads: 2, ffnDim: 32 });
  const expert = new AudioExpert(config);
  const report = loadWhisperEncoder(expert, ckpt);
  assert.equal(report.prefix, "model.encoder.");
  assert.deepEqual(report.kept, ["time_proj.weight", "time_proj.bias"]);
  assert.equal(report.loaded, ref.size - 2); // every encoder tensor, not the two decoder ones
  for (const [name, t] of expert.stateDict()) {
    if (name.startsWith("time_proj.")) continue;
    assert.deepEqual(t.toList(), ref.get(`model.encoder.${name}`)!.toList(), name);
  }
  // A pooled expert with shorter windows takes the first rows of the (sinusoidal) positional table.
  const pooled = new AudioExpert({ ...config, windowSeconds: 10, pool: 2 });
  loadWhisperEncoder(pooled, ckpt);
  assert.deepEqual(pooled.embed_positions.weight.toList(), ref.get("model.encoder.embed_positions.weight")!.narrow(0, 0, 250).toList());
  // Wrong sizes are named.
  assert.throws(() => loadWhisperEncoder(new AudioExpert({ ...config, ffnDim: 64 }), ckpt), /"model\.encoder\.layers\.0\.fc1\.weight" has shape \[32, 16\], the model expects \[64, 16\]/);
  ckpt.close();
}));

function qwen2Tensors(c: { vocab: number; d: number; inter: number; layers: number; heads: number; kv: number; bias: boolean; lmHead: boolean }): Map<string, Tensor> {
  const t = new Map<string, Tensor>();
  const dh = c.d / c.heads;
  t.set("model.embed_tokens.weight", rnd([c.vocab, c.d]));
  for (let i = 0; i < c.layers; i++) {
    const l = `model.layers.${i}.`;
    t.set(`${l}self_attn.q_proj.weight`, rnd([c.d, c.d]));
    t.set(`${l}self_attn.k_proj.weight`, rnd([c.kv * dh, c.d]));
    t.set(`${l}self_attn.v_proj.weight`, rnd([c.kv * dh, c.d]));
    if (c.bias) {
      t.set(`${l}self_attn.q_proj.bias`, rnd([c.d]));
      t.set(`${l}self_attn.k_proj.bias`, rnd([c.kv * dh]));
      t.set(`${l}self_attn.v_proj.bias`, rnd([c.kv * dh]));
    }
    t.set(`${l}self_attn.o_proj.weight`, rnd([c.d, c.d]));
    t.set(`${l}mlp.gate_proj.weight`, rnd([c.inter, c.d]));
    t.set(`${l}mlp.up_proj.weight`, rnd([c.inter, c.d]));
    t.set(`${l}mlp.down_proj.weight`, rnd([c.d, c.inter]));
    t.set(`${l}input_layernorm.weight`, rnd([c.d]).add(1));
    t.set(`${l}post_attention_layernorm.weight`, rnd([c.d]).add(1));
  }
  t.set("model.norm.weight", rnd([c.d]).add(1));
  if (c.lmHead) t.set("lm_head.weight", rnd([c.vocab, c.d]));
  return t;
}

test("a sharded Qwen2 checkpoint (index + two shards) loads and computes what Qwen2's equations give", () => noGrad(() => {
  const dir = tmp();
  const c = { vocab: 40, d: 16, inter: 24, layers: 2, heads: 4, kv: 2, bias: true, lmHead: true };
  const ref = qwen2Tensors(c);
  const names = [...ref.keys()];
  const shards = [names.slice(0, 12), names.slice(12)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    saveSafetensors(path.join(dir, file), new Map(shard.map((n) => [n, ref.get(n)!])));
    for (const n of shard) weightMap[n] = file;
  });
  fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({
    model_type: "qwen2", vocab_size: c.vocab, hidden_size: c.d, intermediate_size: c.inter, num_hidden_layers: c.layers,
    num_attention_heads: c.heads, num_key_value_heads: c.kv, rope_theta: 10000, rms_norm_eps: 1e-6, tie_word_embeddings: false, max_position_embeddings: 128,
  }));
  const ckpt = new HfCheckpoint(dir);
  const llm = new DecoderLM(llmConfigFromHf(ckpt.config()!));
  const report = loadDecoder(llm, ckpt);
  assert.equal(report.loaded, ref.size);
  for (const [name, t] of llm.stateDict()) assert.deepEqual(t.toList(), ref.get(name)!.toList(), name);

  const ids = [3, 17, 5, 29, 11];
  const logits = llm.logits(llm.forward({ embeds: llm.embed(tensor(ids, { dtype: "int64" })).unsqueeze(0) })).squeeze(0);
  assertClose(logits.toList(), qwen2Reference(ref, c, ids), { atol: 2e-4, rtol: 1e-4 });
  ckpt.close();
}));

test("a Llama checkpoint with tied embeddings and no biases loads; a missing tensor is named", () => noGrad(() => {
  const dir = tmp();
  const c = { vocab: 30, d: 8, inter: 12, layers: 1, heads: 2, kv: 2, bias: false, lmHead: false };
  const ref = qwen2Tensors(c);
  saveSafetensors(path.join(dir, "model.safetensors"), ref);
  const config = llmConfigFromHf({ model_type: "llama", vocab_size: 30, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, tie_word_embeddings: true });
  assert.equal(config.attentionBias, false);
  assert.equal(config.numKvHeads, 2);
  const ckpt = new HfCheckpoint(path.join(dir, "model.safetensors"));
  const llm = new DecoderLM(config);
  assert.equal(loadDecoder(llm, ckpt).loaded, ref.size);
  // The same file read as an untied model lacks lm_head.weight.
  assert.throws(() => loadDecoder(new DecoderLM({ ...config, tieWordEmbeddings: false }), ckpt), /lacks lm_head\.weight/);
  assert.throws(() => llmConfigFromHf({ model_type: "gpt2" }), /model_type "gpt2" is not supported/);
  assert.throws(() => new HfCheckpoint(path.join(dir, "nothing")), /no such checkpoint/);
  ckpt.close();
}));

/** Qwen2 forward in float64 from its equations (RMSNorm, half-split rotary, GQA, SwiGLU), causal, batch 1. */
function qwen2Reference(w: Map<string, Tensor>, c: { vocab: number; d: number; inter: number; layers: number; heads: number; kv: number }, ids: number[]): number[] {
  const get = (n: string) => { const t = w.get(n)!; return { v: t.toList(), rows: t.shape[0]!, cols: t.shape[1] ?? 1 }; };
  const matvec = (name: string, x: number[], bias?: string): number[] => {
    const m = get(name), b = bias ? get(bias).v : undefined;
    return Array.from({ length: m.rows }, (_, r) => x.reduce((s, xi, k) => s + xi * m.v[r * m.cols + k]!, b ? b[r]! : 0));
  };
  const rms = (x: number[], name: string) => { const g = get(name).v; const s = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / x.length + 1e-6); return x.map((v, i) => (v / s) * g[i]!); };
  const dh = c.d / c.heads;
  const rope = (vec: number[], pos: number) => {
    const out = vec.slice();
    for (let i = 0; i < dh / 2; i++) {
      const f = pos * 10000 ** (-(2 * i) / dh), cs = Math.cos(f), sn = Math.sin(f);
      out[i] = vec[i]! * cs - vec[i + dh / 2]! * sn;
      out[i + dh / 2] = vec[i + dh / 2]! * cs + vec[i]! * sn;
    }
    return out;
  };
  const emb = get("model.embed_tokens.weight");
  let h = ids.map((id) => emb.v.slice(id * c.d, (id + 1) * c.d));
  for (let l = 0; l < c.layers; l++) {
    const p = `model.layers.${l}.`;
    const xs = h.map((x) => rms(x, `${p}input_layernorm.weight`));
    const q = xs.map((x) => matvec(`${p}self_attn.q_proj.weight`, x, `${p}self_attn.q_proj.bias`));
    const k = xs.map((x) => matvec(`${p}self_attn.k_proj.weight`, x, `${p}self_attn.k_proj.bias`));
    const v = xs.map((x) => matvec(`${p}self_attn.v_proj.weight`, x, `${p}self_attn.v_proj.bias`));
    const attn = h.map((_, t) => {
      const out: number[] = [];
      for (let hd = 0; hd < c.heads; hd++) {
        const kvh = Math.floor(hd / (c.heads / c.kv));
        const qh = rope(q[t]!.slice(hd * dh, (hd + 1) * dh), t);
        const scores = Array.from({ length: t + 1 }, (_, s) => rope(k[s]!.slice(kvh * dh, (kvh + 1) * dh), s).reduce((a, kv, i) => a + kv * qh[i]!, 0) / Math.sqrt(dh));
        const m = Math.max(...scores), e = scores.map((s) => Math.exp(s - m)), z = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < dh; i++) out.push(e.reduce((a, p2, s) => a + (p2 / z) * v[s]![kvh * dh + i]!, 0));
      }
      return matvec(`${p}self_attn.o_proj.weight`, out);
    });
    h = h.map((x, t) => x.map((xi, i) => xi + attn[t]![i]!));
    h = h.map((x) => {
      const n = rms(x, `${p}post_attention_layernorm.weight`);
      const g = matvec(`${p}mlp.gate_proj.weight`, n), u = matvec(`${p}mlp.up_proj.weight`, n);
      const down = matvec(`${p}mlp.down_proj.weight`, g.map((gi, i) => (gi / (1 + Math.exp(-gi))) * u[i]!));
      return x.map((xi, i) => xi + down[i]!);
    });
  }
  return h.flatMap((x) => matvec("lm_head.weight", rms(x, "model.norm.weight")));
}
