// A song's true sections made wrong the way the timeline head gets them wrong, for the written timelines the
// decoder learns to read (model/timeline-text.ts). Trained only on exact timelines, a decoder copies what it
// reads and learns nothing of how far to trust it; at ask time the head's boundaries are a few tenths off, about
// one in six is missed or a second or more off, about one in nine of those it finds is not there, and one part
// in five gets the wrong label (SynthBench, timeline-v3: boundary precision 0.883, recall 0.828 within 1 s,
// labels 0.811). The answers stay the true ones, so the decoder learns to name the option nearest to what it
// reads.
import type { Rng } from "../music/rng.js";
import type { TimedSection } from "../model/timeline-text.js";

export interface TimelineNoise {
  /** Share of songs whose timeline is written exactly. */
  exact: number;
  /** Standard deviation (seconds) of a kept boundary's error. */
  jitter: number;
  /** Chance a boundary is missed (the two sections merge under the first one's label). */
  miss: number;
  /** Chance a boundary is found 1 to 3 s away from where it is. */
  stray: number;
  /** Chance of a boundary that is not there inside each section (at least 2 s from its edges). */
  extra: number;
  /** Chance a section's label is another one of the song's labels (or, for a song of one label, "verse"). */
  relabel: number;
}

/** Roughly timeline-v3's errors on SynthBench (above). */
export const HEAD_LIKE_NOISE: TimelineNoise = { exact: 0.2, jitter: 0.25, miss: 0.1, stray: 0.07, extra: 0.08, relabel: 0.15 };

/** Boundaries closer than this (seconds) are merged: the head never finds two closer (its minimum gap is 2 s). */
const MIN_GAP = 2;

/** The sections as a head with `noise` might read them from a song `seconds` long; in order, tiling the song. */
export function misheardSections(sections: readonly TimedSection[], seconds: number, rng: Rng, noise: TimelineNoise = HEAD_LIKE_NOISE): TimedSection[] {
  if (sections.length === 0 || rng.chance(noise.exact)) return sections.map((s) => ({ ...s }));
  const labels = [...new Set(sections.map((s) => s.label))];
  const relabel = (label: string) => {
    if (!rng.chance(noise.relabel)) return label;
    const others = labels.filter((l) => l !== label);
    return others.length > 0 ? rng.pick(others) : label === "verse" ? "chorus" : "verse";
  };
  // Each section's start as read, or undefined when its boundary is missed; extra starts inside sections.
  const starts: { time: number; label: string }[] = [{ time: 0, label: relabel(sections[0]!.label) }];
  sections.forEach((s, i) => {
    if (i > 0 && !rng.chance(noise.miss)) {
      const off = rng.chance(noise.stray) ? rng.uniform(1, 3) * (rng.chance(0.5) ? 1 : -1) : rng.normal(0, noise.jitter);
      starts.push({ time: s.start + off, label: relabel(s.label) });
    }
    if (s.end - s.start > 2 * MIN_GAP + 1 && rng.chance(noise.extra)) {
      starts.push({ time: rng.uniform(s.start + MIN_GAP, s.end - MIN_GAP), label: relabel(rng.chance(0.5) ? s.label : rng.pick(labels)) });
    }
  });
  starts.sort((a, b) => a.time - b.time);
  const kept: { time: number; label: string }[] = [];
  for (const s of starts) {
    if (s.time <= 0 && kept.length > 0) continue;
    if (s.time >= seconds - MIN_GAP / 2) continue;
    if (kept.length > 0 && s.time - kept.at(-1)!.time < MIN_GAP) continue;
    kept.push({ time: Math.max(0, s.time), label: s.label });
  }
  return kept.map((s, i) => ({ start: Math.round(s.time * 10) / 10, end: i + 1 < kept.length ? Math.round(kept[i + 1]!.time * 10) / 10 : seconds, label: s.label }));
}
