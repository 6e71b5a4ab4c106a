// Global question categories: style, key, mode, tempo (class and value), metre, instrumentation, lead instrument,
// chords (the chord at a time; chord qualities) and mood.
import { MODES, type Mode } from "../../music/score.js";
import type { SongAnnotation, TempoClass } from "../schema.js";
import { formatTime } from "../timefmt.js";
import { chordAt, chordsNear, keyChanges, metreChanges, qualitySeconds, tempoChanges } from "./facts.js";
import type { McqCategory } from "./mcq.js";
import {
  BPM_TOLERANCE, keyOptions, ladder, metreOptions, mightBeInSong, sample, unrelatedInstruments, withNote,
} from "./options.js";
import { styleText } from "./phrases.js";
import { QUALITY_SUFFIX, TEMPO_CLASSES, metreName, modeName, qualityName } from "./theory.js";
import {
  ALL_STYLES, INSTRUMENTS, LEAD_INSTRUMENTS, MOOD_CLUSTERS, relatedStyles, styleLeads, stylesOverlap,
} from "./vocab.js";
import { fill } from "./words.js";

const STYLE_TEMPLATES = [
  "What style is this song?", "Which genre best describes the track?", "What kind of music is this?",
  "The piece belongs to which style?", "Which of these styles fits the song?", "How would you classify the song's genre?",
  "What genre is this piece?", "Which style is the track played in?",
];

/**
 * Wrong styles: one to three related styles (near misses), the rest from the whole world, never one that could
 * also describe the song. Drawing from the world's own style list keeps every style as often offered as it is
 * the answer, when styles are equally common.
 */
const genre: McqCategory = {
  category: "genre",
  split: "global",
  make({ a, rng }) {
    const style = a.global.style;
    const allowed = ALL_STYLES.filter((s) => !stylesOverlap(s, style));
    const near = rng.shuffle(relatedStyles(style).filter((s) => allowed.includes(s))).slice(0, rng.int(1, 3));
    const rest = rng.shuffle(allowed.filter((s) => !near.includes(s)));
    const distractors = [...near, ...rest].slice(0, 3);
    if (distractors.length < 3) return undefined;
    return { question: rng.pick(STYLE_TEMPLATES), answer: styleText(style), distractors: distractors.map(styleText) };
  },
};

const KEY_TEMPLATES = [
  "What key is the song in?", "What is the home key of the track?", "Which key is the piece written in?",
  "The song is in which key?", "Which key does the music sit in?", "What is the key of this piece?",
];
const OPENING_KEY_TEMPLATES = [
  "What key does the song start in?", "What is the opening key of the track?", "Which key does the piece begin in?",
  "Before any key change, what key is the song in?",
];

const key: McqCategory = {
  category: "key",
  split: "global",
  make({ a, rng }) {
    const changes = keyChanges(a).length > 0;
    const options = keyOptions(rng, a.global.key);
    return { question: rng.pick(changes ? OPENING_KEY_TEMPLATES : KEY_TEMPLATES), ...options };
  },
};

const MODE_TEMPLATES = [
  "Which mode is the song in?", "What is the mode of the song's key?", "Which scale mode does the music use?",
  "Is the tonality major, minor or modal? Which mode exactly?", "What mode is the piece written in?",
];

/** The mode a mode question takes as its answer; undefined when the song moves to another mode. */
export function modeAnswer(a: SongAnnotation): Mode | undefined {
  return keyChanges(a).some((c) => c.to.mode !== a.global.key.mode) ? undefined : a.global.key.mode;
}

const mode: McqCategory = {
  category: "mode",
  split: "global",
  make({ a, rng }) {
    const m = modeAnswer(a);
    if (m === undefined) return undefined;
    const distractors = rng.shuffle(MODES.filter((x) => x !== m)).slice(0, 3).map(modeName);
    return { question: rng.pick(MODE_TEMPLATES), answer: modeName(m), distractors };
  },
};

const TEMPO_CLASS_TEMPLATES = [
  "How would you describe the tempo?", "What tempo class does the song fall in?", "How fast is the song?",
  "Which word best describes the speed of the track?", "How would you rate the pace of the music?",
];
/** BPM thresholds between tempo classes (schema.tempoClass). */
const CLASS_EDGES = [66, 90, 120, 150];

/**
 * The tempo class a tempo-class question takes as its answer; undefined within 3 BPM of a class edge (arguable by
 * ear) or when the tempo changes (which makes "the" tempo ambiguous).
 */
export function tempoClassAnswer(a: SongAnnotation): TempoClass | undefined {
  return CLASS_EDGES.some((e) => Math.abs(a.global.tempo - e) < 3) || tempoChanges(a).length > 0 ? undefined : a.global.tempoClass;
}

const tempoClassQ: McqCategory = {
  category: "tempo-class",
  split: "global",
  make({ a, rng }) {
    const answer = tempoClassAnswer(a);
    if (answer === undefined) return undefined;
    const distractors = rng.shuffle(TEMPO_CLASSES.filter((c) => c !== answer)).slice(0, 3);
    return { question: rng.pick(TEMPO_CLASS_TEMPLATES), answer, distractors };
  },
};

const TEMPO_TEMPLATES = [
  "What is the tempo in BPM?", "Roughly how many beats per minute does the song have?", "At what tempo is the song played?",
  "How many beats per minute does the track run at?", "What is the song's tempo?",
];
const MAIN_TEMPO_TEMPLATES = [
  "What is the main tempo of the song in BPM?", "For most of the song, what is the tempo?",
  "What tempo holds for most of the track?",
];

const tempoValue: McqCategory = {
  category: "tempo-value",
  split: "global",
  make({ a, rng }) {
    const answer = Math.round(a.global.tempo);
    const values = ladder(rng, answer, rng.pick([5, 8, 10, 12]), 30, 260);
    // A wrong value must not be a tempo the song also has somewhere.
    if (!values || values.some((v) => v !== answer && a.temporal.tempos.some((t) => Math.abs(t.bpm - v) < 3))) return undefined;
    const changes = tempoChanges(a).length > 0;
    const question = withNote(rng, rng.pick(changes ? MAIN_TEMPO_TEMPLATES : TEMPO_TEMPLATES), BPM_TOLERANCE);
    return { question, answer: `${answer} BPM`, distractors: values.filter((v) => v !== answer).map((v) => `${v} BPM`) };
  },
};

const METRE_TEMPLATES = [
  "What is the time signature?", "Which metre is the song in?", "What time signature fits the song?",
  "How is the song counted: in which time signature?", "What is the metre of the piece?",
];

/** The metre a metre question takes as its answer; undefined when the metre changes. */
export function metreAnswer(a: SongAnnotation): string | undefined {
  return metreChanges(a).length > 0 ? undefined : metreName(a.global.metre);
}

const metre: McqCategory = {
  category: "metre",
  split: "global",
  make({ a, rng }) {
    const answer = metreAnswer(a);
    if (answer === undefined) return undefined;
    return { question: rng.pick(METRE_TEMPLATES), answer, distractors: metreOptions(rng, a.global.metre) };
  },
};

const PRESENT_TEMPLATES = [
  "Which of these instruments can be heard in the song?", "Which instrument is part of the arrangement?",
  "Which of the following plays in the track?", "One of these instruments is in the song. Which?",
  "Which of these instruments do you hear?",
];
const ABSENT_TEMPLATES = [
  "Which of these instruments is NOT in the song?", "Which instrument does not appear in the arrangement?",
  "Which of these is never heard in the track?", "All but one of these play in the song. Which one doesn't?",
];

/** Families a song nearly always has: asking whether the drums or a bass are there is answered by priors. */
const EVER_PRESENT = new Set(["bass", "drums"]);

/**
 * Which instrument is present (wrong: absent ones of the same family) or absent (wrong: present ones). Bass and
 * drums stay out of it on both sides.
 */
const instrumentation: McqCategory = {
  category: "instrumentation",
  split: "global",
  make({ a, rng }) {
    const present = a.global.instruments.filter((i) => !EVER_PRESENT.has(i.family) && !i.isDrums).map((i) => i.name);
    if (present.length === 0) return undefined;
    if (rng.chance(0.5)) {
      const answer = rng.pick(present);
      const distractors = unrelatedInstruments(a, rng, 3, answer);
      return distractors.length === 3 ? { question: rng.pick(PRESENT_TEMPLATES), answer, distractors } : undefined;
    }
    const distractors = sample(rng, present, 3);
    if (!distractors) return undefined;
    // The absent answer comes from the family of one of the present options, so it sounds like it belongs.
    const [absent] = unrelatedInstruments(a, rng, 1, rng.pick(distractors));
    return absent ? { question: rng.pick(ABSENT_TEMPLATES), answer: absent, distractors } : undefined;
  },
};

const LEAD_TEMPLATES = [
  "Which instrument carries the melody?", "What is the lead instrument?", "Which instrument plays the main tune?",
  "Which instrument takes the lead line?", "Who has the melody: which instrument?", "Which instrument sings the tune here?",
];
/**
 * The lead instrument. Wrong options are instruments that could carry a tune: the song's other instruments that
 * some style uses as a lead (a counter-melody flute), then absent leads of the song's own style, then absent leads
 * of any style. Offering the song's pads and bass would let "which of these is a melody instrument" answer it.
 */
const lead: McqCategory = {
  category: "lead",
  split: "global",
  make({ a, rng }) {
    const answer = a.global.leadInstrument;
    const inSong = a.global.instruments.map((i) => i.name).filter((n) => n !== answer && LEAD_INSTRUMENTS.includes(n));
    const absent = (names: readonly string[]) => rng.shuffle(names.filter((n) => {
      const v = INSTRUMENTS.find((i) => i.name === n);
      return v !== undefined && !mightBeInSong(a, v);
    }));
    const pool = [...rng.shuffle(inSong).slice(0, rng.int(0, 2)), ...absent(styleLeads(a.global.style)), ...absent(LEAD_INSTRUMENTS)];
    const distractors = [...new Set(pool)].slice(0, 3);
    return distractors.length === 3 ? { question: rng.pick(LEAD_TEMPLATES), answer, distractors } : undefined;
  },
};

const CHORD_AT_TEMPLATES = [
  "What chord is played at {t}?", "Which chord sounds at {t}?", "At {t}, what is the harmony?",
  "Which chord is heard at {t}?", "What chord is the band playing at {t}?",
];

/**
 * The chord at a time. The answer chord is drawn uniformly from the song's chords held at least 1.5 s somewhere
 * (then one such span, asked 0.75 s inside it), like the wrong options: other such chords of the song that sound
 * nowhere within 1.5 s of the time. Drawing the answer by time instead would make the common triads the usual answers
 * and the rare chords the usual wrong ones. Songs with too few chords get same-root chords of another quality.
 */
const chord: McqCategory = {
  category: "chord",
  split: "global",
  make({ a, rng }) {
    const long = a.temporal.chords.filter((c) => c.symbol !== "N" && c.end - c.start >= 1.5);
    if (long.length === 0) return undefined;
    const symbol = rng.pick([...new Set(long.map((c) => c.symbol))]);
    const c = rng.pick(long.filter((x) => x.symbol === symbol));
    const t = rng.uniform(c.start + 0.75, c.end - 0.75);
    if (chordAt(a, t)?.symbol !== c.symbol) return undefined;
    const near = new Set(chordsNear(a, t, 1.5).map((x) => x.symbol));
    // Wrong chords from the same pool as answers (chords held 1.5 s somewhere), or passing chords would only
    // ever be wrong.
    const songSymbols = [...new Set(long.map((x) => x.symbol))].filter((s) => !near.has(s));
    const distractors = sample(rng, songSymbols, Math.min(3, songSymbols.length)) ?? [];
    // Made-up chords only when the song writes symbols as root + suffix, so they look like its own.
    if (distractors.length < 3 && c.symbol === c.root + (QUALITY_SUFFIX[c.quality] ?? "\u0000")) {
      const made = rng.shuffle(["maj", "min", "7", "min7", "maj7", "sus4"].filter((q) => q !== c.quality))
        .map((q) => c.root + QUALITY_SUFFIX[q]!)
        .filter((s) => !near.has(s) && !distractors.includes(s));
      distractors.push(...made.slice(0, 3 - distractors.length));
    }
    if (distractors.length < 3) return undefined;
    return { question: fill(rng.pick(CHORD_AT_TEMPLATES), { t: formatTime(t) }), answer: c.symbol, distractors };
  },
};

const QUALITY_TEMPLATES = [
  "Which chord quality is most common in the song?", "What type of chord dominates the harmony?",
  "Most of the song's chords are of which quality?", "Which kind of chord is heard most?",
];
const USES_TEMPLATES = [
  "Which of these kinds of chord does the song use?", "Which of these chord types can be heard in the song?",
  "Beyond plain triads, which of these chords turns up in the harmony?", "Which of these chord qualities occurs in the song?",
];
/**
 * Qualities that are the most common one in some of the world's songs: the options of the "most common" kind.
 * Only qualities that can be its answer: an option that never is (diminished) would mark the others as likelier.
 */
const LEADING_QUALITIES = ["maj", "min", "7", "min7", "maj7", "9", "5"];
/**
 * Non-triad qualities the world's songs use, for the "uses" kind (plain major and minor triads stay out: nearly
 * every song has them, so offering them would answer the question). Again only qualities that are sometimes
 * the answer.
 */
const COLOUR_QUALITIES = ["7", "min7", "maj7", "9", "5", "min9", "m7b5", "sus2"];

/**
 * Chord qualities: which one sounds longest (asked only when it clearly leads, 1.3x the next), or which colour
 * quality the song uses at all (wrong options: ones it never uses).
 */
const chordQuality: McqCategory = {
  category: "chord-quality",
  split: "global",
  make({ a, rng }) {
    const seconds = qualitySeconds(a);
    if (rng.chance(0.5)) {
      const used = COLOUR_QUALITIES.filter((q) => seconds.has(q));
      const unused = COLOUR_QUALITIES.filter((q) => !seconds.has(q));
      const distractors = sample(rng, unused, 3);
      if (used.length === 0 || !distractors) return undefined;
      return { question: rng.pick(USES_TEMPLATES), answer: qualityName(rng.pick(used)), distractors: distractors.map(qualityName) };
    }
    const [top, second] = [...seconds].sort((x, y) => y[1] - x[1]);
    if (!top || !LEADING_QUALITIES.includes(top[0]) || (second && top[1] < 1.3 * second[1])) return undefined;
    const distractors = rng.shuffle(LEADING_QUALITIES.filter((q) => q !== top[0])).slice(0, 3).map(qualityName);
    return { question: rng.pick(QUALITY_TEMPLATES), answer: qualityName(top[0]), distractors };
  },
};

const MOOD_TEMPLATES = [
  "What is the mood of the song?", "Which word best describes the mood?", "How does the song feel?",
  "Which mood fits the track?", "What feeling does the music convey?", "Which of these describes the song's character?",
];

/**
 * The primary mood. Each wrong mood comes from its own cluster, none of which holds any of the song's moods, so
 * the four options are four different kinds of feeling (two from one cluster would mark both as wrong).
 */
const mood: McqCategory = {
  category: "mood",
  split: "global",
  make({ a, rng }) {
    const answer = a.global.mood[0];
    if (!answer) return undefined;
    const clusters = MOOD_CLUSTERS.filter((c) => !a.global.mood.some((m) => c.includes(m)));
    const chosen = sample(rng, clusters, 3);
    return chosen && { question: rng.pick(MOOD_TEMPLATES), answer, distractors: chosen.map((c) => rng.pick(c)) };
  },
};

export const GLOBAL_CATEGORIES: readonly McqCategory[] = [
  genre, key, mode, tempoClassQ, tempoValue, metre, instrumentation, lead, chord, chordQuality, mood,
];
