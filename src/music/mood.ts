// Mood, derived from the song's facts rather than chosen: the same facts always give the same moods, so a model
// can learn the mapping. Two axes, as in the circumplex model of affect: valence (mode and harmony) and arousal
// (tempo and loudness); the style then colours the quadrant's words.
import type { Mode, Mood } from "./score.js";

export interface MoodFacts {
  style: string;
  mode: Mode;
  bpm: number;
  /** Mean note velocity over the song, 0..1. */
  loudness: number;
  /** Share of the song's chord time on minor-third chords (m, m7, dim, ...), 0..1. */
  minorChords: number;
  swing?: number;
}

const AGGRESSIVE_STYLES = new Set(["metal", "punk"]);
const PLAYFUL_STYLES = new Set(["jazz swing", "ska", "latin", "country", "reggae", "disco", "funk", "bossa nova"]);
const TENDER_STYLES = new Set(["ballad", "bossa nova", "soul", "waltz"]);
const GRAND_STYLES = new Set(["march", "orchestral"]);

/** Mode brightness, from lydian (brightest) to phrygian (darkest). */
const MODE_VALENCE: Record<Mode, number> = { lydian: 1, major: 0.9, mixolydian: 0.6, dorian: -0.3, minor: -0.8, phrygian: -1 };

/**
 * The moods of a song, primary first (two or three). Valence comes from the mode and the share of minor chords;
 * arousal from tempo (60-180 BPM) and loudness. Then: bright and lively is happy or energetic (triumphant for
 * marches and loud orchestras, playful for dance and swing styles); bright and quiet is calm, romantic or dreamy;
 * dark and lively is tense, aggressive or dark; dark and quiet is sad or melancholic.
 */
export function deriveMood(f: MoodFacts): Mood[] {
  const valence = MODE_VALENCE[f.mode] + 0.6 * (0.4 - f.minorChords);
  const arousal = 0.55 * Math.max(0, Math.min(1, (f.bpm - 60) / 120)) + 0.45 * f.loudness;
  const moods: Mood[] = [];
  if (AGGRESSIVE_STYLES.has(f.style)) {
    moods.push("aggressive", valence < 0 ? "dark" : "energetic");
    if (f.bpm >= 150) moods.push(valence < 0 ? "tense" : "energetic");
  } else if (valence >= 0) {
    if (arousal >= 0.55) {
      if (GRAND_STYLES.has(f.style) && f.loudness >= 0.6) moods.push("triumphant");
      moods.push(f.bpm >= 135 ? "energetic" : "happy");
      if (PLAYFUL_STYLES.has(f.style) || (f.swing ?? 0) > 0.55) moods.push("playful");
      else moods.push(f.bpm >= 135 ? "happy" : "energetic");
    } else if (arousal >= 0.38) {
      moods.push(TENDER_STYLES.has(f.style) ? "romantic" : PLAYFUL_STYLES.has(f.style) ? "playful" : "happy");
      moods.push(f.style === "ambient" || f.mode === "lydian" ? "dreamy" : "calm");
    } else {
      moods.push(f.style === "ambient" || f.mode === "lydian" ? "dreamy" : "calm");
      moods.push(TENDER_STYLES.has(f.style) ? "romantic" : f.style === "ambient" ? "calm" : "dreamy");
    }
  } else {
    if (arousal >= 0.55) {
      moods.push(f.mode === "phrygian" || f.bpm >= 140 ? "tense" : "dark");
      moods.push(f.loudness >= 0.6 ? "energetic" : "melancholic");
    } else if (arousal >= 0.38) {
      moods.push(f.style === "hip-hop" || f.mode === "phrygian" ? "dark" : "melancholic");
      moods.push(TENDER_STYLES.has(f.style) ? "romantic" : "sad");
    } else {
      moods.push("sad", f.style === "ambient" ? "dreamy" : "melancholic");
    }
  }
  return [...new Set(moods)];
}
