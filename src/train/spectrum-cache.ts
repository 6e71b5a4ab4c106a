// Spectrum rows (audio-input.ts spectrumRows) of whole songs, computed once and kept on disk beside the expert
// features: a timeline head that reads the spectrum needs them for every song at every epoch, and computing them
// means decoding the audio and its semitone spectrogram (~1.4 s a 2-minute song here). They depend on the audio
// and the experts' input layout alone, not on any weights, so one file serves every model with that layout. Files
// are float16 safetensors under <dir>/spectrum/, named by a hash of (audio file, its size and modification time,
// the input layout), written atomically.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadAudio } from "../audio/load.js";
import { noGrad } from "../engine/autograd.js";
import { loadSafetensors, saveSafetensors } from "../engine/safetensors.js";
import { tidy } from "../engine/scope.js";
import type { Tensor } from "../engine/tensor.js";
import { expertInput, spectrumRowFrames, spectrumRows } from "../model/audio-input.js";
import { NO_AUGMENT } from "../data/augment.js";
import type { AudioExpertConfig } from "../model/config.js";
import type { GammaModel } from "../model/gamma.js";
import type { TimelineAudio } from "../model/timeline.js";
import { disposeFeatures, FeatureCache } from "./feature-cache.js";

export class SpectrumCache {
  hits = 0;
  misses = 0;

  /** `dir`: the feature cache directory; `expert`: the config whose input layout (mel and semitone bands) the rows come from. */
  constructor(readonly dir: string, private readonly expert: AudioExpertConfig) {}

  private file(audio: string): string {
    const st = fs.statSync(audio);
    const layout = `${this.expert.nMels}\0${this.expert.pitchBins ?? 0}\0${spectrumRowFrames(this.expert)}`;
    const key = crypto.createHash("sha1").update(`${path.resolve(audio)}\0${st.size}\0${st.mtimeMs}\0spectrum\0${layout}`).digest("hex");
    return path.join(this.dir, "spectrum", key.slice(0, 2), `${key}.safetensors`);
  }

  /** One song's spectrum rows [1, rows, width], float32, and its length; computed and stored on first use. */
  async get(audio: string): Promise<{ spectrum: Tensor; seconds: number }> {
    const file = this.file(audio);
    if (fs.existsSync(file)) this.hits++;
    else {
      this.misses++;
      const samples = (await loadAudio(audio)).samples;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      noGrad(() => tidy(() => {
        const rows = spectrumRows(expertInput(samples, this.expert), this.expert);
        saveSafetensors(file, new Map([["spectrum", rows.to("float16")]]), { seconds: String(samples.length / 16000) });
      }));
    }
    const { tensors, metadata } = loadSafetensors(file, { dtype: "float32" });
    return { spectrum: tensors.get("spectrum")!, seconds: Number(metadata.seconds) };
  }
}

/**
 * What a model's timeline head reads of a song, from the caches: the expert tokens (the feature cache, variant 0)
 * when it reads tokens, the spectrum rows when it reads the spectrum. The stage and `gamma timeline --data` read
 * songs through it; the feature cache (which fingerprints the experts' weights) is made only for a head that needs it.
 */
export class TimelineAudioCache {
  private readonly features?: FeatureCache;
  private readonly spectra?: SpectrumCache;

  constructor(featureDir: string, model: GammaModel) {
    const head = model.timeline;
    if (!head) throw new Error(`${model.config.name} has no timeline head; fit one with \`gamma train timeline\``);
    if (head.reads("tokens")) this.features = new FeatureCache(featureDir, model, NO_AUGMENT);
    if (head.reads("spectrum")) this.spectra = new SpectrumCache(featureDir, model.config.temporalExpert);
  }

  /** Songs whose features or spectrum rows had to be computed. */
  get misses(): number {
    return (this.features?.misses ?? 0) + (this.spectra?.misses ?? 0);
  }

  /** One song's inputs for GammaModel.timelineOf / timelinePositions, its length, and a dispose() for its tensors. */
  async get(audio: string): Promise<{ audio: TimelineAudio; seconds: number; dispose: () => void }> {
    const f = await this.features?.get(audio, 0);
    const s = await this.spectra?.get(audio);
    return {
      audio: { temporal: f?.temporal, global: f?.global, spectrum: s?.spectrum },
      seconds: f?.seconds ?? s!.seconds,
      dispose: () => { disposeFeatures(f); s?.spectrum.dispose(); },
    };
  }
}
