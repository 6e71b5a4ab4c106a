// `gamma compare`: paired comparison of bench runs (src/eval/compare.ts).
import { Command } from "commander";
import { comparePair, type PairComparison, readBenchResults, summarise } from "../eval/compare.js";
import { seedRuns } from "../eval/seeds.js";

const points = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}`;

export function compareCommand(): Command {
  return new Command("compare")
    .description("compare bench runs question by question: accuracies, the questions only one run gets right, McNemar's exact test")
    .argument("<runs...>", "`gamma bench --out` folders (or their results.jsonl) as pairs: base candidate [base candidate ...]; a pair of `--seeds` folders compares seed by seed")
    .addHelpText("after", `
Each pair is compared on the questions both runs answered. Give several pairs for several seeds, each pair with
the same --seed (option order), e.g. an SFT model and the GRPO run of seed S, both benched with --seed S. Two
folders written by \`gamma bench --seeds\` are compared in each option order both hold (seed-<s> with seed-<s>).
The last line of stdout is one JSON object: pairs, mean_difference, difference_sd (across pairs), candidate_only,
base_only and pooled_p_value (the summed counts; pairs over the same questions are not independent, so a
rough figure).

Examples:
  $ gamma compare evals/sft-seed0 evals/grpo-s0 evals/sft-seed1 evals/grpo-s1
  $ gamma compare evals/sft-orders evals/grpo-s0-orders evals/sft-orders evals/grpo-s1-orders`)
    .action((runs: string[]) => {
      if (runs.length % 2 !== 0) throw new Error(`give the runs as pairs (base candidate ...): got ${runs.length}`);
      const pairs: PairComparison[] = [];
      for (let i = 0; i < runs.length; i += 2) pairs.push(...comparePairOfRuns(runs[i]!, runs[i + 1]!));
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

/** One pair of bench runs, or of `--seeds` folders seed by seed (the option orders both hold). */
function comparePairOfRuns(base: string, candidate: string): PairComparison[] {
  const [baseSeeds, candidateSeeds] = [seedRuns(base), seedRuns(candidate)];
  if (baseSeeds.size === 0 && candidateSeeds.size === 0) return [comparePair(base, readBenchResults(base), candidate, readBenchResults(candidate))];
  if (baseSeeds.size === 0 || candidateSeeds.size === 0) {
    const [multi, single] = baseSeeds.size ? [base, candidate] : [candidate, base];
    throw new Error(`${multi} holds runs in several option orders (gamma bench --seeds) but ${single} does not: compare like with like`);
  }
  const common = [...baseSeeds.keys()].filter((s) => candidateSeeds.has(s));
  if (common.length === 0) throw new Error(`${base} (seeds ${[...baseSeeds.keys()].join(", ")}) and ${candidate} (seeds ${[...candidateSeeds.keys()].join(", ")}) share no option order`);
  return common.map((s) => comparePair(baseSeeds.get(s)!, readBenchResults(baseSeeds.get(s)!), candidateSeeds.get(s)!, readBenchResults(candidateSeeds.get(s)!)));
}
