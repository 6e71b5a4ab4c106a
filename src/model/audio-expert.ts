// One audio expert: Whisper's encoder (two convolutions, sinusoidal positions, pre-LN transformer layers, a
// final LayerNorm) with the same weight names, so a Hugging Face Whisper encoder loads into it as is. Two
// additions for whole songs: optional average pooling after the stem (fewer tokens per second), and an
// absolute-time embedding (zero at initialisation, so a loaded Whisper behaves exactly as Whisper) that tells
// each token where in the song its window lies.
import { noGrad } from "../engine/autograd.js";
import { Conv1d, LayerNorm, Linear, Module, ModuleList, type InitOptions } from "../engine/module.js";
import * as F from "../engine/functional.js";
import type { Tensor } from "../engine/tensor.js";
import { MultiHeadAttention } from "./attention.js";
import { inputChannels } from "./audio-input.js";
import { type AudioExpertConfig, expertTokensPerSecond, expertTokensPerWindow } from "./config.js";
import { sinusoids, TIME_FEATURES, timeFeatures } from "./time-embedding.js";

class ExpertLayer extends Module {
  readonly self_attn: MultiHeadAttention;
  readonly self_attn_layer_norm: LayerNorm;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly final_layer_norm: LayerNorm;
  constructor(c: AudioExpertConfig, o: InitOptions) {
    super();
    this.self_attn = this.registerModule("self_attn", new MultiHeadAttention(c.dModel, c.nHeads, o));
    this.self_attn_layer_norm = this.registerModule("self_attn_layer_norm", new LayerNorm(c.dModel, 1e-5, o));
    this.fc1 = this.registerModule("fc1", new Linear(c.dModel, c.ffnDim, o));
    this.fc2 = this.registerModule("fc2", new Linear(c.ffnDim, c.dModel, o));
    this.final_layer_norm = this.registerModule("final_layer_norm", new LayerNorm(c.dModel, 1e-5, o));
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.self_attn.forward(this.self_attn_layer_norm.forward(x)));
    return x.add(this.fc2.forward(this.fc1.forward(this.final_layer_norm.forward(x)).gelu()));
  }
}

/** Whisper's fixed positional table, kept as a state-dict entry ("embed_positions.weight") as Hugging Face does. */
class PositionTable extends Module {
  readonly weight: Tensor;
  constructor(length: number, channels: number) {
    super();
    this.weight = this.registerBuffer("weight", sinusoids(length, channels));
  }
}

export class AudioExpert extends Module {
  readonly conv1: Conv1d;
  readonly conv2: Conv1d;
  readonly embed_positions: PositionTable;
  readonly time_proj: Linear;
  readonly layers: ModuleList<ExpertLayer>;
  readonly layer_norm: LayerNorm;
  /** Tokens one full window yields, and the seconds between consecutive tokens. */
  readonly tokensPerWindow: number;
  readonly tokenSeconds: number;

  constructor(readonly config: AudioExpertConfig, o: InitOptions = {}) {
    super();
    const d = config.dModel;
    this.tokensPerWindow = expertTokensPerWindow(config);
    this.tokenSeconds = 1 / expertTokensPerSecond(config);
    this.conv1 = this.registerModule("conv1", new Conv1d(inputChannels(config), d, 3, { ...o, padding: 1 }));
    this.conv2 = this.registerModule("conv2", new Conv1d(d, d, 3, { ...o, stride: 2, padding: 1 }));
    this.embed_positions = this.registerModule("embed_positions", new PositionTable(this.tokensPerWindow, d));
    this.time_proj = this.registerModule("time_proj", new Linear(TIME_FEATURES, d, o));
    noGrad(() => { this.time_proj.weight.zero_(); this.time_proj.bias!.zero_(); });
    this.layers = this.registerModule("layers", new ModuleList(Array.from({ length: config.nLayers }, () => new ExpertLayer(config, o))));
    this.layer_norm = this.registerModule("layer_norm", new LayerNorm(d, 1e-5, o));
  }

  /**
   * Input windows [W, channels, frames] (audio-input.ts; frames = windowSeconds * 100; shorter input is an error: pad first)
   * starting at windowStarts[w] seconds in the song -> token features [W, tokensPerWindow, dModel].
   */
  forward(mels: Tensor, windowStarts: number[]): Tensor {
    const [w, channels, frames] = mels.shape as [number, number, number];
    if (channels !== inputChannels(this.config))
      throw new Error(`audio expert: expected ${inputChannels(this.config)} input channels (${this.config.nMels} mel + ${this.config.pitchBins ?? 0} semitone bins), got ${channels}`);
    if (frames !== Math.round(this.config.windowSeconds * 100)) throw new Error(`audio expert: expected windows of ${this.config.windowSeconds * 100} frames, got ${frames}`);
    if (windowStarts.length !== w) throw new Error(`audio expert: ${w} windows but ${windowStarts.length} start times`);
    let x = this.conv2.forward(this.conv1.forward(mels).gelu()).gelu(); // [W, d, frames / 2]
    if (this.config.pool > 1) x = F.avgPool1d(x, this.config.pool);
    x = x.transpose(1, 2); // [W, T, d]
    const times = windowStarts.flatMap((start) => Array.from({ length: this.tokensPerWindow }, (_, j) => start + (j + 0.5) * this.tokenSeconds));
    const time = this.time_proj.forward(timeFeatures(times)).view(w, this.tokensPerWindow, this.config.dModel);
    x = x.add(this.embed_positions.weight).add(time);
    for (const layer of this.layers) x = layer.forward(x);
    return this.layer_norm.forward(x);
  }
}
