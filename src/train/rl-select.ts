// `gamma data rl-select`: which questions GRPO should learn from. GRPO learns only from groups whose answers
// differ in reward, so questions the SFT model always gets right (nothing left to learn) or never gets right (no
// answer to reinforce) waste its rollouts. This samples G answers from the SFT model to each question of a pool,
// keeps those whose pass rate (share of right answers) lies within [minPass, maxPass], makes harder variants of
// the kept ones (rl-upgrades.ts), measures those the same way and keeps the ones within the bounds, and writes
// the set, every question with the pass rate measured.
import { Progress } from "../cli/progress.js";
import { loadModel } from "../model/io.js";
import { Rng } from "../music/rng.js";
import { TRAIN_AUGMENT } from "./config.js";
import { FeatureCache } from "./feature-cache.js";
import { type RolloutContext, sampleGroups } from "./grpo/rollout.js";
import type { McqAnswerRule } from "./rewards.js";
import { type SummaryView, writtenSummariesFor } from "./grpo/written-summary.js";
import { readRlPool, RL_OPTION_SEED, type RlItem, type Upgrade, writeRlFile } from "./rl-items.js";
import { upgradeQuestions } from "./rl-upgrades.js";

export interface RlSelectOptions {
  /** The SFT model directory. */
  model: string;
  /** Dataset directories (their mcq.jsonl) and RL / MCQ JSONL files. */
  pool: string[];
  out: string;
  groupSize: number;
  /** Option orders per question (rotations, groupSize / orders answers each; rollout.ts); 1 when absent. */
  orders?: number;
  minPass: number;
  maxPass: number;
  /** Measure only this many questions of the pool, drawn at random from the seed. */
  limit?: number;
  seed: number;
  temperature: number;
  maxNewTokens: number;
  /** Questions sampled together (one generate() call). */
  batchSize: number;
  featureDir: string;
  upgrades: Upgrade[];
  /** "written": pose the questions over their songs' written summaries, as a GRPO config's "summary" (only those the summary answers are measured); default "heard". */
  summary?: SummaryView;
  /** With summary "written": the share of songs whose summary states misheard facts (GRPO's "misheard"). */
  misheard?: number;
  /** What earns an MCQ's accuracy, as the GRPO config's "mcqAnswer" that will train on the set; default "parsed". */
  mcqAnswer?: McqAnswerRule;
}

export interface RlSelectSummary {
  out: string;
  /** Questions in the pool, those a written summary answers (summary "written" only), measured (--limit), kept; variants made (by upgrade) and kept; lines written. */
  pool: number;
  answerable?: number;
  measured: number;
  kept: number;
  variants_made: Record<string, number>;
  variants_kept: number;
  written: number;
  /** How many measured questions (sources and variants) had each pass rate, by number of right answers. */
  pass_rate_histogram: Record<string, number>;
  seconds: number;
  rollouts_per_s: number;
}

export async function rlSelect(o: RlSelectOptions): Promise<RlSelectSummary> {
  if (!(o.minPass <= o.maxPass)) throw new Error(`--min-pass (${o.minPass}) must not exceed --max-pass (${o.maxPass})`);
  const orders = o.orders ?? 1;
  if (o.groupSize % orders !== 0) throw new Error(`--orders (${orders}) must divide --group (${o.groupSize})`);
  const started = performance.now();
  if ((o.misheard ?? 0) > 0 && o.summary !== "written") throw new Error("--misheard states misheard facts in written summaries: it needs --summary written");
  let pool = readRlPool(o.pool, { written: o.summary === "written" });
  const poolSize = pool.length;
  const { model, tokenizer } = loadModel(o.model);
  const written = o.summary === "written" ? writtenSummariesFor(model, tokenizer, o.misheard ?? 0, "rl-select") : undefined;
  if (written) {
    pool = pool.filter((item) => written.answerable(item));
    if (pool.length === 0) throw new Error(`--summary written: no question of the pool (${poolSize}) asks what the model's summary holds (key, mode, genre, tempo, mood, metre, lead...)`);
  }
  const answerable = pool.length;
  if (o.limit !== undefined && o.limit < pool.length) {
    const chosen = new Set(new Rng(o.seed).shuffle(pool.map((_, i) => i)).slice(0, o.limit));
    pool = pool.filter((_, i) => chosen.has(i));
  }
  const context: RolloutContext = {
    model, tokenizer, cache: new FeatureCache(o.featureDir, model, TRAIN_AUGMENT),
    sampling: { groupSize: o.groupSize, temperature: o.temperature, topK: 0, topP: 1, maxNewTokens: o.maxNewTokens },
    weights: { format: 0, accuracy: 1 }, written, mcqAnswer: o.mcqAnswer,
  };
  const songSeconds = new Map<string, number>();
  const histogram: Record<string, number> = {};
  let rollouts = 0, samplingSeconds = 0;

  /** Each question with the share of its G sampled answers that were right. */
  const measure = async (items: RlItem[], phase: number, label: string): Promise<RlItem[]> => {
    const progress = new Progress(items.length, label, "questions");
    const out: RlItem[] = [];
    for (let i = 0; i < items.length; i += o.batchSize) {
      const chunk = items.slice(i, i + o.batchSize);
      const t0 = performance.now();
      const groups = await sampleGroups(context, chunk, chunk.map(() => 0), o.seed * 1000003 + phase * 100003 + i, RL_OPTION_SEED, orders);
      samplingSeconds += (performance.now() - t0) / 1000;
      rollouts += chunk.length * o.groupSize;
      for (const g of groups) {
        songSeconds.set(g.item.audio, g.seconds);
        const right = g.answers.filter((a) => a.reward.accuracy === 1).length;
        const passRate = g.answers.reduce((s, a) => s + a.reward.accuracy, 0) / g.answers.length;
        histogram[`${right}/${o.groupSize}`] = (histogram[`${right}/${o.groupSize}`] ?? 0) + 1;
        out.push({ ...g.item, pass_rate: Math.round(passRate * 10000) / 10000 });
      }
      progress.tick(chunk.length);
    }
    progress.finish();
    return out;
  };
  const moderate = (item: RlItem) => item.pass_rate! >= o.minPass && item.pass_rate! <= o.maxPass;

  const kept = (await measure(pool, 0, "rl-select")).filter(moderate);
  // Over written summaries a variant must still be a question the summary answers (an open tempo answer is not).
  const variants = upgradeQuestions(kept, { upgrades: o.upgrades, seed: o.seed, songSeconds: (audio) => songSeconds.get(audio)! }).filter((v) => !written || written.answerable(v));
  const keptVariants = variants.length ? (await measure(variants, 1, "rl-select upgrades")).filter(moderate) : [];
  const selected = [...kept, ...keptVariants];
  const histogramText = Object.entries(histogram).sort(([a], [b]) => parseInt(a) - parseInt(b)).map(([k, n]) => `${k}: ${n}`).join(", ");
  if (selected.length === 0)
    throw new Error(`no question of ${pool.length} has a pass rate in [${o.minPass}, ${o.maxPass}] (right answers per question: ${histogramText}); nothing written to ${o.out}`);
  writeRlFile(o.out, selected);
  const made: Record<string, number> = {};
  for (const v of variants) made[v.upgrade!] = (made[v.upgrade!] ?? 0) + 1;
  return {
    out: o.out, pool: poolSize, ...(written && { answerable }), measured: pool.length, kept: kept.length, variants_made: made, variants_kept: keptVariants.length,
    written: selected.length, pass_rate_histogram: histogram, seconds: Math.round((performance.now() - started) / 100) / 10,
    rollouts_per_s: Math.round((rollouts / Math.max(1e-9, samplingSeconds)) * 100) / 100,
  };
}
