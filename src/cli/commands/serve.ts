import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { formatListen, summarizeConfig } from "../../config/index.js";
import { createNodeLogger, type RunningNode, startNode } from "../../pipeline/index.js";
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { loadCliConfig, parseOrUsage } from "../node-config.js";
import { packageVersion } from "../version.js";
import type { Command } from "./types.js";

const HELP = `Usage: mirrorwatch serve [--config FILE]

Runs the node: the HTTP-mirror listener that proxies (NGINX mirror, Envoy, Istio,
Traefik) send copies of requests to, the analysis on worker threads, the attack store
and the REST API. With no config it listens on 127.0.0.1:8445 (mirror) and
127.0.0.1:8446 (API) and keeps its data in ./mirrorwatch-data.

Options:
  -c, --config FILE   YAML config file (default: $MIRRORWATCH_CONFIG, else defaults)
      --check         load and validate the configuration, print a summary, exit
  -h, --help          show this help

Every setting can also be set from the environment (MIRRORWATCH_MIRROR_LISTEN,
MIRRORWATCH_API_LISTEN, MIRRORWATCH_DATA_DIR, …; see \`mirrorwatch config --help\`).

The API needs a token: mirrorwatch token create --name NAME --role admin
Endpoints: GET /healthz, /readyz (no token), /metrics, /api/v1/hits, /api/v1/attacks,
/api/v1/stats, the OpenAPI document at /api/v1/openapi.json.

Logs are JSON lines (pino) on stdout. SIGINT or SIGTERM stops gracefully: no new
requests, the queue is analysed (up to analysis.drainTimeout), findings are written;
a second signal stops at once.
Exit status: 0 stopped cleanly, 1 could not start or failed.`;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the node: mirror listener, analysis, store and REST API",
  help: HELP,
  run: runServe,
};

async function runServe(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOrUsage("serve", () =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: "string", short: "c" },
        check: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, "serve");
  const loaded = loadCliConfig(values.config !== undefined ? { file: values.config } : {});
  const { config } = loaded;
  if (values.check === true) {
    io.stdout.write(`${summarizeConfig(config).join("\n")}\n`);
    return EXIT_OK;
  }

  const log = createNodeLogger(config.logging.level, io.stdout === process.stdout ? undefined : io.stdout);
  for (const w of loaded.warnings) log.warn(w);
  if (loaded.file !== undefined) log.info({ file: loaded.file, env: loaded.envUsed }, "configuration loaded");

  let node: RunningNode;
  try {
    node = await startNode(config, { logger: log, version: packageVersion() });
  } catch (e) {
    const msg = startError(e, config.listeners);
    log.fatal({ error: msg }, "mirrorwatch node could not start");
    throw new CliError(`cannot start: ${msg}`);
  }
  return waitForStop(node, log);
}

/** Resolves with the exit status once a signal has stopped the node. */
function waitForStop(node: RunningNode, log: Logger): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, "second signal: stopping at once");
        process.exit(EXIT_FAILURE);
      }
      stopping = true;
      log.info({ signal }, "signal received");
      node.close().then(
        () => {
          cleanup();
          resolve(EXIT_OK);
        },
        (e: unknown) => {
          log.error({ error: e instanceof Error ? e.message : String(e) }, "stopping failed");
          cleanup();
          resolve(EXIT_FAILURE);
        },
      );
    };
    // A bug in some callback must not leave a half-dead node: log it, stop cleanly, fail.
    const onFatal = (e: unknown) => {
      log.fatal({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, "uncaught exception");
      if (stopping) process.exit(EXIT_FAILURE);
      stopping = true;
      const force = setTimeout(() => process.exit(EXIT_FAILURE), 15_000);
      force.unref();
      void node.close().finally(() => {
        cleanup();
        resolve(EXIT_FAILURE);
      });
    };
    const onRejection = (e: unknown) => {
      log.error(
        { error: e instanceof Error ? (e.stack ?? e.message) : String(e) },
        "unhandled promise rejection",
      );
    };
    const cleanup = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("uncaughtException", onFatal);
      process.off("unhandledRejection", onRejection);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("uncaughtException", onFatal);
    process.on("unhandledRejection", onRejection);
  });
}

function startError(
  e: unknown,
  listeners: { mirror: { host: string; port: number }; api: { host: string; port: number } },
): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.code === "EADDRINUSE" || err?.code === "EACCES" || err?.code === "EADDRNOTAVAIL") {
    const where = err.port !== undefined ? `${err.address ?? ""}:${err.port}` : "";
    const hint =
      err.code === "EADDRINUSE"
        ? ` (is another node running? listeners: mirror ${formatListen(listeners.mirror)}, API ${formatListen(listeners.api)})`
        : "";
    return `${err.code} ${where}${hint}`;
  }
  return e instanceof Error ? e.message : String(e);
}
