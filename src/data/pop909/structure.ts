// Bars, metre and sections from POP909's beat file and human phrase labels.
//
// beat_midi.txt has one row per quarter-note beat with two flag columns. In duple songs the third column marks
// every bar's downbeat and the second every half bar; in the 29 triple-metre songs the third column marks every
// other bar (six beats) and the second marks the bars (three beats) — the human labels count those three-beat
// bars (as they count half bars in one very slow song, 746). So the bar level is the flag level whose bar count
// fits the human labels, and the metre follows from how many beats each bar holds.
import type { MetreChange, ScoreSection, SectionLabel } from "../../music/score.js";
import type { BeatRow, Phrase } from "./files.js";

export interface BarGrid {
  /** Row index (= beat index) in beat_midi.txt where each bar starts, from the first flagged downbeat on. */
  rows: number[];
  /** Which flags mark the bars: the downbeat column, or the downbeat and beat columns together. */
  level: "downbeat" | "beat";
}

/**
 * The bar starts the human labels count: the downbeat rows, unless the rows flagged in either column (which
 * split each downbeat-to-downbeat span in two) fit the labels' bar totals better. Deciding from both label
 * files keeps the bars, and so the metre, the same whichever annotation a caller asks for.
 */
export function barGrid(rows: readonly BeatRow[], labelBars: readonly number[]): BarGrid {
  const first = rows.findIndex((r) => r.downbeat);
  const downbeats: number[] = [], flagged: number[] = [];
  rows.forEach((r, i) => {
    if (i < first) return;
    if (r.downbeat) downbeats.push(i);
    if (r.downbeat || r.beatFlag) flagged.push(i);
  });
  const target = labelBars.reduce((s, n) => s + n, 0) / Math.max(1, labelBars.length);
  const misfit = (bars: number) => Math.abs(Math.log(bars / target));
  return misfit(flagged.length) < misfit(downbeats.length) ? { rows: flagged, level: "beat" } : { rows: downbeats, level: "downbeat" };
}

/** Beats in each bar (row distances; the last bar, whose end the file does not give, gets the usual length). */
export function barLengths(barRows: readonly number[]): number[] {
  const lengths = barRows.slice(1).map((r, i) => r - barRows[i]!);
  lengths.push(prevailing(lengths) ?? 4);
  return lengths;
}

/** The most common value (the first one among ties); undefined for an empty list. */
export function prevailing(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined, bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount) [best, bestCount] = [v, c];
  return best;
}

/**
 * The metre map: a change wherever a bar's length differs from the previous bar's, so a grid built from the
 * map (bar after bar from each change) lands on the file's downbeats, irregular bars included.
 */
export function metreMap(barStarts: readonly number[], lengths: readonly number[]): MetreChange[] {
  const metres: MetreChange[] = [];
  barStarts.forEach((beat, i) => {
    const numerator = lengths[i]!;
    if (metres.at(-1)?.metre.numerator !== numerator) metres.push({ beat, metre: { numerator, denominator: 4 } });
  });
  return metres;
}

/** POP909 phrase letters -> section labels: i intro, o outro, A verse, B chorus, other capitals (melodic) bridge,
 * other lower-case letters (non-melodic phrases) interlude. */
export function sectionLabel(letter: string): SectionLabel {
  if (letter === "i") return "intro";
  if (letter === "o") return "outro";
  if (letter === "A") return "verse";
  if (letter === "B") return "chorus";
  return letter === letter.toUpperCase() ? "bridge" : "interlude";
}

export interface Placement {
  sections: ScoreSection[];
  /** Set when the label's bar total differs from the song's bar count (the last section absorbs it). */
  mismatch?: { labelBars: number; songBars: number };
}

/**
 * Lays phrases end to end on the bar grid from its first bar. The sections tile [songStart, songEnd]: the first
 * one also takes any pickup before the first bar (songStart, when earlier), so no note sounds outside a section.
 * When the label counts fewer bars than the song has, the last section runs on to the end; when it counts more,
 * phrases that would start after the last bar are dropped and the last one that fits is cut at the end.
 */
export function placeSections(phrases: readonly Phrase[], barStarts: readonly number[], songEnd: number,
  songStart = barStarts[0] ?? 0): Placement {
  const songBars = barStarts.length;
  if (songBars === 0) throw new Error("no bars to place sections on");
  const sections: ScoreSection[] = [];
  let bar = 0;
  for (const p of phrases) {
    if (bar >= songBars) break;
    const endBar = Math.min(bar + p.bars, songBars);
    sections.push({
      startBeat: barStarts[bar]!,
      endBeat: endBar < songBars ? barStarts[endBar]! : songEnd,
      label: sectionLabel(p.letter),
      bars: endBar - bar,
      sourceLabel: p.letter,
    });
    bar += p.bars;
  }
  sections[0]!.startBeat = Math.min(sections[0]!.startBeat, songStart);
  const last = sections.at(-1)!;
  if (bar < songBars) {
    last.bars += songBars - bar;
    last.endBeat = songEnd;
  }
  const labelBars = phrases.reduce((s, p) => s + p.bars, 0);
  return labelBars === songBars ? { sections } : { sections, mismatch: { labelBars, songBars } };
}
