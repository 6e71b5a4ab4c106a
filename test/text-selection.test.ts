// Set-level choices behind SynthBench: songs chosen to spread their facts, answers balanced over the set, and a
// benchmark's questions shared evenly by the categories.
import assert from "node:assert/strict";
import { test } from "node:test";
import { selectQuestions } from "../src/data/mcq-selection.js";
import { chooseSpread } from "../src/data/spread.js";
import { balanceAnswers, type Mcq } from "../src/data/text/index.js";
import { Rng } from "../src/music/rng.js";

test("chooseSpread picks the candidates that even out each attribute's values", () => {
  const rng = new Rng(3);
  // Each slot: mostly 4/4 candidates, now and then a 7/8 or a song whose metre is not counted.
  const slots = Array.from({ length: 60 }, () => Array.from({ length: 6 }, () => ({
    metre: rng.chance(0.1) ? "7/8" : rng.chance(0.15) ? "3/4" : rng.chance(0.1) ? undefined : "4/4",
    mode: rng.pick(["major", "major", "major", "minor", "dorian"]),
  })));
  const picks = chooseSpread(slots);
  assert.equal(picks.length, slots.length);
  assert.deepEqual(chooseSpread(slots), picks, "deterministic");
  const count = (attr: "metre" | "mode", v: string, chosen: boolean) =>
    slots.filter((c, i) => (chosen ? c[picks[i]!]! : c[0]!)[attr] === v).length;
  assert.ok(count("metre", "7/8", true) > 2 * count("metre", "7/8", false), "rare values are chosen");
  assert.ok(count("metre", "4/4", true) < count("metre", "4/4", false), "the common value gives way");
  assert.ok(count("mode", "dorian", true) > count("mode", "dorian", false));
});

function mcq(id: string, song: string, category: string, answer: string, wrong: string[], split: Mcq["split"] = "global"): Mcq & { audio: string } {
  return { id, audio: song, question: `q ${category}`, choices: [answer, ...wrong] as Mcq["choices"], answer, split, category };
}

test("balanceAnswers keeps no option the answer in more than its share of the questions offering it", () => {
  const rng = new Rng(5);
  const metres = ["4/4", "3/4", "6/8", "2/4", "5/4", "7/8"];
  const qs = Array.from({ length: 3000 }, (_, i) => {
    const answer = rng.chance(0.5) ? "4/4" : rng.pick(metres);
    return mcq(`m${i}`, `s${i}`, "metre", answer, rng.shuffle(metres.filter((m) => m !== answer)).slice(0, 3));
  });
  const kept = balanceAnswers(qs, new Rng(6), { maxShare: 0.28, minCount: 8 });
  assert.ok(kept.length > 1000, `${kept.length} kept`);
  for (const m of metres) {
    const offered = kept.filter((q) => q.choices.includes(m)).length;
    const answered = kept.filter((q) => q.answer === m).length;
    assert.ok(answered / offered <= 0.3, `${m}: ${answered} of ${offered}`);
  }
});

test("selectQuestions shares a split evenly among its categories and spreads a category over the songs", () => {
  const rng = new Rng(7);
  const pool: (Mcq & { audio: string })[] = [];
  const options = ["a", "b", "c", "d", "e", "f", "g", "h"];
  for (let s = 0; s < 100; s++) {
    for (const [category, n] of [["big", 6], ["small", 1], ["medium", 2]] as const) {
      for (let k = 0; k < n; k++) {
        const [answer, ...wrong] = rng.shuffle(options).slice(0, 4) as [string, ...string[]];
        pool.push(mcq(`s${s}-${category}${k}`, `s${s}`, category, answer, wrong));
      }
    }
  }
  const chosen = selectQuestions(pool, { seed: 1, perSplit: 240 });
  const by = (c: string) => chosen.filter((q) => q.category === c);
  assert.equal(chosen.length, 240);
  // Every small question, then the rest shared between the others.
  assert.ok(by("small").length >= 70, `small: ${by("small").length}`);
  assert.ok(Math.abs(by("big").length - by("medium").length) <= 2, `big ${by("big").length}, medium ${by("medium").length}`);
  assert.ok(new Set(by("big").map((q) => q.audio)).size >= by("big").length - 1, "one question per song before any song gives two");
});
