// A small module system in PyTorch's shape: a Module owns named parameters, buffers and submodules; names
// join with dots ("blocks.0.attn.query.weight") so state dicts match Hugging Face and PyTorch layouts.
import { noGrad } from "./autograd.js";
import * as F from "./functional.js";
import { native } from "./native.js";
import type { Generator } from "./random.js";
import { keep } from "./scope.js";
import { type Device, type DType, empty, ones, type Tensor, zeros } from "./tensor.js";

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable tensor under name; it outlives tidy scopes and requires a gradient. */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    keep(tensor);
    tensor.requiresGrad = true;
    this.params.set(name, tensor);
    return tensor;
  }
  /** Registers state that is not trained (e.g. a positional table); persistent buffers go into the state dict. */
  protected registerBuffer(name: string, tensor: Tensor, persistent = true): Tensor {
    keep(tensor);
    this.buffers.set(name, { tensor, persistent });
    return tensor;
  }
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.children.set(name, module);
    return module;
  }

  *namedModules(prefix = ""): IterableIterator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.children) yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
  }
  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.children;
  }
  *namedParameters(prefix = ""): IterableIterator<[string, Tensor]> {
    for (const [path, m] of this.namedModules(prefix)) for (const [name, p] of m.params) yield [path ? `${path}.${name}` : name, p];
  }
  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }
  trainableParameters(): Tensor[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }
  *namedBuffers(prefix = "", persistentOnly = false): IterableIterator<[string, Tensor]> {
    for (const [path, m] of this.namedModules(prefix))
      for (const [name, b] of m.buffers) if (!persistentOnly || b.persistent) yield [path ? `${path}.${name}` : name, b.tensor];
  }
  /** Submodule by dotted path ("blocks.0.attn"). */
  getSubmodule(path: string): Module {
    return path.split(".").filter(Boolean).reduce<Module>((m, part) => {
      const next = m.children.get(part);
      if (!next) throw new Error(`no submodule "${path}" (missing "${part}")`);
      return next;
    }, this);
  }

  /** Number of parameter elements (all, or only those that train). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    return (options.trainableOnly ? this.trainableParameters() : this.parameters()).reduce((n, p) => n + p.numel, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Stops (or restarts) gradients for every parameter of this module and its submodules. */
  freeze(frozen = true): this {
    for (const p of this.parameters()) p.requiresGrad = !frozen;
    return this;
  }
  unfreeze(): this {
    return this.freeze(false);
  }
  zeroGrad(): void {
    native.zeroGrad(this.parameters().map((p) => p.h));
  }

  /** Moves or casts every parameter and buffer in place (references to them stay valid). */
  to(target: { dtype?: DType; device?: Device }): this {
    noGrad(() => {
      const all = [...this.parameters(), ...[...this.namedBuffers()].map(([, b]) => b)];
      for (const t of all) {
        const isFloat = t.dtype.startsWith("float") || t.dtype === "bfloat16";
        const moved = t.to({ device: target.device, dtype: isFloat ? target.dtype : undefined });
        native.setData(t.h, moved.h);
        moved.dispose();
      }
    });
    return this;
  }

  /** Parameters and persistent buffers by dotted name. The tensors are the module's own (not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers("", true)]);
  }

  /**
   * Copies values from a state dict into this module's tensors (shapes must match; dtypes are converted).
   * strict: every name must match both ways. Returns the names that were missing and unexpected.
   */
  loadStateDict(state: Map<string, Tensor>, options: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if ((options.strict ?? true) && (missing.length || unexpected.length)) {
      const list = (xs: string[]) => xs.slice(0, 8).join(", ") + (xs.length > 8 ? `, ... (${xs.length})` : "");
      throw new Error(`loadStateDict: ${missing.length ? `missing ${list(missing)}` : ""}${missing.length && unexpected.length ? "; " : ""}${unexpected.length ? `unexpected ${list(unexpected)}` : ""}`);
    }
    noGrad(() => {
      for (const [name, target] of own) {
        const src = state.get(name);
        if (!src) continue;
        const a = target.shape, b = src.shape;
        if (a.length !== b.length || a.some((d, i) => d !== b[i]))
          throw new Error(`loadStateDict: "${name}" has shape [${b.join(", ")}], the module expects [${a.join(", ")}]`);
        target.copy_(src);
      }
    });
    return { missing, unexpected };
  }

  /** Frees every parameter and buffer now. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}

/** Options shared by layers that create random weights. */
export interface InitOptions {
  generator?: Generator;
  dtype?: DType;
  device?: Device;
}

/** PyTorch's default for Linear/Conv: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
function uniformInit(shape: number[], fanIn: number, o: InitOptions): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return noGrad(() => empty(shape, { dtype: o.dtype, device: o.device }).uniform_(-bound, bound, o.generator));
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;
  constructor(readonly inFeatures: number, readonly outFeatures: number, o: InitOptions & { bias?: boolean } = {}) {
    super();
    this.weight = this.registerParameter("weight", uniformInit([outFeatures, inFeatures], inFeatures, o));
    this.bias = o.bias === false ? undefined : this.registerParameter("bias", uniformInit([outFeatures], inFeatures, o));
  }
  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;
  constructor(inChannels: number, outChannels: number, readonly kernelSize: number,
    readonly options: InitOptions & F.ConvOptions & { bias?: boolean } = {}) {
    super();
    const groups = options.groups ?? 1;
    const fanIn = (inChannels / groups) * kernelSize;
    this.weight = this.registerParameter("weight", uniformInit([outChannels, inChannels / groups, kernelSize], fanIn, options));
    this.bias = options.bias === false ? undefined : this.registerParameter("bias", uniformInit([outChannels], fanIn, options));
  }
  forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, this.options);
  }
}

export class Embedding extends Module {
  readonly weight: Tensor;
  constructor(readonly numEmbeddings: number, readonly dim: number, o: InitOptions & { std?: number; paddingIdx?: number } = {}) {
    super();
    this.paddingIdx = o.paddingIdx ?? -1;
    this.weight = this.registerParameter("weight", noGrad(() => empty([numEmbeddings, dim], o).normal_(0, o.std ?? 1, o.generator)));
  }
  readonly paddingIdx: number;
  forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight, this.paddingIdx);
  }
}

export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(readonly dim: number, readonly eps = 1e-5, o: InitOptions = {}) {
    super();
    this.weight = this.registerParameter("weight", ones([dim], o));
    this.bias = this.registerParameter("bias", zeros([dim], o));
  }
  forward(x: Tensor): Tensor {
    return F.layerNorm(x, [this.dim], this.weight, this.bias, this.eps);
  }
}

export class RMSNorm extends Module {
  readonly weight: Tensor;
  constructor(readonly dim: number, readonly eps = 1e-6, o: InitOptions = {}) {
    super();
    this.weight = this.registerParameter("weight", ones([dim], o));
  }
  forward(x: Tensor): Tensor {
    return F.rmsNorm(x, this.weight, this.eps);
  }
}

export class Dropout extends Module {
  constructor(readonly p: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.training && this.p > 0 ? F.dropout(x, this.p, true) : x;
  }
}

/** Submodules named "0", "1", ... (as torch.nn.ModuleList, so weight names match). */
export class ModuleList<M extends Module> extends Module implements Iterable<M> {
  readonly items: M[] = [];
  constructor(items: M[] = []) {
    super();
    for (const m of items) this.push(m);
  }
  push(m: M): void {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new RangeError(`ModuleList index ${i} out of range (length ${this.items.length})`);
    return m;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
