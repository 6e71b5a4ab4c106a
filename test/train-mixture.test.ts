// Drawing a training mixture by weight (train/mixture.ts) and the config that asks for it.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadTrainConfig } from "../src/train/config.js";
import { MixtureSampler } from "../src/train/mixture.js";

const groups = { mcq: Array.from({ length: 1000 }, (_, i) => `q${i}`), dialogue: Array.from({ length: 50 }, (_, i) => `d${i}`), report: Array.from({ length: 50 }, (_, i) => `r${i}`) };

test("draws follow the weights, not the group sizes, and cycle through each group", () => {
  const s = new MixtureSampler(groups, { mcq: 2, dialogue: 1, report: 1 }, 3);
  const draws = Array.from({ length: 4000 }, () => s.next());
  const share = (p: string) => draws.filter((d) => d.startsWith(p)).length / draws.length;
  assert.ok(Math.abs(share("q") - 0.5) < 0.04 && Math.abs(share("d") - 0.25) < 0.04 && Math.abs(share("r") - 0.25) < 0.04, `${share("q")} ${share("d")} ${share("r")}`);
  // 1000 dialogue draws go through the 50 dialogues 20 times each: every one is seen, none favoured.
  const counts = new Map<string, number>();
  for (const d of draws.filter((x) => x.startsWith("d"))) counts.set(d, (counts.get(d) ?? 0) + 1);
  assert.equal(counts.size, 50);
  // A group with zero weight is never drawn.
  assert.ok(Array.from({ length: 200 }, () => new MixtureSampler(groups, { mcq: 0, dialogue: 1 }, 1).next()).every((d) => d.startsWith("d")));
  assert.throws(() => new MixtureSampler({ mcq: [] }, { mcq: 1 }, 0), /no items to draw/);
});

test("a sampler rebuilt from its state continues exactly", () => {
  const a = new MixtureSampler(groups, { mcq: 3, dialogue: 1 }, 9);
  for (let i = 0; i < 137; i++) a.next();
  const b = new MixtureSampler(groups, { mcq: 3, dialogue: 1 }, 9, JSON.parse(JSON.stringify(a.current)));
  assert.deepEqual(Array.from({ length: 300 }, () => b.next()), Array.from({ length: 300 }, () => a.next()));
});

test("kindWeights in an sft config: checked against kinds, named when wrong", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-mix-"));
  const write = (extra: object) => {
    const file = path.join(dir, "sft.json");
    fs.writeFileSync(file, JSON.stringify({ stage: "sft", init: "m", datasets: ["d"], run: "r", kinds: ["dialogue", "mcq-session"], ...extra }));
    return file;
  };
  assert.deepEqual(loadTrainConfig(write({ kindWeights: { "mcq-session": 2, dialogue: 1 } }), "sft").kindWeights, { "mcq-session": 2, dialogue: 1 });
  assert.equal(loadTrainConfig(write({}), "sft").kindWeights, undefined);
  assert.throws(() => loadTrainConfig(write({ kindWeights: { report: 1 } }), "sft"), /"kindWeights" names "report", which is not in "kinds"/);
  assert.throws(() => loadTrainConfig(write({ kindWeights: { dialogue: -1 } }), "sft"), /"kindWeights\.dialogue" must be a non-negative number/);
  assert.throws(() => loadTrainConfig(write({ kindWeights: { dialogue: 0 } }), "sft"), /must give some kind a positive weight/);
});
