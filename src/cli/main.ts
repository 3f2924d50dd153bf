/**
 * `mirrorwatch` command line: global options, then one subcommand. Kept thin: commands
 * parse their own options (node:util parseArgs) and call into `pipeline/`.
 */
import { COMMANDS, findCommand } from "./commands/index.js";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import { type Io, processIo } from "./io.js";
import { packageVersion } from "./version.js";

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return `mirrorwatch ${packageVersion()} — out-of-band web and API security analyzer

Usage: mirrorwatch <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}

Options:
  -h, --help      show this help (mirrorwatch <command> --help for a command's)
  -V, --version   print the version

Exit status: 0 done, 1 failure, 2 usage error.`;
}

/** Runs one command line; resolves to the exit status. Never throws. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    return report(e, io);
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(`${mainHelp()}\n`);
    return EXIT_USAGE;
  }
  if (first === "-h" || first === "--help") {
    io.stdout.write(`${mainHelp()}\n`);
    return EXIT_OK;
  }
  if (first === "-V" || first === "--version") {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (first === "help") {
    const cmd = rest[0] === undefined ? undefined : findCommand(rest[0]);
    if (rest[0] !== undefined && cmd === undefined) throw new UsageError(`unknown command "${rest[0]}"`);
    io.stdout.write(`${cmd?.help ?? mainHelp()}\n`);
    return EXIT_OK;
  }
  if (first.startsWith("-")) throw new UsageError(`unknown option "${first}" (options go after the command)`);
  const cmd = findCommand(first);
  if (cmd === undefined) throw new UsageError(`unknown command "${first}"`);
  return cmd.run(rest, io);
}

function report(e: unknown, io: Io): number {
  if (e instanceof UsageError) {
    const hint = e.command !== undefined ? `mirrorwatch ${e.command} --help` : "mirrorwatch --help";
    io.stderr.write(`mirrorwatch: ${e.message}\nTry '${hint}'.\n`);
    return e.exitCode;
  }
  if (e instanceof CliError) {
    io.stderr.write(`mirrorwatch: error: ${e.message}\n`);
    return e.exitCode;
  }
  // A bug: keep the stack, it is what a report needs.
  io.stderr.write(
    `mirrorwatch: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  return EXIT_FAILURE;
}

/** Entry point of `bin/mirrorwatch.js`. */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await main(argv);
}
