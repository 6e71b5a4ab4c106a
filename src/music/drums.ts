// Drum grooves (per style and metre), fills at section ends, EDM build-ups, and hand percussion.
//
// A groove is a set of lanes (kick, snare, hat, ...) each with a step pattern: "X" accent, "x" normal hit,
// "o" ghost note, "?" a hit that is played about a third of the time (jazz snare comping), "." nothing.
// `full` lanes replace or add to `lanes` in loud sections (ride instead of hi-hat in a rock chorus).
import type { Note } from "./score.js";
import type { Rng } from "./rng.js";
import { DRUM_KEYS, type DrumLane } from "./instruments.js";
import { METRE_IDS, type MetreId, STEP, metreId, patternForBar } from "./rhythm.js";
import { type SongPlan, baseVelocity, clampVelocity } from "./plan.js";

export type Lanes = Partial<Record<DrumLane, string>>;

export interface Groove {
  lanes: Lanes;
  full?: Lanes;
}

export type FillKind = "rock" | "light" | "jazz" | "roll" | "edm" | "latin" | "metal";

export interface DrumStyle {
  /** Name of the kit instrument ("drum kit", "latin percussion", "marching percussion"). */
  kit: string;
  grooves: Partial<Record<MetreId, Groove[]>>;
  fill: FillKind;
  /** Chance of a fill at the end of a section when the drums go on into the next. */
  fillChance: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Groove library. 4/4 patterns have 16 steps, 3/4 and 6/8 12, 2/4 8, 5/4 20, 7/8 14.

const EIGHTHS = "x.x.x.x.x.x.x.x.";

export const GROOVES = {
  pop: [
    { lanes: { kick: "X.......X.x.....", snare: "....X.......X...", hat: EIGHTHS }, full: { hat: "x.x.x.x.x.x.x.x.", open: "..............x." } },
    { lanes: { kick: "X..x....X.......", snare: "....X.......X...", hat: "xoxoxoxoxoxoxoxo" }, full: { tamb: "....x.......x..." } },
    { lanes: { kick: "X.....x.X.......", snare: "....X.......X...", hat: EIGHTHS, shaker: "xoxoxoxoxoxoxoxo" } },
  ],
  pop68: [{ lanes: { kick: "X.....x.....", snare: "......X.....", hat: "x.x.x.x.x.x." } }],
  rock: [
    { lanes: { kick: "X.......X.X.....", snare: "....X.......X...", hat: EIGHTHS }, full: { hat: "", ride: "X.x.X.x.X.x.X.x." } },
    { lanes: { kick: "X.x.....X.x.x...", snare: "....X.......X...", hat: EIGHTHS }, full: { hat: "", open: "X.x.X.x.X.x.X.x." } },
    { lanes: { kick: "X.......X.......", snare: "....X.......X...", hat: "XxxxXxxxXxxxXxxx" }, full: { hat: "", ride: EIGHTHS, crash: "X..............." } },
  ],
  rock68: [{ lanes: { kick: "X.....X.....", snare: "......X.....", hat: "x.x.x.x.x.x." }, full: { hat: "", ride: "x.x.x.x.x.x." } }],
  metal: [
    { lanes: { kick: "xxxxxxxxxxxxxxxx", snare: "....X.......X...", hat: EIGHTHS }, full: { hat: "", china: "x...x...x...x..." } },
    { lanes: { kick: "X.xxX.xxX.xxX.xx", snare: "....X.......X...", ride: EIGHTHS }, full: { ride: "", crash: "x.......x......." } },
    { lanes: { kick: "X.x.x...X.x.x...", snare: "........X.......", hat: EIGHTHS }, full: { kick: "xxxxxxxxxxxxxxxx", hat: "", crash: "x...x...x...x..." } },
  ],
  punk: [
    { lanes: { kick: "X.X.....X.X.....", snare: "....X.......X...", hat: EIGHTHS }, full: { hat: "", crash: EIGHTHS } },
    { lanes: { kick: "X...X...X...X...", snare: "..X...X...X...X.", hat: EIGHTHS }, full: { hat: "", ride: EIGHTHS } },
  ],
  jazz: [
    { lanes: { ride: "X...x.x.X...x.x.", pedal: "....x.......x...", kick: "o...o...o...o...", snare: "......?.......?." } },
    { lanes: { ride: "X...x.x.X...x.x.", pedal: "....x.......x...", snare: "..?.....?.?....." } },
  ],
  jazz34: [{ lanes: { ride: "X...x.x.x...", pedal: "....x...x...", kick: "o...........", snare: "......?...?." } }],
  jazz54: [{ lanes: { ride: "X...x.x.x...X...x.x.", pedal: "....x.......x.......", kick: "o...........o.......", snare: "..........?.....?..." } }],
  shuffle: [
    { lanes: { kick: "X.......X.......", snare: "....X.......X...", hat: "x.x.x.x.x.x.x.x." }, full: { hat: "", ride: "X.x.X.x.X.x.X.x." } },
    { lanes: { kick: "X.....x.X.....x.", snare: "....X.......X...", ride: "x.x.x.x.x.x.x.x." } },
  ],
  bossa: [
    {
      lanes: {
        kick: "X.....x.X.....x.",
        rim: "x..x..x...x..x.. | ..x..x...x..x...",
        hat: "xoxoxoxoxoxoxoxo",
      },
    },
    { lanes: { kick: "X.....x.X.....x.", rim: "x..x...x..x...x.", shaker: "xoxoxoxoxoxoxoxo" } },
  ],
  funk: [
    { lanes: { kick: "X.x....x..X.....", snare: "....X..o.o..X..o", hat: "XoxoXoxoXoxoXoxo" }, full: { open: "..............x." } },
    { lanes: { kick: "X..x..x...X.x...", snare: "....X.o..o..X.o.", hat: "xxxxxxxxxxxxxxxx" }, full: { open: "......x.......x." } },
  ],
  country: [
    { lanes: { kick: "X.......X.......", snare: "ooooXoooooooXooo" }, full: { hat: EIGHTHS } },
    { lanes: { kick: "X.......X.......", snare: "....X.......X...", hat: EIGHTHS }, full: { ride: EIGHTHS, hat: "" } },
  ],
  country34: [{ lanes: { kick: "X...........", snare: "....x...x...", hat: "x.x.x.x.x.x." } }],
  reggae: [
    { lanes: { kick: "........X.......", rim: "........X.......", hat: EIGHTHS } },
    { lanes: { kick: "X...X...X...X...", rim: "........X.......", hat: "x.xxx.xxx.xxx.xx" } },
  ],
  ska: [
    { lanes: { kick: "X.......X.......", snare: "....X.......X...", open: "..x...x...x...x.", hat: "x...x...x...x..." } },
  ],
  house: [
    { lanes: { kick: "X...X...X...X...", clap: "....X.......X...", open: "..x...x...x...x." }, full: { hat: "x.x.x.x.x.x.x.x." } },
    { lanes: { kick: "X...X...X...X...", clap: "....X.......X...", hat: "xxXxxxXxxxXxxxXx" }, full: { open: "..x...x...x...x.", shaker: "xoxoxoxoxoxoxoxo" } },
  ],
  disco: [
    { lanes: { kick: "X...X...X...X...", snare: "....X.......X...", hat: "x.x.x.x.x.x.x.x.", open: "..x...x...x...x." } },
    { lanes: { kick: "X...X...X...X...", clap: "....X.......X...", hat: "xxxxxxxxxxxxxxxx" }, full: { open: "..x...x...x...x.", tamb: "....x.......x..." } },
  ],
  hiphop: [
    { lanes: { kick: "X......x.xX.....", snare: "....X.......X...", hat: EIGHTHS } },
    { lanes: { kick: "X..x......X..x..", snare: "....X.......X...", hat: "x.xxx.x.x.xxx.x." } },
    { lanes: { kick: "X.......XX....x.", snare: "....X.......X..o", hat: EIGHTHS } },
  ],
  soul: [
    { lanes: { kick: "X......xX.x.....", snare: "....X..o....X...", hat: EIGHTHS }, full: { tamb: "....x.......x..." } },
  ],
  ballad: [
    { lanes: { kick: "X.......X.x.....", rim: "....x.......x...", hat: EIGHTHS }, full: { rim: "", snare: "....X.......X..." } },
    { lanes: { kick: "X.........x.....", rim: "....x.......x...", hat: "x...x...x...x..." }, full: { rim: "", snare: "....X.......X...", ride: EIGHTHS, hat: "" } },
  ],
  ballad68: [{ lanes: { kick: "X.....x.....", rim: "......x.....", hat: "x.x.x.x.x.x." }, full: { rim: "", snare: "......X....." } }],
  folk: [{ lanes: { kick: "X.......X.......", rim: "....x.......x...", shaker: "x.o.x.o.x.o.x.o." }, full: { rim: "", snare: "....x.......x..." } }],
  folk34: [{ lanes: { kick: "X...........", rim: "....x...x...", shaker: "x.o.x.o.x.o." } }],
  folk68: [{ lanes: { kick: "X.....x.....", rim: "......x.....", shaker: "x.o.o.x.o.o." } }],
  waltz: [{ lanes: { kick: "X...........", snare: "....o...o...", hat: "....x...x..." } }],
  march24: [{ lanes: { kick: "X...X...", snare: "x.xxX.x.", crash: "....x..." } }],
  march44: [{ lanes: { kick: "X...X...X...X...", snare: "x.xxX.x.x.xxX.x.", crash: "....x.......x..." } }],
  march68: [{ lanes: { kick: "X.....X.....", snare: "x.xx.xX.x.x.", crash: "......x....." } }],
  latin: [
    {
      lanes: {
        claves: "....X...X....... | X.....X.....X...",
        cowbell: "X...x...X...x...",
        congaMute: "x.x.....x.x.....",
        congaHi: "......XX......XX",
        guiro: "x.xxx.xxx.xxx.xx",
      },
      full: { timbaleHi: "x..x..x...x.x...", cowbell: "X.x.X.x.X.x.X.x." },
    },
  ],
  metal68: [
    { lanes: { kick: "xxxxxxxxxxxx", snare: "......X.....", hat: "x.x.x.x.x.x." }, full: { hat: "", china: "x.....x....." } },
    { lanes: { kick: "X.xX.xX.xX.x", snare: "......X.....", ride: "x.x.x.x.x.x." } },
  ],
  metal34: [{ lanes: { kick: "xxxxxxxxxxxx", snare: "....X...X...", hat: "x.x.x.x.x.x." }, full: { hat: "", crash: "x..........." } }],
  metal78: [{ lanes: { kick: "X.xxX.xxX.x.x.", snare: "....X.......X.", hat: "x.x.x.x.x.x.x." }, full: { hat: "", china: "x...x...x....." } }],
  punk24: [{ lanes: { kick: "X...X...", snare: "..X...X.", hat: "x.x.x.x." }, full: { hat: "", crash: "x.x.x.x." } }],
  ska24: [{ lanes: { kick: "X.......", snare: "....X...", open: "..x...x.", hat: "x...x..." } }],
  country24: [{ lanes: { kick: "X...X...", snare: "oooXoooX" }, full: { hat: "x.x.x.x." } }],
  /** Slow blues in 12/8, written as bars of 6/8: triplets on the hat, backbeat on each bar's second pulse. */
  shuffle68: [{ lanes: { kick: "X.....x.....", snare: "......X.....", hat: "x.x.x.x.x.x." }, full: { hat: "", ride: "x.x.x.x.x.x." } }],
  /** Samba-like 2/4: surdo-style kick on beat two, shaker sixteenths, tamborim-like claves. */
  latin24: [{ lanes: { kick: "x...X...", claves: "X..X..X. | ..X.X...", shaker: "xoxoxoxo", congaMute: "..x...x." } }],
  /** Afro-Cuban 6/8 (bembé): the bell pattern over conga and a low pulse. */
  latin68: [{ lanes: { cowbell: "X.X.XX.X.X.X", congaMute: "x..x..x..x..", congaHi: ".....X.....X", kick: "X.....X....." } }],
  prog78: [
    { lanes: { kick: "X.......X.x...", snare: "....X.......X.", hat: "x.x.x.x.x.x.x." }, full: { hat: "", ride: "x.x.x.x.x.x.x." } },
  ],
  prog54: [
    { lanes: { kick: "X.....x.....X.......", snare: "........X.......X...", hat: "x.x.x.x.x.x.x.x.x.x." }, full: { hat: "", ride: "x.x.x.x.x.x.x.x.x.x." } },
  ],
} satisfies Record<string, Groove[]>;

/** A plain groove for a metre a style has no groove of its own for: kick on group starts, snare on the others. */
export function basicGroove(id: MetreId): Groove {
  switch (id) {
    case "3/4": return { lanes: { kick: "X...........", snare: "....x...x...", hat: "x.x.x.x.x.x." } };
    case "2/4": return { lanes: { kick: "X.......", snare: "....X...", hat: "x.x.x.x." } };
    case "6/8": return GROOVES.rock68[0]!;
    case "5/4": return GROOVES.prog54[0]!;
    case "7/8": return GROOVES.prog78[0]!;
    default: return GROOVES.rock[0]!;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing the drum part

export interface DrumHit {
  beat: number;
  lane: DrumLane;
  /** 0..1 relative to the section's drum velocity. */
  level: number;
  /** The section's drum velocity, filled in when the hit is placed. */
  base?: number;
}

export interface DrumResult {
  notes: Note[];
  /** Fills played, in beats, for "drum-fill" events. */
  fills: { start: number; end: number }[];
}

const LEVEL: Record<string, number> = { X: 1, x: 0.82, o: 0.45, "?": 0.55 };

/** Hits of one bar of a groove's lanes, from `fromStep` to `toStep`. */
function grooveHits(lanes: Lanes, barStart: number, steps: number, barIndex: number, fromStep: number, toStep: number, rng: Rng): DrumHit[] {
  const hits: DrumHit[] = [];
  for (const [lane, pattern] of Object.entries(lanes) as [DrumLane, string][]) {
    const p = patternForBar(pattern, steps, barIndex);
    if (!p) continue;
    for (let s = fromStep; s < toStep; s++) {
      const c = p[s]!;
      if (c === "." || (c === "?" && !rng.chance(0.35))) continue;
      const level = LEVEL[c];
      if (level !== undefined) hits.push({ beat: barStart + s * STEP, lane, level });
    }
  }
  return hits;
}

/** A fill from `start` to `end` (beats), rising in loudness. */
export function fillHits(kind: FillKind, start: number, end: number, rng: Rng): DrumHit[] {
  const hits: DrumHit[] = [];
  const span = end - start;
  const grid = kind === "roll" ? 0.125 : kind === "light" || kind === "jazz" ? 0.5 : 0.25;
  const n = Math.max(1, Math.round(span / grid));
  const toms: DrumLane[] = ["snare", "tomHi", "tomMid", "tomLow", "floor"];
  for (let i = 0; i < n; i++) {
    const beat = start + i * grid;
    const rise = 0.55 + 0.45 * (i / Math.max(1, n - 1));
    let lane: DrumLane;
    switch (kind) {
      case "rock":
      case "metal":
        lane = toms[Math.min(toms.length - 1, Math.floor((i / n) * toms.length))]!;
        if (kind === "metal" && i % 2 === 1) hits.push({ beat, lane: "kick", level: 0.8 });
        break;
      case "jazz":
        lane = rng.pick(["snare", "snare", "tomHi", "floor"] as DrumLane[]);
        break;
      case "latin":
        lane = i % 2 === 0 ? "timbaleHi" : "timbaleLo";
        break;
      case "edm":
        lane = "snare";
        break;
      case "light":
        lane = i % 2 === 0 ? "snare" : "tomMid";
        break;
      default:
        lane = "snare";
    }
    hits.push({ beat, lane, level: kind === "light" ? rise * 0.75 : rise });
  }
  return hits;
}

/** An EDM build-up: snare hits doubling in rate each bar (quarters, eighths, sixteenths, thirty-seconds). */
function buildHits(bars: { start: number; beats: number }[]): DrumHit[] {
  const hits: DrumHit[] = [];
  bars.forEach((bar, i) => {
    const grid = [1, 0.5, 0.25, 0.125][Math.max(0, Math.min(3, i + 4 - bars.length))]!;
    for (let b = 0; b < bar.beats - 1e-9; b += grid) {
      const progress = (i + b / bar.beats) / bars.length;
      hits.push({ beat: bar.start + b, lane: "snare", level: 0.45 + 0.55 * progress });
    }
  });
  return hits;
}

/** The groove a song uses in a metre, picked once per song so every verse sounds like every other. */
export function chooseGrooves(style: DrumStyle, rng: Rng): Map<MetreId, Groove> {
  const chosen = new Map<MetreId, Groove>();
  for (const id of METRE_IDS) {
    const options = style.grooves[id];
    chosen.set(id, options && options.length > 0 ? rng.pick(options) : basicGroove(id));
  }
  return chosen;
}

/** Writes the drum kit's notes for every section where `kit` plays, with fills and build-ups. */
export function writeDrums(song: SongPlan, kit: string, drumStyle: DrumStyle, rng: Rng): DrumResult {
  const grooves = chooseGrooves(drumStyle, rng.fork("grooves"));
  const hits: DrumHit[] = [];
  const fills: { start: number; end: number }[] = [];
  let fillBefore = false;
  for (const section of song.sections) {
    if (!section.active.has(kit)) {
      fillBefore = false;
      continue;
    }
    const next = song.sections[section.index + 1];
    const nextHasDrums = next?.active.has(kit) ?? false;
    const loud = section.energy >= 0.68;
    const buildFrom = section.bars.length - section.buildBars;
    const onlyBuild = section.buildBars > 0 && section.label === "breakdown";
    const base = baseVelocity(section, "drums");
    const place = (h: DrumHit) => {
      h.base = base;
      hits.push(h);
    };
    for (const bar of section.bars) {
      const groove = grooves.get(metreId(bar.metre)) ?? basicGroove("4/4");
      const lanes: Lanes = loud && groove.full ? { ...groove.lanes, ...groove.full } : groove.lanes;
      if (bar.inSection >= buildFrom) continue; // the build-up replaces the groove
      if (onlyBuild) continue;
      const last = bar.inSection === section.bars.length - 1;
      let fillSteps = 0;
      if (last && nextHasDrums && section.buildBars === 0 && rng.chance(drumStyle.fillChance)) {
        const big = next !== undefined && next.energy > section.energy + 0.1;
        const beats = big ? rng.pick([2, bar.beats]) : rng.pick([1, 2]);
        fillSteps = Math.min(bar.info.steps, Math.round(beats / STEP));
      } else if (!last && bar.inSection % 8 === 7 && rng.chance(drumStyle.fillChance * 0.4)) {
        fillSteps = Math.min(bar.info.steps, 4);
      }
      const fillFrom = bar.info.steps - fillSteps;
      for (const h of grooveHits(lanes, bar.start, bar.info.steps, bar.inSection, 0, fillFrom, rng)) place(h);
      if (fillSteps > 0) {
        const start = bar.start + fillFrom * STEP;
        const end = bar.start + bar.beats;
        for (const h of fillHits(drumStyle.fill, start, end, rng)) place(h);
        fills.push({ start, end });
      }
      // A crash marks the first downbeat of a loud section or the landing after a fill.
      if (bar.inSection === 0 && section.index > 0 && (loud || fillBefore) && drumStyle.kit !== "latin percussion") {
        place({ beat: bar.start, lane: "crash", level: 0.9 });
        if (!lanes.kick) place({ beat: bar.start, lane: "kick", level: 0.9 });
      }
      fillBefore = last && fillSteps > 0;
    }
    if (section.buildBars > 0) {
      const buildBars = section.bars.slice(buildFrom);
      for (const h of buildHits(buildBars)) place(h);
    }
  }
  const notes: Note[] = [];
  const seen = new Set<number>();
  for (const h of hits) {
    const pitch = DRUM_KEYS[h.lane];
    const key = Math.round(h.beat * 1000) * 128 + pitch;
    if (seen.has(key)) continue; // a fill and a groove hit on the same drum at once are one stroke
    seen.add(key);
    const velocity = clampVelocity(h.base! * (0.55 + 0.5 * h.level) + rng.normal(0, 3));
    notes.push({ beat: h.beat, duration: STEP, pitch, velocity });
  }
  notes.sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
  return { notes, fills };
}

/** Patterns for hand-percussion tracks, per lane, as one-beat or one-bar cells (any metre). */
const PERCUSSION: Record<string, { lanes: Lanes; compound?: Lanes }> = {
  shaker: { lanes: { shaker: "xoxo" }, compound: { shaker: "x.o.o." } },
  tambourine: { lanes: { tamb: "....x.......x..." }, compound: { tamb: "......x....." } },
  congas: { lanes: { congaMute: "x.......", congaHi: "....x.x.", congaLo: "..x....." }, compound: { congaHi: "x..x..", congaLo: "...x.." } },
  bongos: { lanes: { bongoHi: "x.xx", bongoLo: "..x." }, compound: { bongoHi: "x.x.xx", bongoLo: "..x..." } },
};

/** A hand-percussion track (shaker, tambourine, congas, bongos) in the sections where it plays. */
export function writePercussion(song: SongPlan, name: string, rng: Rng): Note[] {
  const spec = PERCUSSION[name];
  if (!spec) throw new Error(`no percussion patterns for ${name}`);
  const notes: Note[] = [];
  for (const section of song.sections) {
    if (!section.active.has(name)) continue;
    for (const bar of section.bars) {
      const lanes = bar.info.compound && spec.compound ? spec.compound : spec.lanes;
      // Cells that do not divide an odd bar fall back to straight eighths on the lane's first drum.
      let hits = grooveHits(lanes, bar.start, bar.info.steps, bar.inSection, 0, bar.info.steps, rng);
      if (hits.length === 0) {
        const lane = Object.keys(lanes)[0] as DrumLane;
        hits = grooveHits({ [lane]: "x." }, bar.start, bar.info.steps, 0, 0, bar.info.steps, rng);
      }
      for (const h of hits) {
        const velocity = clampVelocity(baseVelocity(section, "percussion") * (0.6 + 0.45 * h.level) + rng.normal(0, 4));
        notes.push({ beat: h.beat, duration: STEP, pitch: DRUM_KEYS[h.lane], velocity });
      }
    }
  }
  return notes.sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
}

export function hasPercussionPatterns(name: string): boolean {
  return name in PERCUSSION;
}

/**
 * Orchestral timpani (a pitched instrument, not the drum channel): the chord root on the downbeats of loud bars,
 * and a rolled tonic swelling into a louder section or the final bar.
 */
export function writeTimpani(song: SongPlan, name: string, rng: Rng): Note[] {
  const notes: Note[] = [];
  const pitchFor = (pc: number) => 40 + ((pc - 4 + 12) % 12); // E2 .. D#3, the drums' usual compass
  for (const section of song.sections) {
    if (!section.active.has(name)) continue;
    const next = song.sections[section.index + 1];
    const vel = baseVelocity(section, "percussion") + 12;
    for (const bar of section.bars) {
      const chord = section.chords.find((c) => bar.start >= c.start - 1e-9 && bar.start < c.end - 1e-9) ?? section.chords[0]!;
      const lastBar = bar.inSection === section.bars.length - 1;
      const swell = lastBar && (!next || next.energy > section.energy + 0.1);
      if (swell) {
        const tonic = pitchFor(chord.chord.rootPc);
        const from = bar.start + bar.beats / 2;
        for (let b = from; b < bar.start + bar.beats - 1e-9; b += 0.125) {
          const progress = (b - from) / (bar.beats / 2);
          notes.push({ beat: b, duration: 0.125, pitch: tonic, velocity: clampVelocity(vel * (0.5 + 0.5 * progress)) });
        }
      } else if (section.energy >= 0.55 && bar.inSection % 2 === 0) {
        notes.push({ beat: bar.start, duration: 1, pitch: pitchFor(chord.chord.rootPc), velocity: clampVelocity(vel + rng.normal(0, 4)) });
      }
    }
  }
  return notes;
}
