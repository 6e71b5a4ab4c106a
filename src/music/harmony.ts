// Harmony: one progression per pool (verse, chorus, pre-chorus, bridge) chosen per song and mode, laid over each
// section's bars in the key in force, so every verse has the verse's changes and a modulated chorus keeps its
// progression in the new key.
import type { Key, Mode } from "./score.js";
import type { Rng } from "./rng.js";
import type { BarPlan, ChordSpan } from "./plan.js";
import type { FormSection, HarmonyPool } from "./form.js";
import type { ProgressionPools, StyleDef } from "./styles.js";
import { chordFromRoman, isMinorMode, keyName, tonicRoman } from "./theory.js";

/** A progression as bars, each bar a list of numerals sharing it equally ("-": the previous chord goes on). */
export type Progression = string[][];

export function parseProgression(text: string): Progression {
  return text.trim().split(/\s+/).map((bar) => bar.split(","));
}

/** Each chord `factor` times as long (2: a bar becomes two; 0.5: two one-chord bars share one). */
export function stretch(prog: Progression, factor: number): Progression {
  if (factor === 2) return prog.flatMap((bar) => (bar.length === 1 ? [bar, ["-"]] : [bar]));
  if (factor === 0.5 && prog.length % 2 === 0 && prog.every((bar) => bar.length === 1 && bar[0] !== "-")) {
    const out: Progression = [];
    for (let i = 0; i < prog.length; i += 2) out.push([prog[i]![0]!, prog[i + 1]![0]!]);
    return out;
  }
  return prog;
}

/** Pools a style has no progressions of its own for (a relative-minor bridge in a style written in major). */
const FALLBACK: Record<"major" | "minor", ProgressionPools> = {
  major: { verse: ["I V vi IV", "I IV V I"], chorus: ["IV V I vi"], bridge: ["vi IV V -"] },
  minor: { verse: ["i bVI bIII bVII", "i iv V i"], chorus: ["bVI bVII i -"], bridge: ["iv - V -"] },
};

function poolsFor(style: StyleDef, mode: Mode): ProgressionPools {
  return style.progressions[mode] ?? FALLBACK[isMinorMode(mode) ? "minor" : "major"];
}

/** Chooses progressions lazily, once per (mode, pool), so repeated sections share their changes. */
export class HarmonyChooser {
  private readonly chosen = new Map<string, Progression>();
  constructor(private readonly style: StyleDef, private readonly rng: Rng) {}

  progression(mode: Mode, pool: HarmonyPool): Progression {
    const id = `${mode}:${pool}`;
    const known = this.chosen.get(id);
    if (known) return known;
    const pools = poolsFor(this.style, mode);
    const options = pools[pool] ?? (pool === "pre" ? pools.bridge ?? pools.verse : pool === "bridge" ? pools.chorus : pools.verse);
    // The chorus avoids the verse's progression when it can, so the two sound different.
    const verse = pool === "chorus" ? this.chosen.get(`${mode}:verse`) : undefined;
    const candidates = options.filter((p) => !verse || p !== verse.map((b) => b.join(",")).join(" "));
    const text = this.rng.pick(candidates.length > 0 ? candidates : options);
    let prog = parseProgression(text);
    const factor = this.rng.weighted(this.style.harmonicRhythm);
    if ((factor === 2 && prog.length <= 4) || factor === 0.5) prog = stretch(prog, factor);
    this.chosen.set(id, prog);
    return prog;
  }
}

function sameChord(a: ChordSpan, b: ChordSpan): boolean {
  return a.chord.symbol === b.chord.symbol && a.chord.roman === b.chord.roman && keyName(a.key) === keyName(b.key);
}

/**
 * The chords of one section: its pools share its bars in order, each progression cycling (or, for a turnaround
 * intro or outro, ending on its last bar); consecutive equal chords merge into one span.
 */
export function sectionChords(bars: readonly BarPlan[], form: FormSection, chooser: HarmonyChooser, endOnTonic: boolean): ChordSpan[] {
  const spans: ChordSpan[] = [];
  const pools = form.harmony;
  const per = Math.floor(bars.length / pools.length);
  bars.forEach((bar, i) => {
    const chunk = Math.min(pools.length - 1, Math.floor(i / Math.max(1, per)));
    const inChunk = i - chunk * per;
    const chunkBars = chunk === pools.length - 1 ? bars.length - chunk * per : per;
    const prog = chooser.progression(bar.key.mode, pools[chunk]!);
    const index = form.harmonyTail ? (((prog.length - chunkBars + inChunk) % prog.length) + prog.length) % prog.length : inChunk % prog.length;
    let cells = prog[index]!;
    // Two chords share a bar only where the metre splits in halves; elsewhere the first one holds.
    if (cells.length > 1 && !bar.info.halves) cells = [cells[0]!];
    if (endOnTonic && i === bars.length - 1) cells = [finalTonic(prog, bar.key)];
    const each = bar.beats / cells.length;
    cells.forEach((roman, j) => {
      const start = bar.start + j * each;
      const end = start + each;
      const prev = spans[spans.length - 1];
      if (roman === "-") {
        if (prev) prev.end = end;
        else spans.push({ start, end, chord: chordFromRoman(firstChord(prog), bar.key), key: bar.key });
        return;
      }
      const span: ChordSpan = { start, end, chord: chordFromRoman(roman, bar.key), key: bar.key };
      if (prev && sameChord(prev, span)) prev.end = end;
      else spans.push(span);
    });
  });
  return spans;
}

function firstChord(prog: Progression): string {
  return prog.flat().find((r) => r !== "-") ?? "I";
}

/**
 * The chord a song ends on: the progression's own tonic chord when it has one (Imaj7 in jazz, I7 in blues, i5 in
 * metal), else the plain tonic triad of the mode.
 */
function finalTonic(prog: Progression, key: Key): string {
  const plain = tonicRoman(key.mode);
  const own = prog.flat().find((r) => new RegExp(`^${plain}(?![IViv])`).test(r));
  return own ?? plain;
}
