import type { Io } from "../io.js";

/** One `mirrorwatch <name>` subcommand. Register it in `commands/index.ts`. */
export interface Command {
  readonly name: string;
  /** One line for the command list in `mirrorwatch --help`. */
  readonly summary: string;
  /** Full text of `mirrorwatch <name> --help`. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit status. */
  run(args: readonly string[], io: Io): Promise<number>;
}
