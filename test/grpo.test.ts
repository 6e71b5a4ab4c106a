// GRPO's arithmetic on hand-made numbers (group advantages, the clipped objective's value and gradient signs,
// the k3 KL estimator), teacher-forced answer log-probs (the prompt shared through a KV cache) against a
// row-by-row computation, values and gradients, one optimisation step on a tiny model, and the stage's rollout
// batch: scored, measured, and carried through a checkpoint exactly; the same over written summaries.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { writeWav } from "../src/audio/wav-write.js";
import { enableGrad, noGrad } from "../src/engine/autograd.js";
import { AdamW } from "../src/engine/optim.js";
import { tidy } from "../src/engine/scope.js";
import { Generator } from "../src/engine/random.js";
import { cat, randn, type Tensor, tensor } from "../src/engine/tensor.js";
import { loadTokenizer } from "../src/model/tokenizer/io.js";
import { TRAIN_AUGMENT } from "../src/train/config.js";
import { answerLogProbs, clippedSurrogate, groupAdvantages, grpoLoss, klK3, sequenceMean } from "../src/train/grpo/objective.js";
import { scoreAnswer } from "../src/train/rewards.js";
import { poseItem, type RlItem } from "../src/train/rl-items.js";
import { isHeldOut } from "../src/train/songs.js";
import { GrpoStage, type GrpoSettings, rotationRuns } from "../src/train/stages/grpo.js";
import { WrittenSummaries } from "../src/train/grpo/written-summary.js";
import { assertClose, values } from "./helpers.js";
import { tinyModel, tinyTokenizerFile } from "./model-helpers.js";

test("group advantages: normalised within each group; a group of equal rewards gets exactly 0", () => {
  assertClose(groupAdvantages([1, 0, 0, 1, 0.5, 0.5], 2), [1, -1, -1, 1, 0, 0], 1e-12);
  const a = groupAdvantages([3, 1, 1, 1, 0.2, 0.2, 0.2, 0.2], 4);
  const first = a.slice(0, 4);
  assertClose([first.reduce((s, x) => s + x, 0), first.reduce((s, x) => s + x * x, 0) / 4], [0, 1], 1e-12, "mean 0, variance 1");
  assert.ok(first[0]! > 0 && first[1]! < 0);
  assert.deepEqual(a.slice(4), [0, 0, 0, 0]);
  assert.deepEqual(groupAdvantages([0.1 + 0.2, 0.3, 0.30000000000000004], 3), [0, 0, 0], "float noise is no spread");
  assert.throws(() => groupAdvantages([1, 2, 3], 2), /do not split into groups of 2/);
});

test("clipped objective: value and gradient signs on hand-made log-probs", () => {
  // One token per answer; ratios 1.5, 0.5, 1.5, 0.5 against the old policy; advantages +1, +1, -1, -1.
  const logp = tensor([[Math.log(1.5)], [Math.log(0.5)], [Math.log(1.5)], [Math.log(0.5)]], { dtype: "float64" }).requiresGrad_();
  const zeros = tensor([[0], [0], [0], [0]], { dtype: "float64" });
  const r = enableGrad(() => {
    const out = grpoLoss({ logp, oldLogp: zeros, refLogp: logp.detach(), mask: tensor([[1], [1], [1], [1]], { dtype: "float64" }), advantages: tensor([1, 1, -1, -1], { dtype: "float64" }), clipEpsilon: 0.2, klBeta: 0 });
    out.loss.backward();
    return { loss: out.loss.item(), clipFraction: out.clipFraction, kl: out.kl };
  });
  // Surrogates min(rA, clip(r)A): 1.2 (clipped), 0.5, -1.5, -0.8 (clipped); the loss is minus their mean.
  assertClose([r.loss], [-(1.2 + 0.5 - 1.5 - 0.8) / 4], 1e-12);
  const grad = values(logp.grad!);
  assert.equal(grad[0], 0, "A > 0 and ratio above 1 + eps: clipped, no gradient");
  assert.ok(grad[1]! < 0, "A > 0, ratio below 1: descent raises the answer's probability");
  assert.ok(grad[2]! > 0, "A < 0, ratio above 1: descent lowers it");
  assert.equal(grad[3], 0, "A < 0 and ratio below 1 - eps: clipped");
  assertClose(grad, [0, -0.5 / 4, 1.5 / 4, 0], 1e-12);
  assert.equal(r.clipFraction, 0.5);
  assert.equal(r.kl, 0);
  // Inside the clip range the surrogate is just ratio * A.
  assertClose(values(clippedSurrogate(tensor([1.1, 0.9]), tensor([2, -3]), 0.2)), [2.2, -2.7], 1e-6);
});

test("k3 KL estimator: exp(d) - d - 1 >= 0, zero when equal; its gradient pulls towards the reference", () => {
  const ref = tensor([-1, -2, -0.5, -3], { dtype: "float64" });
  const logp = tensor([-1.5, -1, -0.5, -4], { dtype: "float64" });
  const d = [0.5, -1, 0, 1];
  assertClose(values(klK3(logp, ref)), d.map((x) => Math.exp(x) - x - 1), 1e-12);
  assert.ok(values(klK3(logp, ref)).every((v) => v >= 0));
  assert.deepEqual(values(klK3(ref, ref)), [0, 0, 0, 0]);
  const p = tensor([[-2, -0.5]], { dtype: "float64" }).requiresGrad_();
  enableGrad(() => grpoLoss({ logp: p, oldLogp: p.detach(), refLogp: tensor([[-1, -0.5]], { dtype: "float64" }), mask: tensor([[1, 1]], { dtype: "float64" }), advantages: tensor([0], { dtype: "float64" }), clipEpsilon: 0.2, klBeta: 1 }).loss.backward());
  const g = values(p.grad!);
  assert.ok(g[0]! < 0, "below the reference: descent raises the log-prob");
  assertClose([g[1]!], [0], 1e-12, "equal to the reference: no pull");
  // Answers count the same whatever their length.
  assertClose([sequenceMean(tensor([[1, 1], [3, 7]]), tensor([[1, 1], [1, 0]])).item()], [2], 1e-6);
});

test("answer log-probs: right-padded rows equal each answer computed on its own; entropy of the distribution", () => {
  const model = tinyModel(3);
  const llm = model.llm;
  const answers = [[10, 11, 12, 13], [20, 21], [30]];
  noGrad(() => tidy(() => {
    const prompt = llm.embed(tensor([1, 2, 3, 4, 5], { dtype: "int64" }));
    const batched = answerLogProbs(llm, prompt, answers, { temperature: 0.7, vocabLimit: 300 });
    assert.deepEqual(batched.logp.shape, [3, 4]);
    assert.deepEqual(values(batched.mask), [1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0]);
    const rows = batched.logp.toArray() as number[][], entropy = batched.entropy.toArray() as number[][];
    answers.forEach((answer, i) => {
      const sequence = cat([prompt, llm.embed(tensor(answer, { dtype: "int64" }))], 0).unsqueeze(0);
      const logits = llm.logits(llm.forward({ embeds: sequence })).squeeze(0).narrow(-1, 0, 300).div(0.7);
      const logProbs = logits.logSoftmax(-1).toArray() as number[][];
      const own = answer.map((token, t) => logProbs[prompt.size(0) - 1 + t]![token]!);
      assertClose(rows[i]!.slice(0, answer.length), own, 1e-4, `answer ${i}`);
      assertClose(rows[i]!.slice(answer.length), new Array<number>(4 - answer.length).fill(0), 0, "padding is zero");
      const dist = logProbs[prompt.size(0) - 1]!;
      assertClose([entropy[i]![0]!], [-dist.reduce((s, lp) => s + Math.exp(lp) * lp, 0)], 1e-4, "entropy");
    });
  }));
});

test("answer log-probs: gradients through the shared prompt equal those of separate full sequences", () => {
  const llm = tinyModel(6).llm;
  const answers = [[10, 11, 12], [20], [30, 31]];
  const weightsOfRows = [1, -2, 0.5];
  const gradOfPrompt = (loss: (prompt: Tensor) => Tensor) => enableGrad(() => tidy(() => {
    const prompt = randn([6, 96], { generator: new Generator(8) }).requiresGrad_();
    loss(prompt).backward();
    return values(prompt.grad!);
  }));
  const shared = gradOfPrompt((prompt) => answerLogProbs(llm, prompt, answers, { temperature: 1 }).logp.sum(1).mul(tensor(weightsOfRows)).sum());
  const separate = gradOfPrompt((prompt) => answers.map((answer, i) => {
    const sequence = cat([prompt, llm.embed(tensor(answer, { dtype: "int64" }))], 0).unsqueeze(0);
    const logProbs = llm.logits(llm.forward({ embeds: sequence })).squeeze(0).logSoftmax(-1);
    const picked = logProbs.narrow(0, 5, answer.length).gather(-1, tensor(answer, { dtype: "int64" }).unsqueeze(-1));
    return picked.sum().mul(weightsOfRows[i]!);
  }).reduce((a, b) => a.add(b)));
  assert.ok(shared.some((x) => x !== 0));
  assertClose(shared, separate, { atol: 1e-5, rtol: 1e-3 });
});

test("one GRPO step on a tiny model raises the positively-advantaged answer and lowers the other", () => {
  const model = tinyModel(4);
  const llm = model.llm;
  const answers = [[40, 41, 42], [50, 51]];
  const prompt = noGrad(() => llm.embed(tensor([7, 8, 9], { dtype: "int64" })));
  const sums = () => noGrad(() => tidy(() => answerLogProbs(llm, prompt, answers, { temperature: 1 }).logp.sum(1).toList()));
  const before = noGrad(() => answerLogProbs(llm, prompt, answers, { temperature: 1 }).logp);
  const start = sums();
  const optimizer = new AdamW(llm.parameters(), { lr: 1e-3, weightDecay: 0 });
  enableGrad(() => tidy(() => {
    const terms = answerLogProbs(llm, prompt, answers, { temperature: 1 });
    const r = grpoLoss({ logp: terms.logp, oldLogp: before, refLogp: before, mask: terms.mask, advantages: tensor([1, -1]), clipEpsilon: 0.2, klBeta: 0.04 });
    assertClose([r.loss.item(), r.kl, r.clipFraction], [0, 0, 0], 1e-6, "ratio 1 and no KL at the start: the loss is 0");
    r.loss.backward();
  }));
  optimizer.step();
  const end = sums();
  assert.ok(end[0]! > start[0]!, `advantage +1: ${start[0]} -> ${end[0]}`);
  assert.ok(end[1]! < start[1]!, `advantage -1: ${start[1]} -> ${end[1]}`);
  optimizer.dispose();
});

const settings: GrpoSettings = {
  groupSize: 3, promptsPerBatch: 2, innerSteps: 2, clipEpsilon: 0.2, klBeta: 0.04, temperature: 1, topK: 0, topP: 1, maxNewTokens: 6,
  rewardWeights: { format: 0.5, accuracy: 1 }, optionOrder: "per-rollout", ordersPerGroup: 1, mcqAnswer: "parsed", evalItems: 1,
};

/** A temp folder with a tone of a training song (not held out) and two questions about it: a 3-option MCQ and a tempo. */
function toneQuestions(seconds: number, hz: number): { dir: string; items: RlItem[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-grpo-"));
  let n = 0;
  while (isHeldOut(`tone-${n}`)) n++;
  const audio = path.join(dir, `tone-${n}.wav`);
  writeWav(audio, Float32Array.from({ length: 16000 * seconds }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 16000)), 16000);
  return {
    dir,
    items: [
      { id: "m", audio, question: "Which style?", kind: "mcq", choices: ["pop", "rock", "jazz"], answer: "rock", split: "global", category: "style" },
      { id: "n", audio, question: "What is the tempo?", kind: "number", answer: 120, tolerance: 0.04, unit: "BPM", split: "global", category: "tempo-value" },
    ],
  };
}

test("the stage's rollout batch: scored groups, old and reference log-probs, and a checkpoint round trip that changes nothing", async () => {
  const { dir, items } = toneQuestions(4, 220);
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const make = () => new GrpoStage({
    model: tinyModel(5), reference: tinyModel(5), tokenizer, initDir: dir, train: items, heldOut: [], trainable: ["llm"], seed: 2,
    featureDir: path.join(dir, "features"), variants: 1, augment: TRAIN_AUGMENT, grpo: settings,
  });
  const stage = make();
  const first = await stage.prepare(0, 0);
  const second = await stage.prepare(0, 1);
  assert.ok(first.rolloutSeconds > 0 && second.rolloutSeconds > 0, "the step that rolled out says how long it took");
  assert.deepEqual(new Set([first.group.itemId, second.group.itemId]), new Set(["m", "n"]));
  for (const b of [first, second]) {
    assert.equal(b.group.answers.length, 3);
    for (const a of b.group.answers) {
      assert.ok(a.tokens.length >= 1 && a.tokens.length <= 7);
      assert.equal(a.oldLogp.length, a.tokens.length);
      assert.deepEqual(a.refLogp, a.oldLogp, "reference = policy before any step");
      assert.ok(a.oldLogp.every((x) => x <= 0));
    }
  }
  for (const key of ["reward_mean", "reward_std", "reward_format_mean", "reward_format_std", "reward_accuracy_mean", "reward_accuracy_std", "response_length", "flat_groups"])
    assert.equal(typeof first.stats[key], "number", key);
  const r = enableGrad(() => tidy(() => {
    const out = stage.loss(first);
    return { loss: out.loss.item(), metrics: out.metrics, samples: out.samples };
  }));
  assert.ok(Number.isFinite(r.loss));
  assert.equal(r.samples, 3);
  assertClose([r.metrics.kl!, r.metrics.clip_fraction!], [0, 0], 1e-5, "the policy is the reference and the sampler");
  assert.ok(r.metrics.entropy! > 0);
  second.features?.temporal.dispose();
  second.features?.global.dispose();

  // Through JSON (as in a checkpoint) and into a fresh stage: the same state, the same batch, no new rollout.
  const saved = JSON.parse(JSON.stringify(stage.dataState())) as unknown;
  const resumed = make();
  resumed.restoreData(saved);
  assert.deepEqual(resumed.dataState(), stage.dataState());
  const again = await resumed.prepare(1, 0);
  assert.equal(again.rolloutSeconds, 0);
  assert.deepEqual(again.group, first.group);
  assert.deepEqual(again.posed.options, first.posed.options, "posed again with the options in the order the group was sampled with");
  again.features?.temporal.dispose();
  again.features?.global.dispose();
  // The next rollout batch (step 2) comes from where the sampler stood.
  const [next, nextResumed] = [await stage.prepare(2, 0), await resumed.prepare(2, 0)];
  assert.deepEqual(nextResumed.group, next.group);
  assert.notEqual(next.group.orderSeed, first.group.orderSeed, "each rollout batch poses its questions in a new order");
  for (const b of [next, nextResumed]) { b.features?.temporal.dispose(); b.features?.global.dispose(); }
});

test("a group posed in several option orders: each answer scored, measured and trained against its own posing", async () => {
  const { dir, items } = toneQuestions(3, 330);
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const stage = new GrpoStage({
    model: tinyModel(6), reference: tinyModel(6), tokenizer, initDir: dir, train: items, heldOut: [], trainable: ["llm"], seed: 4,
    featureDir: path.join(dir, "features"), variants: 1, augment: TRAIN_AUGMENT,
    grpo: { ...settings, groupSize: 6, ordersPerGroup: 3, maxNewTokens: 12 },
  });
  for (const micro of [0, 1]) {
    const b = await stage.prepare(0, micro);
    const rotations = b.group.answers.map((a) => a.rotation ?? 0);
    if (b.group.itemId === "m") {
      assert.deepEqual(rotations, [0, 0, 1, 1, 2, 2], "three orders, two answers each, the right option under three letters");
      assert.equal(new Set([0, 1, 2].map((r) => poseItem(items[0]!, b.group.orderSeed, r).answerIndex)).size, 3);
    } else assert.deepEqual(rotations, [0, 0, 0, 0, 0, 0], "an open question has one posing");
    for (const a of b.group.answers) {
      const own = scoreAnswer(a.text, poseItem(b.posed.item, b.group.orderSeed, a.rotation ?? 0), settings.rewardWeights);
      assert.deepEqual([a.format, a.accuracy], [own.format, own.accuracy], `"${a.text}" scored against the order it answered`);
      assert.equal(a.oldLogp.length, a.tokens.length);
      assert.deepEqual(a.refLogp, a.oldLogp);
    }
    // The loss recomputes each answer's log-probs the way the rollout did, so the KL to the reference (= the policy
    // here) is exactly 0. Had it posed an answer in another order than it was sampled in, the log-probs would differ:
    // little in a tiny random model (KL ~3e-6 measured), hence the tight bound.
    const r = enableGrad(() => tidy(() => {
      const out = stage.loss(b);
      return { loss: out.loss.item(), metrics: out.metrics, samples: out.samples };
    }));
    assert.equal(r.samples, 6);
    assert.ok(r.metrics.kl! <= 1e-9, `KL ${r.metrics.kl}`);
    assert.equal(r.metrics.clip_fraction, 0);
  }
});

test("rotationRuns: consecutive answers of one rotation, absent rotation read as 0", () => {
  assert.deepEqual(rotationRuns([{}, { rotation: 0 }, { rotation: 2 }, { rotation: 2 }, { rotation: 1 }]), [
    { rotation: 0, start: 0, end: 2 }, { rotation: 2, start: 2, end: 4 }, { rotation: 1, start: 4, end: 5 },
  ]);
  assert.deepEqual(rotationRuns([]), []);
});

test("grpo refuses to train the fusion or projector of a model that hears only summary words: no policy gradient reaches them", () => {
  const { dir, items } = toneQuestions(1, 440);
  const wordsOnly = (seed: number) => tinyModel(seed, (c) => { c.projector.summaryTokens = 4; c.projector.summaryAsWords = true; c.projector.summaryOnly = true; });
  const make = (trainable: ("llm" | "projector" | "fusion")[]) => new GrpoStage({
    model: wordsOnly(7), reference: wordsOnly(7), tokenizer: loadTokenizer(tinyTokenizerFile()), initDir: dir, train: items, heldOut: [], trainable, seed: 0,
    featureDir: path.join(dir, "features"), variants: 1, augment: TRAIN_AUGMENT, grpo: settings,
  });
  assert.throws(() => make(["projector", "llm"]), /grpo: "trainable" includes projector, but this model's LLM hears a song only as summary words/);
  assert.throws(() => make(["fusion", "projector", "llm"]), /includes fusion and projector/);
  assert.doesNotThrow(() => make(["llm"]));
});

test("GRPO over written summaries: the summary slot holds the song's facts as words, no audio is read, only questions a summary answers", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-grpo-written-"));
  fs.mkdirSync(path.join(dir, "songs"));
  const annotation = {
    global: {
      key: { tonic: "G#", mode: "minor" }, tempo: 100.2, style: "funk", tempoClass: "moderate", mood: ["tense"], metre: { numerator: 4, denominator: 4 },
      leadInstrument: "flute", instruments: [{ name: "flute", role: "lead" }, { name: "piano", role: "comping" }], duration: 90,
    },
  };
  let n = 0;
  while (isHeldOut(`song-${n}`)) n++;
  fs.writeFileSync(path.join(dir, "songs", `song-${n}.json`), JSON.stringify(annotation));
  const audio = path.join(dir, "audio", `song-${n}.wav`); // never written: nothing is heard
  const items: RlItem[] = [
    { id: "k", audio, question: "Which key?", kind: "mcq", choices: ["G# minor", "A minor", "B major", "E minor"], answer: "G# minor", split: "global", category: "key" },
    { id: "t", audio, question: "How fast?", kind: "mcq", choices: ["100 BPM", "105 BPM", "95 BPM", "110 BPM"], answer: "100 BPM", split: "global", category: "tempo-value" },
  ];
  const tokenizer = loadTokenizer(tinyTokenizerFile());
  const wordsOnly = (seed: number) => tinyModel(seed, (c) => { c.projector.summaryTokens = 19; c.projector.summaryAsWords = true; c.projector.summaryOnly = true; });
  const featureDir = path.join(dir, "features");
  const make = (o: { model?: ReturnType<typeof tinyModel>; train?: RlItem[]; misheard?: number } = {}) => new GrpoStage({
    model: o.model ?? wordsOnly(3), reference: o.model ?? wordsOnly(3), tokenizer, initDir: dir, train: o.train ?? items, heldOut: [], trainable: ["llm"], seed: 1,
    featureDir, variants: 1, augment: TRAIN_AUGMENT, grpo: { ...settings, summary: "written", misheard: o.misheard ?? 0 },
  });

  // What the summary slot holds: the song's facts as the words a summary-only model hears.
  const spoken = (words: number[]) => words.map((t) => tokenizer.decode([t])).join("|");
  const truth = spoken(new WrittenSummaries(tokenizer, 19).words(items[1]!));
  // (The tiny tokenizer spells most words letter by letter, so a fact's two slots hold its first and last letters.)
  assert.equal(truth, "G|#| minor|,|f|k| m|e| t|e|4|4|f|e|1|0|0|p|o", "tonic, mode, style, tempo class, mood, metre, lead, BPM, accompaniment");
  const misheard = spoken(new WrittenSummaries(tokenizer, 19, 1).words(items[1]!));
  assert.match(misheard, /9\|8|9\|9|1\|0\|1|1\|0\|2/, `a tempo within half the way to the nearest wrong option (5 BPM away), not 100: ${misheard}`);
  assert.ok(!misheard.includes("1|0|0"));

  const stage = make();
  const b = await stage.prepare(0, 0);
  assert.equal(b.features, undefined, "no expert features");
  assert.ok(!fs.existsSync(featureDir) || fs.readdirSync(featureDir).length === 0, "nothing cached: no audio was read");
  assert.equal(b.group.answers.length, settings.groupSize);
  for (const a of b.group.answers) assert.deepEqual(a.refLogp, a.oldLogp);
  const r = enableGrad(() => tidy(() => {
    const out = stage.loss(b);
    return { loss: out.loss.item(), kl: out.metrics.kl! };
  }));
  assert.ok(Number.isFinite(r.loss));
  assertClose([r.kl], [0], 1e-5, "the policy is the reference: its log-probs were taken over the same written prompt");

  assert.throws(() => make({ model: tinyModel(3) }), /grpo: questions over written summaries need a model that hears a song as summary words alone/);
  const timing: RlItem = { ...items[0]!, id: "s", question: "When does the chorus start?", choices: ["0:10.0", "0:20.0", "0:30.0"], answer: "0:20.0", split: "temporal", category: "section-timing" };
  assert.throws(() => make({ train: [...items, timing] }), /but 1 questions ask what a summary of 19 tokens does not hold \(first: s, section-timing\)/);
});
