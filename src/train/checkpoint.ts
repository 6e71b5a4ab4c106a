// Checkpoints that survive a kill at any moment: each is written into a temporary directory and renamed into
// place, then `latest.json` is replaced atomically; a run resumes from what latest.json names, so a kill while
// writing loses only the checkpoint being written. A checkpoint holds the trained weights, the optimizer's
// moments and step, and the run's position (step, data sampler, schedule); every random draw of a step is a
// function of (seed, step), so nothing else is needed to continue exactly.
import fs from "node:fs";
import path from "node:path";
import type { Module } from "../engine/module.js";
import type { AdamW } from "../engine/optim.js";
import { loadSafetensors, saveSafetensors } from "../engine/safetensors.js";
import { writeFileAtomic } from "../audio/wav-write.js";

export interface RunPosition {
  step: number;
  /** Task-specific data position (e.g. the sampler's epoch and index). */
  data: unknown;
  /** Best evaluation so far, and anything else the task wants back. */
  extra?: Record<string, unknown>;
}

interface LatestPointer { step: number; dir: string }

const stepName = (step: number) => `step-${String(step).padStart(8, "0")}`;

export class Checkpoints {
  readonly dir: string;
  constructor(runDir: string, private readonly keep = 3) {
    this.dir = path.join(runDir, "checkpoints");
  }

  /** Writes a checkpoint of `module` (its state dict) and the optimizer, then points latest.json at it. */
  save(module: Module, optimizer: AdamW, position: RunPosition): string {
    fs.mkdirSync(this.dir, { recursive: true });
    const final = path.join(this.dir, stepName(position.step));
    const temp = `${final}.tmp-${process.pid}`;
    fs.rmSync(temp, { recursive: true, force: true });
    fs.mkdirSync(temp);
    const opt = optimizer.stateDict();
    saveSafetensors(path.join(temp, "model.safetensors"), module.stateDict());
    saveSafetensors(path.join(temp, "optimizer.safetensors"), opt.tensors);
    fs.writeFileSync(path.join(temp, "state.json"), JSON.stringify({ ...position, optimizer: opt.scalars, savedAt: new Date().toISOString() }, null, 2));
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(temp, final);
    writeFileAtomic(path.join(this.dir, "latest.json"), JSON.stringify({ step: position.step, dir: path.basename(final) } satisfies LatestPointer));
    this.prune();
    return final;
  }

  /** The position (and optimizer scalars) of the latest checkpoint, or undefined when the run has none. */
  latest(): (RunPosition & { path: string; optimizer: ReturnType<AdamW["stateDict"]>["scalars"] }) | undefined {
    const pointer = path.join(this.dir, "latest.json");
    if (!fs.existsSync(pointer)) return undefined;
    const { dir } = JSON.parse(fs.readFileSync(pointer, "utf8")) as LatestPointer;
    const where = path.join(this.dir, dir);
    const state = JSON.parse(fs.readFileSync(path.join(where, "state.json"), "utf8")) as RunPosition & { optimizer: ReturnType<AdamW["stateDict"]>["scalars"] };
    return { ...state, path: where };
  }

  /** Loads the latest checkpoint into the module and optimizer; returns its position (undefined: none). */
  restore(module: Module, optimizer: AdamW): RunPosition | undefined {
    const latest = this.latest();
    if (!latest) return undefined;
    const weights = loadSafetensors(path.join(latest.path, "model.safetensors")).tensors;
    const moments = loadSafetensors(path.join(latest.path, "optimizer.safetensors")).tensors;
    try {
      module.loadStateDict(weights);
      optimizer.loadStateDict({ tensors: moments, scalars: latest.optimizer });
    } catch (e) {
      throw new Error(`${latest.path}: cannot resume from this checkpoint (${(e as Error).message}); was the config changed?`, { cause: e });
    } finally {
      for (const t of [...weights.values(), ...moments.values()]) t.dispose();
    }
    return { step: latest.step, data: latest.data, extra: latest.extra };
  }

  /** Keeps the newest `keep` checkpoints (and never the one latest.json names). */
  private prune(): void {
    const all = fs.readdirSync(this.dir).filter((d) => /^step-\d{8}$/.test(d)).sort();
    for (const old of all.slice(0, Math.max(0, all.length - this.keep))) fs.rmSync(path.join(this.dir, old), { recursive: true, force: true });
  }
}
