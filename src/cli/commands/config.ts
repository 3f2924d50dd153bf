import { parseArgs } from "node:util";
import { ENV_VARS, printConfig, summarizeConfig, toFileShape } from "../../config/index.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { loadCliConfig, parseOrUsage } from "../node-config.js";
import type { Command } from "./types.js";

function envTable(): string {
  const width = Math.max(...ENV_VARS.map((e) => e.name.length)) + 2;
  return ENV_VARS.map((e) => `  ${e.name.padEnd(width)}${e.help}`).join("\n");
}

const HELP = `Usage: mirrorwatch config check FILE [--no-env]
       mirrorwatch config print [--config FILE] [--json]

  check FILE   validate a YAML config file (merged with the environment, as \`serve\`
               would run it) and print a summary; exit 1 with every problem found,
               each with its file line or environment variable
  print        print the effective configuration (defaults < file < environment) as
               YAML, secrets masked

Options:
  -c, --config FILE   the config file (default: $MIRRORWATCH_CONFIG, else none)
      --no-env        check the file alone, ignoring MIRRORWATCH_* variables
      --json          print JSON instead of YAML
  -h, --help          show this help

Settings are read from defaults, then the file, then the environment (env wins).
Sizes take units (64KiB, 1MiB, 1MB), durations too (500ms, 10s, 5m, 1h, 7d).
Relative paths are relative to the working directory.

Environment variables:
  MIRRORWATCH_CONFIG${" ".repeat(Math.max(2, Math.max(...ENV_VARS.map((e) => e.name.length)) + 2 - "MIRRORWATCH_CONFIG".length))}the config file, when --config is not given
${envTable()}`;

export const configCommand: Command = {
  name: "config",
  summary: "check a config file, or print the effective configuration",
  help: HELP,
  run: runConfig,
};

async function runConfig(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOrUsage("config", () =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: "string", short: "c" },
        "no-env": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  const [sub, ...rest] = positionals;
  const useEnv = values["no-env"] !== true;
  switch (sub) {
    case "check": {
      const file = rest[0] ?? values.config;
      if (file === undefined) throw new UsageError("config check needs a FILE", "config");
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`, "config");
      const loaded = loadCliConfig({ file, useEnv });
      for (const w of loaded.warnings) io.stderr.write(`warning: ${w}\n`);
      const from =
        loaded.envUsed.length > 0 ? ` (with ${loaded.envUsed.join(", ")} from the environment)` : "";
      io.stdout.write(
        `${file}: OK${from}\n${summarizeConfig(loaded.config)
          .map((l) => `  ${l}`)
          .join("\n")}\n`,
      );
      return EXIT_OK;
    }
    case "print": {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, "config");
      const loaded = loadCliConfig({
        ...(values.config !== undefined ? { file: values.config } : {}),
        useEnv,
      });
      for (const w of loaded.warnings) io.stderr.write(`warning: ${w}\n`);
      io.stdout.write(
        values.json === true
          ? `${JSON.stringify(toFileShape(loaded.config), null, 2)}\n`
          : printConfig(loaded.config),
      );
      return EXIT_OK;
    }
    case undefined:
      throw new UsageError("config needs a subcommand: check FILE, or print", "config");
    default:
      throw new UsageError(`unknown config subcommand "${sub}" (check, print)`, "config");
  }
}
