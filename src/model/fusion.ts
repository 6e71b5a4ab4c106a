// The Dual-encoder Fusion Network (DFN). The temporal expert's token stream x (fine time grid) and the global
// expert's stream f (coarse, long context) meet in blocks of bidirectional cross-attention:
//   extractor: f <- f + CrossAttn(LN(f), LN(x));  f <- f + FFN(LN(f))      (global tokens read the details)
//   injector:  i  = CrossAttn(LN(x), LN(f))                                 (each temporal token reads the song)
//   gate:      g  = sigmoid(w . [LN(x); i] + b)   one value per token        (how much of the global expert it takes)
//              x <- x + g * i;  x <- x + FFN(LN(x))
// The gate is the token-level mixture of the two experts: near 0 a token keeps its own (temporal) content,
// near 1 it takes the global expert's view of the song. The paper does not publish its gate; this reading
// follows ViT-Adapter's extractor/injector (../shared/DESIGN.md section 1) and is documented in docs/model.md.
import { LayerNorm, Linear, Module, ModuleList, type InitOptions } from "../engine/module.js";
import { cat, type Tensor } from "../engine/tensor.js";
import { FeedForward, MultiHeadAttention } from "./attention.js";
import type { FusionConfig } from "./config.js";

class FusionBlock extends Module {
  readonly extractor_norm: LayerNorm;
  readonly extractor_source_norm: LayerNorm;
  readonly extractor: MultiHeadAttention;
  readonly extractor_ffn_norm: LayerNorm;
  readonly extractor_ffn: FeedForward;
  readonly injector_norm: LayerNorm;
  readonly injector_source_norm: LayerNorm;
  readonly injector: MultiHeadAttention;
  readonly gate: Linear;
  readonly ffn_norm: LayerNorm;
  readonly ffn: FeedForward;

  constructor(c: FusionConfig, o: InitOptions) {
    super();
    const d = c.dModel;
    this.extractor_norm = this.registerModule("extractor_norm", new LayerNorm(d, 1e-5, o));
    this.extractor_source_norm = this.registerModule("extractor_source_norm", new LayerNorm(d, 1e-5, o));
    this.extractor = this.registerModule("extractor", new MultiHeadAttention(d, c.nHeads, o));
    this.extractor_ffn_norm = this.registerModule("extractor_ffn_norm", new LayerNorm(d, 1e-5, o));
    this.extractor_ffn = this.registerModule("extractor_ffn", new FeedForward(d, c.ffnDim, o));
    this.injector_norm = this.registerModule("injector_norm", new LayerNorm(d, 1e-5, o));
    this.injector_source_norm = this.registerModule("injector_source_norm", new LayerNorm(d, 1e-5, o));
    this.injector = this.registerModule("injector", new MultiHeadAttention(d, c.nHeads, o));
    this.gate = this.registerModule("gate", new Linear(2 * d, 1, o));
    this.ffn_norm = this.registerModule("ffn_norm", new LayerNorm(d, 1e-5, o));
    this.ffn = this.registerModule("ffn", new FeedForward(d, c.ffnDim, o));
  }

  forward(x: Tensor, f: Tensor): { x: Tensor; f: Tensor; gate: Tensor } {
    f = f.add(this.extractor.forward(this.extractor_norm.forward(f), this.extractor_source_norm.forward(x)));
    f = f.add(this.extractor_ffn.forward(this.extractor_ffn_norm.forward(f)));
    const xn = this.injector_norm.forward(x);
    const injected = this.injector.forward(xn, this.injector_source_norm.forward(f));
    const gate = this.gate.forward(cat([xn, injected], -1)).sigmoid(); // [B, Nt, 1]
    x = x.add(injected.mul(gate));
    x = x.add(this.ffn.forward(this.ffn_norm.forward(x)));
    return { x, f, gate: gate.squeeze(-1) };
  }
}

export interface FusionOutput {
  /** Fused tokens on the temporal expert's grid [B, Nt, dModel]. */
  tokens: Tensor;
  /** Each block's gate values [B, Nt]: the global expert's share per token. */
  gates: Tensor[];
}

export class FusionNetwork extends Module {
  readonly temporal_in: Linear;
  readonly global_in: Linear;
  readonly blocks: ModuleList<FusionBlock>;
  readonly norm: LayerNorm;

  constructor(readonly config: FusionConfig, temporalDim: number, globalDim: number, o: InitOptions = {}) {
    super();
    this.temporal_in = this.registerModule("temporal_in", new Linear(temporalDim, config.dModel, o));
    this.global_in = this.registerModule("global_in", new Linear(globalDim, config.dModel, o));
    this.blocks = this.registerModule("blocks", new ModuleList(Array.from({ length: config.nBlocks }, () => new FusionBlock(config, o))));
    this.norm = this.registerModule("norm", new LayerNorm(config.dModel, 1e-5, o));
  }

  /** temporal [B, Nt, dT] and global [B, Ng, dG] token streams of the same audio -> fused tokens and gates. */
  forward(temporal: Tensor, global: Tensor): FusionOutput {
    let x = this.temporal_in.forward(temporal);
    let f = this.global_in.forward(global);
    const gates: Tensor[] = [];
    for (const block of this.blocks) {
      const out = block.forward(x, f);
      x = out.x;
      f = out.f;
      gates.push(out.gate);
    }
    return { tokens: this.norm.forward(x), gates };
  }
}
