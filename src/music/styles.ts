// The styles of the synthetic world, as data: tempo, metres, modes, harmony, instrumentation, grooves, bass and
// comping patterns, melody character, form, and how often each style uses fades, stops, key changes and so on.
//
// Progressions are written as Roman numerals, one bar per token: "I V vi IV" is four bars; "I,V" splits a bar
// into two chords; "-" holds the previous chord another bar. Numerals are relative to the major scale on the
// tonic (see theory.ts), so minor-key progressions read "i bVI bIII bVII".
//
// Comping patterns use one character per sixteenth: "x"/"X"/"o" a chord (normal, accented, soft), "D"/"U" a
// strum down or up, digits an arpeggio (the n-th note of the voicing, low to high, wrapping up an octave),
// "B"/"F" the root or fifth alone below the chord (a guitarist's thumb), "." let ring, "_" release; " + " layers
// two patterns. Bass patterns use "R" root, "3" third, "5" fifth, "6" sixth, "b" flat seventh, "7" the chord's
// seventh, "8" octave, "N" the next chord's root (anticipation), "A" a chromatic approach to the next chord,
// lower-case "r" a ghosted root.
import type { InstrumentFamily, Mode } from "./score.js";
import type { MetreId } from "./rhythm.js";
import { type DrumStyle, GROOVES } from "./drums.js";

export type FormKind =
  | "song" | "blues" | "jazz" | "edm" | "hiphop" | "orchestral" | "ambient" | "waltz" | "march" | "vamp" | "latin" | "prog";

export interface ProgressionPools {
  verse: string[];
  chorus: string[];
  pre?: string[];
  bridge?: string[];
}

export type VoicingKind = "close" | "guitar" | "power" | "rootless" | "spread";

export interface CompOption {
  instruments: string[];
  voicing: VoicingKind;
  patterns: Partial<Record<MetreId, string[]>>;
  /** Hold each chord until it changes (pads, organ, strings). */
  pad?: boolean;
  /** Pick a fresh pattern every bar (jazz comping) instead of one per section. */
  varyPerBar?: boolean;
  /** Fraction of each written length held (short for skanks and stabs). */
  articulation?: number;
}

export interface BassSpec {
  instruments: string[];
  patterns: Partial<Record<MetreId, string[]>>;
  /** Walking quarter notes (jazz, swing blues) instead of patterns. */
  walking?: boolean;
  articulation: number;
  /** Chance that a song has no bass at all. */
  none?: number;
}

export interface MelodySpec {
  /** Notes per beat, range. */
  density: [number, number];
  sixteenths: boolean;
  /** Chance of anticipating a beat by an eighth. */
  syncopation: number;
  /** Fraction of the time to the next note that a note is held. */
  legato: number;
  /** Semitones the tune spans. */
  span: number;
  /** Phrase lengths in bars to choose from. */
  phraseBars: number[];
}

export interface StyleFeatures {
  fadeOut: number;
  fadeIn: number;
  /** Last chorus up a semitone or a tone. */
  keyChangeUp: number;
  /** Bridge in the relative minor (or major). */
  relativeBridge: number;
  stop: number;
  /** One instrument alone for a bar or two. */
  break: number;
  tempoChange: number;
  ritardando: number;
  metreChange: number;
  crescendo: number;
}

export interface StyleDef {
  id: string;
  description: string;
  tempo: [number, number];
  metres: [MetreId, number][];
  modes: [Mode, number][];
  /** Swing ratio range for swung styles. */
  swing?: [number, number];
  form: FormKind;
  progressions: Partial<Record<Mode, ProgressionPools>>;
  /** Multipliers of the written chord lengths with weights (2: each chord twice as long). */
  harmonicRhythm: [number, number][];
  lead: string[];
  comping: CompOption[];
  /** How many comping parts a song has (min, max). */
  compingCount: [number, number];
  pad?: CompOption & { chance: number };
  counter?: { instruments: string[]; chance: number };
  bass: BassSpec;
  drums?: DrumStyle & { chance: number; enter: ("intro" | "verse" | "chorus")[] };
  percussion?: { instruments: string[]; chance: number };
  /** Families that take solos, in order of preference; empty: no solos. */
  soloFamilies: InstrumentFamily[];
  melody: MelodySpec;
  /** Section energies are squeezed into this range. */
  energy: [number, number];
  features: StyleFeatures;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared progression pools

const POP_MAJOR: ProgressionPools = {
  verse: ["I V vi IV", "I vi IV V", "vi IV I V", "I IV vi V", "I V IV V", "I iii IV V", "I IV I V", "I vi ii V", "I - IV -", "I V vi iii IV I IV V"],
  pre: ["IV V IV V", "ii IV V V", "vi V IV V", "IV - V -", "ii - IV V"],
  chorus: ["I V vi IV", "IV I V vi", "vi IV I V", "I IV vi V", "IV V I vi", "I V IV IV", "I - IV V", "IV V vi I"],
  bridge: ["vi IV I V", "ii V iii vi", "IV V iii vi", "vi V IV V", "IV - V -", "bVI bVII I I", "ii IV V V"],
};

const POP_MINOR: ProgressionPools = {
  verse: ["i bVI bIII bVII", "i bVII bVI bVII", "i iv bVI V", "i bVI iv V", "i iv bVII bIII", "i bIII bVII iv", "i - bVI -"],
  pre: ["bVI bVII bVI bVII", "iv - V -", "bVI - bVII -", "iv bVI V V"],
  chorus: ["bVI bVII i i", "i bVI bIII bVII", "bIII bVII i bVI", "iv bVI bVII i", "bVI bIII bVII i", "i bVII bVI V"],
  bridge: ["bVI bVII bIII bVI", "iv v bVI V", "bIII bVII iv V"],
};

const ROCK_MAJOR: ProgressionPools = {
  verse: ["I IV I V", "I bVII IV I", "I V IV IV", "I IV V IV", "I - IV -", "I bIII IV I", "I V vi IV"],
  pre: ["IV - V -", "vi V IV V", "ii IV V V"],
  chorus: ["I IV V IV", "IV I V V", "I V vi IV", "I bVII IV I", "IV V I I", "I IV bVII IV"],
  bridge: ["vi V IV V", "IV - V -", "bVI bVII I -", "ii IV V -"],
};

const ROCK_MINOR: ProgressionPools = {
  verse: ["i bVII bVI bVII", "i - bVII -", "i bIII bVII iv", "i iv bVII i", "i bVI bVII i"],
  pre: ["bVI - bVII -", "iv - V -"],
  chorus: ["bVI bVII i i", "i bVI bIII bVII", "bIII bVII iv i", "iv bVI bVII i"],
  bridge: ["bVI bVII bIII V", "iv v bVI bVII"],
};

const MIXOLYDIAN: ProgressionPools = {
  verse: ["I bVII IV I", "I bVII I bVII", "I - bVII IV", "I v bVII IV"],
  chorus: ["IV I bVII I", "I bVII IV IV", "bVII IV I I", "I IV bVII I"],
  bridge: ["v bVII IV IV", "ii IV v bVII"],
};

const DORIAN: ProgressionPools = {
  verse: ["i IV i IV", "i7 - IV7 -", "i bVII i IV", "i - bIII IV"],
  chorus: ["bIII IV i i", "i IV bVII i", "bVII IV i -", "i bIII IV bVII"],
  bridge: ["ii bIII IV -", "v bVII IV -"],
};

const PHRYGIAN_POWER: ProgressionPools = {
  verse: ["i5 bII5 i5 bII5", "i5 bII5 bIII5 bII5", "i5 - bII5 -", "i5 bVII5 bVI5 bII5"],
  chorus: ["bVI5 bVII5 i5 i5", "bII5 bIII5 i5 -", "i5 bII5 bVII5 i5"],
  bridge: ["iv5 bII5 i5 -", "bVI5 bII5 bVII5 i5"],
};

const MINOR_POWER: ProgressionPools = {
  verse: ["i5 - bVI5 bVII5", "i5 bVI5 bVII5 i5", "i5 i5 bVII5 bVI5", "i5 bIII5 bVII5 iv5"],
  chorus: ["bVI5 bVII5 i5 i5", "i5 bVI5 bIII5 bVII5", "iv5 bVI5 bVII5 i5"],
  bridge: ["bVI5 bVII5 bVI5 V5", "iv5 - bVI5 bVII5"],
};

const PUNK_MAJOR: ProgressionPools = {
  verse: ["I5 IV5 V5 IV5", "I5 IV5 I5 V5", "I5 V5 vi5 IV5", "I5 - IV5 V5", "I5 bVII5 IV5 I5"],
  chorus: ["IV5 V5 I5 I5", "I5 IV5 V5 V5", "vi5 IV5 I5 V5", "I5 V5 IV5 IV5"],
  bridge: ["vi5 IV5 V5 V5", "IV5 - V5 -"],
};

const PUNK_MINOR: ProgressionPools = {
  verse: ["i5 bVI5 bIII5 bVII5", "i5 iv5 bVII5 i5", "i5 bVII5 bVI5 bVII5"],
  chorus: ["bVI5 bVII5 i5 i5", "iv5 bVI5 bVII5 i5"],
  bridge: ["bIII5 bVII5 iv5 V5"],
};

const JAZZ_MAJOR: ProgressionPools = {
  verse: [
    "Imaj7,vi7 ii7,V7 Imaj7,vi7 ii7,V7 Imaj7 - ii7 V7",
    "ii7 V7 Imaj7 Imaj7 ii7 V7 Imaj7 VI7",
    "Imaj7 - ii7 V7 iii7 VI7 ii7 V7",
    "ii9 V9 Imaj9 - ii7 V7 Imaj7 V7",
    "Imaj7 IV7 iii7 VI7 ii7 V7 Imaj7,vi7 ii7,V7",
  ],
  chorus: ["IVmaj7 - iv7 bVII7 iii7 VI7 ii7 V7", "ii7 V7 Imaj7 vi7 ii7 V7 Imaj7 -"],
  bridge: ["III7 - VI7 - II7 - V7 -", "IVmaj7 - iv7 bVII7 iii7 VI7 ii7 V7", "v7 I7 IVmaj7 - ii7 V7 iii7,VI7 ii7,V7"],
};

const JAZZ_MINOR: ProgressionPools = {
  verse: ["i7 - iv7 - iiø7 V7 i7 -", "iv7 bVII7 bIIImaj7 bVImaj7 iiø7 V7 i7 -", "i7 iv7 iiø7 V7 i7 iv7 iiø7 V7", "i9 - iv9 - iiø7 V7 i7 V7"],
  chorus: ["bVImaj7 - iiø7 V7 i7 - iv7 V7"],
  bridge: ["iiø7 V7 i7 - iv7 bVII7 bIIImaj7 V7", "bVImaj7 - bIIImaj7 - iiø7 - V7 -"],
};

const BOSSA_MAJOR: ProgressionPools = {
  verse: ["Imaj7 - II7 - ii7 V7 Imaj7 V7", "Imaj7 vi7 ii7 V7", "ii7 V7 Imaj7 IVmaj7", "Imaj7 - iv7 bVII7 Imaj7 - ii7 V7"],
  chorus: ["IVmaj7 - iv7 bVII7 iii7 VI7 ii7 V7", "ii7 V7 Imaj7 vi7", "IVmaj7 - iii7 VI7 ii7 V7 Imaj7 -"],
  bridge: ["bIImaj7 - ii7 V7 iii7 VI7 ii7 V7", "vi7 II7 ii7 V7"],
};

const BOSSA_MINOR: ProgressionPools = {
  verse: ["i7 - iv7 - iiø7 V7 i7 -", "i7 iv7 iiø7 V7"],
  chorus: ["iv7 bVII7 bIIImaj7 bVImaj7 iiø7 V7 i7 -", "bVImaj7 - iiø7 V7"],
  bridge: ["bIIImaj7 - bVImaj7 - iiø7 - V7 -"],
};

const BLUES_MAJOR: ProgressionPools = {
  verse: ["I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7", "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7", "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 V7 I7 V7"],
  chorus: ["I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7"],
};

const BLUES_MINOR: ProgressionPools = {
  verse: ["i7 i7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 V7", "i7 iv7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 i7"],
  chorus: ["i7 i7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 V7"],
};

const FUNK_DORIAN: ProgressionPools = {
  verse: ["i7 - - -", "i9 - - -", "i7 - IV9 -"],
  chorus: ["IV9 - i7 -", "bIII - IV -", "bVII - IV9 -"],
  bridge: ["bIII IV bVII IV", "v7 - IV9 -"],
};

const FUNK_MIXOLYDIAN: ProgressionPools = {
  verse: ["I9 - - -", "I7 - - -", "I9 - IV9 -"],
  chorus: ["IV9 - I9 -", "bVII - IV -", "IV9 - bVII I9"],
  bridge: ["bVII IV bVII IV", "v7 - IV9 -"],
};

const COUNTRY_MAJOR: ProgressionPools = {
  verse: ["I IV I V", "I - IV I", "I IV V I", "I - V -", "I vi IV V", "I I IV IV V V I I"],
  pre: ["IV - V -", "ii - V -"],
  chorus: ["IV I V I", "I IV I V", "IV - I - V - I -", "I V vi IV", "IV I V7 I"],
  bridge: ["vi - IV - I - V -", "IV V vi -"],
};

const REGGAE_MAJOR: ProgressionPools = {
  verse: ["I IV I V", "I - IV -", "I V vi IV", "I IV V IV", "ii V ii V"],
  chorus: ["IV I V I", "I IV V IV", "IV V I vi"],
  bridge: ["vi IV V -", "ii - V -"],
};

const REGGAE_MINOR: ProgressionPools = {
  verse: ["i bVII i bVII", "i iv i iv", "i - iv -", "i bVI bVII i"],
  chorus: ["iv bVII i -", "bVI bVII i i", "i iv bVII i"],
  bridge: ["bIII bVII iv V"],
};

const HOUSE_MINOR: ProgressionPools = {
  verse: ["i7 bVImaj7 bIIImaj7 bVII", "i7 - iv7 -", "i bVI bIII bVII", "i7 - bVII -"],
  chorus: ["bVI bVII i i", "i bVI bIII bVII", "iv7 bVII i7 -"],
  bridge: ["bVImaj7 - bVII -"],
};

const HOUSE_MAJOR: ProgressionPools = {
  verse: ["Imaj7 - IVmaj7 -", "vi IV I V", "I V vi IV", "ii7 V7 Imaj7 vi7"],
  chorus: ["IV V vi I", "vi IV I V", "IVmaj7 - iii7 vi7"],
  bridge: ["IVmaj7 - V -"],
};

const HIPHOP_MINOR: ProgressionPools = {
  verse: ["i7 - bVImaj7 -", "i7 iv7 i7 iv7", "i - bVI -", "i - bVI V", "i7 - bVII -", "i9 - iv7 -"],
  chorus: ["bVImaj7 - bVII -", "iv7 - i7 -", "bVI bVII i -"],
  bridge: ["bIIImaj7 - bVImaj7 -"],
};

const HIPHOP_MAJOR: ProgressionPools = {
  verse: ["ii7 V7 Imaj7 vi7", "Imaj7 - vi7 -", "IVmaj7 - iii7 vi7", "ii9 - V9 -"],
  chorus: ["IVmaj7 - Imaj7 -", "ii7 V7 Imaj7 -"],
  bridge: ["vi7 - ii7 V7"],
};

const ORCHESTRAL_MAJOR: ProgressionPools = {
  verse: ["I IV V I", "I vi IV V", "I V vi iii IV I IV V", "I ii V I", "I IV ii V"],
  chorus: ["IV V iii vi ii V I -", "I IV I V", "vi IV V I", "IV I ii V"],
  bridge: ["vi iii IV I ii - V -", "vi ii V I", "iv - I - iv - V -"],
};

const ORCHESTRAL_MINOR: ProgressionPools = {
  verse: ["i iv V i", "i bVI bIII bVII", "i iv bVII bIII bVI ii° V i", "i - iv V"],
  chorus: ["bVI bIII iv V", "i iv bVII bIII", "iv V i -"],
  bridge: ["bIII bVII iv V", "bVI - V -", "iv i V i"],
};

const AMBIENT: Partial<Record<Mode, ProgressionPools>> = {
  major: { verse: ["Imaj7 - IVmaj7 -", "I - V -", "Isus2 - IVmaj7 -", "vi - IV -"], chorus: ["IVmaj7 - Imaj7 -", "vi - IVmaj7 -"], bridge: ["ii7 - IVmaj7 -"] },
  lydian: { verse: ["I - II -", "Imaj7 - II -", "Isus2 - II -"], chorus: ["II - I -", "vi - II -"], bridge: ["iii - II -"] },
  minor: { verse: ["i7 - bVImaj7 -", "i - bIII -", "i - iv -"], chorus: ["bVImaj7 - bIIImaj7 -", "iv7 - i7 -"], bridge: ["bVII - bVI -"] },
  dorian: { verse: ["i7 - IV -", "i7 - ii7 -"], chorus: ["IV - i7 -", "bIIImaj7 - IV -"], bridge: ["bVII - IV -"] },
};

const FOLK_MAJOR: ProgressionPools = {
  verse: ["I IV I V", "I V IV I", "I - IV I", "I vi IV V", "I - V -", "I IV V I"],
  chorus: ["IV I V I", "I V vi IV", "IV - I V", "vi IV I V"],
  bridge: ["vi - IV - I - V -", "IV V vi -"],
};

const FOLK_MINOR: ProgressionPools = {
  verse: ["i bVII i bVII", "i bIII bVII i", "i iv i V", "i - bVII -", "i bVI bVII i"],
  chorus: ["bIII bVII i -", "bVI bVII i i", "iv i V i"],
  bridge: ["bIII - bVII -", "iv - V -"],
};

const FOLK_DORIAN: ProgressionPools = {
  verse: ["i bVII i bVII", "i bIII IV i", "i - IV -"],
  chorus: ["bIII IV i -", "bVII IV i i"],
  bridge: ["bIII - bVII -"],
};

const WALTZ_MAJOR: ProgressionPools = {
  verse: ["I - V7 - V7 - I -", "I IV V7 I", "I - IV - V7 - I -", "I vi ii V7"],
  chorus: ["IV - I - V7 - I -", "IV V7 I vi", "ii V7 I -"],
  bridge: ["vi - iii - IV - V7 -", "IV - iv - I - V7 -"],
};

const WALTZ_MINOR: ProgressionPools = {
  verse: ["i - V7 - V7 - i -", "i iv V7 i", "i - iv - V7 - i -"],
  chorus: ["iv - i - V7 - i -", "bVI iv V7 i"],
  bridge: ["bIII - bVII - bIII - V7 -"],
};

const MARCH_MAJOR: ProgressionPools = {
  verse: ["I - V7 - V7 - I -", "I IV I V7", "I - IV - I V7 I -", "I - V7 - I - V7 I"],
  chorus: ["IV - I - V7 - I -", "vi - V7 - I IV V7 I", "I - ii V7 I - V7 I"],
  bridge: ["vi iii IV V7", "V7 - I - V7 - I -", "ii - V7 - I - V7 -"],
};

const BALLAD_MAJOR: ProgressionPools = {
  verse: ["I iii IV V", "I V vi iii IV I IV V", "vi IV I V", "I vi IV V", "Imaj7 IVmaj7 iii7 vi7", "I - IV -"],
  pre: ["ii - IV V", "IV - V -", "vi V IV -"],
  chorus: ["IV V iii vi", "I V vi IV", "IV I V vi", "vi IV I V", "IV V I I"],
  bridge: ["vi V IV V", "bVI bVII I -", "ii iii IV V"],
};

const BALLAD_MINOR: ProgressionPools = {
  verse: ["i bVI bIII bVII", "i iv bVII bIII", "i - bVI -", "i v bVI bIII"],
  pre: ["bVI - bVII -", "iv - V -"],
  chorus: ["bVI bVII i i", "bIII bVII bVI bVII", "iv bVI bVII i"],
  bridge: ["bVI bIII bVII V"],
};

const SOUL_MAJOR: ProgressionPools = {
  verse: ["I vi IV V", "Imaj7 vi7 ii7 V7", "ii7 V7 Imaj7 vi7", "I IV vi V", "I7 - IV7 -"],
  pre: ["ii7 - V7 -", "IV - V -"],
  chorus: ["IV V iii vi", "I vi IV V", "IVmaj7 V7 iii7 vi7", "ii7 V7 Imaj7 -"],
  bridge: ["vi7 ii7 V7 -", "IV - iii vi"],
};

const SOUL_MINOR: ProgressionPools = {
  verse: ["i7 - iv7 -", "i7 iv7 bVII7 bIIImaj7", "i7 bVII7 bVImaj7 V7"],
  chorus: ["iv7 - i7 -", "bVImaj7 bVII7 i7 -"],
  bridge: ["bIIImaj7 - bVImaj7 V7"],
};

const DISCO: Partial<Record<Mode, ProgressionPools>> = {
  minor: { verse: ["i7 iv7 i7 iv7", "i7 bVII bVI bVII", "i7 - iv7 -"], chorus: ["bVImaj7 bVII i7 -", "iv7 bVII7 bIIImaj7 V7"], bridge: ["bVI - bVII -"] },
  major: { verse: ["Imaj7 IVmaj7 Imaj7 IVmaj7", "ii7 V7 Imaj7 vi7", "vi7 ii7 V7 Imaj7"], chorus: ["IV V iii vi", "ii7 V7 Imaj7 -"], bridge: ["vi7 - ii7 V7"] },
  dorian: { verse: ["i7 IV7 i7 IV7", "i7 - IV7 -"], chorus: ["bIII IV i7 -", "bVII IV7 i7 -"], bridge: ["v7 - IV7 -"] },
};

const LATIN: Partial<Record<Mode, ProgressionPools>> = {
  major: { verse: ["I IV V IV", "ii7 V7 Imaj7 -", "I V7 V7 I", "I - V7 -"], chorus: ["I IV V IV", "ii7 V7 ii7 V7", "IV V7 I -"], bridge: ["vi7 ii7 V7 -"] },
  minor: { verse: ["i iv V7 i", "i7 iv7 bVII7 bIIImaj7", "i - V7 -"], chorus: ["i iv V7 iv", "iv7 bVII7 bIIImaj7 V7"], bridge: ["bVI - V7 -"] },
};

const SKA_MAJOR: ProgressionPools = {
  verse: ["I vi ii V", "I IV V IV", "I vi IV V", "I - IV V"],
  chorus: ["IV V I vi", "I IV V V", "ii V I -"],
  bridge: ["vi - ii V", "IV - V -"],
};

const SKA_MINOR: ProgressionPools = {
  verse: ["i iv v i", "i bVII bVI V", "i - iv -"],
  chorus: ["iv - i -", "bVI bVII i -"],
  bridge: ["bIII bVII iv V"],
};

const PROG: Partial<Record<Mode, ProgressionPools>> = {
  phrygian: { verse: ["i bII i bII", "i - bII bIII"], chorus: ["bVI bvii i -", "bII - i -"], bridge: ["iv - bII -"] },
  minor: { verse: ["i bVII bVI bVII", "i bVI bIII bVII", "i - iv -"], chorus: ["bVI bVII i -", "bIII bVII iv V"], bridge: ["iv v bVI bVII", "bII - i -"] },
  dorian: { verse: ["i - IV -", "i bIII IV i"], chorus: ["bIII IV i -", "bVII IV i -"], bridge: ["v - bVII -"] },
  lydian: { verse: ["I II I II", "I - II -"], chorus: ["I II vi -", "V - II -"], bridge: ["vi - II -"] },
  mixolydian: { verse: ["I bVII IV I", "I - bVII -"], chorus: ["bVII IV I -", "IV bVII I -"], bridge: ["v - IV -"] },
};

/** Lydian for styles with no lydian pools of their own: the raised fourth heard in II (D major in C lydian). */
const LYDIAN: ProgressionPools = {
  verse: ["I II I II", "I - II -", "Imaj7 - II -", "I II vi V", "I II iii II"],
  chorus: ["II - I -", "vi II I -", "V - II I", "I II V I"],
  bridge: ["iii - II -", "vi - II -", "V vi II -"],
};

/** Phrygian with triads: the flat second (bII) against the minor tonic; the seventh degree is minor (bvii). */
const PHRYGIAN: ProgressionPools = {
  verse: ["i bII i bII", "i bII bIII bII", "i - bII -", "i bvii bVI bII"],
  chorus: ["bVI bvii i i", "bII bIII i -", "i bII bvii i"],
  bridge: ["iv bII i -", "bVI bII bvii i"],
};

/** Dorian with sevenths (soul, Latin, jazz vamps): the minor i7 against the major IV7. */
const DORIAN_SEVENTHS: ProgressionPools = {
  verse: ["i7 - IV7 -", "i7 IV7 i7 IV7", "i9 - IV9 -", "i7 - - - ii7 - IV7 -"],
  chorus: ["bIIImaj7 IV7 i7 -", "IV7 - i7 -", "i7 - v7 IV7"],
  bridge: ["v7 - IV7 -", "bVIImaj7 - IV7 -", "ii7 - bIIImaj7 -"],
};

// ---------------------------------------------------------------------------------------------------------------
// Shared comping and bass patterns

const STRUMS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["D...D.U...U.D.U.", "D.D.D.U.D.D.D.U.", "D..D..D.D.U.D.U.", "D.......D...D.U."],
  "3/4": ["D...D.U.D.U.", "D...D...D..."],
  "6/8": ["D.D.U.D.D.U.", "D.....D....."],
  "2/4": ["D.D.D.U."],
};

const PIANO_BLOCKS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["x.......x.......", "x...x...x...x...", "x..x..x...x.x...", "x.x.x.x.x.x.x.x."],
  "3/4": ["x...x...x...", "x..........."],
  "6/8": ["x.....x.....", "x.x.x.x.x.x."],
  "2/4": ["x...x..."],
  "5/4": ["x.......x...x......."],
  "7/8": ["x...x...x....."],
};

const PIANO_ARPS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["0.2.1.2.3.2.1.2.", "0.1.2.3.4.3.2.1.", "0.2.3.2.4.2.3.2."],
  "3/4": ["0.1.2.3.2.1.", "0.2.3.4.3.2."],
  "6/8": ["0.1.2.3.2.1.", "0.2.3.4.3.2."],
  "2/4": ["0.2.1.2."],
  "5/4": ["0.1.2.3.2.1.0.1.2.3."],
  "7/8": ["0.1.2.0.1.2.3."],
};

const PADS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["x..............."], "3/4": ["x..........."], "6/8": ["x..........."], "2/4": ["x......."], "5/4": ["x..................."], "7/8": ["x............."],
};

const ROCK_BASS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["R.R.R.R.R.R.R.R.", "R.R.R.R.R.R.R.A.", "R.....R.R...5..."],
  "6/8": ["R.....5.....", "R.R.R.R.R.R."],
  "3/4": ["R.......5..."],
  "7/8": ["R.R.R.R.R.R.R."],
  "5/4": ["R.R.R.R.R.R.R.R.R.R."],
};

const POP_BASS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["R.....R.R.......", "R.......R...5...", "R..R..R.R...5...", "R.R.R.R.R.R.R.R."],
  "6/8": ["R.....5.....", "R.........5."],
  "3/4": ["R.......5..."],
};

const SLOW_BASS: Partial<Record<MetreId, string[]>> = {
  "4/4": ["R.......5.......", "R...............", "R.......R...5..."],
  "6/8": ["R.....5.....", "R..........."],
  "3/4": ["R...........", "R.......5..."],
  "2/4": ["R...5..."],
};

const NO_FEATURES: StyleFeatures = {
  fadeOut: 0, fadeIn: 0, keyChangeUp: 0, relativeBridge: 0, stop: 0, break: 0, tempoChange: 0, ritardando: 0, metreChange: 0, crescendo: 0,
};

function features(f: Partial<StyleFeatures>): StyleFeatures {
  return { ...NO_FEATURES, ...f };
}

// ---------------------------------------------------------------------------------------------------------------
// The styles

const styles: StyleDef[] = [
  {
    id: "pop",
    description: "Radio pop: verse, pre-chorus and big chorus over I-V-vi-IV style loops, backbeat drums, synths or piano.",
    tempo: [88, 128],
    metres: [["4/4", 0.6], ["6/8", 0.22], ["3/4", 0.18]],
    modes: [["major", 0.5], ["minor", 0.3], ["mixolydian", 0.1], ["lydian", 0.1]],
    form: "song",
    progressions: { major: POP_MAJOR, minor: POP_MINOR, mixolydian: MIXOLYDIAN, lydian: LYDIAN },
    harmonicRhythm: [[1, 0.75], [2, 0.2], [0.5, 0.05]],
    lead: ["voice oohs", "square lead", "saw lead", "flute", "electric piano", "alto sax", "synth voice", "electric guitar"],
    comping: [
      { instruments: ["acoustic piano", "bright piano", "electric piano"], voicing: "close", patterns: PIANO_BLOCKS },
      { instruments: ["acoustic guitar", "electric guitar", "nylon guitar"], voicing: "guitar", patterns: STRUMS },
      { instruments: ["polysynth pad", "synth strings"], voicing: "spread", patterns: { "4/4": ["x..x..x...x..x.."] }, articulation: 0.6 },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["strings", "warm pad", "synth strings", "polysynth pad"], voicing: "spread", patterns: PADS, pad: true, chance: 0.55 },
    counter: { instruments: ["strings", "synth strings", "brass section", "flute", "glockenspiel"], chance: 0.3 },
    bass: { instruments: ["electric bass", "synth bass", "picked bass"], patterns: POP_BASS, articulation: 0.85 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.pop, "6/8": GROOVES.pop68 }, fill: "rock", fillChance: 0.75, chance: 1, enter: ["intro", "verse", "verse", "chorus"] },
    percussion: { instruments: ["shaker", "tambourine"], chance: 0.25 },
    soloFamilies: ["guitar", "woodwind", "synth"],
    melody: { density: [1.1, 1.8], sixteenths: true, syncopation: 0.3, legato: 0.85, span: 14, phraseBars: [2, 4] },
    energy: [0.3, 0.95],
    features: features({ fadeOut: 0.25, keyChangeUp: 0.15, relativeBridge: 0.08, stop: 0.15, break: 0.15, tempoChange: 0.05, ritardando: 0.1, metreChange: 0.08, crescendo: 0.6 }),
  },
  {
    id: "rock",
    description: "Guitar rock: overdriven rhythm guitar, driving eighth-note bass, rock beat with ride in the choruses, a guitar solo.",
    tempo: [100, 152],
    metres: [["4/4", 0.55], ["6/8", 0.2], ["3/4", 0.1], ["5/4", 0.08], ["7/8", 0.07]],
    modes: [["major", 0.3], ["minor", 0.25], ["mixolydian", 0.25], ["dorian", 0.2]],
    form: "song",
    progressions: { major: ROCK_MAJOR, minor: ROCK_MINOR, mixolydian: MIXOLYDIAN, dorian: DORIAN },
    harmonicRhythm: [[1, 0.75], [2, 0.25]],
    lead: ["overdriven guitar", "voice oohs", "rock organ", "saw lead", "distortion guitar"],
    comping: [
      { instruments: ["overdriven guitar", "distortion guitar", "electric guitar"], voicing: "guitar", patterns: { ...STRUMS, "4/4": ["D.D.D.D.D.D.D.D.", "D..D..D.D..D..D.", "D.......D.D.D..."], "5/4": ["D.D.D.D.D.D.D.D.D.D."], "7/8": ["D.D.D.D.D.D.D."] } },
      { instruments: ["rock organ", "acoustic piano"], voicing: "close", patterns: PIANO_BLOCKS },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["rock organ", "strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.25 },
    bass: { instruments: ["electric bass", "picked bass"], patterns: ROCK_BASS, articulation: 0.8 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.rock, "6/8": GROOVES.rock68 }, fill: "rock", fillChance: 0.8, chance: 1, enter: ["intro", "intro", "verse"] },
    soloFamilies: ["guitar", "organ", "synth"],
    melody: { density: [1.1, 1.8], sixteenths: true, syncopation: 0.25, legato: 0.8, span: 14, phraseBars: [2, 4] },
    energy: [0.45, 1],
    features: features({ fadeOut: 0.15, keyChangeUp: 0.08, relativeBridge: 0.05, stop: 0.25, break: 0.2, tempoChange: 0.04, ritardando: 0.1, metreChange: 0.06, crescendo: 0.5 }),
  },
  {
    id: "metal",
    description: "Heavy metal: distorted power chords in minor or phrygian, palm-muted chugs, double-kick drums, shred solo.",
    tempo: [100, 184],
    metres: [["4/4", 0.6], ["6/8", 0.2], ["3/4", 0.1], ["7/8", 0.1]],
    modes: [["minor", 0.5], ["phrygian", 0.5]],
    form: "song",
    progressions: { minor: MINOR_POWER, phrygian: PHRYGIAN_POWER },
    harmonicRhythm: [[1, 0.6], [2, 0.4]],
    lead: ["distortion guitar", "saw lead", "choir"],
    comping: [
      { instruments: ["overdriven guitar", "distortion guitar"], voicing: "power", patterns: { "4/4": ["xxxxxxxxxxxxxxxx", "X.xxX.xxX.xxX.xx", "X.x.X.x.X.x.X.x.", "X..xX..xX..xX.x."], "6/8": ["xxxxxxxxxxxx", "X.xX.xX.xX.x"], "3/4": ["xxxxxxxxxxxx", "X.x.X.x.X.x."], "7/8": ["X.xxX.xxX.x.x.", "xxxxxxxxxxxxxx"] }, articulation: 0.7 },
    ],
    compingCount: [1, 1],
    pad: { instruments: ["choir", "strings", "church organ"], voicing: "spread", patterns: PADS, pad: true, chance: 0.3 },
    bass: { instruments: ["picked bass", "electric bass"], patterns: { "4/4": ["RRRRRRRRRRRRRRRR", "R.RRR.RRR.RRR.RR", "R.R.R.R.R.R.R.R."], "6/8": ["RRRRRRRRRRRR", "R.RR.RR.RR.R"], "3/4": ["RRRRRRRRRRRR", "R.R.R.R.R.R."], "7/8": ["R.RRR.RRR.R.R.", "RRRRRRRRRRRRRR"] }, articulation: 0.7 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.metal, "6/8": GROOVES.metal68, "3/4": GROOVES.metal34, "7/8": GROOVES.metal78 }, fill: "metal", fillChance: 0.85, chance: 1, enter: ["intro", "intro", "verse"] },
    soloFamilies: ["guitar", "synth"],
    melody: { density: [1.2, 2], sixteenths: true, syncopation: 0.15, legato: 0.85, span: 12, phraseBars: [2, 4] },
    energy: [0.65, 1],
    features: features({ stop: 0.35, break: 0.3, ritardando: 0.1, crescendo: 0.4, tempoChange: 0.08 }),
  },
  {
    id: "punk",
    description: "Punk rock: fast, loud I-IV-V power chords in straight eighths, simple pounding drums, short songs.",
    tempo: [160, 200],
    metres: [["4/4", 0.75], ["2/4", 0.25]],
    modes: [["major", 0.6], ["minor", 0.3], ["mixolydian", 0.1]],
    form: "song",
    progressions: { major: PUNK_MAJOR, minor: PUNK_MINOR, mixolydian: MIXOLYDIAN },
    harmonicRhythm: [[1, 0.5], [2, 0.5]],
    lead: ["overdriven guitar", "voice oohs", "distortion guitar"],
    comping: [{ instruments: ["distortion guitar", "overdriven guitar"], voicing: "power", patterns: { "4/4": ["x.x.x.x.x.x.x.x.", "X.x.X.x.X.x.X.x."], "2/4": ["x.x.x.x.", "X.x.X.x."] }, articulation: 0.75 }],
    compingCount: [1, 1],
    bass: { instruments: ["picked bass", "electric bass"], patterns: { "4/4": ["R.R.R.R.R.R.R.R."], "2/4": ["R.R.R.R.", "R.5.R.5."] }, articulation: 0.8 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.punk, "2/4": GROOVES.punk24 }, fill: "rock", fillChance: 0.7, chance: 1, enter: ["intro", "intro", "verse"] },
    soloFamilies: ["guitar"],
    melody: { density: [1, 1.6], sixteenths: false, syncopation: 0.1, legato: 0.8, span: 12, phraseBars: [2, 4] },
    energy: [0.7, 1],
    features: features({ stop: 0.3, break: 0.25, crescendo: 0.3 }),
  },
  {
    id: "jazz swing",
    description: "Swing jazz: AABA heads over ii-V-I changes with 7th and 9th chords, walking bass, ride cymbal, horn and piano solos.",
    tempo: [100, 200],
    metres: [["4/4", 0.6], ["3/4", 0.25], ["5/4", 0.15]],
    modes: [["major", 0.5], ["minor", 0.3], ["dorian", 0.2]],
    swing: [0.6, 0.67],
    form: "jazz",
    progressions: { major: JAZZ_MAJOR, minor: JAZZ_MINOR, dorian: DORIAN_SEVENTHS },
    harmonicRhythm: [[1, 1]],
    lead: ["tenor sax", "alto sax", "trumpet", "muted trumpet", "trombone", "vibraphone", "clarinet"],
    comping: [
      {
        instruments: ["acoustic piano", "jazz guitar"], voicing: "rootless", varyPerBar: true, articulation: 0.7,
        patterns: { "4/4": ["x.....x.........", "......x.......x.", "x.......x.......", "....x.........x.", "..x.......x.....", "x..............."], "3/4": ["x.....x.....", "....x...x...", "x..........."], "5/4": ["x.....x.....x.......", "....x.......x......."] },
      },
    ],
    compingCount: [1, 1],
    bass: { instruments: ["acoustic bass"], patterns: {}, walking: true, articulation: 0.9 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.jazz, "3/4": GROOVES.jazz34, "5/4": GROOVES.jazz54 }, fill: "jazz", fillChance: 0.6, chance: 1, enter: ["intro", "verse"] },
    soloFamilies: ["woodwind", "brass", "mallet", "piano", "guitar"],
    melody: { density: [1.2, 2], sixteenths: false, syncopation: 0.35, legato: 0.85, span: 15, phraseBars: [2, 4] },
    energy: [0.35, 0.85],
    features: features({ stop: 0.15, break: 0.2, ritardando: 0.3, crescendo: 0.3, tempoChange: 0.03 }),
  },
  {
    id: "bossa nova",
    description: "Bossa nova: nylon guitar with syncopated thumb-and-fingers comping, maj7/min7 harmony, rim-click clave, soft flute or sax.",
    tempo: [116, 146],
    metres: [["4/4", 1]],
    modes: [["major", 0.7], ["minor", 0.3]],
    form: "song",
    progressions: { major: BOSSA_MAJOR, minor: BOSSA_MINOR },
    harmonicRhythm: [[1, 0.8], [2, 0.2]],
    lead: ["flute", "alto sax", "tenor sax", "voice oohs", "vibraphone", "muted trumpet"],
    comping: [
      { instruments: ["nylon guitar"], voicing: "rootless", patterns: { "4/4": ["B.......F....... + ..x..x...x..x... | x..x..x...x..x..", "B.......F....... + x..x..x...x..x.."] }, articulation: 0.6 },
      { instruments: ["electric piano", "acoustic piano"], voicing: "rootless", patterns: { "4/4": ["x.....x...x.....", "x..........x...."] }, articulation: 0.8 },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["strings", "slow strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.3 },
    bass: { instruments: ["acoustic bass", "fretless bass", "electric bass"], patterns: { "4/4": ["R.....5.R.....5.", "R.......5.....5."] }, articulation: 0.85 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.bossa }, fill: "light", fillChance: 0.35, chance: 0.9, enter: ["intro", "verse"] },
    percussion: { instruments: ["shaker"], chance: 0.3 },
    soloFamilies: ["woodwind", "mallet", "guitar", "brass"],
    melody: { density: [0.9, 1.5], sixteenths: false, syncopation: 0.45, legato: 0.9, span: 13, phraseBars: [2, 4] },
    energy: [0.25, 0.65],
    features: features({ fadeOut: 0.25, ritardando: 0.15, crescendo: 0.2, tempoChange: 0.03 }),
  },
  {
    id: "blues",
    description: "Twelve-bar blues: dominant-7th I-IV-V changes, shuffle feel, boogie or walking bass, harmonica or guitar lead and solos.",
    tempo: [60, 140],
    metres: [["4/4", 0.65], ["6/8", 0.35]],
    modes: [["major", 0.75], ["minor", 0.25]],
    swing: [0.62, 0.67],
    form: "blues",
    progressions: { major: BLUES_MAJOR, minor: BLUES_MINOR },
    harmonicRhythm: [[1, 1]],
    lead: ["harmonica", "electric guitar", "overdriven guitar", "tenor sax", "alto sax"],
    comping: [
      { instruments: ["acoustic piano", "honky-tonk piano"], voicing: "close", patterns: { "4/4": ["x.x.x.x.x.x.x.x.", "..x...x...x...x.", "x..x..x.x..x..x."], "6/8": ["x.x.x.x.x.x.", "x.....x.x.x."] }, articulation: 0.7 },
      { instruments: ["drawbar organ"], voicing: "close", patterns: PADS, pad: true },
      { instruments: ["jazz guitar", "electric guitar"], voicing: "guitar", patterns: { "4/4": ["....x.......x...", "x.x.x.x.x.x.x.x."] }, articulation: 0.6 },
    ],
    compingCount: [1, 2],
    bass: { instruments: ["electric bass", "acoustic bass"], patterns: { "4/4": ["R...3...5...6... | b...6...5...3...", "R...R...5...6...", "R.......5......."], "6/8": ["R.3.5.6.5.3.", "R.....5.....", "R...R.5...5."] }, articulation: 0.85 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.shuffle, "6/8": GROOVES.shuffle68 }, fill: "jazz", fillChance: 0.6, chance: 1, enter: ["intro", "verse"] },
    soloFamilies: ["guitar", "woodwind", "piano", "organ"],
    melody: { density: [0.9, 1.6], sixteenths: false, syncopation: 0.3, legato: 0.85, span: 12, phraseBars: [4] },
    energy: [0.4, 0.85],
    features: features({ stop: 0.3, break: 0.25, ritardando: 0.35, crescendo: 0.3 }),
  },
  {
    id: "funk",
    description: "Funk: one-chord vamps on dominant and minor 9ths, sixteenth-note guitar and clavinet, slap bass, ghost-note drums.",
    tempo: [92, 120],
    metres: [["4/4", 1]],
    modes: [["dorian", 0.55], ["mixolydian", 0.45]],
    form: "vamp",
    progressions: { dorian: FUNK_DORIAN, mixolydian: FUNK_MIXOLYDIAN },
    harmonicRhythm: [[1, 0.7], [2, 0.3]],
    lead: ["alto sax", "tenor sax", "trumpet", "square lead", "synth brass"],
    comping: [
      { instruments: ["muted guitar", "electric guitar"], voicing: "guitar", patterns: { "4/4": ["o.x.o.xo.xo.x.o.", "x.o.x.oxo.x.o.xo", "..x...x...x.xx.."] }, articulation: 0.4 },
      { instruments: ["clavinet"], voicing: "close", patterns: { "4/4": ["x.xo..x.xo.x..x.", "x..x.x..x..x.x.."] }, articulation: 0.45 },
      { instruments: ["electric piano"], voicing: "rootless", patterns: { "4/4": ["x.....x...x.....", "..x...x.....x..."] }, articulation: 0.6 },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["brass section", "drawbar organ", "synth brass"], voicing: "close", patterns: { "4/4": ["....x_......x_..", "x_.....x_.x_....", "x..............."] }, chance: 0.45, articulation: 0.5 },
    bass: { instruments: ["slap bass", "electric bass", "synth bass"], patterns: { "4/4": ["R..r.8.rR..r5.8.", "R.8..RR.R..8.5.A", "R..R..8.R.R..8.5"] }, articulation: 0.55 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.funk }, fill: "rock", fillChance: 0.6, chance: 1, enter: ["intro", "intro", "verse"] },
    percussion: { instruments: ["congas", "tambourine"], chance: 0.3 },
    soloFamilies: ["woodwind", "brass", "keys", "synth"],
    melody: { density: [1.2, 2], sixteenths: true, syncopation: 0.5, legato: 0.65, span: 12, phraseBars: [2] },
    energy: [0.5, 0.95],
    features: features({ fadeOut: 0.5, stop: 0.35, break: 0.35, crescendo: 0.3 }),
  },
  {
    id: "country",
    description: "Country: I-IV-V with boom-chick root-fifth bass, strummed acoustic guitar, train-beat drums, fiddle or banjo lead.",
    tempo: [96, 160],
    metres: [["4/4", 0.55], ["3/4", 0.25], ["2/4", 0.2]],
    modes: [["major", 0.7], ["mixolydian", 0.2], ["minor", 0.1]],
    form: "song",
    progressions: { major: COUNTRY_MAJOR, mixolydian: MIXOLYDIAN, minor: FOLK_MINOR },
    harmonicRhythm: [[1, 0.5], [2, 0.5]],
    lead: ["fiddle", "harmonica", "banjo", "electric guitar", "voice oohs"],
    comping: [
      { instruments: ["acoustic guitar"], voicing: "guitar", patterns: { ...STRUMS, "4/4": ["B...D.U.F...D.U.", "D...D.U...U.D.U.", "B...x...F...x..."] } },
      { instruments: ["honky-tonk piano", "acoustic piano"], voicing: "close", patterns: { "4/4": ["....x_......x_..", "x...x...x...x..."], "3/4": ["....x_..x_.."], "2/4": ["....x_.."] }, articulation: 0.6 },
      { instruments: ["banjo"], voicing: "close", patterns: { "4/4": ["0.1.2.0.1.2.0.1.", "0.2.1.2.0.2.1.2."], "3/4": ["0.1.2.1.2.1."], "2/4": ["0.1.2.0.", "0.2.1.2."] } },
    ],
    compingCount: [1, 2],
    bass: { instruments: ["electric bass", "acoustic bass"], patterns: { "4/4": ["R.......5.......", "R.......5.....A.", "R...5...R...5..."], "3/4": ["R........... | 5..........."], "2/4": ["R...5...", "R...5.A."] }, articulation: 0.75 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.country, "3/4": GROOVES.country34, "2/4": GROOVES.country24 }, fill: "light", fillChance: 0.6, chance: 0.95, enter: ["intro", "verse"] },
    percussion: { instruments: ["tambourine"], chance: 0.15 },
    soloFamilies: ["strings", "guitar", "woodwind", "piano"],
    melody: { density: [1, 1.6], sixteenths: false, syncopation: 0.2, legato: 0.85, span: 12, phraseBars: [4, 2] },
    energy: [0.4, 0.85],
    features: features({ fadeOut: 0.15, keyChangeUp: 0.2, stop: 0.2, break: 0.15, ritardando: 0.2, crescendo: 0.3 }),
  },
  {
    id: "reggae",
    description: "Reggae: one-drop drums, offbeat guitar and organ skank on 2 and 4, deep syncopated bass, laid-back tempo.",
    tempo: [64, 92],
    metres: [["4/4", 1]],
    modes: [["major", 0.45], ["minor", 0.35], ["dorian", 0.2]],
    swing: [0.54, 0.6],
    form: "song",
    progressions: { major: REGGAE_MAJOR, minor: REGGAE_MINOR, dorian: DORIAN },
    harmonicRhythm: [[1, 0.6], [2, 0.4]],
    lead: ["voice oohs", "trumpet", "harmonica", "square lead", "flute", "trombone"],
    comping: [
      { instruments: ["electric guitar", "muted guitar"], voicing: "close", patterns: { "4/4": ["....x_......x_..", "..x_..x_..x_..x_"] }, articulation: 0.35 },
      { instruments: ["drawbar organ", "percussive organ"], voicing: "close", patterns: { "4/4": ["..xx..xx..xx..xx", "....x_......x_.."] }, articulation: 0.4 },
      { instruments: ["acoustic piano"], voicing: "close", patterns: { "4/4": ["....x_......x_.."] }, articulation: 0.35 },
    ],
    compingCount: [1, 2],
    bass: { instruments: ["electric bass", "fretless bass"], patterns: { "4/4": ["R...R.5.....5.3.", "..R.R..5R...3.5.", "R.....R.5...8..."] }, articulation: 0.7 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.reggae }, fill: "light", fillChance: 0.5, chance: 1, enter: ["intro", "verse"] },
    percussion: { instruments: ["bongos", "shaker"], chance: 0.3 },
    soloFamilies: ["brass", "woodwind", "keys", "organ"],
    melody: { density: [0.8, 1.4], sixteenths: false, syncopation: 0.4, legato: 0.8, span: 12, phraseBars: [2, 4] },
    energy: [0.35, 0.75],
    features: features({ fadeOut: 0.4, stop: 0.15, break: 0.25, crescendo: 0.2 }),
  },
  {
    id: "house",
    description: "House music: four-on-the-floor kick, offbeat open hats, synth bass, piano stabs and pads, breakdown, build-up and drop.",
    tempo: [118, 130],
    metres: [["4/4", 1]],
    modes: [["minor", 0.45], ["major", 0.25], ["dorian", 0.15], ["phrygian", 0.15]],
    form: "edm",
    progressions: { minor: HOUSE_MINOR, major: HOUSE_MAJOR, dorian: DORIAN_SEVENTHS, phrygian: PHRYGIAN },
    harmonicRhythm: [[1, 0.6], [2, 0.4]],
    lead: ["saw lead", "square lead", "synth voice", "voice oohs"],
    comping: [
      { instruments: ["acoustic piano", "bright piano"], voicing: "close", patterns: { "4/4": ["..x_..x_....x_..", "x_.x_..x_.x_....", "..x_..x_..x_..x_"] }, articulation: 0.5 },
      { instruments: ["electric piano", "synth brass"], voicing: "close", patterns: { "4/4": ["x..x..x...x..x.."] }, articulation: 0.5 },
    ],
    compingCount: [1, 1],
    pad: { instruments: ["warm pad", "polysynth pad", "sweep pad", "synth strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.9 },
    bass: { instruments: ["synth bass", "deep synth bass"], patterns: { "4/4": ["..R...R...R...R.", "..R..RR...R..R..", "R.R.R.R.R.R.R.R."] }, articulation: 0.6 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.house }, fill: "edm", fillChance: 0.3, chance: 1, enter: ["intro"] },
    soloFamilies: [],
    melody: { density: [1, 1.8], sixteenths: true, syncopation: 0.4, legato: 0.6, span: 12, phraseBars: [2, 4] },
    energy: [0.3, 1],
    features: features({ fadeOut: 0.2, fadeIn: 0.2, crescendo: 1, break: 0.1 }),
  },
  {
    id: "hip-hop",
    description: "Boom-bap hip-hop: slow swung drum loop with hard kick and snare, looped two-chord minor-7th samples, deep bass.",
    tempo: [78, 98],
    metres: [["4/4", 1]],
    modes: [["minor", 0.45], ["dorian", 0.2], ["phrygian", 0.2], ["major", 0.15]],
    swing: [0.54, 0.6],
    form: "hiphop",
    progressions: { minor: HIPHOP_MINOR, major: HIPHOP_MAJOR, dorian: { verse: ["i7 - IV7 -", "i9 - - -"], chorus: ["bIIImaj7 - IV7 -"], bridge: ["v7 - IV7 -"] }, phrygian: PHRYGIAN },
    harmonicRhythm: [[1, 0.6], [2, 0.4]],
    lead: ["electric piano", "flute", "vibraphone", "muted trumpet", "square lead", "strings"],
    comping: [
      { instruments: ["electric piano", "acoustic piano", "jazz guitar"], voicing: "rootless", patterns: { "4/4": ["x.........x.....", "x.......x..x....", "x..............."] }, articulation: 0.85 },
      { instruments: ["strings", "choir"], voicing: "spread", patterns: PADS, pad: true },
    ],
    compingCount: [1, 1],
    pad: { instruments: ["warm pad", "choir", "strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.3 },
    bass: { instruments: ["deep synth bass", "electric bass", "acoustic bass"], patterns: { "4/4": ["R.........R.....", "R......R..R.....", "R.......R.R....."] }, articulation: 0.9 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.hiphop }, fill: "light", fillChance: 0.2, chance: 1, enter: ["intro", "intro", "verse"] },
    soloFamilies: [],
    melody: { density: [0.6, 1.2], sixteenths: true, syncopation: 0.4, legato: 0.75, span: 10, phraseBars: [2, 4] },
    energy: [0.45, 0.8],
    features: features({ fadeOut: 0.2, stop: 0.25, break: 0.35 }),
  },
  {
    id: "orchestral",
    description: "Orchestral: strings carry the harmony, woodwind or brass melodies, horn counter-lines, timpani instead of a drum kit.",
    tempo: [54, 132],
    metres: [["4/4", 0.35], ["3/4", 0.25], ["6/8", 0.15], ["2/4", 0.1], ["5/4", 0.1], ["7/8", 0.05]],
    modes: [["major", 0.35], ["minor", 0.3], ["lydian", 0.15], ["phrygian", 0.1], ["dorian", 0.1]],
    form: "orchestral",
    progressions: { major: ORCHESTRAL_MAJOR, minor: ORCHESTRAL_MINOR, lydian: LYDIAN, phrygian: PHRYGIAN, dorian: DORIAN },
    harmonicRhythm: [[1, 0.7], [2, 0.3]],
    lead: ["violin", "flute", "oboe", "french horn", "trumpet", "clarinet"],
    comping: [
      { instruments: ["strings", "slow strings"], voicing: "spread", patterns: { ...PADS, "4/4": ["x...............", "x.x.x.x.x.x.x.x."], "3/4": ["x...x...x...", "x..........."] }, pad: true },
      { instruments: ["harp"], voicing: "spread", patterns: { "4/4": ["0.1.2.3.4.3.2.1.", "0123432101234321"], "3/4": ["0.1.2.3.4.3."], "6/8": ["0.1.2.3.2.1."], "2/4": ["0.1.2.3."] } },
      { instruments: ["pizzicato strings"], voicing: "close", patterns: { "4/4": ["x...x...x...x..."], "3/4": ["....x...x..."], "6/8": ["x.....x....."], "2/4": ["x...x..."] }, articulation: 0.4 },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["brass section", "french horn", "choir"], voicing: "close", patterns: PADS, pad: true, chance: 0.6 },
    counter: { instruments: ["french horn", "cello", "clarinet", "oboe", "bassoon", "viola"], chance: 0.7 },
    bass: { instruments: ["contrabass", "cello", "tuba"], patterns: SLOW_BASS, articulation: 0.95 },
    percussion: { instruments: ["timpani"], chance: 0.7 },
    soloFamilies: [],
    melody: { density: [0.8, 1.4], sixteenths: false, syncopation: 0.1, legato: 0.92, span: 15, phraseBars: [4, 2] },
    energy: [0.2, 0.95],
    features: features({ fadeIn: 0.1, relativeBridge: 0.25, tempoChange: 0.2, ritardando: 0.6, metreChange: 0.1, crescendo: 0.7 }),
  },
  {
    id: "ambient",
    description: "Ambient: slow evolving pads with long chords, sparse bell-like melody, no drums, fades in and out.",
    tempo: [50, 80],
    metres: [["4/4", 0.4], ["3/4", 0.25], ["6/8", 0.2], ["5/4", 0.15]],
    modes: [["lydian", 0.35], ["major", 0.25], ["minor", 0.2], ["dorian", 0.2]],
    form: "ambient",
    progressions: AMBIENT,
    harmonicRhythm: [[1, 0.5], [2, 0.5]],
    lead: ["celesta", "vibraphone", "flute", "pan flute", "music box", "kalimba", "glockenspiel"],
    comping: [
      { instruments: ["halo pad", "warm pad", "new age pad", "bowed pad", "choir pad", "slow strings"], voicing: "spread", patterns: PADS, pad: true },
      { instruments: ["harp", "electric piano", "marimba"], voicing: "spread", patterns: { "4/4": ["0...2...1...3...", "0.......3......."], "3/4": ["0...2...3..."], "6/8": ["0.....2....."], "5/4": ["0...2...1...3...2..."] } },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["sweep pad", "bowed pad", "synth strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.5 },
    bass: { instruments: ["fretless bass", "synth bass", "contrabass"], patterns: { "4/4": ["R..............."], "3/4": ["R..........."], "6/8": ["R..........."], "5/4": ["R..................."] }, articulation: 0.98, none: 0.4 },
    soloFamilies: [],
    melody: { density: [0.25, 0.55], sixteenths: false, syncopation: 0.1, legato: 0.95, span: 12, phraseBars: [4] },
    energy: [0.15, 0.5],
    features: features({ fadeIn: 0.6, fadeOut: 0.6, crescendo: 0.3, tempoChange: 0.03 }),
  },
  {
    id: "folk",
    description: "Folk: strummed or finger-picked acoustic guitar, fiddle, flute, harmonica or accordion lead, light percussion or none.",
    tempo: [72, 140],
    metres: [["4/4", 0.35], ["3/4", 0.25], ["6/8", 0.2], ["2/4", 0.1], ["7/8", 0.1]],
    modes: [["major", 0.4], ["minor", 0.2], ["dorian", 0.2], ["mixolydian", 0.2]],
    form: "song",
    progressions: { major: FOLK_MAJOR, minor: FOLK_MINOR, dorian: FOLK_DORIAN, mixolydian: MIXOLYDIAN },
    harmonicRhythm: [[1, 0.6], [2, 0.4]],
    lead: ["fiddle", "flute", "harmonica", "accordion", "recorder", "voice oohs", "pan flute"],
    comping: [
      { instruments: ["acoustic guitar", "nylon guitar"], voicing: "guitar", patterns: STRUMS },
      { instruments: ["acoustic guitar", "nylon guitar"], voicing: "guitar", patterns: { "4/4": ["0.3.1.4.0.3.1.4.", "0.2.3.2.1.2.3.2."], "3/4": ["0.2.3.1.2.3."], "6/8": ["0.2.3.1.2.3."], "2/4": ["0.2.1.2."], "7/8": ["0.2.3.0.2.1.3."] } },
      { instruments: ["accordion", "banjo"], voicing: "close", patterns: { "4/4": ["x...x...x...x..."], "3/4": ["....x_..x_.."], "6/8": ["x.....x....."], "2/4": ["x...x..."], "7/8": ["x...x...x....."] }, articulation: 0.6 },
    ],
    compingCount: [1, 2],
    counter: { instruments: ["cello", "violin", "flute", "accordion"], chance: 0.3 },
    bass: { instruments: ["acoustic bass", "electric bass"], patterns: SLOW_BASS, articulation: 0.85, none: 0.25 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.folk, "3/4": GROOVES.folk34, "6/8": GROOVES.folk68 }, fill: "light", fillChance: 0.4, chance: 0.45, enter: ["verse", "chorus"] },
    percussion: { instruments: ["tambourine", "shaker", "bongos"], chance: 0.35 },
    soloFamilies: ["strings", "woodwind", "keys"],
    melody: { density: [0.9, 1.4], sixteenths: false, syncopation: 0.15, legato: 0.88, span: 12, phraseBars: [4, 2] },
    energy: [0.3, 0.75],
    features: features({ fadeOut: 0.15, stop: 0.1, break: 0.2, ritardando: 0.3, crescendo: 0.3, metreChange: 0.05 }),
  },
  {
    id: "waltz",
    description: "Waltz in 3/4: bass on the downbeat and chords on beats two and three (oom-pah-pah), strings or accordion melody.",
    tempo: [84, 180],
    metres: [["3/4", 1]],
    modes: [["major", 0.7], ["minor", 0.3]],
    form: "waltz",
    progressions: { major: WALTZ_MAJOR, minor: WALTZ_MINOR },
    harmonicRhythm: [[1, 0.7], [2, 0.3]],
    lead: ["violin", "accordion", "flute", "clarinet", "acoustic piano"],
    comping: [
      { instruments: ["acoustic piano", "accordion", "pizzicato strings", "harp"], voicing: "close", patterns: { "3/4": ["....x_..x_..", "....x...x..."] }, articulation: 0.55 },
      { instruments: ["strings", "slow strings"], voicing: "spread", patterns: { "3/4": ["....x...x...", "x..........."] }, pad: false, articulation: 0.7 },
    ],
    compingCount: [1, 2],
    counter: { instruments: ["cello", "french horn", "clarinet", "flute"], chance: 0.35 },
    bass: { instruments: ["contrabass", "tuba", "acoustic bass"], patterns: { "3/4": ["R........... | 5...........", "R..........."] }, articulation: 0.5 },
    drums: { kit: "drum kit", grooves: { "3/4": GROOVES.waltz }, fill: "light", fillChance: 0.3, chance: 0.35, enter: ["verse"] },
    soloFamilies: [],
    melody: { density: [0.7, 1.2], sixteenths: false, syncopation: 0.05, legato: 0.9, span: 14, phraseBars: [4] },
    energy: [0.3, 0.8],
    features: features({ ritardando: 0.5, relativeBridge: 0.25, crescendo: 0.5, tempoChange: 0.1 }),
  },
  {
    id: "march",
    description: "March: brass band in 2/4 or 4/4, tuba on the beats, snare drum rolls and bass drum, a trio in the subdominant key.",
    tempo: [104, 132],
    metres: [["2/4", 0.45], ["4/4", 0.3], ["6/8", 0.25]],
    modes: [["major", 0.85], ["minor", 0.15]],
    form: "march",
    progressions: { major: MARCH_MAJOR, minor: WALTZ_MINOR },
    harmonicRhythm: [[1, 1]],
    lead: ["trumpet", "clarinet", "piccolo", "flute"],
    comping: [
      { instruments: ["brass section", "french horn"], voicing: "close", patterns: { "2/4": ["..x_..x_"], "4/4": ["..x_..x_..x_..x_"], "6/8": ["..x_.x..x_.x"] }, articulation: 0.5 },
      { instruments: ["trombone"], voicing: "close", patterns: { "2/4": ["x...x..."], "4/4": ["x.......x......."], "6/8": ["x.....x....."] }, articulation: 0.8 },
    ],
    compingCount: [1, 2],
    counter: { instruments: ["trombone", "french horn", "piccolo", "clarinet"], chance: 0.6 },
    bass: { instruments: ["tuba"], patterns: { "2/4": ["R...5..."], "4/4": ["R...5...R...5..."], "6/8": ["R.....5....."] }, articulation: 0.6 },
    drums: { kit: "marching percussion", grooves: { "2/4": GROOVES.march24, "4/4": GROOVES.march44, "6/8": GROOVES.march68 }, fill: "roll", fillChance: 0.8, chance: 1, enter: ["intro"] },
    soloFamilies: [],
    melody: { density: [1, 1.6], sixteenths: true, syncopation: 0.05, legato: 0.75, span: 14, phraseBars: [4] },
    energy: [0.55, 1],
    features: features({ stop: 0.1, crescendo: 0.4 }),
  },
  {
    id: "ballad",
    description: "Ballad: slow 4/4 or 6/8, piano arpeggios and strings, drums entering at the first chorus, a key change and a slowing ending.",
    tempo: [52, 80],
    metres: [["4/4", 0.5], ["6/8", 0.35], ["3/4", 0.15]],
    modes: [["major", 0.6], ["minor", 0.4]],
    form: "song",
    progressions: { major: BALLAD_MAJOR, minor: BALLAD_MINOR },
    harmonicRhythm: [[1, 0.85], [2, 0.15]],
    lead: ["voice oohs", "violin", "flute", "alto sax", "soprano sax", "cello", "electric guitar"],
    comping: [
      { instruments: ["acoustic piano", "electric piano"], voicing: "spread", patterns: PIANO_ARPS },
      { instruments: ["acoustic piano"], voicing: "close", patterns: { "4/4": ["x.......x.......", "x...x...x...x..."], "6/8": ["x.....x.....", "x.x.x.x.x.x."], "3/4": ["x...x...x...", "x..........."] } },
      { instruments: ["acoustic guitar", "nylon guitar"], voicing: "guitar", patterns: { "4/4": ["0.2.3.2.1.2.3.2."], "6/8": ["0.2.3.1.2.3."], "3/4": ["0.2.3.1.2.3."] } },
    ],
    compingCount: [1, 1],
    pad: { instruments: ["strings", "slow strings", "warm pad"], voicing: "spread", patterns: PADS, pad: true, chance: 0.8 },
    counter: { instruments: ["cello", "strings", "french horn", "flute"], chance: 0.35 },
    bass: { instruments: ["electric bass", "fretless bass", "acoustic bass"], patterns: SLOW_BASS, articulation: 0.95 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.ballad, "6/8": GROOVES.ballad68 }, fill: "light", fillChance: 0.7, chance: 0.9, enter: ["verse", "chorus", "chorus"] },
    soloFamilies: ["guitar", "woodwind", "strings"],
    melody: { density: [0.7, 1.2], sixteenths: true, syncopation: 0.25, legato: 0.92, span: 14, phraseBars: [2, 4] },
    energy: [0.2, 0.85],
    features: features({ keyChangeUp: 0.35, relativeBridge: 0.1, ritardando: 0.6, stop: 0.1, fadeOut: 0.1, crescendo: 0.7, tempoChange: 0.05 }),
  },
  {
    id: "soul",
    description: "Soul and R&B: electric piano and organ, horn-section stabs, syncopated bass, backbeat with ghost notes, 7th chords.",
    tempo: [60, 112],
    metres: [["4/4", 0.6], ["6/8", 0.3], ["3/4", 0.1]],
    modes: [["major", 0.45], ["minor", 0.35], ["dorian", 0.2]],
    form: "song",
    progressions: { major: SOUL_MAJOR, minor: SOUL_MINOR, dorian: DORIAN_SEVENTHS },
    harmonicRhythm: [[1, 0.8], [2, 0.2]],
    lead: ["voice oohs", "tenor sax", "alto sax", "trumpet", "electric guitar"],
    comping: [
      { instruments: ["electric piano", "acoustic piano"], voicing: "close", patterns: { "4/4": ["x.....x...x.....", "x..x..x.x......."], "6/8": ["x.x.x.x.x.x."] } },
      { instruments: ["drawbar organ"], voicing: "close", patterns: PADS, pad: true },
      { instruments: ["electric guitar"], voicing: "guitar", patterns: { "4/4": ["....x_......x_..", "..x_..x_..x_..x_"], "6/8": ["...x_....x_."] }, articulation: 0.4 },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["brass section", "strings"], voicing: "close", patterns: { "4/4": ["x...............", "....x_......x_.."], "6/8": ["x..........."] }, chance: 0.5, articulation: 0.8 },
    counter: { instruments: ["brass section", "strings", "trombone"], chance: 0.3 },
    bass: { instruments: ["electric bass", "fretless bass"], patterns: { "4/4": ["R.....R.R...5...", "R..R....R.5...A.", "R.......R..5..8."], "6/8": ["R.....5.....", "R....R5....."] }, articulation: 0.8 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.soul, "6/8": GROOVES.ballad68 }, fill: "rock", fillChance: 0.6, chance: 1, enter: ["intro", "verse"] },
    percussion: { instruments: ["tambourine", "congas"], chance: 0.3 },
    soloFamilies: ["woodwind", "guitar", "organ"],
    melody: { density: [0.9, 1.5], sixteenths: true, syncopation: 0.4, legato: 0.85, span: 14, phraseBars: [2, 4] },
    energy: [0.35, 0.85],
    features: features({ fadeOut: 0.35, keyChangeUp: 0.2, stop: 0.2, break: 0.2, ritardando: 0.15, crescendo: 0.5 }),
  },
  {
    id: "disco",
    description: "Disco: four-on-the-floor with open hats, octave-jumping bass, chanking guitar, lush strings and brass hits.",
    tempo: [110, 128],
    metres: [["4/4", 1]],
    modes: [["minor", 0.45], ["major", 0.3], ["dorian", 0.25]],
    form: "song",
    progressions: DISCO,
    harmonicRhythm: [[1, 0.8], [2, 0.2]],
    lead: ["strings", "synth brass", "square lead", "voice oohs", "brass section", "flute"],
    comping: [
      { instruments: ["muted guitar", "electric guitar"], voicing: "guitar", patterns: { "4/4": ["x.xxx.xxx.xxx.xx", "..x_..x_..x_..x_"] }, articulation: 0.4 },
      { instruments: ["electric piano", "acoustic piano"], voicing: "close", patterns: { "4/4": ["..x_..x_..x_..x_", "x.....x...x....."] }, articulation: 0.6 },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["slow strings", "synth strings", "strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.7 },
    counter: { instruments: ["brass section", "synth brass", "strings"], chance: 0.4 },
    bass: { instruments: ["electric bass", "slap bass", "synth bass"], patterns: { "4/4": ["R.8.R.8.R.8.R.8.", "R.8.R.8.5.8.R.8."] }, articulation: 0.6 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.disco }, fill: "rock", fillChance: 0.5, chance: 1, enter: ["intro"] },
    percussion: { instruments: ["congas", "tambourine"], chance: 0.4 },
    soloFamilies: ["woodwind", "brass", "synth", "keys"],
    melody: { density: [1, 1.7], sixteenths: true, syncopation: 0.35, legato: 0.8, span: 13, phraseBars: [2, 4] },
    energy: [0.5, 0.95],
    features: features({ fadeOut: 0.45, stop: 0.15, break: 0.3, crescendo: 0.5, keyChangeUp: 0.1 }),
  },
  {
    id: "latin",
    description: "Salsa/son montuno: 2-3 clave, conga tumbao and cowbell, syncopated piano montuno, anticipated tumbao bass, brass lead.",
    tempo: [150, 200],
    metres: [["4/4", 0.6], ["2/4", 0.2], ["6/8", 0.2]],
    modes: [["major", 0.45], ["minor", 0.4], ["dorian", 0.15]],
    form: "latin",
    progressions: { ...LATIN, dorian: DORIAN_SEVENTHS },
    harmonicRhythm: [[1, 1]],
    lead: ["trumpet", "flute", "trombone", "alto sax", "voice oohs"],
    comping: [
      { instruments: ["acoustic piano", "bright piano"], voicing: "spread", patterns: { "4/4": ["0.2.3.1.2.3.1.2. | .0.3.1.2.3.1.2.0", "x..x..x...x..x.. | ..x..x.x..x..x.."], "2/4": ["0.2.3.1. | .0.3.1.2", "x..x..x. | ..x..x.x"], "6/8": ["0.2.3.1.2.3.", "x..x..x.x.x."] }, articulation: 0.6 },
    ],
    compingCount: [1, 1],
    pad: { instruments: ["brass section", "trombone"], voicing: "close", patterns: { "4/4": ["x_.x_.....x_....", "....x_....x_.x_."] }, chance: 0.5, articulation: 0.5 },
    bass: { instruments: ["acoustic bass", "electric bass", "fretless bass"], patterns: { "4/4": ["......R.....N...", "R.....5.....N..."], "2/4": ["R.....5.", "R..5R..5"], "6/8": ["R.....5.....", "R..R..5....."] }, articulation: 0.9 },
    drums: { kit: "latin percussion", grooves: { "4/4": GROOVES.latin, "2/4": GROOVES.latin24, "6/8": GROOVES.latin68 }, fill: "latin", fillChance: 0.6, chance: 1, enter: ["intro"] },
    percussion: { instruments: ["bongos"], chance: 0.4 },
    soloFamilies: ["brass", "piano", "woodwind"],
    melody: { density: [1, 1.6], sixteenths: false, syncopation: 0.45, legato: 0.8, span: 13, phraseBars: [2, 4] },
    energy: [0.5, 0.95],
    features: features({ stop: 0.25, break: 0.3, crescendo: 0.4 }),
  },
  {
    id: "ska",
    description: "Ska: upbeat guitar and organ skank on every offbeat, walking bass, brass-led melodies, bright and fast.",
    tempo: [130, 180],
    metres: [["4/4", 0.75], ["2/4", 0.25]],
    modes: [["major", 0.75], ["minor", 0.25]],
    form: "song",
    progressions: { major: SKA_MAJOR, minor: SKA_MINOR },
    harmonicRhythm: [[1, 0.7], [2, 0.3]],
    lead: ["trumpet", "trombone", "tenor sax", "alto sax", "voice oohs"],
    comping: [
      { instruments: ["electric guitar", "muted guitar"], voicing: "close", patterns: { "4/4": ["..x_..x_..x_..x_"], "2/4": ["..x_..x_"] }, articulation: 0.35 },
      { instruments: ["drawbar organ", "acoustic piano"], voicing: "close", patterns: { "4/4": ["..x_..x_..x_..x_", "..xx..xx..xx..xx"], "2/4": ["..x_..x_", "..xx..xx"] }, articulation: 0.35 },
    ],
    compingCount: [1, 2],
    counter: { instruments: ["trombone", "brass section", "baritone sax"], chance: 0.4 },
    bass: { instruments: ["electric bass", "acoustic bass"], patterns: {}, walking: true, articulation: 0.8 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.ska, "2/4": GROOVES.ska24 }, fill: "rock", fillChance: 0.6, chance: 1, enter: ["intro", "verse"] },
    soloFamilies: ["brass", "woodwind", "organ"],
    melody: { density: [1, 1.6], sixteenths: false, syncopation: 0.3, legato: 0.75, span: 12, phraseBars: [2, 4] },
    energy: [0.55, 0.95],
    features: features({ stop: 0.25, break: 0.25, crescendo: 0.4, keyChangeUp: 0.1 }),
  },
  {
    id: "progressive rock",
    description: "Progressive rock: sections in 7/8 and 5/4 against 4/4, modal harmony (dorian, lydian), organ and synth leads, long solos.",
    tempo: [92, 150],
    metres: [["7/8", 0.45], ["5/4", 0.3], ["4/4", 0.25]],
    modes: [["minor", 0.25], ["dorian", 0.25], ["lydian", 0.25], ["mixolydian", 0.15], ["phrygian", 0.1]],
    form: "prog",
    progressions: PROG,
    harmonicRhythm: [[1, 0.7], [2, 0.3]],
    lead: ["saw lead", "square lead", "distortion guitar", "rock organ", "flute"],
    comping: [
      { instruments: ["electric guitar", "overdriven guitar"], voicing: "guitar", patterns: { "4/4": ["0.1.2.3.0.1.2.3.", "D.D.D.D.D.D.D.D."], "7/8": ["0.1.2.0.1.2.3.", "D.D.D.D.D.D.D."], "5/4": ["0.1.2.3.0.1.2.3.0.1."] } },
      { instruments: ["rock organ", "acoustic piano", "drawbar organ"], voicing: "close", patterns: { ...PIANO_BLOCKS, "7/8": ["x...x...x.x.x."] } },
    ],
    compingCount: [1, 2],
    pad: { instruments: ["synth strings", "polysynth pad", "choir", "slow strings"], voicing: "spread", patterns: PADS, pad: true, chance: 0.6 },
    bass: { instruments: ["picked bass", "electric bass", "fretless bass"], patterns: { "4/4": ROCK_BASS["4/4"]!, "7/8": ["R.R.R.5.R.8.R.", "R...R...5.5.5."], "5/4": ["R.R.R.R.R.R.5.5.R.8.", "R.....R.....5...5..."] }, articulation: 0.8 },
    drums: { kit: "drum kit", grooves: { "4/4": GROOVES.rock, "7/8": GROOVES.prog78, "5/4": GROOVES.prog54 }, fill: "rock", fillChance: 0.8, chance: 1, enter: ["intro", "verse"] },
    soloFamilies: ["synth", "guitar", "organ"],
    melody: { density: [1, 1.6], sixteenths: true, syncopation: 0.2, legato: 0.85, span: 15, phraseBars: [2, 4] },
    energy: [0.4, 0.95],
    features: features({ tempoChange: 0.25, stop: 0.2, break: 0.2, ritardando: 0.3, crescendo: 0.4, metreChange: 0.5 }),
  },
];

export const STYLE_DEFS: ReadonlyMap<string, StyleDef> = new Map(styles.map((s) => [s.id, s]));

/** Every style id the composer knows, e.g. "pop", "jazz swing", "bossa nova". */
export const STYLES: string[] = styles.map((s) => s.id);

export function styleDef(id: string): StyleDef {
  const s = STYLE_DEFS.get(id);
  if (!s) throw new Error(`unknown style "${id}"; known: ${STYLES.join(", ")}`);
  return s;
}
