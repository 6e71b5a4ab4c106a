// Expert features of whole songs, computed once and kept on disk: in stages 1 and 2 the experts are frozen, so
// their tokens for a given rendering never change, and computing them is most of the audio cost. Each song is
// cached in `variants` renderings: variant 0 is the audio as rendered, the others are augmented on the fly
// (EQ, filters, gain, noise, compression) with a seed from the song and the variant, so training hears several
// renderings of the same facts. Files are float16 safetensors named by a hash of (audio file, its size and
// modification time, variant, experts), written atomically.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadAudio } from "../audio/load.js";
import { augment, type AugmentConfig } from "../data/augment.js";
import { noGrad } from "../engine/autograd.js";
import { loadSafetensors, saveSafetensors } from "../engine/safetensors.js";
import { tidy } from "../engine/scope.js";
import type { Tensor } from "../engine/tensor.js";
import { expertInput } from "../model/audio-input.js";
import type { GammaModel } from "../model/gamma.js";
import { expertState } from "../model/rebuild.js";
import { Rng } from "../music/rng.js";

export interface ExpertFeatures {
  /** [1, Nt, dT] and [1, Ng, dG], float32. */
  temporal: Tensor;
  global: Tensor;
  seconds: number;
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
    return { temporal: tensors.get("temporal")!, global: tensors.get("global")!, seconds: Number(metadata.seconds) };
  }

  private async compute(audio: string, variant: number, file: string): Promise<void> {
    let samples = (await loadAudio(audio)).samples;
    if (variant > 0) {
      const seed = crypto.createHash("sha1").update(`${audio}\0${variant}`).digest().readUInt32LE(0);
      samples = (await augment(samples, 16000, { ...this.augmentConfig, probability: 1 }, new Rng(seed))).audio;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    noGrad(() => tidy(() => {
      const mel = expertInput(samples, this.model.config.temporalExpert);
      const [temporal] = this.model.expertTokens(this.model.temporal_expert, [mel]);
      const [global] = this.model.expertTokens(this.model.global_expert, [mel]);
      saveSafetensors(file, new Map([["temporal", temporal!.to("float16")], ["global", global!.to("float16")]]), { seconds: String(mel.size(1) / 100) });
    }));
  }
}
