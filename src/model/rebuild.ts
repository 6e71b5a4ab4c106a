// Changing a model between training stages: loading stage 0's experts into it (with their config when they
// were trained with another one) and giving it summary tokens it was made without, both by rebuilding it with
// the new config and keeping every tensor that still fits (new parts start from their initialisation); and
// joining one model's audio side to another's decoder.
import { loadSafetensors } from "../engine/safetensors.js";
import { noGrad } from "../engine/autograd.js";
import type { Tensor } from "../engine/tensor.js";
import { type GammaConfig, type ProjectorConfig, type TimelineConfig, validateConfig } from "./config.js";
import { GammaModel } from "./gamma.js";

/** Whether a state-dict name belongs to one of the two audio experts. */
export function isExpertTensor(name: string): boolean {
  return name.startsWith("temporal_expert.") || name.startsWith("global_expert.");
}

/** The experts' tensors of a model's state dict. */
export function expertState(model: { stateDict(): Map<string, Tensor> }): Map<string, Tensor> {
  return new Map([...model.stateDict()].filter(([k]) => isExpertTensor(k)));
}

/**
 * Loads the expert tensors in `tensors` (read from `file`) into a model: every one of its expert tensors must
 * be there with its shape, else the error names the file and what is missing.
 */
export function loadExpertTensors(model: { stateDict(): Map<string, Tensor>; loadStateDict(s: Map<string, Tensor>, o: { strict: boolean }): unknown }, tensors: Map<string, Tensor>, file: string): void {
  const own = [...expertState(model).keys()];
  const missing = own.filter((k) => !tensors.has(k));
  if (missing.length) throw new Error(`${file}: not the experts of this model (missing ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", ..." : ""})`);
  try {
    model.loadStateDict(new Map(own.map((k) => [k, tensors.get(k)!])), { strict: false });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message} (were these experts trained with another config?)`, { cause: e });
  }
}

/**
 * The model rebuilt with another config: every tensor `keep` accepts and whose shape still fits is copied,
 * the rest start from their initialisation. The old model is disposed.
 */
export function rebuildModel(model: GammaModel, config: GammaConfig, keep: (name: string) => boolean = () => true): GammaModel {
  const rebuilt = new GammaModel(config);
  const own = rebuilt.stateDict();
  const kept = [...model.stateDict()].filter(([k, t]) => keep(k) && own.has(k) && own.get(k)!.shape.join() === t.shape.join());
  rebuilt.loadStateDict(new Map(kept), { strict: false });
  model.dispose();
  return rebuilt;
}

/**
 * The model with stage 0's experts in it. Experts trained with another expert config (say, with semitone input
 * channels the init model's config lacks) bring their config along (the file's "config" metadata): the model is
 * rebuilt with it, keeping the init model's fusion, projector and LLM.
 */
export function withExperts(initModel: GammaModel, file: string): GammaModel {
  const { tensors, metadata } = loadSafetensors(file);
  let model = initModel;
  try {
    if (metadata.config !== undefined) {
      const trained = validateConfig(JSON.parse(metadata.config), `${file} (its "config" metadata)`);
      const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
      if (!same(trained.temporalExpert, initModel.config.temporalExpert) || !same(trained.globalExpert, initModel.config.globalExpert)) {
        if (trained.temporalExpert.dModel !== initModel.config.temporalExpert.dModel || trained.globalExpert.dModel !== initModel.config.globalExpert.dModel)
          throw new Error(`${file}: these experts are ${trained.temporalExpert.dModel}/${trained.globalExpert.dModel} wide, the init model's fusion expects ${initModel.config.temporalExpert.dModel}/${initModel.config.globalExpert.dModel}`);
        console.error(`experts: ${file} was trained with another expert config (${JSON.stringify(trained.temporalExpert)}); the model takes it`);
        model = rebuildModel(initModel, { ...initModel.config, temporalExpert: trained.temporalExpert, globalExpert: trained.globalExpert }, (k) => !isExpertTensor(k));
      }
    }
    loadExpertTensors(model, tensors, file);
    return model;
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/**
 * The model with the projector's output norm (ProjectorConfig.outputNorm), its gain the RMS of the LLM's input
 * embeddings so audio and words arrive the same size; a model that has it already is returned as it is.
 */
export function withOutputNorm(model: GammaModel): GammaModel {
  if (model.config.projector.outputNorm) return model;
  const rebuilt = rebuildModel(model, { ...model.config, projector: { ...model.config.projector, outputNorm: true } });
  const words = rebuilt.llm.model.embed_tokens.weight;
  const rms = noGrad(() => words.square().mean().sqrt().item());
  noGrad(() => rebuilt.projector.norm!.weight.fill_(rms));
  console.error(`model: the projector's output is normalised to the word embeddings' RMS (${rms.toPrecision(3)})`);
  return rebuilt;
}

/** The model with `count` summary tokens (docs/model.md); a model that has that many already is returned as it is. */
export function withSummaryTokens(model: GammaModel, count: number): GammaModel {
  if ((model.config.projector.summaryTokens ?? 0) === count) return model;
  console.error(`model: ${model.config.projector.summaryTokens ?? 0} -> ${count} summary tokens (the summary layers start fresh)`);
  return withFreshSummaryLayers(model, { summaryTokens: count });
}

/**
 * The model whose summary also reads the clip's pitch view (ProjectorConfig.summaryPitch): the summary layers read
 * a wider input and start fresh; a model that has it already is returned as it is.
 */
export function withSummaryPitch(model: GammaModel): GammaModel {
  if (model.config.projector.summaryPitch) return model;
  if (!model.config.projector.summaryTokens) throw new Error("summaryPitch needs summary tokens (\"summaryTokens\" in the config)");
  console.error("model: the summary reads the clip's pitch view too (the summary layers start fresh)");
  return withFreshSummaryLayers(model, { summaryPitch: true });
}

/**
 * The same model with its summary layers started afresh (every other tensor kept): to refit them from scratch,
 * e.g. on more songs than they were first fitted on, rather than go on from layers that know the first songs.
 */
export function withFreshSummary(model: GammaModel): GammaModel {
  if (!model.config.projector.summaryTokens) throw new Error("freshSummaryLayers needs summary tokens (\"summaryTokens\" in the config)");
  console.error("model: the summary layers start fresh");
  return withFreshSummaryLayers(model, {});
}

/** The model rebuilt with these projector settings, every tensor kept but the summary layers', which start fresh. */
function withFreshSummaryLayers(model: GammaModel, projector: Partial<ProjectorConfig>): GammaModel {
  return rebuildModel(model, { ...model.config, projector: { ...model.config.projector, ...projector } }, (k) => !k.startsWith("projector.summary_"));
}

/**
 * The model whose summary also reads the clip's rhythm (ProjectorConfig.summaryRhythm): the summary layers read
 * a wider input and start fresh; a model that has it already is returned as it is.
 */
export function withSummaryRhythm(model: GammaModel): GammaModel {
  if (model.config.projector.summaryRhythm) return model;
  if (!model.config.projector.summaryTokens) throw new Error("summaryRhythm needs summary tokens (\"summaryTokens\" in the config)");
  console.error("model: the summary reads the clip's rhythm too (the summary layers start fresh)");
  return withFreshSummaryLayers(model, { summaryRhythm: true, summaryRhythmSlots: undefined });
}

/**
 * The model whose summary tokens at `slots` are written by layers of their own that read the clip's rhythm
 * (ProjectorConfig.summaryRhythmSlots), the others from the mean and max alone; every summary layer starts fresh.
 * A model with exactly these slots already is returned as it is.
 */
export function withSummaryRhythmSlots(model: GammaModel, slots: readonly number[]): GammaModel {
  const have = model.config.projector.summaryRhythmSlots ?? [];
  const want = [...slots].sort((a, b) => a - b);
  if (have.length === want.length && [...have].sort((a, b) => a - b).every((s, i) => s === want[i])) return model;
  console.error(`model: summary tokens ${want.join(", ")} read the clip's rhythm through layers of their own, the others its mean and max (the summary layers start fresh)`);
  return withFreshSummaryLayers(model, { summaryRhythm: false, summaryRhythmSlots: want });
}

/**
 * The model with these projector switches (ProjectorConfig.summaryAsWords, summaryOnly): how the LLM hears a
 * clip, no weights change. Switches left undefined stay as the model has them.
 */
export function withAudioView(model: GammaModel, view: Pick<ProjectorConfig, "summaryAsWords" | "summaryOnly">): GammaModel {
  const projector = { ...model.config.projector };
  for (const key of ["summaryAsWords", "summaryOnly"] as const) if (view[key] !== undefined) projector[key] = view[key];
  if (JSON.stringify(projector) === JSON.stringify(model.config.projector)) return model;
  console.error(`model: the LLM hears ${projector.summaryOnly ? "the summary tokens only" : "the time-marked and summary tokens"}${projector.summaryAsWords ? ", the summary as its nearest words" : ""}`);
  return rebuildModel(model, { ...model.config, projector });
}

/**
 * The model whose decoder reads its timeline head's sections as text (TimelineConfig.asText) or not; no
 * weights change. Throws for a model without a timeline head.
 */
export function withTimelineAsText(model: GammaModel, asText: boolean): GammaModel {
  const timeline = model.config.timeline;
  if (!timeline) throw new Error(`${model.config.name} has no timeline head to read as text; fit one with \`gamma train timeline\` first`);
  if ((timeline.asText ?? false) === asText) return model;
  console.error(`model: the LLM ${asText ? "reads" : "no longer reads"} the timeline head's sections as text after the summary`);
  return rebuildModel(model, { ...model.config, timeline: { ...timeline, asText } });
}

/** Whether a state-dict name belongs to the audio side: the experts and the fusion. */
function isAudioSideTensor(name: string): boolean {
  return isExpertTensor(name) || name.startsWith("fusion.");
}

/**
 * A model whose audio side (the two experts and the fusion, with their configs) comes from `audio` and whose
 * language side (the projector and the LLM, with their configs) from `language`: how an audio path trained
 * with one decoder meets a decoder trained since. The projector reads the fusion's tokens, so the two must
 * agree on the fusion's width. Neither input is changed.
 */
export function composeModel(audio: GammaModel, language: GammaModel): GammaModel {
  if (audio.config.fusion.dModel !== language.config.fusion.dModel)
    throw new Error(`the audio side's fusion is ${audio.config.fusion.dModel} wide and the language side's projector reads ${language.config.fusion.dModel}: they cannot be joined`);
  const config = { ...language.config, temporalExpert: audio.config.temporalExpert, globalExpert: audio.config.globalExpert, fusion: audio.config.fusion };
  const composed = new GammaModel(config);
  composed.loadStateDict(new Map([
    ...[...audio.stateDict()].filter(([k]) => isAudioSideTensor(k)),
    ...[...language.stateDict()].filter(([k]) => !isAudioSideTensor(k)),
  ]), { strict: true });
  return composed;
}

/**
 * The model with a timeline head of this config (timeline.ts): fresh unless the model has one of exactly this
 * config already, which is kept. Every other tensor is kept.
 */
export function withTimeline(model: GammaModel, timeline: TimelineConfig): GammaModel {
  if (model.config.timeline && JSON.stringify(model.config.timeline) === JSON.stringify(timeline)) return model;
  console.error(`model: a fresh timeline head (${timeline.nLayers} layers of ${timeline.dModel} over ${timeline.pool}-row means of the ${(timeline.inputs ?? ["tokens"]).join(" and ")})`);
  return rebuildModel(model, { ...model.config, timeline }, (name) => !name.startsWith("timeline."));
}
