// Arrangement: which instruments a song has, how loud each section is, and who plays where. Textures build the way
// they do in records: a thin first verse, the full band in the chorus, strings or a counter-line saved for later
// choruses, drums that enter at the first verse (or chorus, in ballads), solos given to the style's soloists.
import type { InstrumentRole, SectionLabel } from "./score.js";
import type { Rng } from "./rng.js";
import { catalogue } from "./instruments.js";
import type { SectionPlan, TrackPlan } from "./plan.js";
import type { CompOption, StyleDef } from "./styles.js";

/** Picks the song's instruments, one per role option, every name unique. */
export function chooseTracks(style: StyleDef, rng: Rng): TrackPlan[] {
  const used = new Set<string>();
  const tracks: TrackPlan[] = [];
  const take = (options: readonly string[], role: InstrumentRole, comp?: CompOption): boolean => {
    const free = rng.shuffle(options).filter((n) => !used.has(n));
    if (free.length === 0) return false;
    const name = free[0]!;
    used.add(name);
    tracks.push({ name, role, entry: catalogue(name), comp, notes: [] });
    return true;
  };
  take(style.lead, "lead");
  const count = rng.int(style.compingCount[0], style.compingCount[1]);
  let added = 0;
  // The first comping option is the style's signature (guitar strum, montuno, skank); others are extras.
  const options = [style.comping[0]!, ...rng.shuffle(style.comping.slice(1))];
  for (const option of options) {
    if (added >= count) break;
    if (take(option.instruments, "comping", option)) added++;
  }
  if (style.pad && rng.chance(style.pad.chance)) take(style.pad.instruments, "pad", style.pad);
  if (style.counter && rng.chance(style.counter.chance)) take(style.counter.instruments, "counter");
  if (!rng.chance(style.bass.none ?? 0)) take(style.bass.instruments, "bass");
  if (style.drums && rng.chance(style.drums.chance)) take([style.drums.kit], "drums");
  if (style.percussion && rng.chance(style.percussion.chance)) take(style.percussion.instruments, "percussion");
  return tracks;
}

const BASE_ENERGY: Record<SectionLabel, number> = {
  intro: 0.35, verse: 0.5, "pre-chorus": 0.62, chorus: 0.82, bridge: 0.55, solo: 0.75, breakdown: 0.28, drop: 1, interlude: 0.45, outro: 0.42,
};

/** Energy 0..1 of each section: by label, rising a little with each return, squeezed into the style's range. */
export function sectionEnergy(label: SectionLabel, occurrence: number, isLastChorus: boolean, style: StyleDef, rng: Rng): number {
  let e = BASE_ENERGY[label] + (label === "verse" || label === "chorus" ? 0.04 * (occurrence - 1) : 0) + (isLastChorus ? 0.06 : 0);
  e = Math.max(0, Math.min(1, e + rng.normal(0, 0.03)));
  const [lo, hi] = style.energy;
  return lo + (hi - lo) * e;
}

type IntroKind = "full" | "rhythm" | "comping" | "comping+lead" | "drums";

/** Who plays in each section; sets `active` and `soloist` on the sections. */
export function arrange(style: StyleDef, sections: SectionPlan[], tracks: TrackPlan[], rng: Rng): void {
  const byRole = (role: InstrumentRole) => tracks.filter((t) => t.role === role);
  const lead = byRole("lead")[0]!;
  const comping = byRole("comping");
  const drums = byRole("drums")[0];
  const edm = style.form === "edm";
  const introKind: IntroKind = edm ? "drums" : rng.weighted<IntroKind>([
    ["full", 0.3], ["rhythm", drums ? 0.15 : 0], ["comping", 0.3], ["comping+lead", 0.2], ["drums", drums && style.drums!.enter.includes("intro") ? 0.05 : 0],
  ]);
  // Where the drums come in: the intro, the first verse, or (ballads) the first chorus.
  const enterAt = drums ? rng.pick(style.drums!.enter) : "intro";
  const enterIndex = enterAt === "intro" && (introKind === "full" || introKind === "rhythm" || introKind === "drums") ? 0
    : Math.max(1, sections.findIndex((s) => s.label === (enterAt === "chorus" ? "chorus" : "verse") || s.label === "drop"));
  const soloCandidates = tracks.filter((t) => (t.role === "lead" || t.role === "comping" || t.role === "counter") && style.soloFamilies.includes(t.entry.family) && !t.comp?.pad);
  soloCandidates.sort((a, b) => style.soloFamilies.indexOf(a.entry.family) - style.soloFamilies.indexOf(b.entry.family) || (a.role === "lead" ? -1 : b.role === "lead" ? 1 : 0));
  let solos = 0;

  for (const s of sections) {
    const later = s.occurrence > 1;
    const on = new Set<string>();
    const add = (t: TrackPlan | undefined, yes: boolean) => {
      if (t && yes) on.add(t.name);
    };
    if (s.label === "solo") {
      const soloist = soloCandidates.length > 0 ? soloCandidates[solos % soloCandidates.length]! : lead;
      s.soloist = soloist.name;
      on.add(soloist.name);
      solos++;
    }
    switch (s.label) {
      case "intro":
        add(lead, introKind === "comping+lead" || (introKind === "full" && rng.chance(0.4)));
        comping.forEach((t, i) => add(t, introKind !== "rhythm" && introKind !== "drums" && (i === 0 || introKind === "full")));
        add(byRole("bass")[0], introKind === "full" || introKind === "rhythm");
        add(byRole("pad")[0], introKind === "full" || (edm && rng.chance(0.5)));
        break;
      case "outro":
        add(lead, rng.chance(0.4));
        comping.forEach((t) => add(t, true));
        add(byRole("bass")[0], true);
        add(byRole("pad")[0], rng.chance(0.6));
        add(byRole("counter")[0], rng.chance(0.3));
        break;
      case "breakdown":
        add(lead, edm ? rng.chance(0.5) : rng.chance(0.3));
        add(comping[0], !edm || rng.chance(0.4));
        add(byRole("pad")[0], true);
        add(byRole("bass")[0], !edm);
        break;
      default: {
        const big = s.label === "chorus" || s.label === "drop" || s.label === "solo";
        add(lead, s.label !== "solo" && (s.label !== "interlude" || rng.chance(0.3)));
        comping.forEach((t, i) => add(t, i === 0 || big || later || s.label === "bridge"));
        add(byRole("bass")[0], true);
        add(byRole("pad")[0], big || s.label === "bridge" || (later && rng.chance(0.5)) || style.form === "ambient");
        add(byRole("counter")[0], big || (s.label === "bridge" && rng.chance(0.5)) || (later && rng.chance(0.25)));
        add(byRole("percussion")[0], big || later || s.label === "bridge");
      }
    }
    if (s.label === "intro" || s.label === "outro") add(byRole("percussion")[0], s.label === "outro" && rng.chance(0.5));
    // Drums: from their entry on, except in breakdowns (EDM keeps them only for the build-up) and some outros.
    const drumsHere = s.index >= enterIndex && (s.label !== "breakdown" || (edm ? s.buildBars > 0 : rng.chance(0.5))) && (s.label !== "outro" || rng.chance(0.8));
    add(drums, drumsHere || (s.index === 0 && introKind === "drums"));
    if (s.soloist) on.add(s.soloist);
    // A section with nothing pitched would be silence with a label: keep the first comping part.
    if (![...on].some((n) => n !== drums?.name)) on.add((comping[0] ?? lead).name);
    s.active = on;
  }
}
