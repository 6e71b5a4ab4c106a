// The options every `gamma train <stage>` takes, and their parsed values: the config file, another run directory,
// and a step to stop at.
import type { Command } from "commander";
import { intOption } from "./options.js";

export interface RunFlags { config: string; run?: string; stopAfter?: number }

/** Adds --config (described by `configHelp`), --run and --stop-after to a stage's command. */
export function withRunOptions(cmd: Command, configHelp: string): Command {
  return cmd
    .requiredOption("--config <file>", configHelp)
    .option("--run <dir>", "the run directory (default: the config's \"run\")")
    .option("--stop-after <step>", "write a checkpoint and stop once this step is reached (resume later by running again)", intOption("--stop-after", 1));
}
