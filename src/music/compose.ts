// The composer: a seed (and options) in, a complete Score out. Decisions are made top-down, each from its own
// forked random stream so that changing one decision's code never reshuffles the others:
//   style -> metre, key -> tempo and form (fitted to the requested duration) -> bars, keys, tempo map
//   -> instruments and arrangement -> harmony -> parts (drums, bass, comping, melody, counter, percussion)
//   -> stops, breaks, dynamics, swing, human timing -> events, chords, mood.
import type { Key, Mood, Note, Score, ScoreChord, ScoreEvent, ScoreSection, TempoChange, Track } from "./score.js";
import { beatToSeconds } from "./score.js";
import { Rng } from "./rng.js";
import { arrange, chooseTracks, sectionEnergy } from "./arrange.js";
import { writeBass } from "./bass.js";
import { writeComping } from "./comping.js";
import { writeDrums, writePercussion, writeTimpani } from "./drums.js";
import { type StopOrBreak, applyRamps, applyStopsAndBreaks, applySwing, automation, humanise, placeStopsAndBreaks } from "./dynamics.js";
import { type FormSection, formBeats, planForm } from "./form.js";
import { HarmonyChooser, sectionChords } from "./harmony.js";
import { writeCounter, writeMelody, writeSolos } from "./melody.js";
import { deriveMood } from "./mood.js";
import type { BarPlan, SectionPlan, SongPlan, TrackPlan } from "./plan.js";
import { type MetreId, barBeats, metreId, metreInfo, metreOf } from "./rhythm.js";
import { STYLES, type StyleDef, styleDef } from "./styles.js";
import { QUALITY_INTERVALS, keyName, makeKey, relativeKey, transposeKey } from "./theory.js";

export { STYLES };

export interface ComposeOptions {
  /** Force a style (one of STYLES). */
  style?: string;
  /** Shortest song, in seconds (default 60, or half of maxSeconds when that is under 120). */
  minSeconds?: number;
  /** Longest song, in seconds (default 150, or 1.5 x minSeconds when that is over 100). */
  maxSeconds?: number;
  /** Styles never chosen (a benchmark's held-out styles). */
  excludeStyles?: string[];
}

const PPQ = 480;

function chooseStyle(rng: Rng, options: ComposeOptions): StyleDef {
  if (options.style !== undefined) return styleDef(options.style);
  const excluded = new Set(options.excludeStyles ?? []);
  const allowed = STYLES.filter((s) => !excluded.has(s));
  if (allowed.length === 0) throw new Error("compose: every style is excluded");
  return styleDef(rng.pick(allowed));
}

/** Seconds of a form per BPM unit: seconds = beatsOverFactor * 60 / bpm. */
function weightedBeats(form: readonly FormSection[], metre: MetreId): number {
  return form.reduce((sum, sec) => sum + formBeats([sec], metre) / (sec.tempoFactor ?? 1), 0);
}

/**
 * Chooses a form and main tempo that put the song inside [min, max] seconds: a target duration and a tempo in the
 * style's range pick the form's bar budget; then the tempo is solved for the target (staying near the style's
 * range), trying again with another target when the form cannot fit.
 */
function planTiming(style: StyleDef, metre: MetreId, min: number, max: number, rng: Rng): { form: FormSection[]; bpm: number } {
  const [lo, hi] = style.tempo;
  let best: { form: FormSection[]; bpm: number; miss: number } | undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = rng.fork(`timing${attempt}`);
    const margin = 0.15 * (max - min);
    const target = r.uniform(min + margin, max - margin);
    const preferred = r.uniform(lo, hi);
    const form = planForm({ style, metre, bpm: preferred, targetSeconds: target }, r);
    const needed = (weightedBeats(form, metre) * 60) / target;
    const miss = needed < lo ? lo / needed - 1 : needed > hi ? needed / hi - 1 : 0;
    if (!best || miss < best.miss) best = { form, bpm: needed, miss };
    if (miss <= 0.06) break;
  }
  const bpm = clampBpm(best!.bpm);
  return { form: best!.form, bpm };
}

/** Which tune a section sings: a drop sings the chorus, a pre-chorus its own, breakdowns and interludes the bridge's. */
const THEMES: Partial<Record<string, string>> = { "pre-chorus": "pre", drop: "chorus", breakdown: "bridge", interlude: "bridge" };

interface Timeline {
  bars: BarPlan[];
  sections: SectionPlan[];
  keys: { beat: number; key: Key }[];
  events: ScoreEvent[];
}

/** Lays the form out as bars with their metre and key, and makes the section plans. */
function layOut(form: readonly FormSection[], metre: MetreId, home: Key, style: StyleDef, rng: Rng): Timeline {
  const bars: BarPlan[] = [];
  const sections: SectionPlan[] = [];
  const keys: { beat: number; key: Key }[] = [{ beat: 0, key: home }];
  const events: ScoreEvent[] = [];
  const counts = new Map<string, number>();
  const lastChorus = form.map((f) => f.label).lastIndexOf("chorus");
  let beat = 0;
  let current = home;
  form.forEach((f, i) => {
    let key = current;
    switch (f.key) {
      case "home": current = key = home; break;
      case "up-half": current = key = transposeKey(current, 1); break;
      case "up-whole": current = key = transposeKey(current, 2); break;
      case "subdominant": current = key = transposeKey(current, 5); break;
      // A relative-key section (a bridge in the relative minor) holds for that section only: the next one
      // is back in `current`, and the change back is a key change like any other.
      case "relative": key = relativeKey(current) ?? current; break;
    }
    const prevKey = keys[keys.length - 1]!.key;
    if (keyName(prevKey) !== keyName(key)) {
      keys.push({ beat, key });
      events.push({ type: "key-change", startBeat: beat, endBeat: beat, detail: `to ${keyName(key)}` });
    }
    const occurrence = (counts.get(f.label) ?? 0) + 1;
    counts.set(f.label, occurrence);
    const start = beat;
    const sectionBars: BarPlan[] = [];
    for (let b = 0; b < f.bars; b++) {
      const m = metreOf(b === f.bars - 1 && f.tailBar ? f.tailBar : f.metre ?? metre);
      const bar: BarPlan = { index: bars.length, start: beat, beats: barBeats(m), metre: m, info: metreInfo(m), section: i, inSection: b, key };
      bars.push(bar);
      sectionBars.push(bar);
      beat += bar.beats;
    }
    const theme = f.label === "intro" ? (rng.chance(0.3) ? "chorus" : "intro") : f.label === "outro" ? (rng.chance(0.5) ? "chorus" : "outro") : THEMES[f.label] ?? f.label;
    sections.push({
      index: i, label: f.label, occurrence, bars: sectionBars, start, end: beat,
      energy: sectionEnergy(f.label, occurrence, i === lastChorus, style, rng),
      active: new Set(), chords: [], buildBars: f.build ?? 0, theme,
    });
  });
  return { bars, sections, keys, events };
}

const MIN_BPM = 50;
const MAX_BPM = 200;

function clampBpm(bpm: number): number {
  return Math.max(MIN_BPM, Math.min(MAX_BPM, Math.round(bpm)));
}

interface TempoPlan {
  tempos: TempoChange[];
  /** The final ritardando's span, when there is one. */
  ritardando?: { start: number; end: number };
}

/** Tempo map: the main tempo, section tempo factors, and a ritardando over the last bars when the form asks. */
function tempoMap(form: readonly FormSection[], sections: readonly SectionPlan[], bpm: number): TempoPlan {
  const tempos: TempoChange[] = [];
  let ritardando: TempoPlan["ritardando"];
  let current = 0;
  sections.forEach((s, i) => {
    const t = clampBpm(bpm * (form[i]!.tempoFactor ?? 1));
    if (t !== current) {
      tempos.push({ beat: s.start, bpm: t });
      current = t;
    }
    const target = clampBpm(current * 0.72);
    if (form[i]!.ritardando && i === sections.length - 1 && target < current - 4) {
      const bars = s.bars.slice(-Math.min(2, s.bars.length));
      const start = bars[0]!.start;
      for (let b = start + 1; b < s.end - 1e-9; b += 1) {
        tempos.push({ beat: b, bpm: clampBpm(current + ((target - current) * (b - start)) / (s.end - start)) });
      }
      ritardando = { start, end: s.end };
    }
  });
  return { tempos, ritardando };
}

/** "tempo-change" events from the final tempo map: steps at section starts, and the ritardando as one span. */
function tempoEvents(plan: TempoPlan): ScoreEvent[] {
  const events: ScoreEvent[] = [];
  const r = plan.ritardando;
  const t = plan.tempos;
  for (let i = 1; i < t.length; i++) {
    if (r && t[i]!.beat > r.start) continue;
    events.push({ type: "tempo-change", startBeat: t[i]!.beat, endBeat: t[i]!.beat, detail: `from ${t[i - 1]!.bpm} to ${t[i]!.bpm} BPM` });
  }
  if (r) {
    const from = [...t].reverse().find((x) => x.beat <= r.start + 1e-9)!.bpm;
    events.push({ type: "tempo-change", startBeat: r.start, endBeat: r.end, detail: `ritardando from ${from} to ${t[t.length - 1]!.bpm} BPM` });
  }
  return events;
}

/** Metre map and metre-change events from the bars. */
function metreMap(bars: readonly BarPlan[]): { metres: Score["metres"]; events: ScoreEvent[] } {
  const metres: Score["metres"] = [];
  const events: ScoreEvent[] = [];
  for (const bar of bars) {
    const last = metres[metres.length - 1];
    if (last && metreId(last.metre) === metreId(bar.metre)) continue;
    if (last) events.push({ type: "metre-change", startBeat: bar.start, endBeat: bar.start, detail: `from ${metreId(last.metre)} to ${metreId(bar.metre)}` });
    metres.push({ beat: bar.start, metre: bar.metre });
  }
  return { metres, events };
}

/** Whether any note starts in [start, end); `notes` sorted by onset. */
function notesIn(notes: readonly Note[], start: number, end: number): boolean {
  let lo = 0, hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid]!.beat < start - 1e-9) lo = mid + 1;
    else hi = mid;
  }
  return lo < notes.length && notes[lo]!.beat < end - 1e-9;
}

/** Lets the last notes of each pitched part ring to the end of the final bar (a held final chord). */
function ringOut(tracks: TrackPlan[], lastBar: BarPlan): void {
  const end = lastBar.start + lastBar.beats;
  for (const t of tracks) {
    if (t.entry.isDrums) continue;
    const inLast = t.notes.filter((n) => n.beat >= lastBar.start - 1e-9);
    if (inLast.length === 0) continue;
    const lastOnset = inLast.reduce((m, n) => Math.max(m, n.beat), -Infinity);
    for (const n of inLast) if (n.beat === lastOnset) n.duration = end - n.beat;
  }
}

/** Whether a chord is heard as minor (for the mood's harmony share). */
function isMinorQuality(quality: string): boolean {
  return QUALITY_INTERVALS[quality as keyof typeof QUALITY_INTERVALS]?.[1] === 3;
}

export function compose(seed: number, options: ComposeOptions = {}): Score {
  // Defaults 60-150 s; giving one bound moves the other default out of its way.
  const max = options.maxSeconds ?? Math.max(150, (options.minSeconds ?? 0) * 1.5);
  const min = options.minSeconds ?? Math.min(60, max / 2);
  if (!(min > 0 && max > min)) throw new RangeError(`compose: need 0 < minSeconds < maxSeconds, got ${min}, ${max}`);
  const root = new Rng(seed);
  const style = chooseStyle(root.fork("style"), options);
  // Every later decision draws from a stream of this seed and style, so one seed forced into different styles
  // gives unrelated keys, tempos and forms.
  const rng = root.fork(`song:${style.id}`);
  const metre = rng.fork("metre").weighted(style.metres);
  const keyRng = rng.fork("key");
  const home = makeKey(keyRng.int(0, 11), keyRng.weighted(style.modes));
  const { form, bpm } = planTiming(style, metre, min, max, rng.fork("timing"));
  const timeline = layOut(form, metre, home, style, rng.fork("layout"));
  const { sections, bars } = timeline;

  // Instruments and who plays where.
  const tracks = chooseTracks(style, rng.fork("instruments"));
  const lead = tracks.find((t) => t.role === "lead")!;
  const swing = style.swing ? Math.round(rng.fork("swing").uniform(style.swing[0], style.swing[1]) * 100) / 100 : undefined;
  const song: SongPlan = { style, homeKey: home, bars, sections, tracks, swing, lead: lead.name, bpm };
  const shape = rng.fork("shape");
  const fadeOut = shape.chance(style.features.fadeOut);
  const fadeIn = shape.chance(style.features.fadeIn);
  if (fadeOut) form[form.length - 1]!.ritardando = false;
  if (!tracks.some((t) => t.role === "drums")) for (const s of sections) s.buildBars = 0;
  arrange(style, sections, tracks, rng.fork("arrange"));

  // Harmony, then the parts.
  const chooser = new HarmonyChooser(style, rng.fork("harmony"));
  sections.forEach((s, i) => (s.chords = sectionChords(s.bars, form[i]!, chooser, i === sections.length - 1 && !fadeOut)));
  let fills = writeParts(song, rng.fork("parts"));

  // Stops and breaks, the final ring, dynamics, swing, human feel.
  const feel = rng.fork("feel");
  const stops = placeStopsAndBreaks(song, feel.fork("stops"));
  applyStopsAndBreaks(tracks, stops);
  const kitName = tracks.find((t) => t.role === "drums")?.name;
  fills = fills.filter((f) => !stops.some((s) => s.instrument !== kitName && f.start < s.window.end && f.end > s.window.start));
  if (!fadeOut) ringOut(tracks, bars[bars.length - 1]!);
  const auto = automation(song, fadeIn, fadeOut, stops.map((s) => s.window), feel.fork("automation"));
  for (const t of tracks) {
    applyRamps(t.notes, auto.ramps);
    if (swing) applySwing(t.notes, song, swing);
    humanise(t.notes, song, t.role === "drums" || t.role === "percussion", feel.fork(`human:${t.name}`));
    t.notes.sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
  }

  // Truth from the notes: an instrument is listed in a section only if it sounds there.
  const playing = tracks.filter((t) => t.notes.length > 0);
  for (const s of sections) for (const name of [...s.active]) {
    const t = tracks.find((x) => x.name === name);
    if (!t || !notesIn(t.notes, s.start, s.end)) s.active.delete(name);
  }

  // Events.
  const metres = metreMap(bars);
  const events: ScoreEvent[] = [...timeline.events, ...metres.events, ...auto.events];
  const kit = tracks.find((t) => t.role === "drums");
  for (const f of fills) events.push({ type: "drum-fill", startBeat: f.start, endBeat: f.end, instrument: kit!.name });
  for (const s of sections) {
    if (s.soloist && s.active.has(s.soloist)) events.push({ type: "solo", startBeat: s.start, endBeat: s.end, instrument: s.soloist });
    if (s.label === "drop") events.push({ type: "drop", startBeat: s.start, endBeat: s.start });
  }
  for (const s of stops) {
    events.push(s.type === "stop"
      ? { type: "stop", startBeat: s.window.start, endBeat: s.window.end, detail: "all instruments stop" }
      : { type: "break", startBeat: s.window.start, endBeat: s.window.end, instrument: s.instrument, detail: `${s.instrument} alone` });
  }

  const chords = scoreChords(sections, tracks, stops);

  // Length: a tail of 1-2 beats after the last note; then make sure the tempo map keeps it within bounds.
  let lastNoteEnd = 0;
  for (const t of playing) for (const n of t.notes) lastNoteEnd = Math.max(lastNoteEnd, n.beat + n.duration);
  const lengthBeats = round4(lastNoteEnd + rng.fork("tail").uniform(1, 2));
  const tempo = fitTempos(tempoMap(form, sections, bpm), lengthBeats, min, max);
  const tempos = tempo.tempos;
  events.push(...tempoEvents(tempo));

  const mood = songMood(style, home, tempos, lengthBeats, playing, chords, swing);

  events.sort((a, b) => a.startBeat - b.startBeat || a.type.localeCompare(b.type));
  const scoreSections: ScoreSection[] = sections.map((s) => ({
    startBeat: s.start, endBeat: s.end, label: s.label, bars: s.bars.length,
    instruments: tracks.filter((t) => s.active.has(t.name)).map((t) => t.name),
  }));
  const pans = panPositions(playing);
  const scoreTracks: Track[] = playing.map((t, i) => ({
    instrument: { name: t.name, family: t.entry.family, program: t.entry.program, isDrums: t.entry.isDrums ?? false, role: t.role },
    notes: t.notes,
    volume: auto.points.map((p) => ({ beat: round4(p.beat), value: p.value })),
    pan: pans[i]!,
  }));
  return {
    id: `synthetic-${style.id.replace(/\s+/g, "-")}-${seed >>> 0}`,
    source: "synthetic",
    style: style.id,
    seed,
    ppq: PPQ,
    tempos,
    metres: metres.metres,
    keys: timeline.keys,
    tracks: scoreTracks,
    sections: scoreSections,
    chords,
    events,
    lead: lead.name,
    mood,
    lengthBeats,
    ...(swing ? { swing } : {}),
  };
}

/** Writes every track's notes; returns the drum fills played. */
function writeParts(song: SongPlan, rng: Rng): { start: number; end: number }[] {
  const { style } = song;
  let fills: { start: number; end: number }[] = [];
  for (const t of song.tracks) {
    const r = rng.fork(t.name);
    switch (t.role) {
      case "lead": t.notes = writeMelody(song, t, r, style.melody); break;
      case "comping":
      case "pad": t.notes = [...writeComping(song, t, r), ...writeSolos(song, t, r, style.melody)]; break;
      case "counter": t.notes = [...writeCounter(song, t, r), ...writeSolos(song, t, r, style.melody)]; break;
      case "bass": t.notes = writeBass(song, t, r); break;
      case "drums": {
        const d = writeDrums(song, t.name, style.drums!, r);
        t.notes = d.notes;
        fills = d.fills;
        break;
      }
      case "percussion": t.notes = t.name === "timpani" ? writeTimpani(song, t.name, r) : writePercussion(song, t.name, r); break;
    }
  }
  return fills;
}

const NO_CHORD = { symbol: "N", root: "N", quality: "N" };

/**
 * The chord track as heard: the planned chords, but "N" wherever nothing pitched sounds (a drums-only intro, a
 * stop, a drum break).
 */
function scoreChords(sections: readonly SectionPlan[], tracks: readonly TrackPlan[], stops: readonly StopOrBreak[]): ScoreChord[] {
  const isDrums = (name: string | undefined) => tracks.find((t) => t.name === name)?.entry.isDrums ?? false;
  const silent = stops.filter((s) => s.type === "stop" || isDrums(s.instrument)).map((s) => s.window).sort((a, b) => a.start - b.start);
  const chords: ScoreChord[] = [];
  const push = (c: ScoreChord) => {
    const prev = chords[chords.length - 1];
    if (prev && prev.symbol === "N" && c.symbol === "N") prev.endBeat = c.endBeat;
    else if (c.endBeat > c.startBeat + 1e-9) chords.push(c);
  };
  for (const s of sections) {
    const pitched = [...s.active].some((n) => !isDrums(n));
    for (const span of s.chords) {
      const chord = { symbol: span.chord.symbol, root: span.chord.root, quality: span.chord.quality as string, roman: span.chord.roman };
      if (!pitched) {
        push({ startBeat: span.start, endBeat: span.end, ...NO_CHORD });
        continue;
      }
      let cursor = span.start;
      for (const w of silent.filter((w) => w.start < span.end && w.end > span.start)) {
        push({ startBeat: cursor, endBeat: Math.max(cursor, w.start), ...chord });
        push({ startBeat: Math.max(cursor, w.start), endBeat: Math.min(span.end, w.end), ...NO_CHORD });
        cursor = Math.min(span.end, w.end);
      }
      push({ startBeat: cursor, endBeat: span.end, ...chord });
    }
  }
  return chords;
}

/** The mood facts of a finished song, handed to deriveMood. */
function songMood(style: StyleDef, home: Key, tempos: readonly TempoChange[], lengthBeats: number, tracks: readonly TrackPlan[], chords: readonly ScoreChord[], swing?: number): Mood[] {
  let velocitySum = 0, noteCount = 0;
  for (const t of tracks) {
    for (const n of t.notes) velocitySum += n.velocity;
    noteCount += t.notes.length;
  }
  const sounding = chords.filter((c) => c.symbol !== "N");
  const chordTime = sounding.reduce((sum, c) => sum + c.endBeat - c.startBeat, 0);
  const minorTime = sounding.filter((c) => isMinorQuality(c.quality)).reduce((sum, c) => sum + c.endBeat - c.startBeat, 0);
  return deriveMood({
    style: style.id, mode: home.mode, bpm: mainTempo(tempos, lengthBeats),
    loudness: velocitySum / Math.max(1, noteCount) / 127,
    minorChords: chordTime > 0 ? minorTime / chordTime : 0, swing,
  });
}

/**
 * Scales every tempo by the same ratio when the song would end outside [min, max] seconds (rounding, the final
 * ritardando and the tail can push a song planned inside just over an edge). Notes are in beats, so only the
 * tempo map moves.
 */
function fitTempos(plan: TempoPlan, lengthBeats: number, min: number, max: number): TempoPlan {
  let tempos = plan.tempos;
  for (let guard = 0; guard < 100; guard++) {
    const seconds = beatToSeconds(tempos, lengthBeats);
    if (seconds >= min && seconds <= max) break;
    const ratio = seconds > max ? seconds / (max - 0.25) : seconds / (min + 0.25);
    let next = tempos.map((t) => ({ beat: t.beat, bpm: clampBpm(t.bpm * ratio) }));
    if (next.every((t, i) => t.bpm === tempos[i]!.bpm)) {
      next = tempos.map((t) => ({ beat: t.beat, bpm: clampBpm(t.bpm + (seconds > max ? 1 : -1)) }));
      if (next.every((t, i) => t.bpm === tempos[i]!.bpm)) break; // pinned at the tempo limits
    }
    tempos = next;
  }
  return { ...plan, tempos };
}

/** The tempo that holds for the most beats (not a slow intro's or a ritardando's). */
function mainTempo(tempos: readonly TempoChange[], lengthBeats: number): number {
  const beats = new Map<number, number>();
  tempos.forEach((t, i) => beats.set(t.bpm, (beats.get(t.bpm) ?? 0) + (tempos[i + 1]?.beat ?? lengthBeats) - t.beat));
  return [...beats].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/**
 * Spreads instruments across the stereo field: bass, lead and everything on the drum channel centred (drum-channel
 * tracks share one MIDI channel, hence one pan), the rest alternating sides.
 */
function panPositions(tracks: readonly TrackPlan[]): number[] {
  let side = -1;
  return tracks.map((t) => {
    if (t.role === "bass" || t.role === "lead" || t.entry.isDrums) return 0;
    side = -side;
    return Math.round(side * (0.25 + 0.1 * (tracks.indexOf(t) % 3)) * 100) / 100;
  });
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
