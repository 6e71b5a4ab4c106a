// Deterministic release of native memory. V8 does not see libtorch's allocations, so a training loop that
// waits for the garbage collector can hold gigabytes of dead tensors. `tidy(fn)` frees every tensor created
// inside fn except what fn returns (those move to the enclosing scope); `keep(t)` takes a tensor out of all
// scopes. Disposing a tensor drops this object's reference: libtorch frees the memory when no view, graph
// node or other handle still uses it, so disposing a view never invalidates its base.

export interface Disposable {
  dispose(): void;
  readonly disposed: boolean;
}

const scopes: Set<Disposable>[] = [];

/** Called by every tensor constructor: the tensor belongs to the innermost open scope, if any. */
export function track(item: Disposable): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(item);
}

/** Takes a tensor out of every open scope so that it outlives them (parameters, optimizer state, caches). */
export function keep<T extends Disposable>(item: T): T {
  for (const s of scopes) s.delete(item);
  return item;
}

function collect(value: unknown, isTracked: (v: unknown) => v is Disposable, out: Set<Disposable>, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== "object") return;
  if (isTracked(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, isTracked, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, isTracked, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, isTracked, out, depth + 1);
}

let isTensorLike: (v: unknown) => v is Disposable = (_v): _v is Disposable => false;
/** tensor.ts registers how to recognise a tensor in returned values (arrays, plain objects and maps are searched). */
export function setTensorPredicate(pred: (v: unknown) => v is Disposable): void {
  isTensorLike = pred;
}

/**
 * Runs fn and frees every tensor it created, except the tensors in its return value (searched in arrays,
 * plain objects and maps), which move to the enclosing scope. fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error("tidy(fn): fn returned a Promise; tidy scopes are synchronous (tidy inside the async function instead)");
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  const survivors = new Set<Disposable>();
  collect(result, isTensorLike, survivors);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Number of open scopes (for tests and diagnostics). */
export function scopeDepth(): number {
  return scopes.length;
}
