import { analyzeCommand } from "./analyze.js";
import { configCommand } from "./config.js";
import { serveCommand } from "./serve.js";
import { tokenCommand } from "./token.js";
import type { Command } from "./types.js";

export type { Command } from "./types.js";

/** Every subcommand, in the order `--help` lists them; each is one module exporting a `Command`. */
export const COMMANDS: readonly Command[] = [serveCommand, tokenCommand, configCommand, analyzeCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
