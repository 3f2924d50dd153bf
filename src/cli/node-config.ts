import { ConfigError, type LoadedConfig, type LoadOptions, loadConfig } from "../config/index.js";
import { CliError, EXIT_FAILURE, UsageError } from "./errors.js";

/** Loads the node's configuration for a command; a bad one is a one-screen error, no stack. */
export function loadCliConfig(opts: LoadOptions): LoadedConfig {
  try {
    return loadConfig(opts);
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new CliError(
        `invalid configuration (${e.issues.length} problem${e.issues.length === 1 ? "" : "s"}):\n${e.message
          .split("\n")
          .map((l) => `  ${l}`)
          .join("\n")}`,
        EXIT_FAILURE,
      );
    }
    throw e;
  }
}

/** Turns argument parsing failures of node:util parseArgs into usage errors. */
export function parseOrUsage<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
}
