// safetensors: exact round trips for every dtype, files laid out by hand as Hugging Face writes them, lazy reads,
// atomic writes and the validation errors.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  fromSafetensorsDtype, loadSafetensors, openSafetensors, readSafetensorsHeader, saveSafetensors, toSafetensorsDtype,
} from "../src/engine/safetensors.js";
import { tensor, type DType, type Tensor } from "../src/engine/tensor.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gamma-safetensors-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** A fresh path in the temp dir (each test its own, so tests cannot see each other's files). */
function tempFile(label: string): string {
  counter += 1;
  return path.join(dir, `${counter}-${label}.safetensors`);
}

/** The raw bytes of a typed array: exact comparison, NaN and -0 included. */
function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function disposeAll(tensors: Iterable<Tensor>): void {
  for (const t of tensors) t.dispose();
}

/** A file from a header (object or exact JSON text, padded to 8 with spaces) and data bytes, as HF lays it out. */
function rawFile(label: string, header: object | string, data: Uint8Array, lengthOverride?: bigint): string {
  const json = typeof header === "string" ? header : JSON.stringify(header);
  const text = new TextEncoder().encode(json);
  const headerBytes = new Uint8Array(Math.ceil(text.byteLength / 8) * 8).fill(0x20);
  headerBytes.set(text);
  const out = new Uint8Array(8 + headerBytes.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.byteLength);
  const file = tempFile(label);
  fs.writeFileSync(file, out);
  return file;
}

/** One tensor per dtype with awkward values (extremes, -0, NaN, subnormals), keyed by HF-style dotted names. */
function everyDtype(): Map<string, { t: Tensor; dtype: DType; shape: number[]; bits: ArrayBufferView }> {
  const cases: [string, DType, number[], ArrayBufferView][] = [
    ["model.layers.0.self_attn.q_proj.weight", "float32", [2, 3], Float32Array.from([1.5, -0, NaN, Infinity, 3.4e38, 1e-45])],
    ["model.layers.0.mlp.fc1.weight", "float16", [3, 2], Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7e00])],
    ["model.layers.0.mlp.fc2.weight", "bfloat16", [2, 2], Uint16Array.from([0x3f80, 0xc040, 0x7f7f, 0x0001])],
    ["model.norm.eps", "float64", [2], Float64Array.from([Math.PI, -Number.MAX_VALUE])],
    ["model.position_ids", "int64", [1, 3], BigInt64Array.from([-(2n ** 63n), 2n ** 62n + 1n, 7n])],
    ["model.i32", "int32", [2], Int32Array.from([-(2 ** 31), 2 ** 31 - 1])],
    ["model.i16", "int16", [2], Int16Array.from([-32768, 32767])],
    ["model.i8", "int8", [3], Int8Array.from([-128, 0, 127])],
    ["model.u8", "uint8", [2], Uint8Array.from([0, 255])],
    ["model.attention_mask", "bool", [2, 2], Uint8Array.from([1, 0, 0, 1])],
    ["scalar.temperature", "float32", [], Float32Array.from([0.7])],
    ["empty.cache", "float16", [0, 4], new Uint16Array(0)],
  ];
  return new Map(cases.map(([name, dtype, shape, bits]) => [name, { t: tensor(bits, { dtype, shape }), dtype, shape, bits }]));
}

void test("dtype mapping covers every storable dtype both ways and refuses complex64", () => {
  const pairs: [DType, string][] = [["float32", "F32"], ["float16", "F16"], ["bfloat16", "BF16"], ["float64", "F64"], ["int64", "I64"],
    ["int32", "I32"], ["int16", "I16"], ["int8", "I8"], ["uint8", "U8"], ["bool", "BOOL"]];
  for (const [dtype, code] of pairs) {
    assert.equal(toSafetensorsDtype(dtype), code);
    assert.equal(fromSafetensorsDtype(code), dtype);
  }
  assert.throws(() => toSafetensorsDtype("complex64"), /no complex dtype/);
  assert.throws(() => fromSafetensorsDtype("F8_E4M3"), /unknown safetensors dtype "F8_E4M3"/);
});

void test("round trip of every dtype: exact bits, dotted names, 0-d and empty shapes, metadata", () => {
  const cases = everyDtype();
  const file = tempFile("roundtrip");
  const metadata = { format: "pt", "gamma.step": "1200", note: "ünïcödé ✓" };
  saveSafetensors(file, new Map([...cases].map(([name, c]) => [name, c.t])), metadata);

  const { tensors, metadata: readMeta } = loadSafetensors(file);
  try {
    assert.deepEqual(readMeta, metadata);
    assert.deepEqual([...tensors.keys()].sort(), [...cases.keys()].sort());
    for (const [name, c] of cases) {
      const t = tensors.get(name)!;
      assert.equal(t.dtype, c.dtype, name);
      assert.deepEqual(t.shape, c.shape, name);
      assert.deepEqual(bytesOf(t.data()), bytesOf(c.bits), name);
    }
  } finally {
    disposeAll(tensors.values());
    disposeAll([...cases.values()].map((c) => c.t));
  }
});

void test("writer output: header padded with spaces to 8 bytes, names in order, aligned data, deterministic bytes", () => {
  const a = tensor([1, 2, 3], { dtype: "int8" });
  const b = tensor([[1, 2], [3, 4]], { dtype: "float32" });
  const c = tensor([5], { dtype: "float16" });
  const d = tensor([6, 7], { dtype: "int64" });
  try {
    const first = tempFile("order-a");
    const second = tempFile("order-b");
    // Same tensors in different insertion orders, as a Map and as a Record: byte-identical files.
    saveSafetensors(first, new Map([["z.int8", a], ["a.f32", b], ["m.f16", c], ["0", d]]), { b: "2", a: "1" });
    saveSafetensors(second, { "m.f16": c, "0": d, "a.f32": b, "z.int8": a }, { a: "1", b: "2" });
    const bytes = fs.readFileSync(first);
    assert.deepEqual(bytes, fs.readFileSync(second));

    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const text = bytes.subarray(8, 8 + n).toString("utf8");
    assert.match(text, /^\{.*\} *$/);
    // Insertion order of a parsed object puts integer-like keys first, so compare the raw text's key order.
    const keys = [...text.matchAll(/"([^"]+)":\{/g)].map((m) => m[1]);
    assert.deepEqual(keys, ["__metadata__", "0", "a.f32", "m.f16", "z.int8"]);

    const header = readSafetensorsHeader(first);
    assert.equal(header.dataStart, 8 + n);
    assert.deepEqual(header.metadata, { a: "1", b: "2" });
    for (const info of header.tensors.values()) {
      const size = info.byteLength / Math.max(1, info.shape.reduce((x, y) => x * y, 1));
      assert.equal(info.dataOffsets[0] % size, 0, "each tensor starts aligned to its element size");
    }
  } finally {
    disposeAll([a, b, c, d]);
  }
});

void test("reads a file laid out byte by byte as Hugging Face writes it (F16, BF16, F32, I64, unaligned offsets)", () => {
  // data buffer, tensors back to back in this order
  const bf16Bias = Uint16Array.from([0x3f80, 0xc040]); // 1.0, -3.0
  const f16Weight = Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x0000]); // 1.0, -2.0, 0.5, 0
  const f16Scalar = Uint16Array.from([0x3c00]); // 1.0: leaves the next tensor at an offset that is not a multiple of 4
  const f32Pos = Float32Array.from([0.25, -1.5, 3, 4]);
  const i64Ids = BigInt64Array.from([0n, 1n, 2n]);
  const parts = [bf16Bias, f16Weight, f16Scalar, f32Pos, i64Ids].map(bytesOf);
  const data = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  const offsets: [number, number][] = [];
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    offsets.push([at, at + p.byteLength]);
    at += p.byteLength;
  }
  const header = `{"__metadata__":{"format":"pt"},` +
    `"model.encoder.conv1.bias":{"dtype":"BF16","shape":[2],"data_offsets":[${offsets[0]!.join(",")}]},` +
    `"model.encoder.conv1.weight":{"dtype":"F16","shape":[2,1,2],"data_offsets":[${offsets[1]!.join(",")}]},` +
    `"model.encoder.layers.0.self_attn.k_proj.weight":{"dtype":"F16","shape":[1,1],"data_offsets":[${offsets[2]!.join(",")}]},` +
    `"model.encoder.embed_positions.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[${offsets[3]!.join(",")}]},` +
    `"model.encoder.position_ids":{"dtype":"I64","shape":[3],"data_offsets":[${offsets[4]!.join(",")}]}}`;
  const file = rawFile("hf-layout", header, data);
  assert.equal(offsets[3]![0] % 4, 2, "the F32 tensor really is unaligned");

  const st = openSafetensors(file);
  try {
    assert.deepEqual(st.metadata, { format: "pt" });
    assert.deepEqual(new Set(st.names), new Set(["model.encoder.conv1.bias", "model.encoder.conv1.weight",
      "model.encoder.layers.0.self_attn.k_proj.weight", "model.encoder.embed_positions.weight", "model.encoder.position_ids"]));
    assert.deepEqual(st.info("model.encoder.conv1.weight"), { dtype: "float16", shape: [2, 1, 2], byteLength: 8, dataOffsets: offsets[1] });

    const expect: [string, DType, number[], number[]][] = [
      ["model.encoder.conv1.bias", "bfloat16", [2], [1, -3]],
      ["model.encoder.conv1.weight", "float16", [2, 1, 2], [1, -2, 0.5, 0]],
      ["model.encoder.layers.0.self_attn.k_proj.weight", "float16", [1, 1], [1]],
      ["model.encoder.embed_positions.weight", "float32", [2, 2], [0.25, -1.5, 3, 4]],
      ["model.encoder.position_ids", "int64", [3], [0, 1, 2]],
    ];
    for (const [name, dtype, shape, values] of expect) {
      const t = st.get(name);
      assert.equal(t.dtype, dtype, name);
      assert.deepEqual(t.shape, shape, name);
      assert.deepEqual(Array.from(t.toFloat32Array()), values, name);
      t.dispose();
    }
    // dtype conversion on read
    const f = st.get("model.encoder.conv1.weight", { dtype: "float32" });
    assert.equal(f.dtype, "float32");
    assert.deepEqual(Array.from(f.data() as Float32Array), [1, -2, 0.5, 0]);
    f.dispose();
  } finally {
    st.close();
  }
});

void test("get() reads only the requested tensor's bytes", () => {
  const big = tensor(new Float32Array(4096).fill(2.5), { shape: [64, 64] });
  const small = tensor(Int8Array.from([1, -2, 3]));
  const file = tempFile("lazy");
  saveSafetensors(file, { "big.weight": big, "small.bias": small });
  disposeAll([big, small]);

  const st = openSafetensors(file);
  try {
    assert.equal(st.bytesRead, 0, "opening reads only the header");
    const t = st.get("small.bias");
    assert.deepEqual(t.toList(), [1, -2, 3]);
    t.dispose();
    assert.equal(st.bytesRead, 3);
    const u = st.get("big.weight");
    assert.equal(st.bytesRead, 3 + 4096 * 4);
    u.dispose();
  } finally {
    st.close();
  }
});

void test("get() of one tensor works when another tensor's bytes were cut off after opening", () => {
  const first = tensor(Float64Array.from([1, 2, 3])); // 8-byte elements: first in the data
  const second = tensor(Uint8Array.from([9, 8, 7, 6]));
  const file = tempFile("lazy-cut");
  saveSafetensors(file, { "a.first": first, "b.second": second });
  disposeAll([first, second]);

  const st = openSafetensors(file);
  try {
    fs.truncateSync(file, st.dataStart + 24); // drops all of "b.second"
    const t = st.get("a.first");
    assert.deepEqual(t.toList(), [1, 2, 3]);
    t.dispose();
    assert.throws(() => st.get("b.second"), (err: Error) => err.message.startsWith(`${file}: file ended at byte`));
  } finally {
    st.close();
  }
});

void test("a failed save leaves the old file intact and no temporary file behind", () => {
  const sub = fs.mkdtempSync(path.join(dir, "atomic-"));
  const file = path.join(sub, "model.safetensors");
  const old = tensor([1, 2, 3]);
  saveSafetensors(file, { old });
  old.dispose();
  const before = fs.readFileSync(file);

  const a = tensor([1, 2]);
  const b = tensor([3, 4]);
  const c = tensor([5, 6]);
  try {
    // "a" is written first (same dtype, name order); fetching its data disposes "c", mid-list, after the
    // header and "a" are already in the temporary file.
    const original = a.data.bind(a);
    a.data = () => {
      c.dispose();
      return original();
    };
    assert.throws(() => saveSafetensors(file, { a, b, c }), (err: Error) =>
      err.message === `${file}: cannot save tensor "c": tensor used after dispose()`);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);

    // Refused before anything is written: a tensor already disposed, complex64, the reserved name.
    assert.throws(() => saveSafetensors(file, { b, c }), { message: `${file}: cannot save tensor "c": it was disposed` });
    const z = tensor([1, 2]).to("complex64");
    assert.throws(() => saveSafetensors(file, { b, z }), /cannot save tensor "z": safetensors has no complex dtype/);
    z.dispose();
    assert.throws(() => saveSafetensors(file, { __metadata__: b }), /"__metadata__": the name is reserved/);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);

    // A successful save replaces the file.
    saveSafetensors(file, { b });
    const { tensors } = loadSafetensors(file);
    assert.deepEqual(tensors.get("b")!.toList(), [3, 4]);
    disposeAll(tensors.values());
    assert.deepEqual(fs.readdirSync(sub), ["model.safetensors"]);
  } finally {
    disposeAll([a, b, c]);
  }
});

/** Asserts that opening (and reading the header of) `file` fails with `pattern`, prefixed by the file name. */
function assertBad(file: string, pattern: RegExp): void {
  for (const open of [() => openSafetensors(file).close(), () => readSafetensorsHeader(file)]) {
    assert.throws(open, (err: Error) => {
      assert.ok(err.message.startsWith(`${file}: `), err.message);
      assert.match(err.message, pattern);
      return true;
    });
  }
}

const f32 = (shape: number[], begin: number, end: number): object => ({ dtype: "F32", shape, data_offsets: [begin, end] });

void test("validation: file too short, absurd header length, header not JSON", () => {
  const short = tempFile("short");
  fs.writeFileSync(short, Uint8Array.from([1, 2, 3, 4, 5]));
  assertBad(short, /file is 5 bytes, too short/);

  assertBad(rawFile("huge-length", { x: f32([1], 0, 4) }, new Uint8Array(4), 1n << 40n), /header length 1099511627776 is larger than the file/);
  assertBad(rawFile("not-json", "{not json", new Uint8Array(0)), /header is not valid JSON/);
  assertBad(rawFile("not-object", "[1,2]", new Uint8Array(0)), /header must be a JSON object/);
  const badUtf8 = tempFile("bad-utf8");
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setBigUint64(0, 8n, true);
  bytes.set([0x7b, 0xff, 0xfe, 0x7d, 0x20, 0x20, 0x20, 0x20], 8);
  fs.writeFileSync(badUtf8, bytes);
  assertBad(badUtf8, /header is not valid UTF-8/);
});

void test("validation: dtype, shape, data_offsets and metadata entries", () => {
  const data = new Uint8Array(16);
  assertBad(rawFile("dtype", { x: { dtype: "F8_E4M3", shape: [16], data_offsets: [0, 16] } }, data), /tensor "x" has unknown dtype "F8_E4M3"/);
  assertBad(rawFile("shape", { x: { dtype: "F32", shape: [2, -2], data_offsets: [0, 16] } }, data), /tensor "x" has shape \[2,-2\]/);
  assertBad(rawFile("offsets", { x: { dtype: "F32", shape: [4], data_offsets: [0] } }, data), /tensor "x" has data_offsets \[0\]/);
  assertBad(rawFile("entry", { x: 3 }, data), /tensor "x": entry must be an object/);
  assertBad(rawFile("metadata", { __metadata__: { step: 3 }, x: f32([4], 0, 16) }, data), /__metadata__ value for "step" must be a string/);

  const sizeFile = rawFile("size", { x: f32([2, 2], 0, 12) }, new Uint8Array(12));
  assert.throws(() => openSafetensors(sizeFile), { message: `${sizeFile}: tensor "x" has data_offsets [0, 12] but shape [2,2] F32 needs 16 bytes` });
  assertBad(rawFile("reversed", { x: f32([0], 8, 4) }, data), /tensor "x" has data_offsets \[8, 4\] out of order/);
  assertBad(rawFile("past-end", { x: f32([4], 0, 16), y: f32([2], 16, 24) }, data), /tensor "y" has data_offsets \[16, 24\] past the end of the data \(16 bytes/);
});

void test("validation: overlapping offsets, holes and trailing bytes in the data buffer", () => {
  const data = new Uint8Array(16);
  assertBad(rawFile("overlap", { a: f32([3], 0, 12), b: f32([2], 8, 16) }, data),
    /tensors "a" \(data_offsets \[0, 12\]\) and "b" \(data_offsets \[8, 16\]\) overlap/);
  assertBad(rawFile("hole", { a: f32([1], 0, 4), b: f32([2], 8, 16) }, data), /bytes \[4, 8\) of the data belong to no tensor \(hole before "b"\)/);
  assertBad(rawFile("trailing", { a: f32([2], 0, 8) }, data), /8 bytes after the last tensor's data/);
  // Header order does not matter, only that the offsets tile the buffer; empty tensors may share an offset.
  const fine = rawFile("unordered", { b: f32([2], 8, 16), e: f32([0, 3], 8, 8), a: f32([2], 0, 8) }, data);
  const st = openSafetensors(fine);
  assert.deepEqual(st.names, ["a", "e", "b"]);
  st.close();
});

void test("get(): missing name, use after close; close is idempotent", () => {
  const t = tensor([1, 2]);
  const file = tempFile("missing");
  saveSafetensors(file, { "model.embed_tokens.weight": t });
  t.dispose();
  const st = openSafetensors(file);
  assert.equal(st.has("model.embed_tokens.weight"), true);
  assert.throws(() => st.get("model.embed_tokens.weights"),
    { message: `${file}: no tensor "model.embed_tokens.weights" (the file has 1: "model.embed_tokens.weight")` });
  assert.throws(() => st.info("nope"), /no tensor "nope"/);
  st.close();
  st.close();
  assert.equal(st.closed, true);
  assert.throws(() => st.get("model.embed_tokens.weight"), /used after close\(\)/);
});
