// GaMMA: two Whisper-style audio experts -> dual-encoder fusion -> projector -> decoder LLM (LLaVA style).
// encodeAudio() turns whole songs (log-mel) into LLM embeddings that keep absolute time; inputs.ts splices
// them into a chat's token embeddings; llm.ts and generate.ts do the rest.
import { isGradEnabled, noGrad } from "../engine/autograd.js";
import { Module, type InitOptions } from "../engine/module.js";
import { cat, type Tensor, tensor, zeros } from "../engine/tensor.js";
import { tidy } from "../engine/scope.js";
import { planWindows } from "../audio/window.js";
import { AudioExpert } from "./audio-expert.js";
import { inputChannels, pitchView, spectrumRows, spectrumWidth } from "./audio-input.js";
import { type GammaConfig, validateConfig } from "./config.js";
import { FusionNetwork } from "./fusion.js";
import { DecoderLM } from "./llm.js";
import { Projector } from "./projector.js";
import { type TimelineAudio, TimelineHead, type TimelineSection } from "./timeline.js";

/** One clip as the LLM sees it. */
export interface AudioEncoding {
  /** LLM-width embeddings [N, hidden], one per 1 / tokensPerSecond seconds of audio, in time order. */
  embeds: Tensor;
  /** The clip's duration in seconds. */
  seconds: number;
  /** Seconds of audio per LLM audio token. */
  tokenSeconds: number;
  /** Each fusion block's gate [Nt] on the temporal expert's grid: the global expert's share per token. */
  gates: Tensor[];
  /** The whole clip in projector.summaryTokens embeddings [K, hidden], put after the time-marked ones; absent when the model has none. */
  summary?: Tensor;
  /** The sections the timeline head found, written after the summary for a model with timeline.asText. */
  sections?: TimelineSection[];
}

/** Without gradients, windows go through an expert this many at a time (bounded memory for long songs). */
const WINDOW_BATCH = 32;

export class GammaModel extends Module {
  readonly temporal_expert: AudioExpert;
  readonly global_expert: AudioExpert;
  readonly fusion: FusionNetwork;
  readonly projector: Projector;
  readonly llm: DecoderLM;
  /** Present when the config has a timeline head (timeline.ts). */
  readonly timeline?: TimelineHead;

  constructor(readonly config: GammaConfig, o: InitOptions = {}) {
    super();
    validateConfig(config);
    this.temporal_expert = this.registerModule("temporal_expert", new AudioExpert(config.temporalExpert, o));
    this.global_expert = this.registerModule("global_expert", new AudioExpert(config.globalExpert, o));
    this.fusion = this.registerModule("fusion", new FusionNetwork(config.fusion, config.temporalExpert.dModel, config.globalExpert.dModel, o));
    this.projector = this.registerModule("projector", new Projector(config.fusion.dModel, config.llm.hiddenSize, config.projector.stack, { ...o, summaryTokens: config.projector.summaryTokens, outputNorm: config.projector.outputNorm, summaryRhythm: config.projector.summaryRhythm, summaryRhythmSlots: config.projector.summaryRhythmSlots, summaryPitch: config.projector.summaryPitch }));
    this.llm = this.registerModule("llm", new DecoderLM(config.llm, o));
    if (config.timeline) this.timeline = this.registerModule("timeline", new TimelineHead(config.timeline, config.fusion.dModel, spectrumWidth(config.temporalExpert), o));
  }

  /** Each expert's token features for each clip: [1, tokens, dModel], tokens covering exactly the clip. */
  expertTokens(expert: AudioExpert, mels: Tensor[]): Tensor[] {
    const windowFrames = Math.round(expert.config.windowSeconds * 100);
    const framesPerToken = 2 * expert.config.pool;
    const windows: Tensor[] = [], starts: number[] = [], counts: number[] = [], valid: number[] = [];
    for (const mel of mels) {
      const frames = mel.size(1);
      if (frames < framesPerToken) throw new RangeError(`audio too short for the model: ${frames} mel frames (at least ${framesPerToken})`);
      const plan = planWindows(frames, { seconds: expert.config.windowSeconds });
      // The last window is padded with each channel's floor in the clip: Whisper's log-mel of silence (the
      // log-mel and the semitone channels are clamped separately, so their floors differ).
      const floor = mel.amin([1], true); // [channels, 1]
      for (const w of plan) {
        const slice = mel.narrow(1, w.startFrame, w.frames);
        windows.push(w.frames < windowFrames ? cat([slice, floor.expand(mel.size(0), windowFrames - w.frames)], 1) : slice);
        starts.push(w.start);
      }
      counts.push(plan.length);
      valid.push(Math.ceil(frames / framesPerToken));
    }
    const batch = isGradEnabled() ? windows.length : WINDOW_BATCH;
    const outs: Tensor[] = [];
    for (let i = 0; i < windows.length; i += batch) {
      const n = Math.min(batch, windows.length - i);
      outs.push(expert.forward(cat(windows.slice(i, i + n), 0).view(n, inputChannels(expert.config), windowFrames), starts.slice(i, i + n)));
    }
    const all = outs.length === 1 ? outs[0]! : cat(outs, 0); // [W, T, d]
    const result: Tensor[] = [];
    let offset = 0;
    counts.forEach((count, c) => {
      const tokens = all.narrow(0, offset, count).reshape(1, count * expert.tokensPerWindow, expert.config.dModel);
      result.push(tokens.narrow(1, 0, valid[c]!));
      offset += count;
    });
    return result;
  }

  /** Expert inputs [channels, frames] (audio-input.ts; 100 frames per second, whole songs allowed) -> LLM audio embeddings. */
  encodeAudio(mels: Tensor[]): AudioEncoding[] {
    return tidy(() => {
      const temporal = this.expertTokens(this.temporal_expert, mels);
      const global = this.expertTokens(this.global_expert, mels);
      return mels.map((mel, i) => this.encodeExpertTokens(temporal[i]!, global[i]!, mel.size(1) / 100, this.config.projector.summaryPitch ? pitchView(mel, this.config.temporalExpert) : undefined));
    });
  }

  /**
   * A clip's sections as the timeline head reads them (timeline.ts): from its expert tokens ([1, Nt, dT] and
   * [1, Ng, dG], as expertTokens() gives them or the feature cache stores them) through the fusion, and/or its
   * spectrum rows (audio-input.ts spectrumRows), as the head's config asks. Throws for a model without a head.
   */
  timelineOf(x: TimelineAudio, seconds: number, minGapSeconds = 2): TimelineSection[] {
    const head = this.timelineHead();
    return noGrad(() => tidy(() => head.sections(this.timelinePositions(x), this.temporal_expert.tokenSeconds * head.config.pool, seconds, minGapSeconds)));
  }

  /** The timeline head's positions of one clip (TimelineHead.positions), the fusion run on the expert tokens when the head reads tokens. */
  timelinePositions(x: TimelineAudio): Tensor {
    const head = this.timelineHead();
    return noGrad(() => tidy(() => {
      let tokens: Tensor | undefined;
      if (head.reads("tokens")) {
        if (!x.temporal || !x.global) throw new Error("the timeline head reads the fused tokens: give the expert tokens");
        tokens = this.fusion.forward(x.temporal.to("float32"), x.global.to("float32")).tokens;
      }
      return head.positions({ tokens, spectrum: x.spectrum });
    }));
  }

  /** What the timeline head reads of a clip, from its expert input [channels, frames]: the expert tokens and/or the spectrum rows. */
  timelineAudio(input: Tensor): TimelineAudio {
    const head = this.timelineHead();
    return noGrad(() => ({
      ...(head.reads("tokens") ? { temporal: this.expertTokens(this.temporal_expert, [input])[0]!, global: this.expertTokens(this.global_expert, [input])[0]! } : {}),
      ...(head.reads("spectrum") ? { spectrum: spectrumRows(input, this.config.temporalExpert) } : {}),
    }));
  }

  private timelineHead(): TimelineHead {
    if (!this.timeline) throw new Error(`${this.config.name} has no timeline head; fit one with \`gamma train timeline\``);
    return this.timeline;
  }

  /** Seconds of audio per LLM audio token (the temporal expert's token times the projector's stack). */
  get audioTokenSeconds(): number {
    return this.temporal_expert.tokenSeconds * this.config.projector.stack;
  }

  /**
   * One clip's expert tokens ([1, Nt, dT] and [1, Ng, dG], as expertTokens() gives them or the training
   * stages' feature cache stores them) through the fusion and the projector; `pitch`, the clip's pitchView(), for
   * a model whose summary reads it (projector.summaryPitch).
   */
  encodeExpertTokens(temporal: Tensor, global: Tensor, seconds: number, pitch?: Tensor): AudioEncoding {
    const fused = this.fusion.forward(temporal, global);
    const summary = this.projector.summarize(fused.tokens, pitch);
    return {
      embeds: this.config.projector.summaryOnly
        ? zeros([0, this.config.llm.hiddenSize], { dtype: fused.tokens.dtype, device: fused.tokens.device })
        : this.projector.forward(fused.tokens, this.temporal_expert.tokenSeconds).squeeze(0),
      seconds,
      tokenSeconds: this.audioTokenSeconds,
      gates: fused.gates.map((g) => g.squeeze(0)),
      ...(summary ? { summary: this.summaryInput(summary.squeeze(0)) } : {}),
    };
  }

  /**
   * A clip that is these words (token ids) in the summary slot and nothing else: what a model hearing songs as
   * summary words alone (projector.summaryAsWords and summaryOnly) gets from audio it heard as exactly these
   * words. Training's written summaries and `gamma bench --audio written` are this.
   */
  writtenSummary(words: number[]): AudioEncoding {
    return this.summaryClip(this.llm.embed(tensor(words, { dtype: "int64", device: this.llm.model.embed_tokens.weight.device })), 0);
  }

  /** A clip heard as these summary embeddings [K, hidden] alone, no time-marked tokens. */
  summaryClip(summary: Tensor, seconds: number): AudioEncoding {
    return { embeds: summary.narrow(0, 0, 0), seconds, tokenSeconds: this.audioTokenSeconds, gates: [], summary };
  }

  /**
   * Whether the LLM hears a song as its summary words alone (projector.summaryAsWords and summaryOnly): then
   * written words are exactly what it would hear, and no gradient of an answer reaches the parts before them.
   */
  get hearsSummaryWordsOnly(): boolean {
    const { projector } = this.config;
    return projector.summaryAsWords === true && projector.summaryOnly === true;
  }

  /**
   * Summary tokens [K, hidden] as the LLM receives them: as they are, or with projector.summaryAsWords each
   * replaced by the input embedding of its nearest word (cosine; no gradient flows through the choice).
   */
  summaryInput(summary: Tensor): Tensor {
    if (!this.config.projector.summaryAsWords) return summary;
    return this.llm.embed(this.llm.wordCosines(summary.detach()).argmax(-1));
  }
}
