// Vocabularies the text generators draw near misses from: the world's styles with clusters of related ones, the
// composer's instrument catalogue with its families, moods in clusters of near-synonyms. Styles that can both be
// true of one song are never offered against each other, and options.ts keeps an instrument that could be part
// of the song's sound (a violin when it has "strings") from being offered as absent: a distractor is never true.
import { CATALOGUE } from "../../music/instruments.js";
import { STYLE_DEFS, STYLES } from "../../music/styles.js";
import type { InstrumentFamily, Mood } from "../../music/score.js";

/**
 * Clusters of related styles of the world (src/music/styles.ts): wrong style options come from the answer's
 * clusters first, so they are near misses. A style can sit in several clusters.
 */
export const STYLE_CLUSTERS: readonly (readonly string[])[] = [
  ["rock", "metal", "punk", "progressive rock"],
  ["house", "disco", "hip-hop", "funk"],
  ["pop", "soul", "ballad", "disco"],
  ["jazz swing", "blues", "soul", "funk"],
  ["bossa nova", "latin", "reggae", "ska"],
  ["folk", "country", "waltz", "march"],
  ["orchestral", "ambient", "ballad", "waltz"],
];

/**
 * Pairs where one style is a kind of the other, so both could be called true (a punk song is rock music; bossa
 * nova is Latin music; a waltz may be orchestral): never offered against each other.
 */
const STYLE_UMBRELLAS: readonly [string, readonly string[]][] = [
  ["rock", ["punk", "metal", "progressive rock"]],
  ["latin", ["bossa nova"]],
  ["pop", ["ballad"]],
  ["orchestral", ["waltz", "march"]],
];

/** Whether two style names could both describe one song. */
export function stylesOverlap(x: string, y: string): boolean {
  const a = x.toLowerCase(), b = y.toLowerCase();
  if (a.includes(b) || b.includes(a)) return true;
  return STYLE_UMBRELLAS.some(([u, kinds]) => (u === a && kinds.includes(b)) || (u === b && kinds.includes(a)));
}

/** The world's styles that share a cluster with `style`. */
export function relatedStyles(style: string): string[] {
  const s = style.toLowerCase();
  return [...new Set(STYLE_CLUSTERS.filter((c) => c.includes(s)).flat())].filter((x) => x !== s);
}

export const ALL_STYLES: readonly string[] = STYLES;

/** The instruments a style gives its melody to (empty for a style the world doesn't know). */
export function styleLeads(style: string): readonly string[] {
  return STYLE_DEFS.get(style)?.lead ?? [];
}

/** Every instrument some style gives the melody to. */
export const LEAD_INSTRUMENTS: readonly string[] = [...new Set([...STYLE_DEFS.values()].flatMap((d) => d.lead))];

export interface VocabInstrument {
  name: string;
  family: InstrumentFamily;
  /** A section, ensemble or kit ("strings", "drum kit"): it may contain its family's single instruments. */
  ensemble?: boolean;
}

const ENSEMBLES = new Set([
  "strings", "slow strings", "brass section", "choir", "drum kit", "latin percussion", "marching percussion",
]);

/** Whether a name is a group of instruments: the catalogue's, or one that says so ("string ensemble"). */
export function isEnsemble(name: string): boolean {
  const n = name.toLowerCase();
  return ENSEMBLES.has(n) || /\b(ensemble|section|strings|choir|kit|band|orchestra|percussion)\b/.test(n);
}

/** The composer's instruments, under the names all text uses. */
export const INSTRUMENTS: readonly VocabInstrument[] = [...CATALOGUE.values()].map((e) => ({
  name: e.name,
  family: e.family,
  ...(isEnsemble(e.name) ? { ensemble: true } : {}),
}));

/**
 * Clusters of moods close enough that one could describe a song that has the other: a wrong mood option is never
 * drawn from a cluster the song's moods fall in.
 */
export const MOOD_CLUSTERS: readonly (readonly Mood[])[] = [
  ["happy", "playful", "triumphant"],
  ["sad", "melancholic"],
  ["calm", "dreamy", "romantic"],
  ["energetic", "aggressive"],
  ["tense", "dark"],
];

/** Words for a mood in captions and reports (the mood itself first). */
export const MOOD_WORDS: Readonly<Record<Mood, readonly string[]>> = {
  happy: ["happy", "cheerful", "joyful", "sunny"],
  sad: ["sad", "sorrowful", "downcast"],
  energetic: ["energetic", "driving", "lively"],
  calm: ["calm", "peaceful", "serene"],
  tense: ["tense", "suspenseful", "uneasy"],
  romantic: ["romantic", "tender", "warm"],
  dark: ["dark", "brooding", "ominous"],
  playful: ["playful", "light-hearted", "bouncy"],
  triumphant: ["triumphant", "victorious", "heroic"],
  melancholic: ["melancholic", "wistful", "bittersweet"],
  dreamy: ["dreamy", "hazy", "floating"],
  aggressive: ["aggressive", "fierce", "hard-hitting"],
};
