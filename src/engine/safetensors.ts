// safetensors: Hugging Face's weight file format. An 8-byte little-endian header length N, N bytes of UTF-8 JSON
// ({"__metadata__": {...}, "<name>": {"dtype", "shape", "data_offsets": [begin, end]}}, padded with spaces), then
// the raw row-major little-endian data. Checkpoints run to gigabytes, so reading is lazy (the header at open, each
// tensor's bytes on get()) and writing streams one tensor at a time into a temporary file renamed over the target.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DTYPE_SIZE, tensor, typedArrayView, type Device, type DType, type Tensor } from "./tensor.js";

export type SafetensorsDtype = "F32" | "F16" | "BF16" | "F64" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";
/** Our dtypes that safetensors can store (it has no complex type). */
export type StorableDType = Exclude<DType, "complex64" | "complex128">;

const TO_CODE: Readonly<Record<StorableDType, SafetensorsDtype>> = {
  float32: "F32", float16: "F16", bfloat16: "BF16", float64: "F64",
  int64: "I64", int32: "I32", int16: "I16", int8: "I8", uint8: "U8", bool: "BOOL",
};
const FROM_CODE: ReadonlyMap<string, StorableDType> = new Map(
  Object.entries(TO_CODE).map(([dtype, code]) => [code, dtype as StorableDType]),
);
const KNOWN_CODES = [...FROM_CODE.keys()].join(", ");

/** The reference implementation's cap on the header (MAX_HEADER_SIZE): a corrupt length must not make us allocate gigabytes. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";
const complexMessage = "safetensors has no complex dtype: store t.viewAsReal() (a float tensor with a last dimension of 2) instead";

/** The safetensors code of a dtype; complex dtypes have none. */
export function toSafetensorsDtype(dtype: DType): SafetensorsDtype {
  if (dtype === "complex64" || dtype === "complex128") throw new Error(complexMessage);
  return TO_CODE[dtype];
}

/** Our dtype for a safetensors code such as "BF16". */
export function fromSafetensorsDtype(code: string): StorableDType {
  const dtype = FROM_CODE.get(code);
  if (dtype === undefined) throw new Error(`unknown safetensors dtype ${JSON.stringify(code)} (supported: ${KNOWN_CODES})`);
  return dtype;
}

export interface SafetensorsTensorInfo {
  dtype: StorableDType;
  shape: number[];
  byteLength: number;
  /** [begin, end) in bytes, relative to the start of the data buffer (the byte after the header). */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  /** Every tensor, in the order of its data in the file. */
  tensors: Map<string, SafetensorsTensorInfo>;
  /** Absolute file position of the data buffer (8 + header length). */
  dataStart: number;
}

export interface SafetensorsReadOptions {
  /** Convert to this dtype after loading (on the target device, so the transfer moves the stored bytes). */
  dtype?: DType;
  device?: Device;
}

function fail(file: string, message: string, cause?: unknown): Error {
  return new Error(`${file}: ${message}`, cause === undefined ? undefined : { cause });
}

function assertLittleEndian(): void {
  // The file is little-endian and we copy bytes straight into libtorch, which uses the host's byte order.
  if (os.endianness() !== "LE") throw new Error("safetensors: big-endian hosts are not supported");
}

// ---- reading ----------------------------------------------------------------------------------------------

/** Fills `into` from `position`; readSync may return fewer bytes than asked, so loop until full or end of file. */
function readExact(file: string, fd: number, into: Uint8Array, position: number, what: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = fs.readSync(fd, into, done, into.byteLength - done, position + done);
    if (n === 0) {
      throw fail(file, `file ended at byte ${position + done} while reading ${what} ` +
        `(${into.byteLength} bytes from byte ${position}); was it truncated?`);
    }
    done += n;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCountArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0);
}

function decodeHeaderJson(file: string, bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (err) {
    throw fail(file, "header is not valid UTF-8: not a safetensors file?", err);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw fail(file, `header is not valid JSON (${(err as Error).message}): not a safetensors file?`, err);
  }
  if (!isRecord(parsed)) throw fail(file, "header must be a JSON object mapping tensor names to entries");
  return parsed;
}

function parseMetadata(file: string, raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw fail(file, `${METADATA_KEY} must be an object of strings`);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string") throw fail(file, `${METADATA_KEY} value for ${JSON.stringify(key)} must be a string, got ${JSON.stringify(value)}`);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary entry.
  return Object.fromEntries(Object.entries(raw as Record<string, string>));
}

function parseEntry(file: string, name: string, raw: unknown, dataLength: number): SafetensorsTensorInfo {
  const what = `tensor ${JSON.stringify(name)}`;
  if (!isRecord(raw)) throw fail(file, `${what}: entry must be an object with dtype, shape and data_offsets`);
  const { dtype: code, shape, data_offsets: offsets } = raw;
  const dtype = typeof code === "string" ? FROM_CODE.get(code) : undefined;
  if (dtype === undefined) throw fail(file, `${what} has unknown dtype ${JSON.stringify(code)} (supported: ${KNOWN_CODES})`);
  if (!isCountArray(shape)) throw fail(file, `${what} has shape ${JSON.stringify(shape)}; want an array of non-negative integers`);
  if (!isCountArray(offsets) || offsets.length !== 2) {
    throw fail(file, `${what} has data_offsets ${JSON.stringify(offsets)}; want [begin, end] of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  const range = `data_offsets [${begin}, ${end}]`;
  if (begin > end) throw fail(file, `${what} has ${range} out of order (begin after end)`);
  const byteLength = shape.reduce((a, b) => a * b, 1) * DTYPE_SIZE[dtype];
  if (!Number.isSafeInteger(byteLength)) throw fail(file, `${what} has shape ${JSON.stringify(shape)}, too large to address`);
  if (end - begin !== byteLength) {
    throw fail(file, `${what} has ${range} but shape ${JSON.stringify(shape)} ${code as string} needs ${byteLength} bytes`);
  }
  if (end > dataLength) {
    throw fail(file, `${what} has ${range} past the end of the data (${dataLength} bytes after the header); is the file truncated?`);
  }
  return { dtype, shape, byteLength, dataOffsets: [begin, end] };
}

/**
 * The data buffer must be tiled exactly, as the reference implementation requires: tensors sorted by offset,
 * each starting where the previous ended, the last ending at the end of the file. Holes and trailing bytes are
 * refused because they could hide a second payload (polyglot files); overlaps mean the header is corrupt.
 */
function checkLayout(file: string, entries: [string, SafetensorsTensorInfo][], dataLength: number): [string, SafetensorsTensorInfo][] {
  const sorted = [...entries].sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let expected = 0;
  let previous: [string, SafetensorsTensorInfo] | undefined;
  for (const entry of sorted) {
    const [name, { dataOffsets: [begin, end] }] = entry;
    if (previous !== undefined && begin < expected) {
      const [prevName, { dataOffsets: prev }] = previous;
      throw fail(file, `tensors ${JSON.stringify(prevName)} (data_offsets [${prev[0]}, ${prev[1]}]) and ` +
        `${JSON.stringify(name)} (data_offsets [${begin}, ${end}]) overlap`);
    }
    if (begin > expected) {
      throw fail(file, `bytes [${expected}, ${begin}) of the data belong to no tensor (hole before ${JSON.stringify(name)}); safetensors forbids holes`);
    }
    expected = end;
    previous = entry;
  }
  if (expected !== dataLength) {
    throw fail(file, `${dataLength - expected} bytes after the last tensor's data (tensors cover ${expected} of ${dataLength} data bytes)`);
  }
  return sorted;
}

function parseHeader(file: string, bytes: Uint8Array, dataStart: number, dataLength: number): SafetensorsHeader {
  const json = decodeHeaderJson(file, bytes);
  const metadata = parseMetadata(file, json[METADATA_KEY]);
  const entries = Object.entries(json)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]): [string, SafetensorsTensorInfo] => [name, parseEntry(file, name, raw, dataLength)]);
  return { metadata, tensors: new Map(checkLayout(file, entries, dataLength)), dataStart };
}

function readHeaderFrom(file: string, fd: number): SafetensorsHeader {
  const size = fs.fstatSync(fd).size;
  if (size < 8) throw fail(file, `file is ${size} bytes, too short for a safetensors file (8-byte header length, then the header)`);
  const lengthBytes = new Uint8Array(8);
  readExact(file, fd, lengthBytes, 0, "the header length");
  const headerLength = new DataView(lengthBytes.buffer).getBigUint64(0, true);
  if (headerLength > BigInt(size - 8)) {
    throw fail(file, `header length ${headerLength} is larger than the file (${size} bytes): not a safetensors file, or truncated`);
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw fail(file, `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit: not a safetensors file?`);
  }
  const n = Number(headerLength);
  const headerBytes = new Uint8Array(n);
  readExact(file, fd, headerBytes, 8, "the header");
  return parseHeader(file, headerBytes, 8 + n, size - 8 - n);
}

function copyInfo(info: SafetensorsTensorInfo): SafetensorsTensorInfo {
  return { ...info, shape: info.shape.slice(), dataOffsets: [info.dataOffsets[0], info.dataOffsets[1]] };
}

/** The header, metadata and tensor list of a safetensors file, without reading any tensor data. */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const fd = fs.openSync(file, "r");
  try {
    return readHeaderFrom(file, fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** An open safetensors file: the header is parsed at open, and get() reads just one tensor's bytes. */
export class SafetensorsFile {
  private fd: number | null;
  private dataBytesRead = 0;

  private constructor(readonly path: string, fd: number, private readonly header: SafetensorsHeader) {
    this.fd = fd;
  }

  /** Opens a file and validates its header; close() it when done. */
  static open(file: string): SafetensorsFile {
    assertLittleEndian();
    const fd = fs.openSync(file, "r");
    try {
      return new SafetensorsFile(file, fd, readHeaderFrom(file, fd));
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** Tensor names in the order of their data in the file (reading in this order is sequential on disk). */
  get names(): string[] { return [...this.header.tensors.keys()]; }
  get metadata(): Record<string, string> { return { ...this.header.metadata }; }
  /** Absolute file position of the data buffer. */
  get dataStart(): number { return this.header.dataStart; }
  /** Tensor bytes read so far (header excluded): shows that reads are lazy. */
  get bytesRead(): number { return this.dataBytesRead; }
  get closed(): boolean { return this.fd === null; }

  has(name: string): boolean { return this.header.tensors.has(name); }

  info(name: string): SafetensorsTensorInfo { return copyInfo(this.entry(name)); }

  /** Reads one tensor (one positional read of its bytes), optionally converting dtype and moving it to a device. */
  get(name: string, options: SafetensorsReadOptions = {}): Tensor {
    const info = this.entry(name);
    const buffer = new ArrayBuffer(info.byteLength);
    readExact(this.path, this.openFd(), new Uint8Array(buffer), this.header.dataStart + info.dataOffsets[0], `tensor ${JSON.stringify(name)}`);
    this.dataBytesRead += info.byteLength;
    const stored = tensor(typedArrayView(info.dtype, buffer), { dtype: info.dtype, shape: info.shape, device: options.device });
    if (options.dtype === undefined || options.dtype === info.dtype) return stored;
    try {
      return stored.to({ dtype: options.dtype });
    } finally {
      stored.dispose();
    }
  }

  /** Closes the file (idempotent); get() afterwards throws. */
  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }

  private entry(name: string): SafetensorsTensorInfo {
    const info = this.header.tensors.get(name);
    if (info === undefined) {
      const names = this.names;
      const shown = names.slice(0, 5).map((n) => JSON.stringify(n)).join(", ") + (names.length > 5 ? ", ..." : "");
      throw fail(this.path, `no tensor ${JSON.stringify(name)} (the file has ${names.length}: ${shown})`);
    }
    return info;
  }

  private openFd(): number {
    if (this.fd === null) throw fail(this.path, "safetensors file used after close()");
    return this.fd;
  }
}

/** Opens a safetensors file lazily: see SafetensorsFile. */
export function openSafetensors(file: string): SafetensorsFile {
  return SafetensorsFile.open(file);
}

/** Reads every tensor of a file. On failure the tensors already read are disposed. */
export function loadSafetensors(file: string, options: SafetensorsReadOptions = {}): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const st = openSafetensors(file);
  const tensors = new Map<string, Tensor>();
  try {
    for (const name of st.names) tensors.set(name, st.get(name, options));
    return { tensors, metadata: st.metadata };
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  } finally {
    st.close();
  }
}

// ---- writing ----------------------------------------------------------------------------------------------

interface PlannedTensor {
  name: string;
  tensor: Tensor;
  dtype: StorableDType;
  shape: number[];
  byteLength: number;
  begin: number;
}

/** Checks every tensor before anything is written, and lays out the data. */
function planTensors(file: string, tensors: Map<string, Tensor> | Record<string, Tensor>): PlannedTensor[] {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const planned = entries.map(([name, t]): PlannedTensor => {
    const what = `cannot save tensor ${JSON.stringify(name)}`;
    if (name === METADATA_KEY) throw fail(file, `${what}: the name is reserved for the metadata`);
    if (t.disposed) throw fail(file, `${what}: it was disposed`);
    const dtype = t.dtype;
    if (dtype === "complex64" || dtype === "complex128") throw fail(file, `${what}: ${complexMessage}`);
    return { name, tensor: t, dtype, shape: t.shape, byteLength: t.numel * DTYPE_SIZE[dtype], begin: 0 };
  });
  // Data in order of element size (largest first), then name, as the reference writer does: with the header
  // padded to 8 bytes every tensor then starts aligned to its element size, which memory-mapping readers want.
  const dataOrder = [...planned].sort((a, b) => DTYPE_SIZE[b.dtype] - DTYPE_SIZE[a.dtype] || compareNames(a.name, b.name));
  let offset = 0;
  for (const p of dataOrder) {
    p.begin = offset;
    offset += p.byteLength;
  }
  return dataOrder;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The header bytes: metadata first, then tensors by name, spaces up to a multiple of 8. The JSON is built by
 * hand because JavaScript objects put integer-like keys ("0", "1") first whatever the insertion order.
 */
function buildHeader(file: string, planned: PlannedTensor[], metadata: Record<string, string> | undefined): Uint8Array {
  const parts: string[] = [];
  const metaEntries = Object.entries(metadata ?? {}).sort(([a], [b]) => compareNames(a, b));
  if (metaEntries.length > 0) {
    for (const [key, value] of metaEntries) {
      if (typeof value !== "string") throw fail(file, `metadata value for ${JSON.stringify(key)} must be a string`);
    }
    const body = metaEntries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",");
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${body}}`);
  }
  for (const p of [...planned].sort((a, b) => compareNames(a.name, b.name))) {
    const entry = { dtype: TO_CODE[p.dtype], shape: p.shape, data_offsets: [p.begin, p.begin + p.byteLength] };
    parts.push(`${JSON.stringify(p.name)}:${JSON.stringify(entry)}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = new Uint8Array(Math.ceil(json.byteLength / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

/** writeSync may write fewer bytes than asked, so loop. */
function writeAll(fd: number, bytes: Uint8Array, position: number): number {
  let done = 0;
  while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
  return bytes.byteLength;
}

/** The tensor's bytes, fetched only now so that at most one tensor's copy is alive at a time. */
function tensorBytes(file: string, p: PlannedTensor): Uint8Array {
  let data: ArrayBufferView;
  try {
    data = p.tensor.data();
  } catch (err) {
    throw fail(file, `cannot save tensor ${JSON.stringify(p.name)}: ${(err as Error).message}`, err);
  }
  if (data.byteLength !== p.byteLength) {
    throw fail(file, `tensor ${JSON.stringify(p.name)} gave ${data.byteLength} bytes, ${p.byteLength} expected (changed while saving?)`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Closing after a failed write must not replace the error that explains the failure. */
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // The original error is the one worth reporting.
  }
}

/** Makes the rename itself durable; directories cannot be opened for fsync on every platform, so best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Not supported here (Windows); the data itself is already synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes tensors (any device, any layout) and string metadata to a safetensors file. Streams one tensor at a
 * time into a temporary file in the same directory, syncs it and renames it over `file`, so a failure leaves
 * any previous file intact and readers never see a half-written one.
 */
export function saveSafetensors(file: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata?: Record<string, string>): void {
  assertLittleEndian();
  const planned = planTensors(file, tensors);
  const header = buildHeader(file, planned, metadata);
  const lengthBytes = new Uint8Array(8);
  new DataView(lengthBytes.buffer).setBigUint64(0, BigInt(header.byteLength), true);

  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const fd = fs.openSync(temp, "wx");
  let open = true;
  try {
    let position = writeAll(fd, lengthBytes, 0);
    position += writeAll(fd, header, position);
    for (const p of planned) position += writeAll(fd, tensorBytes(file, p), position);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    open = false;
    fs.renameSync(temp, file);
  } catch (err) {
    if (open) closeQuietly(fd);
    fs.rmSync(temp, { force: true });
    throw err;
  }
  syncDirectory(path.dirname(file));
}
