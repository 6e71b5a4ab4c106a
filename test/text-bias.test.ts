// Answer leakage: the text-only baselines on planted cues (they must find them) and on a generated set of
// questions over 300 random songs (they must stay near chance, 0.25).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  balanceAnswers, bagOfWordsAccuracy, biasReport, longestOptionAccuracy, mcqs, mostFrequentAnswerPerCategoryAccuracy,
  positionHistogram, type Mcq,
} from "../src/data/text/index.js";
import { Rng } from "../src/music/rng.js";
import { randomSongs } from "./text-songs.js";

function q(id: string, question: string, choices: [string, string, string, string], answer: number, category = "c"): Mcq {
  return { id, question, choices, answer: choices[answer]!, split: "global", category };
}

/** Questions whose answer carries a planted cue, at shuffled positions. */
function planted(n: number, seed: number, cue: (i: number) => { choices: [string, string, string, string]; answer: number }): Mcq[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const { choices, answer } = cue(i);
    const order = rng.shuffle([0, 1, 2, 3]);
    const shuffled = order.map((k) => choices[k]!) as [string, string, string, string];
    return q(`p${i}`, `Question number ${i}?`, shuffled, order.indexOf(answer));
  });
}

test("baselines find planted cues and score ties as expected accuracy", () => {
  const longest = planted(200, 1, (i) => ({ choices: [`long answer ${i}`, `a${i}`, `b${i}`, `c${i}`], answer: 0 }));
  assert.equal(longestOptionAccuracy(longest), 1);
  const alike = planted(200, 2, (i) => ({ choices: [`a${i}`, `b${i}`, `c${i}`, `d${i}`].map((x) => x.padEnd(6, "x")) as [string, string, string, string], answer: 0 }));
  assert.equal(longestOptionAccuracy(alike), 0.25);
  const hist = positionHistogram(longest);
  assert.equal(hist.reduce((s, x) => s + x, 0), 200);

  // "4/4" is always the answer when offered.
  const prior = planted(200, 3, (i) => ({ choices: ["4/4", "3/4", "6/8", `${i % 7 + 2}/8`], answer: 0 }));
  assert.equal(mostFrequentAnswerPerCategoryAccuracy(prior.slice(0, 100), prior.slice(100)), 1);

  // A word that marks the answer, and a question word that picks which option it is.
  const cue = planted(400, 4, (i) => ({ choices: [`zeta ${i}`, `alpha ${i}`, `beta ${i}`, `gamma ${i}`], answer: 0 }));
  assert.ok(bagOfWordsAccuracy(cue.slice(0, 200), cue.slice(200)) > 0.95);
  const rng = new Rng(5);
  const names = ["alpha", "beta", "gamma", "delta"];
  const crossed = Array.from({ length: 400 }, (_, i) => {
    const k = rng.int(0, 3);
    return q(`x${i}`, `Which goes with ${names[k]} here?`, ["red", "green", "blue", "black"], k);
  });
  assert.ok(bagOfWordsAccuracy(crossed.slice(0, 200), crossed.slice(200)) > 0.95);
  // No cue: chance.
  const none = planted(2000, 6, (i) => ({ choices: [`w${i}a`, `w${i}b`, `w${i}c`, `w${i}d`], answer: rng.int(0, 3) }));
  assert.ok(Math.abs(bagOfWordsAccuracy(none.slice(0, 1000), none.slice(1000)) - 0.25) < 0.05);
});

test("balanceAnswers removes an answer prior and keeps the rest", () => {
  const rng = new Rng(7);
  const metres = ["4/4", "3/4", "6/8", "2/4", "5/4", "7/8", "12/8"];
  const qs = Array.from({ length: 2000 }, (_, i) => {
    const answer = rng.chance(0.6) ? "4/4" : rng.pick(metres.slice(1));
    const wrong = rng.shuffle(metres.filter((m) => m !== answer)).slice(0, 3);
    const choices = rng.shuffle([answer, ...wrong]) as [string, string, string, string];
    return q(`m${i}`, "What is the time signature?", choices, choices.indexOf(answer), "metre");
  });
  assert.ok(mostFrequentAnswerPerCategoryAccuracy(qs.slice(0, 1000), qs.slice(1000)) > 0.5);
  const kept = balanceAnswers(qs, new Rng(8));
  assert.ok(kept.length > 400 && kept.length < qs.length);
  const half = Math.floor(kept.length / 2);
  assert.ok(mostFrequentAnswerPerCategoryAccuracy(kept.slice(0, half), kept.slice(half)) < 0.32);
});

test("generated MCQs over 300 songs: positions uniform, text-only baselines near chance", (t) => {
  const songs = randomSongs(300, 2024);
  const perSong = songs.map((a, i) => mcqs(a, new Rng(7000 + i)));
  const all = perSong.flat();
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

  // On the raw output: answer positions and the longest option.
  const hist = positionHistogram(all);
  for (const h of hist) assert.ok(Math.abs(h / all.length - 0.25) <= 0.05, `positions ${hist.join(" ")}`);
  const longest = longestOptionAccuracy(all);
  assert.ok(Math.abs(longest - 0.25) <= 0.05, `longest option ${pct(longest)}`);

  // Answer priors of the world (most songs in 4/4, in major) are removed over the whole set; then the
  // baselines, trained on the songs of one half and tested on the other, must stay near chance.
  const firstHalf = new Set(songs.slice(0, 150).map((a) => a.id));
  const song = (m: Mcq) => m.id.replace(/-q\d+$/, "");
  const raw = biasReport(all.filter((m) => firstHalf.has(song(m))), all.filter((m) => !firstHalf.has(song(m))));
  const balanced = balanceAnswers(all, new Rng(1));
  const train = balanced.filter((m) => firstHalf.has(song(m))), test = balanced.filter((m) => !firstHalf.has(song(m)));
  const r = biasReport(train, test);
  t.diagnostic(`${all.length} questions; raw: longest ${pct(raw.longestOption)}, most-frequent ${pct(raw.mostFrequentAnswer)}, bag-of-words ${pct(raw.bagOfWords)}`);
  t.diagnostic(`balanced (${balanced.length} kept): longest ${pct(r.longestOption)}, most-frequent ${pct(r.mostFrequentAnswer)}, bag-of-words ${pct(r.bagOfWords)}`);
  for (const [c, v] of Object.entries(r.byCategory)) {
    t.diagnostic(`  ${c}: n=${v.count} longest ${pct(v.longestOption)} most-frequent ${pct(v.mostFrequentAnswer)} bag-of-words ${pct(v.bagOfWords)}`);
  }
  assert.ok(Math.abs(r.longestOption - 0.25) <= 0.05, `balanced longest ${pct(r.longestOption)}`);
  assert.ok(Math.abs(r.mostFrequentAnswer - 0.25) <= 0.05, `most-frequent ${pct(r.mostFrequentAnswer)}`);
  assert.ok(Math.abs(r.bagOfWords - 0.25) <= 0.05, `bag-of-words ${pct(r.bagOfWords)}`);
});
