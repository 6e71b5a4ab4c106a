// The `gamma` command line. Each subcommand lives in its own module; this file wires them and turns every
// error into one clear line on stderr and a non-zero exit code.
import { Command } from "commander";
import { askCommand, chatCommand } from "./ask.js";
import { audioCommand } from "./audio.js";
import { benchCommand } from "./bench.js";
import { compareCommand } from "./compare.js";
import { dataCommand } from "./data.js";
import { modelCommand } from "./model.js";
import { packageVersion } from "./paths.js";
import { tokenizerCommand } from "./tokenizer.js";
import { trainCommand } from "./train.js";
import { timelineCommand } from "./timeline.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("gamma")
    .description("GaMMA music understanding: ask questions about songs, train and evaluate music LMMs (libtorch engine)")
    .version(packageVersion(), "-V, --version", "print the gamma-music version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .option("--device <name>", "where tensors live: cpu, cuda or cuda:N (a CUDA build of libtorch; see gamma doctor)", process.env.GAMMA_DEVICE ?? "cpu")
    .hook("preAction", async (root: Command) => {
      const device = (root.opts() as { device: string }).device;
      if (device === "cpu") return;
      const { useDevice } = await import("../engine/runtime.js");
      useDevice(device);
    });

  program
    .command("doctor")
    .description("check the engine: libtorch version and origin, devices, threads, BLAS, CPU peak and a measured matmul rate")
    .option("--json", "print the report as one JSON object instead of text")
    .option("--quick", "fewer timing iterations (faster, noisier)")
    .addHelpText("after", "\nExample:\n  $ gamma doctor\n  $ gamma doctor --json | jq .matmul\n\nEnvironment: GAMMA_THREADS (libtorch intra-op threads, default 1), GAMMA_BLAS_THREADS (default: all cores).")
    .action(async (opts: { json?: boolean; quick?: boolean }) => {
      const { runDoctor, printDoctor } = await import("./doctor.js");
      const report = runDoctor({ quick: opts.quick });
      if (opts.json) console.log(JSON.stringify(report));
      else printDoctor(report);
    });

  program.addCommand(askCommand());
  program.addCommand(chatCommand());
  program.addCommand(audioCommand());
  program.addCommand(dataCommand());
  program.addCommand(modelCommand());
  program.addCommand(benchCommand());
  program.addCommand(compareCommand());
  program.addCommand(tokenizerCommand());
  program.addCommand(trainCommand());
  program.addCommand(timelineCommand());

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command that finished but did not fully succeed (failed songs, a stopped run) sets process.exitCode.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    if (e.code?.startsWith("commander.")) return e.exitCode ?? 1;
    console.error(`gamma: ${e.message}`);
    if (process.env.GAMMA_DEBUG) console.error(e.stack);
    return 1;
  }
}
