import { test } from "node:test";
import assert from "node:assert/strict";
import { Dropout, Embedding, LayerNorm, Linear, Module, ModuleList, RMSNorm } from "../src/engine/module.js";
import { Generator } from "../src/engine/random.js";
import { noGrad } from "../src/engine/autograd.js";
import { tidy } from "../src/engine/scope.js";
import { type Tensor, randn, tensor, zeros } from "../src/engine/tensor.js";

class Block extends Module {
  readonly norm: LayerNorm;
  readonly proj: Linear;
  constructor(d: number, g: Generator) {
    super();
    this.norm = this.registerModule("norm", new LayerNorm(d));
    this.proj = this.registerModule("proj", new Linear(d, d, { generator: g }));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => x.add(this.proj.forward(this.norm.forward(x))));
  }
}

class Tiny extends Module {
  readonly embed: Embedding;
  readonly blocks: ModuleList<Block>;
  readonly out: Linear;
  readonly drop = new Dropout(0.5);
  constructor(seed = 0) {
    super();
    const g = new Generator(seed);
    this.embed = this.registerModule("embed", new Embedding(10, 8, { generator: g }));
    this.blocks = this.registerModule("blocks", new ModuleList([new Block(8, g), new Block(8, g)]));
    this.out = this.registerModule("out", new Linear(8, 3, { generator: g, bias: false }));
    this.registerModule("drop", this.drop);
    this.registerBuffer("scale", tensor([2]));
    this.registerBuffer("cache", zeros([4]), false);
  }
  forward(ids: Tensor): Tensor {
    return tidy(() => {
      let x = this.drop.forward(this.embed.forward(ids));
      for (const b of this.blocks) x = b.forward(x);
      return this.out.forward(x);
    });
  }
}

test("parameters carry dotted names in PyTorch's layout", () => {
  const m = new Tiny();
  const names = [...m.namedParameters()].map(([n]) => n);
  assert.deepEqual(names, [
    "embed.weight",
    "blocks.0.norm.weight", "blocks.0.norm.bias", "blocks.0.proj.weight", "blocks.0.proj.bias",
    "blocks.1.norm.weight", "blocks.1.norm.bias", "blocks.1.proj.weight", "blocks.1.proj.bias",
    "out.weight",
  ]);
  assert.deepEqual([...m.stateDict().keys()].slice(-1), ["scale"], "persistent buffers are in the state dict, others not");
  assert.equal(m.numParameters(), 10 * 8 + 2 * (8 + 8 + 64 + 8) + 24);
  assert.equal(m.getSubmodule("blocks.1.proj"), m.blocks.at(1).proj);
  assert.throws(() => m.getSubmodule("blocks.7"), /no submodule "blocks.7"/);
  m.dispose();
});

test("freeze stops gradients and trainable counts follow", () => {
  const m = new Tiny();
  m.blocks.freeze();
  assert.equal(m.numParameters({ trainableOnly: true }), 80 + 24);
  tidy(() => {
    m.eval();
    m.forward(tensor([1, 2, 3], { dtype: "int64" })).sum().backward();
  });
  assert.equal(m.blocks.at(0).proj.weight.grad, undefined);
  assert.ok(m.out.weight.grad !== undefined);
  m.unfreeze();
  assert.equal(m.numParameters({ trainableOnly: true }), m.numParameters());
  m.dispose();
});

test("train/eval reach every submodule; dropout is identity in eval", () => {
  const m = new Tiny();
  m.eval();
  assert.equal(m.drop.training, false);
  assert.equal(m.blocks.at(1).norm.training, false);
  const ids = tensor([1, 2, 3, 4], { dtype: "int64" });
  const a = m.forward(ids).toList(), b = m.forward(ids).toList();
  assert.deepEqual(a, b, "eval forward is deterministic");
  m.train();
  assert.equal(m.drop.training, true);
  m.dispose();
});

test("state dict round trip gives identical outputs; mismatches are clear errors", () => {
  const a = new Tiny(1), b = new Tiny(2);
  a.eval(); b.eval();
  const ids = tensor([0, 5, 9], { dtype: "int64" });
  assert.notDeepEqual(a.forward(ids).toList(), b.forward(ids).toList());
  b.loadStateDict(a.stateDict());
  assert.deepEqual(a.forward(ids).toList(), b.forward(ids).toList());

  const partial = new Map(a.stateDict());
  partial.delete("out.weight");
  partial.set("extra.weight", zeros([1]));
  assert.throws(() => b.loadStateDict(partial), /missing out\.weight; unexpected extra\.weight/);
  const r = b.loadStateDict(partial, { strict: false });
  assert.deepEqual(r, { missing: ["out.weight"], unexpected: ["extra.weight"] });
  const wrong = new Map(a.stateDict());
  wrong.set("out.weight", zeros([2, 2]));
  assert.throws(() => b.loadStateDict(wrong), /"out.weight" has shape \[2, 2\], the module expects \[3, 8\]/);
  a.dispose(); b.dispose();
});

test("to() casts parameters in place, keeping references valid", () => {
  const m = new Tiny();
  const w = m.out.weight;
  m.to({ dtype: "float64" });
  assert.equal(w.dtype, "float64");
  assert.equal(m.out.weight, w);
  m.eval();
  const y = m.forward(tensor([1], { dtype: "int64" }));
  assert.equal(y.dtype, "float64");
  assert.equal(m.embed.weight.requiresGrad, true);
  m.dispose();
});

test("Linear initialisation follows PyTorch's U(-1/sqrt(fan_in), 1/sqrt(fan_in)) and is seeded", () => {
  const a = new Linear(64, 32, { generator: new Generator(7) });
  const b = new Linear(64, 32, { generator: new Generator(7) });
  const w = a.weight.toList();
  assert.deepEqual(w, b.weight.toList());
  const bound = 1 / 8;
  assert.ok(w.every((x) => Math.abs(x) <= bound));
  assert.ok(Math.max(...w) > 0.9 * bound && Math.min(...w) < -0.9 * bound);
});

test("RMSNorm normalises to unit root-mean-square", () => {
  const n = new RMSNorm(16, 0);
  const x = noGrad(() => randn([3, 16], { generator: new Generator(3) }).mul(5));
  const y = noGrad(() => n.forward(x)).toList();
  for (let r = 0; r < 3; r++) {
    const row = y.slice(r * 16, r * 16 + 16);
    const rms = Math.sqrt(row.reduce((s, v) => s + v * v, 0) / 16);
    assert.ok(Math.abs(rms - 1) < 1e-5, `row ${r} rms ${rms}`);
  }
});
