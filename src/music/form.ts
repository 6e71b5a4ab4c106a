// Song forms: which sections a song has, how many bars each, and where the key, metre and tempo move. Each style
// family has a full-length form made of blocks (a verse-pre-chorus-chorus round, a bridge, a solo); blocks are
// kept by priority until the bar budget that the target duration and tempo allow is spent, so a 40-second clip
// is intro-verse-chorus-outro and a three-minute song gets its second verse, bridge and last chorus.
import type { SectionLabel } from "./score.js";
import type { Rng } from "./rng.js";
import { type MetreId, barBeats, metreOf } from "./rhythm.js";
import type { FormKind, StyleDef } from "./styles.js";

/** How the key moves at a section: persistent moves hold until the next; "relative" holds for that section only. */
export type KeyMove = "home" | "up-half" | "up-whole" | "relative" | "subdominant";

/** Which progression pool a stretch of a section draws from. */
export type HarmonyPool = "verse" | "chorus" | "pre" | "bridge";

export interface FormSection {
  label: SectionLabel;
  bars: number;
  /** Metre of this section when it differs from the song's. */
  metre?: MetreId;
  /** A bar in another metre appended at the end (the 2/4 bar before a chorus). */
  tailBar?: MetreId;
  key?: KeyMove;
  /** Tempo relative to the song's main tempo (1 = main). */
  tempoFactor?: number;
  /** Progression pools in order, sharing the bars equally (a jazz solo chorus: verse, verse, bridge, verse). */
  harmony: HarmonyPool[];
  /** Play only the last bars of the progression (a turnaround intro). */
  harmonyTail?: boolean;
  /** Bars of EDM build-up at the end. */
  build?: number;
  /** Slow down over the last bars (outro). */
  ritardando?: boolean;
}

interface Block {
  sections: FormSection[];
  /** Higher is kept first; Infinity is always kept. */
  priority: number;
}

function s(label: SectionLabel, bars: number, harmony: HarmonyPool | HarmonyPool[], extra: Partial<FormSection> = {}): FormSection {
  return { label, bars, harmony: Array.isArray(harmony) ? harmony : [harmony], ...extra };
}

const ALWAYS = Infinity;

/** Bars of one section in beats (with its tail bar). */
function sectionBeats(sec: FormSection, songMetre: MetreId): number {
  const main = barBeats(metreOf(sec.metre ?? songMetre)) * sec.bars;
  return sec.tailBar ? main - barBeats(metreOf(sec.metre ?? songMetre)) + barBeats(metreOf(sec.tailBar)) : main;
}

export function formBeats(form: readonly FormSection[], songMetre: MetreId): number {
  return form.reduce((sum, sec) => sum + sectionBeats(sec, songMetre), 0);
}

/**
 * Keeps the blocks whose inclusion brings the total nearer the target, in priority order, then returns the
 * kept sections in song order.
 */
function fitBlocks(blocks: Block[], targetBeats: number, songMetre: MetreId): FormSection[] {
  const beatsOf = (b: Block) => formBeats(b.sections, songMetre);
  const kept = new Set<Block>(blocks.filter((b) => b.priority === ALWAYS));
  let total = [...kept].reduce((sum, b) => sum + beatsOf(b), 0);
  const optional = blocks.filter((b) => b.priority !== ALWAYS).sort((a, b) => b.priority - a.priority);
  for (const b of optional) {
    const with_ = total + beatsOf(b);
    if (Math.abs(with_ - targetBeats) < Math.abs(total - targetBeats)) {
      kept.add(b);
      total = with_;
    }
  }
  return blocks.filter((b) => kept.has(b)).flatMap((b) => b.sections.map((sec) => ({ ...sec })));
}

/** Halves the longest sections (16 to 8, 8 to 4) while the form is well over budget. */
function shrink(form: FormSection[], targetBeats: number, songMetre: MetreId): void {
  for (let guard = 0; guard < 40 && formBeats(form, songMetre) > targetBeats * 1.2; guard++) {
    // Twelve-bar blues and 32-bar jazz choruses are whole forms: the blocks drop them whole instead.
    const candidates = form.filter((sec) => sec.bars > 4 && sec.bars % 8 === 0 && sec.harmony.length === 1);
    if (candidates.length === 0) break;
    const longest = candidates.reduce((a, b) => (b.bars > a.bars ? b : a));
    longest.bars /= 2;
    if (longest.build) longest.build = Math.min(longest.build, longest.bars / 2);
  }
  // Very short clips: intros and outros shrink to two bars, then the least essential sections go.
  for (const sec of form) {
    if (formBeats(form, songMetre) <= targetBeats * 1.2) return;
    if ((sec.label === "intro" || sec.label === "outro") && sec.bars > 2) sec.bars = 2;
  }
  const dropOrder: SectionLabel[] = ["pre-chorus", "interlude", "bridge", "solo", "intro", "outro"];
  for (const label of dropOrder) {
    while (formBeats(form, songMetre) > targetBeats * 1.2 && form.length > 2) {
      const i = form.map((sec) => sec.label).lastIndexOf(label);
      if (i < 0) break;
      form.splice(i, 1);
    }
  }
}

/**
 * Lengthens a form that is well under budget the way long songs are long: first every verse (chorus, solo, ...)
 * doubles from 8 to 16 bars, then the song gets another verse-to-chorus round (or another solo chorus) before
 * its ending, and only then one more last chorus.
 */
function grow(form: FormSection[], targetBeats: number, songMetre: MetreId): void {
  const short = () => formBeats(form, songMetre) < targetBeats * 0.85;
  const fits = (extra: number) => formBeats(form, songMetre) + extra <= targetBeats * 1.1;
  for (const label of ["verse", "chorus", "solo", "drop", "bridge"] as SectionLabel[]) {
    if (!short()) return;
    const group = form.filter((sec) => sec.label === label && sec.bars === 8 && sec.harmony.length === 1);
    if (group.length === 0 || group.length !== form.filter((sec) => sec.label === label).length) continue;
    if (fits(formBeats(group, songMetre))) for (const sec of group) sec.bars = 16;
  }
  // Another round: the first verse through the first chorus (or the first solo), before the final section(s).
  const firstVerse = form.findIndex((sec) => sec.label === "verse");
  const firstChorus = form.findIndex((sec, i) => i > firstVerse && (sec.label === "chorus" || sec.label === "drop"));
  const firstSolo = form.findIndex((sec) => sec.label === "solo");
  const round = firstVerse >= 0 && firstChorus > firstVerse ? form.slice(firstVerse, firstChorus + 1) : firstSolo >= 0 ? [form[firstSolo]!] : [];
  for (let n = 0; n < 3 && round.length > 0 && short() && fits(formBeats(round, songMetre) * 0.5); n++) {
    const at = Math.max(1, form.length - 2);
    form.splice(at, 0, ...round.map((sec) => ({ ...sec, key: undefined, tempoFactor: undefined, tailBar: undefined })));
  }
  for (let n = 0; n < 2 && short(); n++) {
    let i = form.length - 1;
    while (i >= 0 && !["chorus", "drop", "solo", "verse"].includes(form[i]!.label)) i--;
    if (i < 0) return;
    form.splice(i + 1, 0, { ...form[i]!, key: undefined, tempoFactor: undefined });
  }
}

export interface FormContext {
  style: StyleDef;
  metre: MetreId;
  bpm: number;
  targetSeconds: number;
}

/** Section length in bars for the style's tempo: fast songs have longer sections. */
function unitBars(ctx: FormContext, rng: Rng): number {
  const barsPerMinute = ctx.bpm / barBeats(metreOf(ctx.metre));
  const targetBars = (ctx.targetSeconds / 60) * barsPerMinute;
  if (targetBars < 36) return 8;
  if (barsPerMinute > 44) return rng.chance(0.7) ? 16 : 8;
  return rng.chance(0.2) ? 16 : 8;
}

function songBlocks(ctx: FormContext, rng: Rng): Block[] {
  const f = ctx.style.features;
  const unit = unitBars(ctx, rng);
  const verse = unit;
  const chorus = rng.chance(0.7) ? unit : Math.max(8, unit / 2);
  const pre = rng.chance(ctx.style.id === "pop" || ctx.style.id === "ballad" ? 0.55 : 0.25) ? rng.pick([4, 8]) : 0;
  const intro = rng.pick([2, 4, 4, 8]);
  const outro = rng.pick([2, 4, 4, 8]);
  const round = (): FormSection[] => [
    s("verse", verse, "verse"),
    ...(pre ? [s("pre-chorus", pre, "pre")] : []),
    s("chorus", chorus, "chorus"),
  ];
  const middleLabel: SectionLabel = ctx.style.soloFamilies.length > 0 && rng.chance(0.45) ? "solo" : rng.weighted([["bridge", 0.7], ["breakdown", 0.15], ["interlude", 0.15]] as [SectionLabel, number][]);
  const middle = s(middleLabel, middleLabel === "breakdown" || middleLabel === "interlude" ? rng.pick([4, 8]) : 8, middleLabel === "solo" ? "chorus" : "bridge");
  if (middle.label === "bridge" && rng.chance(f.relativeBridge)) middle.key = "relative";
  const last = s("chorus", chorus, "chorus");
  if (rng.chance(f.keyChangeUp)) last.key = rng.chance(0.5) ? "up-half" : "up-whole";
  return [
    { sections: [s("intro", intro, rng.chance(0.5) ? "verse" : "chorus")], priority: ALWAYS },
    { sections: round(), priority: ALWAYS },
    { sections: round(), priority: 8 },
    { sections: [middle], priority: 6 },
    { sections: [last], priority: 7 },
    { sections: [s("solo", 8, "chorus")], priority: ctx.style.soloFamilies.length > 0 ? 2 : -1 },
    { sections: [s("chorus", chorus, "chorus")], priority: 3 },
    { sections: [s("outro", outro, "chorus", { ritardando: rng.chance(f.ritardando) })], priority: ALWAYS },
  ].filter((b) => b.priority >= 0);
}

function bluesBlocks(ctx: FormContext, rng: Rng): Block[] {
  return [
    { sections: [s("intro", rng.pick([2, 4]), "verse", { harmonyTail: true })], priority: ALWAYS },
    { sections: [s("verse", 12, "verse")], priority: ALWAYS },
    { sections: [s("verse", 12, "verse")], priority: 8 },
    { sections: [s("solo", 12, "verse")], priority: 7 },
    { sections: [s("solo", 12, "verse")], priority: 3 },
    { sections: [s("verse", 12, "verse")], priority: 6 },
    { sections: [s("solo", 12, "verse")], priority: 1 },
    { sections: [s("outro", rng.pick([2, 4]), "verse", { harmonyTail: true, ritardando: rng.chance(ctx.style.features.ritardando) })], priority: ALWAYS },
  ];
}

function jazzBlocks(ctx: FormContext, rng: Rng): Block[] {
  const aaba: HarmonyPool[] = ["verse", "verse", "bridge", "verse"];
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse", { harmonyTail: true })], priority: ALWAYS },
    { sections: [s("verse", 8, "verse"), s("verse", 8, "verse")], priority: ALWAYS },
    { sections: [s("bridge", 8, "bridge"), s("verse", 8, "verse")], priority: 9 },
    { sections: [s("solo", 32, aaba)], priority: 7 },
    { sections: [s("solo", 32, aaba)], priority: 4 },
    { sections: [s("solo", 16, ["bridge", "verse"])], priority: 5 },
    { sections: [s("bridge", 8, "bridge")], priority: 6 },
    { sections: [s("verse", 8, "verse")], priority: ALWAYS },
    { sections: [s("outro", 4, "verse", { harmonyTail: true, ritardando: rng.chance(ctx.style.features.ritardando) })], priority: ALWAYS },
  ];
}

function edmBlocks(ctx: FormContext, rng: Rng): Block[] {
  const long = unitBars(ctx, rng) === 16 || ctx.targetSeconds > 100;
  const u = long ? 16 : 8;
  const buildBars = rng.pick([2, 4, 4]);
  return [
    { sections: [s("intro", rng.pick([8, u]), "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse")], priority: ALWAYS },
    { sections: [s("breakdown", 8, "bridge", { build: buildBars }), s("drop", u, "chorus")], priority: ALWAYS },
    { sections: [s("verse", 8, "verse")], priority: 5 },
    { sections: [s("breakdown", 8, "bridge", { build: buildBars }), s("drop", u, "chorus")], priority: 7 },
    { sections: [s("outro", rng.pick([8, u]), "verse")], priority: ALWAYS },
  ];
}

function hiphopBlocks(ctx: FormContext, rng: Rng): Block[] {
  const verse = unitBars(ctx, rng) === 8 && ctx.targetSeconds < 80 ? 8 : 16;
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
    { sections: [s("verse", verse, "verse"), s("chorus", 8, "chorus")], priority: ALWAYS },
    { sections: [s("verse", verse, "verse"), s("chorus", 8, "chorus")], priority: 8 },
    { sections: [s("bridge", 8, "bridge")], priority: 3 },
    { sections: [s("verse", verse, "verse"), s("chorus", 8, "chorus")], priority: 4 },
    { sections: [s("outro", rng.pick([4, 8]), "chorus")], priority: ALWAYS },
  ];
}

function orchestralBlocks(ctx: FormContext, rng: Rng): Block[] {
  const u = unitBars(ctx, rng);
  const development = s("bridge", u, "bridge");
  if (rng.chance(ctx.style.features.relativeBridge)) development.key = "relative";
  return [
    { sections: [s("intro", rng.pick([2, 4]), "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse"), s("chorus", 8, "chorus")], priority: ALWAYS },
    { sections: [development], priority: 7 },
    { sections: [s("verse", 8, "verse")], priority: 8 },
    { sections: [s("interlude", 4, "bridge")], priority: 2 },
    { sections: [s("chorus", u, "chorus")], priority: 8 },
    { sections: [s("outro", 4, "chorus", { ritardando: rng.chance(ctx.style.features.ritardando) })], priority: ALWAYS },
  ];
}

function ambientBlocks(ctx: FormContext, rng: Rng): Block[] {
  const u = unitBars(ctx, rng);
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse")], priority: ALWAYS },
    { sections: [s("interlude", 8, "chorus")], priority: 6 },
    { sections: [s("bridge", 8, "bridge")], priority: 5 },
    { sections: [s("verse", 8, "verse")], priority: 7 },
    { sections: [s("outro", rng.pick([4, 8]), "chorus")], priority: ALWAYS },
  ];
}

function waltzBlocks(ctx: FormContext, rng: Rng): Block[] {
  const u = unitBars(ctx, rng);
  const bridge = s("bridge", u, "bridge");
  if (rng.chance(ctx.style.features.relativeBridge)) bridge.key = "relative";
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse"), s("chorus", u, "chorus")], priority: ALWAYS },
    { sections: [s("verse", u, "verse")], priority: 7 },
    { sections: [bridge], priority: 5 },
    { sections: [s("chorus", u, "chorus")], priority: 8 },
    { sections: [s("outro", rng.pick([4, 8]), "chorus", { ritardando: rng.chance(ctx.style.features.ritardando) })], priority: ALWAYS },
  ];
}

/** Military march: intro, first strain, second strain, trio in the subdominant, breakstrain, trio again. */
function marchBlocks(ctx: FormContext, rng: Rng): Block[] {
  const u = ctx.metre === "2/4" ? 16 : 8;
  return [
    { sections: [s("intro", 4, "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse")], priority: 3 },
    { sections: [s("chorus", u, "chorus")], priority: 8 },
    { sections: [s("bridge", u, "verse", { key: "subdominant" })], priority: ALWAYS },
    { sections: [s("breakdown", u / 2, "bridge"), s("bridge", u, "verse")], priority: 5 },
    { sections: [s("outro", rng.pick([2, 4]), "verse")], priority: ALWAYS },
  ];
}

function vampBlocks(ctx: FormContext, rng: Rng): Block[] {
  const u = unitBars(ctx, rng);
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse"), s("chorus", 8, "chorus")], priority: ALWAYS },
    { sections: [s("verse", u, "verse"), s("chorus", 8, "chorus")], priority: 8 },
    { sections: [s("breakdown", rng.pick([4, 8]), "verse")], priority: 5 },
    { sections: [s("solo", u, "verse")], priority: 6 },
    { sections: [s("chorus", 8, "chorus")], priority: 7 },
    { sections: [s("outro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
  ];
}

function latinBlocks(ctx: FormContext, rng: Rng): Block[] {
  const u = unitBars(ctx, rng);
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
    { sections: [s("verse", u, "verse"), s("chorus", u, "chorus")], priority: ALWAYS },
    { sections: [s("solo", u, "chorus")], priority: 7 },
    { sections: [s("chorus", 8, "chorus")], priority: 8 },
    { sections: [s("breakdown", 8, "bridge")], priority: 4 },
    { sections: [s("chorus", 8, "chorus")], priority: 3 },
    { sections: [s("outro", 4, "chorus")], priority: ALWAYS },
  ];
}

/**
 * Progressive rock: verses in the odd metre, choruses in another, an interlude in a third; or, in songs that do
 * not move (the style's metreChange is the share that do), the whole song in its one odd metre.
 */
function progBlocks(ctx: FormContext, rng: Rng): Block[] {
  const odd: MetreId[] = ["7/8", "5/4"];
  const verseMetre = ctx.metre;
  const chorusMetre: MetreId = verseMetre === "4/4" ? rng.pick(odd) : rng.chance(0.6) ? "4/4" : verseMetre;
  const others = (["4/4", "7/8", "5/4"] as MetreId[]).filter((m) => m !== chorusMetre && m !== verseMetre);
  const interludeMetre: MetreId = others.length > 0 ? rng.pick(others) : verseMetre;
  const moves = rng.fork("metre-moves").chance(ctx.style.features.metreChange);
  const metre = (m: MetreId) => (m === ctx.metre || !moves ? {} : { metre: m });
  return [
    { sections: [s("intro", rng.pick([4, 8]), "verse")], priority: ALWAYS },
    { sections: [s("verse", 8, "verse"), s("chorus", 8, "chorus", metre(chorusMetre))], priority: ALWAYS },
    { sections: [s("interlude", 8, "bridge", metre(interludeMetre))], priority: 7 },
    { sections: [s("solo", rng.pick([8, 16]), "verse", metre(interludeMetre))], priority: 6 },
    { sections: [s("verse", 8, "verse"), s("chorus", 8, "chorus", metre(chorusMetre))], priority: 8 },
    { sections: [s("outro", 4, "verse", { ritardando: rng.chance(ctx.style.features.ritardando) })], priority: ALWAYS },
  ];
}

const BUILDERS: Record<FormKind, (ctx: FormContext, rng: Rng) => Block[]> = {
  song: songBlocks, blues: bluesBlocks, jazz: jazzBlocks, edm: edmBlocks, hiphop: hiphopBlocks, orchestral: orchestralBlocks,
  ambient: ambientBlocks, waltz: waltzBlocks, march: marchBlocks, vamp: vampBlocks, latin: latinBlocks, prog: progBlocks,
};

/** Occasional metre changes in styles that are not built on them: a bridge in another metre, or a 2/4 bar. */
function addMetreChange(form: FormSection[], ctx: FormContext, rng: Rng): void {
  if (ctx.style.form === "prog" || !rng.chance(ctx.style.features.metreChange)) return;
  const bridge = form.find((sec) => sec.label === "bridge" || sec.label === "interlude");
  if (bridge && rng.chance(0.5)) {
    bridge.metre = ctx.metre === "3/4" || ctx.metre === "6/8" ? "4/4" : rng.pick(["3/4", "6/8"] as MetreId[]);
    return;
  }
  if (ctx.metre !== "4/4") return;
  // The extra 2/4 bar that delays a chorus: end of the section before the first chorus.
  const i = form.findIndex((sec) => sec.label === "chorus");
  if (i > 0) form[i - 1]!.tailBar = "2/4";
}

/** Occasional tempo changes: a slower intro, a slower bridge, or a lift in the last section before the outro. */
function addTempoChange(form: FormSection[], ctx: FormContext, rng: Rng): void {
  if (!rng.chance(ctx.style.features.tempoChange) || form.length < 4) return;
  const kind = rng.pick(["intro", "bridge", "lift"] as const);
  if (kind === "intro") form[0]!.tempoFactor = rng.pick([0.75, 0.8, 0.85]);
  else if (kind === "bridge") {
    const b = form.find((sec) => sec.label === "bridge" || sec.label === "interlude" || sec.label === "solo");
    if (b) b.tempoFactor = rng.pick([0.8, 0.85, 1.15]);
  } else {
    for (let i = form.length - 2; i < form.length; i++) form[i]!.tempoFactor = rng.pick([1.06, 1.1]);
  }
}

/** The song's form for a target duration at a tempo, with key, metre and tempo moves placed. */
export function planForm(ctx: FormContext, rng: Rng): FormSection[] {
  const targetBeats = (ctx.targetSeconds * ctx.bpm) / 60;
  const form = fitBlocks(BUILDERS[ctx.style.form](ctx, rng), targetBeats, ctx.metre);
  shrink(form, targetBeats, ctx.metre);
  grow(form, targetBeats, ctx.metre);
  addMetreChange(form, ctx, rng);
  addTempoChange(form, ctx, rng);
  return form;
}
