import { analyzeCommand } from "./analyze.js";
import type { Command } from "./types.js";

export type { Command } from "./types.js";

/**
 * Every subcommand, in the order `--help` lists them. `serve`, `token` and `config`
 * join here as they land; each is one module exporting a `Command`.
 */
export const COMMANDS: readonly Command[] = [analyzeCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
