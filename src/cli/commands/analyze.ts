import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type AnalyzeStats,
  analyzeFiles,
  type BatchWarning,
  InputError,
  type InputInfo,
  probeInputs,
} from "../../pipeline/index.js";
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from "../errors.js";
import { type Io, OutputSink } from "../io.js";
import { fmtInt, ProgressBar } from "../progress.js";
import type { Command } from "./types.js";

/** Warnings printed one by one; past this only the count in the summary grows. */
const MAX_PRINTED_WARNINGS = 20;
const MAX_WORKERS = 256;

const HELP = `Usage: mirrorwatch analyze <input…> [--output FILE] [--workers N|auto] [--quiet]

Analyses recorded HTTP requests and writes one JSON object per request, in input
order, including requests without hits:
  {"id":"…","hits":[{"type":"sqli","point":"query › id","payload":"…","signature":"sqli.…"}]}
("anomalies" follows "hits" when parsing the request met malformed or over-limit input.)

Inputs (format from content, then name; gzip accepted):
  JSONL   one request per line: {"id","method","target","headers":[[name,value]…],"body"}
  HAR     HAR 1.2 export of a browser or proxy (*.har, or any JSON with a top-level "log")
  pcap    a packet capture, classic pcap or pcapng, plain or gzip (tcpdump -w, Wireshark, dumpcap),
          streamed whatever its size: TCP is reassembled, HTTP/1.x requests are paired with
          their responses; each line then also has "request", "response" (status, bytes,
          ms), "client", "server", "ts" and, for tunnelled traffic, "tunnel"

Options:
  -o, --output FILE    write the verdicts to FILE instead of stdout
  -w, --workers N      worker threads: auto (default: when the input is large, one per core
                       but one, the main thread analysing too), 0 = analyse on the main
                       thread, N = exactly N worker threads
  -q, --quiet          no progress bar, warnings or summary on stderr (errors still)
  -h, --help           show this help

Progress (on a terminal), warnings and a summary go to stderr. A malformed line is a
warning and is skipped; an input that cannot be read is an error.
Exit status: 0 done, 1 failure (unreadable input or output), 2 usage error.`;

export const analyzeCommand: Command = {
  name: "analyze",
  summary: "analyse recorded requests (JSONL, HAR, pcap/pcapng) and print one JSON verdict per request",
  help: HELP,
  run: runAnalyze,
};

interface AnalyzeArgs {
  readonly inputs: string[];
  readonly output: string | undefined;
  readonly workers: number | "auto";
  readonly quiet: boolean;
  readonly help: boolean;
}

function parse(args: readonly string[]): AnalyzeArgs {
  let parsed: ReturnType<typeof parseOpts>;
  try {
    parsed = parseOpts(args);
  } catch (e) {
    throw new UsageError((e as Error).message, "analyze");
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  if (!help && positionals.length === 0) throw new UsageError("no input file given", "analyze");
  if (values.output === "") throw new UsageError("--output needs a file name", "analyze");
  return {
    inputs: positionals,
    output: values.output,
    workers: parseWorkers(values.workers),
    quiet: values.quiet === true,
    help,
  };
}

function parseOpts(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: "string", short: "o" },
      workers: { type: "string", short: "w" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function parseWorkers(v: string | undefined): number | "auto" {
  if (v === undefined || v === "auto") return "auto";
  if (!/^\d{1,4}$/.test(v) || Number(v) > MAX_WORKERS) {
    throw new UsageError(
      `--workers must be "auto" or a whole number from 0 to ${MAX_WORKERS}, not "${v}"`,
      "analyze",
    );
  }
  return Number(v);
}

async function runAnalyze(args: readonly string[], io: Io): Promise<number> {
  const opts = parse(args);
  if (opts.help) {
    io.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  let infos: InputInfo[];
  try {
    infos = await probeInputs(opts.inputs);
  } catch (e) {
    if (e instanceof InputError) throw new CliError(`cannot read ${e.message}`);
    throw e;
  }

  if (opts.output !== undefined) {
    const out = resolve(opts.output);
    const same = infos.find((i) => resolve(i.file) === out);
    if (same !== undefined)
      throw new UsageError(`--output would overwrite the input ${same.file}`, "analyze");
  }

  const stopped = new AbortController();
  const onClosed = () => stopped.abort();
  const sink =
    opts.output !== undefined
      ? OutputSink.toFile(opts.output, onClosed)
      : OutputSink.toStream(io.stdout, onClosed);
  // Only on a terminal, and not when verdicts scroll on that same terminal.
  const toTerminal = opts.output === undefined && io.stdout.isTTY === true;
  const progress = new ProgressBar(io.stderr, !opts.quiet && io.stderr.isTTY === true && !toTerminal);
  let printed = 0;
  const onWarning = (w: BatchWarning) => {
    if (opts.quiet || printed >= MAX_PRINTED_WARNINGS) return;
    printed++;
    progress.clear();
    const where = w.line > 0 ? `${w.file}:${w.line}` : w.file;
    io.stderr.write(`warning: ${printable(where)}: ${printable(w.message)}\n`);
  };

  let stats: AnalyzeStats;
  try {
    stats = await analyzeFiles(infos, {
      workers: opts.workers,
      write: (text) => sink.write(text),
      onWarning,
      onProgress: (p) => progress.update(p),
      signal: stopped.signal,
    });
    await sink.end();
  } catch (e) {
    progress.clear();
    // Keep what was written before the failure (the verdicts so far are valid).
    await sink.end().catch(() => {});
    if (e instanceof InputError) throw new CliError(`cannot read ${e.message}`);
    throw e;
  }
  progress.clear();

  let status = EXIT_OK;
  const problems: string[] = [];
  for (const inp of stats.inputs) {
    // Every line malformed is not a bad line, it is the wrong kind of file.
    if (inp.requests === 0 && inp.warnings > 0) {
      problems.push(
        `${inp.file}: no request could be read (${fmtInt(inp.warnings)} malformed line${inp.warnings === 1 ? "" : "s"})`,
      );
    }
  }
  if (stats.failures > 0)
    problems.push(`analysis failed on ${fmtInt(stats.failures)} requests (see warnings)`);
  if (problems.length > 0) status = EXIT_FAILURE;
  if (!opts.quiet) io.stderr.write(summary(stats, printed));
  for (const p of problems) io.stderr.write(`mirrorwatch: error: ${p}\n`);
  return status;
}

function summary(s: AnalyzeStats, printed: number): string {
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.requests / secs : 0;
  const pct = s.requests > 0 ? ((100 * s.withHits) / s.requests).toFixed(2) : "0.00";
  const mode =
    s.workers > 0
      ? `${s.workers} worker thread${s.workers === 1 ? "" : "s"}${s.mainAnalysed ? " and the main thread" : ""}`
      : "main thread";
  const lines = [
    `analyzed ${fmtInt(s.requests)} requests in ${secs.toFixed(2)} s (${fmtInt(rate)} req/s, ${mode})${s.stopped ? ", stopped early: output closed" : ""}`,
    `  with hits: ${fmtInt(s.withHits)} (${pct}%)`,
  ];
  if (s.hitsByType.size > 0) {
    const byType = [...s.hitsByType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(`  hits by type: ${byType.map(([t, n]) => `${t} ${fmtInt(n)}`).join(", ")}`);
  }
  if (s.warnings > 0) {
    const more = s.warnings > printed ? ` (${fmtInt(s.warnings - printed)} not shown)` : "";
    lines.push(`  warnings: ${fmtInt(s.warnings)}${more}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Escapes control characters: warnings quote attacker-written input, and raw escape
 * sequences must not reach the operator's terminal.
 */
export function printable(s: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      out += `${s.slice(from, i)}\\x${c.toString(16).padStart(2, "0")}`;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}
