import { test } from "node:test";
import assert from "node:assert/strict";
import { keep, scopeDepth, tidy } from "../src/engine/scope.js";
import { memoryStats } from "../src/engine/runtime.js";
import { ones, zeros } from "../src/engine/tensor.js";

test("tidy frees what it created and keeps what it returns", () => {
  const before = memoryStats();
  const { kept, list } = tidy(() => {
    const a = ones([1000]);
    const b = a.mul(2);
    b.add(1);
    return { kept: b.sum(), list: [a.mul(3)] };
  });
  const after = memoryStats();
  assert.equal(after.liveTensors - before.liveTensors, 2, "only the two returned tensors remain");
  assert.equal(kept.item(), 2000);
  assert.equal(list[0]!.sum().item(), 3000);
  assert.equal(scopeDepth(), 0);
});

test("nested tidy moves results outward; keep() rescues a tensor; errors free everything", () => {
  const before = memoryStats().liveTensors;
  let rescued: ReturnType<typeof zeros> | undefined;
  const outer = tidy(() => {
    const inner = tidy(() => ones([10]).mul(5));
    rescued = keep(zeros([3]));
    zeros([100]);
    return inner;
  });
  assert.equal(outer.sum().item(), 50);
  assert.equal(rescued!.disposed, false);
  assert.equal(memoryStats().liveTensors - before, 3, "outer, the sum above and rescued");
  const mid = memoryStats().liveTensors;
  assert.throws(() => tidy(() => { ones([10]); throw new Error("boom"); }), /boom/);
  assert.equal(memoryStats().liveTensors, mid, "a throwing scope frees its tensors");
  assert.throws(() => tidy(() => Promise.resolve(1)), /synchronous/);
});

test("dispose is idempotent and a disposed tensor says so", () => {
  const t = ones([4]);
  const v = t.view(2, 2);
  t.dispose();
  t.dispose();
  assert.equal(t.disposed, true);
  assert.throws(() => t.sum(), /after dispose/);
  assert.equal(v.sum().item(), 4, "a view keeps the memory alive after its base is disposed");
  assert.equal(String(t), "Tensor(disposed)");
});

test("native memory is reported to V8 and released", () => {
  const before = memoryStats().liveBytes;
  const t = zeros([1024, 1024]);
  assert.equal(memoryStats().liveBytes - before, 4 * 1024 * 1024);
  t.dispose();
  assert.equal(memoryStats().liveBytes, before);
});
