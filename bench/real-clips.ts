// How the model does on real recordings: every clip in a folder (default ../shared/data/real-clips, or
// GAMMA_REAL_CLIPS, or the first argument) is asked about its tempo, key, instruments, genre and metre, and each
// answer is judged against what bench/real-clips.json says is known of the clip (only facts stated by a title, a
// licence text or a publisher; a clip with nothing known is asked anyway and its answers shown). Judgements:
// tempo within 8% (or half/double, reported apart), key exact or its relative, instrument families named, genre
// and metre named. Writes a markdown table (--out FILE or GAMMA_REAL_CLIPS_OUT) and ends with one JSON line.
//   npm run bench:real-clips [-- DIR] [--model DIR] [--out report.md]
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/cli/paths.js";
import { configureThreads } from "../src/engine/runtime.js";
import { Gamma } from "../src/model/pipeline.js";
import { CATALOGUE } from "../src/music/instruments.js";
import { mod12, pitchClass } from "../src/music/theory.js";

interface Known { music: boolean; tempo?: number; key?: string; families?: string[]; genre?: string[]; metre?: string; source: string }

const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const modelDir = flag("--model");
const outFile = flag("--out") ?? process.env.GAMMA_REAL_CLIPS_OUT;
const clipsDir = args[0] ?? process.env.GAMMA_REAL_CLIPS ?? path.join(repoRoot(), "..", "shared", "data", "real-clips");
if (!fs.existsSync(clipsDir)) {
  console.error(`no real clips at ${clipsDir} (give a folder as the first argument or set GAMMA_REAL_CLIPS); nothing to do`);
  console.log(JSON.stringify({ bench: "real-clips", skipped: true, reason: `${clipsDir} does not exist` }));
  process.exit(0);
}
const known = (JSON.parse(fs.readFileSync(path.join(repoRoot(), "bench", "real-clips.json"), "utf8")) as { clips: Record<string, Known> }).clips;

const QUESTIONS = {
  tempo: "What tempo is it played at?",
  key: "What key is it in?",
  instruments: "What instruments do you hear?",
  genre: "What kind of music is this?",
  metre: "What is the time signature?",
} as const;
type Aspect = keyof typeof QUESTIONS;

/** The first "N BPM" / "N beats per minute" in a text. */
function parseTempo(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(?:bpm|beats per minute)/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The first "<tonic> major|minor" in a text, as a tonic pitch class and a mode (or a bare tonic after "in"). */
function parseKey(text: string): { pc: number; minor?: boolean } | undefined {
  const m = /\b([A-G])([#b♯♭]?)\s+(major|minor)\b/.exec(text) ?? /\bin ([A-G])([#b♯♭]?)\b/.exec(text);
  if (!m) return undefined;
  const accidental = m[2] === "♯" ? "#" : m[2] === "♭" ? "b" : m[2]!;
  return { pc: pitchClass(m[1]! + accidental), minor: m[3] ? m[3] === "minor" : undefined };
}

function judgeKey(answer: string, truth: string): string {
  const got = parseKey(answer), want = parseKey(truth.includes(" ") ? truth : `in ${truth}`)!;
  if (!got) return "no key named";
  if (got.pc === want.pc && (want.minor === undefined || got.minor === want.minor)) return "right";
  if (want.minor !== undefined && got.minor !== undefined && got.minor !== want.minor && mod12(got.pc - want.pc) === (want.minor ? 3 : 9)) return "relative key";
  return "wrong";
}

function judgeTempo(answer: string, truth: number): string {
  const got = parseTempo(answer);
  if (got === undefined) return "no tempo named";
  const off = (x: number) => Math.abs(x - truth) / truth;
  if (off(got) <= 0.08) return "right";
  if (off(got / 2) <= 0.08 || off(got * 2) <= 0.08) return "octave error";
  return `wrong (${Math.round(100 * (got - truth) / truth)}%)`;
}

/** Instrument families of the catalogue names (and their families' own names) a text mentions. */
function familiesNamed(text: string): Set<string> {
  const lower = text.toLowerCase(), found = new Set<string>();
  for (const [name, entry] of CATALOGUE) if (lower.includes(name)) found.add(entry.family);
  for (const family of ["strings", "brass", "woodwind", "piano", "drums", "bass", "guitar", "organ", "synth", "percussion"]) if (lower.includes(family)) found.add(family);
  return found;
}

function judgeFamilies(answer: string, truth: string[]): string {
  const named = familiesNamed(answer), hit = truth.filter((f) => named.has(f));
  return hit.length === truth.length ? "right" : hit.length ? `partly (${hit.join(", ")} of ${truth.join(", ")})` : "wrong";
}

configureThreads();
const gamma = Gamma.load(modelDir);
const files = fs.readdirSync(clipsDir).filter((f) => /\.(ogg|wav|mp3|flac|opus|m4a)$/i.test(f)).sort();
const rows: { clip: string; known: Known | undefined; answers: Record<Aspect, string>; verdicts: Partial<Record<Aspect, string>> }[] = [];
const t0 = performance.now();
for (const [i, file] of files.entries()) {
  const heard = await gamma.hear(path.join(clipsDir, file));
  const conversations = (Object.keys(QUESTIONS) as Aspect[]).map((aspect) => ({
    messages: [{ role: "user" as const, content: [{ type: "audio" as const, clip: file }, { type: "text" as const, text: QUESTIONS[aspect] }] }],
    clips: [heard.encoding],
  }));
  const replies = gamma.replyBatch(conversations, { maxNewTokens: 48 });
  const answers = Object.fromEntries((Object.keys(QUESTIONS) as Aspect[]).map((a, j) => [a, replies[j]!.texts[0]!.trim()])) as Record<Aspect, string>;
  const k = known[file], verdicts: Partial<Record<Aspect, string>> = {};
  if (k?.tempo !== undefined) verdicts.tempo = judgeTempo(answers.tempo, k.tempo);
  if (k?.key !== undefined) verdicts.key = judgeKey(answers.key, k.key);
  if (k?.families) verdicts.instruments = judgeFamilies(answers.instruments, k.families);
  if (k?.genre) verdicts.genre = k.genre.some((g) => answers.genre.toLowerCase().includes(g)) ? "right" : "wrong";
  if (k?.metre) verdicts.metre = answers.metre.includes(k.metre) ? "right" : "wrong";
  rows.push({ clip: file, known: k, answers, verdicts });
  const elapsed = (performance.now() - t0) / 1000;
  console.error(`[${i + 1}/${files.length}] ${file} (${(elapsed / (i + 1)).toFixed(1)} s/clip, ETA ${Math.round((elapsed / (i + 1)) * (files.length - i - 1))} s)`);
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n+/g, " ");
const md = [
  `# Real recordings: ${gamma.name} (${modelDir ?? "default model"})`, "",
  "Known facts and their sources: bench/real-clips.json. A verdict is given only where a fact is known.", "",
  "| clip | aspect | known | answer | verdict |", "|---|---|---|---|---|",
  ...rows.flatMap((r) => (Object.keys(QUESTIONS) as Aspect[]).map((a) => {
    const truth = a === "tempo" ? r.known?.tempo : a === "key" ? r.known?.key : a === "instruments" ? r.known?.families?.join(", ") : a === "genre" ? r.known?.genre?.join(" / ") : r.known?.metre;
    return `| ${cell(r.clip)}${r.known?.music === false ? " (not music)" : ""} | ${a} | ${truth ?? ""} | ${cell(r.answers[a])} | ${r.verdicts[a] ?? ""} |`;
  })),
].join("\n");
if (outFile) {
  fs.writeFileSync(`${outFile}.tmp`, md + "\n");
  fs.renameSync(`${outFile}.tmp`, outFile);
  console.error(`wrote ${outFile}`);
} else console.error(md);

const tally: Record<string, { right: number; judged: number }> = {};
for (const r of rows) for (const [a, v] of Object.entries(r.verdicts)) {
  tally[a] ??= { right: 0, judged: 0 };
  tally[a].judged++;
  if (v === "right" || v === "relative key") tally[a].right++;
}
console.log(JSON.stringify({ bench: "real-clips", model: gamma.name, clips: rows.length, seconds: Math.round((performance.now() - t0) / 100) / 10, ...Object.fromEntries(Object.entries(tally).map(([a, t]) => [`${a}_right`, `${t.right}/${t.judged}`])) }));
