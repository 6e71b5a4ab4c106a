// The linear probe of `gamma model probe`: it reads a fact that is linearly present, does not read one that is
// not, and names bad input.
import assert from "node:assert/strict";
import { test } from "node:test";
import { crossValidatedProbe } from "../src/eval/probe.js";
import { Rng } from "../src/music/rng.js";

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** n songs of dim features; the label is class i % classes; `signal` shifts feature c for class c. */
function synthetic(n: number, dim: number, classes: number, signal: number, seed: number) {
  const rng = new Rng(seed);
  const labels = Array.from({ length: n }, (_, i) => `class-${i % classes}`);
  const rows = labels.map((_, i) => Float32Array.from({ length: dim }, (_, d) => gaussian(rng) + (d === i % classes ? signal : 0)));
  return { rows, labels };
}

test("probe: a linearly present fact is read, an absent one is not", () => {
  const present = synthetic(90, 12, 3, 3, 1);
  const read = crossValidatedProbe(present.rows, present.labels, { folds: 5 });
  assert.equal(read.songs, 90);
  assert.equal(read.classes, 3);
  assert.ok(Math.abs(read.majority - 1 / 3) < 1e-9);
  assert.ok(read.accuracy > 0.85, `present: ${read.accuracy}`);

  const absent = synthetic(90, 12, 3, 0, 2);
  const chance = crossValidatedProbe(absent.rows, absent.labels, { folds: 5 });
  assert.ok(chance.accuracy < 0.55, `absent: ${chance.accuracy}`);
});

test("probe: bad input is named", () => {
  const { rows, labels } = synthetic(4, 3, 2, 1, 3);
  assert.throws(() => crossValidatedProbe(rows, labels.slice(1)), /4 feature rows but 3 labels/);
  assert.throws(() => crossValidatedProbe(rows, labels, { folds: 5 }), /4 songs is fewer than 5 folds/);
});
