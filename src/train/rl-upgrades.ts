// Harder variants of the questions `gamma data rl-select` keeps, each as true to the song as its source:
//   closer-distractors  a time or tempo MCQ gets wrong options nearer the answer: still outside the tolerance the
//                       question states (±1 s, ±2 BPM; src/data/text/options.ts), now with no slack beyond it;
//   finer-tolerance     a time, tempo or count MCQ becomes an open question graded with a finer tolerance than
//                       the options' spacing allowed (a time within 0.5 s, a tempo within 4 %, a count exactly);
//                       an open question gets half its tolerance;
//   composite           two MCQs about one song become one whose options pair their answers: right only when
//                       both parts are right.
// The answer of every variant is its source's answer (or the pair of them), so no variant needs facts its
// source did not already carry. Each variant is a function of (seed, source ids), whatever else is selected.
import { formatTime, parseTime } from "../data/timefmt.js";
import { BPM_TOLERANCE, ladder, TIME_TOLERANCE } from "../data/text/options.js";
import { questionRng } from "../eval/shuffle.js";
import type { Rng } from "../music/rng.js";
import type { RlItem, Upgrade } from "./rl-items.js";

/** The tolerances MCQ texts state for times (seconds) and tempos (BPM). */
const STATED_TOLERANCE = { time: 1, bpm: 2 } as const;
/** Open answers: a time within this many seconds, a tempo within this share of itself. */
const OPEN_TIME_TOLERANCE = 0.5;
const OPEN_TEMPO_TOLERANCE = 0.04;
/** Halving stops here: times are written to a tenth of a second, and a tempo within 1 % is as fine as it gets. */
const FINEST_TIME_TOLERANCE = 0.2;
const FINEST_RELATIVE_TOLERANCE = 0.01;

/** A numeric MCQ: every option is a time (m:ss.s), a tempo ("120 BPM") or a count. */
export interface NumericScale {
  kind: "time" | "bpm" | "count";
  values: number[];
  answer: number;
}

export function numericScale(item: RlItem): NumericScale | undefined {
  if (item.kind !== "mcq" || !item.choices || typeof item.answer !== "string") return undefined;
  const read: Record<NumericScale["kind"], (s: string) => number | undefined> = {
    time: (s) => (/^\d+:\d{2}\.\d$/.test(s) ? parseTime(s) : undefined),
    bpm: (s) => { const m = /^(\d+) BPM$/.exec(s); return m ? Number(m[1]) : undefined; },
    count: (s) => (/^\d+$/.test(s) ? Number(s) : undefined),
  };
  for (const kind of ["time", "bpm", "count"] as const) {
    const values = item.choices.map(read[kind]);
    if (values.every((v) => v !== undefined)) return { kind, values: values as number[], answer: read[kind](item.answer)! };
  }
  return undefined;
}

/** The question without the tolerance note MCQs carry ("When does the chorus start (±1 second)?"). */
export function withoutToleranceNote(question: string): string {
  let q = question;
  for (const note of [...TIME_TOLERANCE, ...BPM_TOLERANCE]) if (note) q = q.replace(note, "");
  return q;
}

function variant(source: RlItem, upgrade: Upgrade, changes: Partial<RlItem>): RlItem {
  const { pass_rate: _measured, ...rest } = source;
  return { ...rest, ...changes, id: `${source.id}~${upgrade === "closer-distractors" ? "closer" : "finer"}`, source_ids: [source.id], upgrade };
}

export function closerDistractors(item: RlItem, rng: Rng, songSeconds: number): RlItem | undefined {
  const scale = numericScale(item);
  if (!scale || scale.kind === "count") return undefined; // counts are one apart already
  const sorted = [...scale.values].sort((x, y) => x - y);
  const gap = Math.min(...sorted.slice(1).map((v, i) => v - sorted[i]!));
  // Twice the stated tolerance: every wrong option is outside the answer's window, and no two windows overlap.
  const least = 2 * STATED_TOLERANCE[scale.kind];
  const step = Math.max(least, scale.kind === "time" ? Math.round(gap * 5) / 10 : Math.round(gap / 2));
  if (step > gap - 0.05) return undefined; // no closer than they are (times are on a 0.1 s grid)
  const [lo, hi] = scale.kind === "time" ? [0, songSeconds] : [30, 300];
  let values: number[] | undefined;
  for (let attempt = 0; attempt < 4 && !values; attempt++) values = ladder(rng, scale.answer, step, lo, hi);
  if (!values) return undefined;
  const choices = values.map((v) => (scale.kind === "time" ? formatTime(v) : `${Math.round(v)} BPM`));
  if (!choices.includes(item.answer as string) || new Set(choices).size !== choices.length) return undefined;
  return variant(item, "closer-distractors", { choices });
}

export function finerTolerance(item: RlItem): RlItem | undefined {
  const scale = numericScale(item);
  const open = (changes: Partial<RlItem>): RlItem => {
    const { choices: _choices, ...rest } = item;
    return variant(rest, "finer-tolerance", { question: withoutToleranceNote(item.question), ...changes });
  };
  if (scale?.kind === "time") return open({ kind: "time", answer: item.answer, tolerance: OPEN_TIME_TOLERANCE, unit: "s" });
  if (scale?.kind === "bpm") return open({ kind: "number", answer: scale.answer, tolerance: OPEN_TEMPO_TOLERANCE, unit: "BPM" });
  if (scale?.kind === "count") return open({ kind: "number", answer: scale.answer, tolerance: 0 });
  const half = (item.tolerance ?? 0) / 2;
  if (item.kind === "time" && half >= FINEST_TIME_TOLERANCE) return variant(item, "finer-tolerance", { tolerance: half });
  if (item.kind === "number" && half >= FINEST_RELATIVE_TOLERANCE) return variant(item, "finer-tolerance", { tolerance: half });
  return undefined;
}

/** One MCQ from two about the same song: options pair an answer to each; one option pairs the right ones. */
export function composite(a: RlItem, b: RlItem, rng: Rng): RlItem {
  const wrong = (q: RlItem) => rng.shuffle(q.choices!.filter((c) => c !== q.answer));
  const [wa, wb] = [wrong(a), wrong(b)];
  const pairs: [string, string][] = [
    [a.answer as string, b.answer as string], [a.answer as string, wb[0]!], [wa[0]!, b.answer as string], [wa[1] ?? wa[0]!, wb[1] ?? wb[0]!],
  ];
  const { pass_rate: _measured, ...rest } = a;
  return {
    ...rest,
    id: `${a.id}+${b.id}`,
    question: `Two questions about this track. First: ${a.question} Second: ${b.question} Each option answers the first question, then the second.`,
    choices: pairs.map(([x, y]) => `first: ${x}; second: ${y}`),
    answer: `first: ${a.answer}; second: ${b.answer}`,
    split: a.split === b.split ? a.split : "mixed",
    category: `${a.category}+${b.category}`,
    source_ids: [a.id, b.id],
    upgrade: "composite",
  };
}

/**
 * The variants of the kept questions the chosen upgrades make. Composites pair MCQs of one song with different
 * categories, each question in at most one pair, partners drawn per song from the seed.
 */
export function upgradeQuestions(kept: readonly RlItem[], o: { upgrades: readonly Upgrade[]; seed: number; songSeconds: (audio: string) => number }): RlItem[] {
  const out: RlItem[] = [];
  for (const item of kept) {
    if (o.upgrades.includes("closer-distractors")) {
      const v = closerDistractors(item, questionRng(o.seed, `${item.id}~closer`), o.songSeconds(item.audio));
      if (v) out.push(v);
    }
    if (o.upgrades.includes("finer-tolerance")) {
      const v = finerTolerance(item);
      if (v) out.push(v);
    }
  }
  if (o.upgrades.includes("composite")) {
    const bySong = new Map<string, RlItem[]>();
    for (const item of kept) if (item.kind === "mcq" && item.choices && !item.upgrade) bySong.set(item.audio, [...(bySong.get(item.audio) ?? []), item]);
    for (const [audio, items] of bySong) {
      const rng = questionRng(o.seed, audio);
      const pool = rng.shuffle(items);
      while (pool.length >= 2) {
        const a = pool.shift()!;
        const partner = pool.findIndex((b) => b.category !== a.category);
        if (partner < 0) continue;
        const [b] = pool.splice(partner, 1);
        out.push(composite(a, b!, questionRng(o.seed, `${a.id}+${b!.id}`)));
      }
    }
  }
  return out;
}
