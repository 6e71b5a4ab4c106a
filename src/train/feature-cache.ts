// Expert features of whole songs, computed once and kept on disk: in stages 1 and 2 the experts are frozen, so
// their tokens for a given rendering never change, and computing them is most of the audio cost. Each song is
// cached in `variants` renderings: variant 0 is the audio as rendered, the others are augmented on the fly
// (EQ, filters, gain, noise, compression) with a seed from the song and the variant, so training hears several
// renderings of the same facts. Files are float16 safetensors named by a hash of (audio file, its size and
// modification time, variant, experts), written atomically. Each also holds the rendering's pitch view
// (audio-input.ts pitchView, for a summary that reads it); a file written before it existed gets it added when a
// model asks for it.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadAudio } from "../audio/load.js";
import { augment, type AugmentConfig } from "../data/augment.js";
import { noGrad } from "../engine/autograd.js";
import { loadSafetensors, saveSafetensors } from "../engine/safetensors.js";
import { tidy } from "../engine/scope.js";
import type { Tensor } from "../engine/tensor.js";
import { expertInput, pitchView } from "../model/audio-input.js";
import { PITCH_VIEW_MIN_BINS } from "../model/config.js";
import type { GammaModel } from "../model/gamma.js";
import { expertState } from "../model/rebuild.js";
import { Rng } from "../music/rng.js";

export interface ExpertFeatures {
  /** [1, Nt, dT] and [1, Ng, dG], float32. */
  temporal: Tensor;
  global: Tensor;
  seconds: number;
  /** The rendering's pitchView() [1, 24], when the cache file holds it (every file written since it existed). */
  pitch?: Tensor;
}

/** Frees the tensors of one rendering's features (none when undefined). */
export function disposeFeatures(f: ExpertFeatures | undefined): void {
  f?.temporal.dispose();
  f?.global.dispose();
  f?.pitch?.dispose();
}

/** A short fingerprint of the experts' weights: features made by other experts never match. */
export function expertsFingerprint(model: GammaModel): string {
  const h = crypto.createHash("sha1");
  for (const [name, t] of expertState(model)) {
    h.update(name);
    h.update(Buffer.from(t.toFloat32Array().buffer));
  }
  return h.digest("hex").slice(0, 16);
}

export class FeatureCache {
  private readonly fingerprint: string;
  hits = 0;
  misses = 0;

  constructor(readonly dir: string, private readonly model: GammaModel, private readonly augmentConfig: AugmentConfig) {
    fs.mkdirSync(dir, { recursive: true });
    this.fingerprint = expertsFingerprint(model);
  }

  private file(audio: string, variant: number): string {
    const st = fs.statSync(audio);
    const key = crypto.createHash("sha1").update(`${path.resolve(audio)}\0${st.size}\0${st.mtimeMs}\0${variant}\0${this.fingerprint}`).digest("hex");
    return path.join(this.dir, key.slice(0, 2), `${key}.safetensors`);
  }

  /** The features of one rendering; computed and stored on first use, always returned as stored (float16). */
  async get(audio: string, variant: number): Promise<ExpertFeatures> {
    const file = this.file(audio, variant);
    if (fs.existsSync(file)) this.hits++;
    else {
      this.misses++;
      await this.compute(audio, variant, file);
    }
    const { tensors, metadata } = loadSafetensors(file, { dtype: "float32" });
    const pitch = tensors.get("pitch") ?? (this.model.config.projector.summaryPitch ? await this.addPitch(audio, variant, file, tensors, metadata) : undefined);
    return { temporal: tensors.get("temporal")!, global: tensors.get("global")!, seconds: Number(metadata.seconds), pitch };
  }

  /** The audio of one rendering, as the experts heard it (augmented for variants above 0). */
  private async rendering(audio: string, variant: number): Promise<Float32Array> {
    const samples = (await loadAudio(audio)).samples;
    if (variant === 0) return samples;
    const seed = crypto.createHash("sha1").update(`${audio}\0${variant}`).digest().readUInt32LE(0);
    return (await augment(samples, 16000, { ...this.augmentConfig, probability: 1 }, new Rng(seed))).audio;
  }

  /** The pitch view of a cache file from before it existed, written into the file too (the expert tokens as they were). */
  private async addPitch(audio: string, variant: number, file: string, tensors: Map<string, Tensor>, metadata: Record<string, string>): Promise<Tensor> {
    const samples = await this.rendering(audio, variant);
    const pitch = noGrad(() => tidy(() => pitchView(expertInput(samples, this.model.config.temporalExpert), this.model.config.temporalExpert)));
    noGrad(() => tidy(() => saveSafetensors(file, new Map([["temporal", tensors.get("temporal")!.to("float16")], ["global", tensors.get("global")!.to("float16")], ["pitch", pitch]]), metadata)));
    return pitch;
  }

  private async compute(audio: string, variant: number, file: string): Promise<void> {
    const samples = await this.rendering(audio, variant);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    noGrad(() => tidy(() => {
      const mel = expertInput(samples, this.model.config.temporalExpert);
      const [temporal] = this.model.expertTokens(this.model.temporal_expert, [mel]);
      const [global] = this.model.expertTokens(this.model.global_expert, [mel]);
      const pitch = (this.model.config.temporalExpert.pitchBins ?? 0) >= PITCH_VIEW_MIN_BINS ? [["pitch", pitchView(mel, this.model.config.temporalExpert)] as const] : [];
      saveSafetensors(file, new Map<string, Tensor>([["temporal", temporal!.to("float16")], ["global", global!.to("float16")], ...pitch]), { seconds: String(mel.size(1) / 100) });
    }));
  }
}
