// `gamma compare`: paired comparison of bench runs (src/eval/compare.ts).
import { Command } from "commander";
import { comparePair, onlyQuestions, type PairComparison, readBenchResults, readQuestionIds, summarise } from "../eval/compare.js";
import { compareGroups, type GroupSummary } from "../eval/compare-groups.js";
import { seedRuns } from "../eval/seeds.js";

const points = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}`;

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

export function compareCommand(): Command {
  return new Command("compare")
    .description("compare bench runs question by question (pairs: McNemar's exact test), or groups of training runs (--base/--candidate: run-to-run noise)")
    .argument("[runs...]", "`gamma bench --out` folders (or their results.jsonl) as pairs: base candidate [base candidate ...]; a pair of `--seeds` folders compares seed by seed")
    .option("--base <runs...>", "group mode: the base recipe's runs, one bench folder per training seed (e.g. SFT seeds)")
    .option("--candidate <runs...>", "group mode: the candidate recipe's runs (e.g. GRPO seeds)")
    .option("--draws <n>", "group mode: bootstrap draws", "10000")
    .option("--seed <n>", "group mode: seed of the bootstrap draws", "0")
    .option("--questions <file>", "compare only the questions of this JSONL file (its \"id\"s), e.g. the held-out questions rl-select kept (RL-style)")
    .addHelpText("after", `
Pairs. Each pair is compared on the questions both runs answered. Give several pairs for several seeds, each pair with
the same --seed (option order), e.g. an SFT model and the GRPO run of seed S, both benched with --seed S. Two
folders written by \`gamma bench --seeds\` are compared in each option order both hold (seed-<s> with seed-<s>).
The last line of stdout is one JSON object: pairs, mean_difference, difference_sd (across pairs), candidate_only,
base_only and pooled_p_value (the summed counts; pairs over the same questions are not independent, so a
rough figure).

Groups (--base R... --candidate R...). Each run is one training seed of a recipe, benched on the same questions
(a \`--seeds\` folder's option orders are averaged question by question). Prints each group's mean accuracy and
its run-to-run standard deviation, the difference of the means and its 95% interval from a bootstrap that
resamples both the runs of each group and the questions, and whether the candidate beats the base beyond that
noise (the interval above zero, at least two runs in each group). The runs' deviation in each draw is scaled
by sqrt(n/(n-1)) so that a few seeds' spread is not understated; still, two or three seeds measure it roughly:
read the per-run accuracies too. The last line of stdout is one JSON object: questions,
orders, base and candidate (runs, mean, sd), difference, ci95, p_not_above, draws, beyond_noise.

A subset (--questions FILE, either mode): only the questions whose ids FILE holds, e.g. the held-out questions
of moderate pass rate that \`gamma data rl-select\` wrote (the RL-style questions GRPO is meant to improve). Pick
the subset with a model that is not compared: questions chosen for one model's mistakes favour any other model.

Examples:
  $ gamma compare evals/sft-seed0 evals/grpo-s0 evals/sft-seed1 evals/grpo-s1
  $ gamma compare evals/sft-orders evals/grpo-s0-orders evals/sft-orders evals/grpo-s1-orders
  $ gamma compare --base evals/sft-s1 evals/sft-s2 --candidate evals/grpo-s0 evals/grpo-s1 evals/grpo-s2
  $ gamma compare --questions rl-style-heldout.jsonl --base evals/sft-s1 evals/sft-s2 --candidate evals/grpo-s0 evals/grpo-s1`)
    .action((runs: string[], opts: { base?: string[]; candidate?: string[]; draws: string; seed: string; questions?: string }) => {
      const only = opts.questions === undefined ? undefined : readQuestionIds(opts.questions);
      if (opts.base || opts.candidate) return compareGroupsCommand(runs, opts, only);
      if (runs.length === 0) throw new Error("give bench runs as pairs (base candidate ...), or groups with --base and --candidate");
      if (runs.length % 2 !== 0) throw new Error(`give the runs as pairs (base candidate ...): got ${runs.length}`);
      const pairs: PairComparison[] = [];
      for (let i = 0; i < runs.length; i += 2) pairs.push(...comparePairOfRuns(runs[i]!, runs[i + 1]!, only));
      const all = summarise(pairs);
      for (const p of pairs) {
        console.log(`${p.candidate} vs ${p.base}: ${(100 * p.candidate_accuracy).toFixed(1)}% vs ${(100 * p.base_accuracy).toFixed(1)}% (${points(p.difference)} points) on ${p.n} questions; `
          + `right only in the candidate ${p.candidate_only}, only in the base ${p.base_only}; McNemar p = ${p.p_value.toFixed(3)}`);
      }
      if (pairs.length > 1) {
        console.log(`${pairs.length} pairs: mean ${points(all.mean_difference)} points (sd ${(100 * all.difference_sd).toFixed(1)}); `
          + `right only in the candidate ${all.candidate_only}, only in the base ${all.base_only}; pooled p = ${all.pooled_p_value.toFixed(3)} (rough: pairs share questions)`);
      }
      console.log(JSON.stringify(all));
    });
}

/** One pair of bench runs, or of `--seeds` folders seed by seed (the option orders both hold); only the given questions where given. */
function comparePairOfRuns(base: string, candidate: string, only?: ReadonlySet<string>): PairComparison[] {
  const results = (run: string) => {
    const all = readBenchResults(run), kept = onlyQuestions(all, only);
    if (kept.size === 0) throw new Error(`${run}: none of its ${all.size} questions is among those of --questions`);
    return kept;
  };
  const [baseSeeds, candidateSeeds] = [seedRuns(base), seedRuns(candidate)];
  if (baseSeeds.size === 0 && candidateSeeds.size === 0) return [comparePair(base, results(base), candidate, results(candidate))];
  if (baseSeeds.size === 0 || candidateSeeds.size === 0) {
    const [multi, single] = baseSeeds.size ? [base, candidate] : [candidate, base];
    throw new Error(`${multi} holds runs in several option orders (gamma bench --seeds) but ${single} does not: compare like with like`);
  }
  const common = [...baseSeeds.keys()].filter((s) => candidateSeeds.has(s));
  if (common.length === 0) throw new Error(`${base} (seeds ${[...baseSeeds.keys()].join(", ")}) and ${candidate} (seeds ${[...candidateSeeds.keys()].join(", ")}) share no option order`);
  return common.map((s) => comparePair(baseSeeds.get(s)!, results(baseSeeds.get(s)!), candidateSeeds.get(s)!, results(candidateSeeds.get(s)!)));
}

function compareGroupsCommand(runs: string[], opts: { base?: string[]; candidate?: string[]; draws: string; seed: string }, only?: ReadonlySet<string>): void {
  if (runs.length > 0) throw new Error(`with --base/--candidate give every run to one of them (got ${runs.length} more: ${runs.join(" ")})`);
  if (!opts.base || !opts.candidate) throw new Error("group mode needs both --base and --candidate");
  const draws = Number(opts.draws), seed = Number(opts.seed);
  if (!Number.isInteger(draws) || draws < 100) throw new Error(`--draws must be an integer of at least 100, got ${opts.draws}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${opts.seed}`);
  const c = compareGroups(opts.base, opts.candidate, { draws, seed, only });
  const orders = c.orders ? `option orders ${c.orders.join(",")} averaged` : "one option order";
  const line = (name: string, g: GroupSummary) => {
    const sd = g.sd === null ? "one run: its run-to-run noise is not measured" : `run-to-run sd ${(100 * g.sd).toFixed(1)} points`;
    return `${name} (${g.runs.length} run${g.runs.length === 1 ? "" : "s"}): mean ${percent(g.mean)}; ${sd}`;
  };
  console.log(`${c.questions} questions, ${orders}`);
  console.log(line("base", c.base));
  console.log(line("candidate", c.candidate));
  for (const [name, g] of [["base", c.base], ["candidate", c.candidate]] as const) g.runs.forEach((r) => console.log(`  ${name} ${r.run}: ${percent(r.accuracy)}`));
  const verdict = c.beyond_noise ? "beyond the run-to-run and question noise"
    : c.base.runs.length < 2 || c.candidate.runs.length < 2 ? "not shown: a group has one run" : "not beyond the noise";
  console.log(`difference ${points(c.difference)} points, 95% interval [${points(c.ci95[0])}, ${points(c.ci95[1])}] over ${c.draws} draws of runs and questions; `
    + `candidate not above the base in ${percent(c.p_not_above)} of draws: ${verdict}`);
  console.log(JSON.stringify(c));
}
