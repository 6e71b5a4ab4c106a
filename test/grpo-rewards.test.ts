// GRPO's rewards: the format reward on the documented <think></think><answer></answer> form, the accuracy reward
// of each kind of question up to the edges of its tolerance, unreadable answers, and new kinds plugged in.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import {
  accuracyReward, answerRegion, formatReward, groundedOption, namesOptionConsistently, optionNamedByText, optionNamedByThought, parseNumberAnswer, parseTimeAnswer, registerReward, rewardKinds, scoreAnswer, thoughtRegion, type PosedQuestion,
} from "../src/train/rewards.js";
import { poseItem, readRlFile, type RlItem, spreadRotations } from "../src/train/rl-items.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-rewards-"));
const audio = path.join(dir, "song.wav");
fs.writeFileSync(audio, "");
const item = (fields: Partial<RlItem>): RlItem => ({ id: "q", audio, question: "?", kind: "mcq", answer: "", split: "global", category: "c", ...fields });
const think = (answer: string) => `<think>I listened.</think><answer>${answer}</answer>`;

test("format reward: 1 for exactly <think>..</think><answer>..</answer>, 0.5 for an answer tag alone, 0 without one", () => {
  assert.equal(formatReward("<think>The bass walks.</think><answer>(B) jazz</answer>"), 1);
  assert.equal(formatReward("  <think>\nThe bass walks.\n</think>\n\n<answer> (B) jazz </answer>\n"), 1, "whitespace around and between");
  // An answer, but not the whole format.
  assert.equal(formatReward("<answer>(B) jazz</answer>"), 0.5, "no reasoning");
  assert.equal(formatReward("<think> </think><answer>(B) jazz</answer>"), 0.5, "empty reasoning");
  assert.equal(formatReward("<think>x</think><answer>(B) jazz</answer> I hope that helps"), 0.5, "text after the answer");
  assert.equal(formatReward("Sure. <think>x</think><answer>(B)</answer>"), 0.5, "text before the reasoning");
  assert.equal(formatReward("<think>x <answer>(A)</answer></think><answer>(B)</answer>"), 0.5, "a tag inside the reasoning");
  assert.equal(formatReward("<answer>(B)</answer><think>x</think>"), 0.5, "reasoning after the answer");
  // No usable answer tag.
  assert.equal(formatReward("<think>x</think><answer> </answer>"), 0, "empty answer");
  assert.equal(formatReward("<think>x</think><answer>(B) jazz"), 0, "unclosed answer");
  assert.equal(formatReward("(B) jazz"), 0);
  assert.equal(formatReward(""), 0);
});

test("mcq accuracy: the option parseGamma reads among the options as presented", () => {
  const q = poseItem(item({ id: "mcq-1", choices: ["pop", "jazz", "rock", "metal"], answer: "jazz" }));
  const right = q.answerIndex!, letter = String.fromCharCode(65 + right), wrong = String.fromCharCode(65 + ((right + 1) % 4));
  assert.equal(q.options![right], "jazz");
  assert.match(q.prompt, /<think>reasoning<\/think><answer>\(X\) option text<\/answer>/);
  assert.equal(accuracyReward(think(`(${letter}) jazz`), q), 1);
  assert.equal(accuracyReward(think("jazz"), q), 1, "the option's text");
  assert.equal(accuracyReward(think(`(${wrong}) ${q.options![(right + 1) % 4]}`), q), 0);
  assert.equal(accuracyReward(think("no idea"), q), 0, "unparsable");
  assert.equal(accuracyReward("", q), 0);
});

test("number accuracy: relative tolerance, its edge counted as right; exact when the tolerance is 0", () => {
  const tempo = poseItem(item({ kind: "number", answer: 120, tolerance: 0.04, unit: "BPM" }));
  assert.match(tempo.prompt, /Answer with a number \(in BPM\); within 4 % counts as right\./);
  assert.equal(accuracyReward(think("124.8 BPM"), tempo), 1, "upper edge: 120 * 1.04");
  assert.equal(accuracyReward(think("115.2"), tempo), 1, "lower edge");
  assert.equal(accuracyReward(think("124.81"), tempo), 0);
  assert.equal(accuracyReward(think("115.19"), tempo), 0);
  assert.equal(accuracyReward(think("about 121 beats per minute"), tempo), 1);
  assert.equal(accuracyReward(think("fast"), tempo), 0, "no number");
  assert.equal(accuracyReward("<think>120 is common</think><answer>90</answer>", tempo), 0, "the number in the answer tag counts, not the reasoning's");
  const count = poseItem(item({ kind: "number", answer: 5, tolerance: 0 }));
  assert.equal(accuracyReward(think("5"), count), 1);
  assert.equal(accuracyReward(think("5.0 sections"), count), 1);
  assert.equal(accuracyReward(think("6"), count), 0);
  assert.equal(accuracyReward(think("4.99"), count), 0);
});

test("time accuracy: m:ss.s or seconds within an absolute tolerance; the edge counts", () => {
  const q = poseItem(item({ kind: "time", answer: "0:32.1", tolerance: 0.5, unit: "s" }));
  assert.match(q.prompt, /a time written m:ss\.s; within 0\.5 s counts as right/);
  assert.equal(accuracyReward(think("0:32.1"), q), 1);
  assert.equal(accuracyReward(think("0:32.6"), q), 1, "upper edge");
  assert.equal(accuracyReward(think("0:31.6"), q), 1, "lower edge");
  assert.equal(accuracyReward(think("0:32.7"), q), 0);
  assert.equal(accuracyReward(think("0:31.5"), q), 0);
  assert.equal(accuracyReward(think("32.3 s"), q), 1, "seconds");
  assert.equal(accuracyReward(think("at 32 seconds"), q), 1);
  assert.equal(accuracyReward(think("1:32.1"), q), 0, "a minute off");
  assert.equal(accuracyReward(think("when the chorus starts"), q), 0, "no time");
  assert.equal(accuracyReward("<think>x</think> 0:32.2", q), 1, "no answer tag: what follows the reasoning");
  const late = poseItem(item({ kind: "time", answer: 3723.5, tolerance: 1 }));
  assert.equal(accuracyReward(think("1:02:03.5"), late), 1, "h:mm:ss");
});

test("answer parsing helpers", () => {
  assert.equal(answerRegion("<think>a</think><answer> b </answer>"), " b ");
  assert.equal(answerRegion("<think>a</think>c"), "c");
  assert.equal(answerRegion("plain"), "plain");
  assert.equal(parseNumberAnswer("roughly -3.5 or 7"), -3.5);
  assert.equal(parseNumberAnswer("none"), undefined);
  assert.equal(parseTimeAnswer("it starts at 2:05.5, I think"), 125.5);
  assert.equal(parseTimeAnswer("12abc"), undefined);
  assert.equal(parseTimeAnswer("0:75.0"), undefined, "not a clock time");
});

test('mcq accuracy under the "consistent" rule: letter and text must name the same option where both are given', () => {
  const q = poseItem(item({ id: "mcq-2", choices: ["107 BPM", "117 BPM", "127 BPM", "137 BPM"], answer: "117 BPM" }));
  const right = q.answerIndex!, letter = String.fromCharCode(65 + right), other = (right + 1) % 4, wrong = String.fromCharCode(65 + other);
  const w = { format: 0.5, accuracy: 1 };
  // Both rules: a consistent right answer, with the text first or the letter first, or either alone.
  for (const answer of [`117 BPM (${letter})`, `(${letter}) 117 BPM`, `(${letter})`, "117 BPM", `117 bpm (${letter}).`]) {
    assert.equal(namesOptionConsistently(think(answer), q.options!), true, answer);
    assert.equal(scoreAnswer(think(answer), q, w, "consistent").accuracy, 1, answer);
  }
  // Text that is no option, then the right letter: "parsed" reads the letter and pays; "consistent" does not.
  assert.equal(scoreAnswer(think(`118 BPM (${letter})`), q, w, "parsed").accuracy, 1);
  assert.equal(scoreAnswer(think(`118 BPM (${letter})`), q, w, "consistent").accuracy, 0);
  // The right option's text with another's letter: "parsed" reads the text; "consistent" pays nothing.
  assert.equal(scoreAnswer(think(`117 BPM (${wrong})`), q, w).accuracy, 1, "parsed is the default");
  assert.equal(scoreAnswer(think(`117 BPM (${wrong})`), q, w, "consistent").accuracy, 0);
  assert.equal(namesOptionConsistently(think(`${q.options![other]} (${wrong})`), q.options!), true, "consistent, and wrong");
  assert.equal(scoreAnswer(think(`${q.options![other]} (${wrong})`), q, w, "consistent").accuracy, 0);
  // A letter past the options names none.
  assert.equal(namesOptionConsistently(think("117 BPM (F)"), q.options!), false);
  // Open questions are not MCQs: the rule does not apply.
  const n = poseItem(item({ kind: "number", answer: 7, tolerance: 0 }));
  assert.equal(scoreAnswer(think("7 (A)"), n, w, "consistent").accuracy, 1);
});

test('mcq accuracy under the "text" rule: only the option the words name counts, never a letter', () => {
  const q = poseItem(item({ id: "mcq-3", choices: ["funk", "jazz swing", "reggae", "hip-hop"], answer: "jazz swing" }));
  const right = q.answerIndex!, letter = String.fromCharCode(65 + right), wrong = String.fromCharCode(65 + ((right + 1) % 4));
  const w = { format: 0.5, accuracy: 1 };
  const score = (answer: string) => scoreAnswer(think(answer), q, w, "text").accuracy;
  assert.equal(score(`jazz swing (${wrong})`), 1, "the words name it, whatever the letter");
  assert.equal(score(`(${letter}) Jazz Swing.`), 1);
  assert.equal(score("it is jazz swing"), 1, "held, the only option held");
  assert.equal(score(`(${letter})`), 0, "a letter alone is never paid");
  assert.equal(score(`tenor sax (${letter})`), 0, "words that name no option, then the right letter");
  assert.equal(scoreAnswer(think(`tenor sax (${letter})`), q, w, "parsed").accuracy, 1, "which parsed pays");
  assert.equal(score("funk or reggae"), 0, "two options named");
  assert.equal(optionNamedByText(think("reggae (A)"), q.options!), q.options!.indexOf("reggae"));
  assert.equal(optionNamedByText("<answer></answer>", q.options!), undefined);
});

test('mcq accuracy under the "grounded" rule: the answer\'s words and its reasoning name the same, right option', () => {
  const q = poseItem(item({ id: "mcq-4", choices: ["funk", "jazz swing", "reggae", "hip-hop"], answer: "jazz swing" }));
  const letter = String.fromCharCode(65 + q.answerIndex!);
  const w = { format: 0.5, accuracy: 1 };
  const said = (thought: string, answer: string) => `<think>${thought}</think><answer>${answer}</answer>`;
  const score = (output: string) => scoreAnswer(output, q, w, "grounded").accuracy;
  assert.equal(score(said('The question is about the genre. What I hear fits "jazz swing".', `jazz swing (${letter})`)), 1);
  assert.equal(score(said("It swings: Jazz Swing", "jazz swing")), 1, "case and the words around it do not matter");
  assert.equal(score(said('What I hear fits "reggae".', "jazz swing")), 0, "a right answer after a thought naming another option");
  assert.equal(scoreAnswer(said('What I hear fits "reggae".', "jazz swing"), q, w, "text").accuracy, 1, "which text pays");
  assert.equal(score(said('What I hear fits "tenor sax".', "jazz swing")), 0, "a thought naming no option");
  assert.equal(score(said("funk or jazz swing", "jazz swing")), 0, "a thought naming two options");
  assert.equal(score(said('fits "reggae"', "reggae")), 0, "grounded, and wrong");
  assert.equal(score("<answer>jazz swing</answer>"), 0, "no reasoning at all");
  assert.equal(groundedOption(said('fits "reggae"', "reggae (A)"), q.options!), q.options!.indexOf("reggae"));
  // An option inside a longer one: the thought names the longer one only.
  const tempo = ["moderate", "very slow", "slow", "fast"];
  assert.equal(optionNamedByThought('The question is about the tempo class. What I hear fits "very slow".', tempo), 1);
  assert.equal(optionNamedByThought('What I hear fits "slow".', tempo), 2);
  assert.equal(optionNamedByThought("slow, or fast", tempo), undefined);
  assert.equal(optionNamedByThought(" Moderate ", tempo), 0);
  assert.equal(thoughtRegion("<think> a </think><answer>b</answer>"), " a ");
  assert.equal(thoughtRegion("<answer>b</answer>"), undefined);
  // Open questions are not MCQs: the rule does not apply.
  const n = poseItem(item({ kind: "number", answer: 7, tolerance: 0 }));
  assert.equal(scoreAnswer("<think>x</think><answer>7</answer>", n, w, "grounded").accuracy, 1);
});

test("total reward: the weighted sum of format and accuracy", () => {
  const q = poseItem(item({ kind: "number", answer: 7, tolerance: 0 }));
  assert.deepEqual(scoreAnswer("<think>x</think><answer>7</answer>", q, { format: 0.5, accuracy: 1 }), { format: 1, accuracy: 1, total: 1.5 });
  assert.deepEqual(scoreAnswer("<answer>8</answer>", q, { format: 0.5, accuracy: 1 }), { format: 0.5, accuracy: 0, total: 0.25 });
  assert.deepEqual(scoreAnswer("7", q, { format: 0.2, accuracy: 2 }), { format: 0, accuracy: 1, total: 2 });
});

test("kinds are pluggable: a registered kind is read from RL files and scored; unknown kinds and bad scores are errors", () => {
  const file = path.join(dir, "rl.jsonl");
  const line = { id: "k1", audio: "song.wav", question: "Which key?", kind: "key-name", answer: "A minor", split: "global", category: "key" };
  fs.writeFileSync(file, JSON.stringify(line) + "\n");
  assert.throws(() => readRlFile(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1: unknown kind "key-name" \\(known: mcq, number, time`));
  registerReward("key-name", {
    score: (output: string, q: PosedQuestion) => (answerRegion(output).trim().toLowerCase() === String(q.item.answer).toLowerCase() ? 1 : 0),
    answerFormat: () => ({ how: "a key such as C major", example: "C major" }),
  });
  assert.ok(rewardKinds().includes("key-name"));
  const [read] = readRlFile(file);
  assert.equal(read!.audio, audio);
  const q = poseItem(read!);
  assert.match(q.prompt, /Answer with a key such as C major\./);
  assert.equal(accuracyReward(think("a minor"), q), 1);
  assert.equal(accuracyReward(think("C major"), q), 0);
  // A bare function is a kind too.
  registerReward("always-half", () => 0.5);
  assert.equal(accuracyReward("", poseItem(item({ kind: "always-half" }))), 0.5);
  registerReward("broken", () => 2);
  assert.throws(() => accuracyReward("", poseItem(item({ kind: "broken" }))), /kind "broken" gave 2 .*accuracies are in \[0, 1\]/);
  assert.throws(() => accuracyReward("", poseItem(item({ kind: "nowhere" }))), /no reward for questions of kind "nowhere"/);
  assert.throws(() => registerReward("Bad Kind", () => 0), /lower-case letters/);
});

test("a rotated posing moves every option the same number of letters; spread rotations put the answer under different letters", () => {
  const mcq = item({ id: "mcq-rot", choices: ["pop", "jazz", "rock", "metal"], answer: "jazz" });
  const base = poseItem(mcq, 5);
  assert.deepEqual(spreadRotations(4, 4), [0, 1, 2, 3]);
  assert.deepEqual(spreadRotations(4, 2), [0, 2]);
  assert.deepEqual(spreadRotations(4, 8), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual(spreadRotations(0, 2), [0, 0], "an open question has one posing");
  const letters = spreadRotations(4, 4).map((r) => {
    const q = poseItem(mcq, 5, r);
    assert.deepEqual(q.options, [...base.options!.slice(r), ...base.options!.slice(0, r)]);
    assert.equal(q.options![q.answerIndex!], "jazz");
    assert.ok(q.prompt.includes(`(${"ABCD"[q.answerIndex!]}) jazz`), q.prompt);
    return q.answerIndex;
  });
  assert.deepEqual([...letters].sort(), [0, 1, 2, 3]);
  assert.equal(poseItem(item({ kind: "number", answer: 7, tolerance: 0 }), 5, 3).prompt, poseItem(item({ kind: "number", answer: 7, tolerance: 0 }), 5).prompt);
});
