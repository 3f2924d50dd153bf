import { type ChildProcess, spawn } from "node:child_process";
import { CaptureReader } from "../pcap/reader.js";
import {
  INSTALL_ADVICE,
  LIVE_DEFAULTS,
  type LiveCapture,
  LiveCaptureError,
  type LiveCaptureOptions,
  type LiveStats,
  newStats,
} from "./options.js";

/** How long close() waits for tcpdump to flush and exit after SIGTERM before SIGKILL. */
const EXIT_GRACE_MS = 3000;
/** How long stats() waits for tcpdump's answer to SIGUSR1. */
const STATS_WAIT_MS = 1000;
/** stderr kept for error messages. */
const MAX_STDERR_CHARS = 4096;

/** Lines of tcpdump's that are not errors: the banner and its packet counts. */
const BANNER = /^tcpdump: listening on /;

/** tcpdump's command line: pcap to stdout, flushed per packet, numeric, no name lookups. */
export function tcpdumpArgs(opts: LiveCaptureOptions): string[] {
  const args = ["-i", opts.interface, "-w", "-", "-U", "-n"];
  args.push("-s", String(opts.snaplen ?? LIVE_DEFAULTS.snaplen));
  // -B is in KiB (pcap_set_buffer_size).
  args.push("-B", String(Math.max(1, Math.ceil((opts.bufferBytes ?? LIVE_DEFAULTS.bufferBytes) / 1024))));
  if (opts.promiscuous === false) args.push("-p");
  const filter = opts.filter ?? LIVE_DEFAULTS.filter;
  if (filter !== "") args.push("--", filter);
  return args;
}

/**
 * Live capture by a `tcpdump -w -` child process whose stdout goes through the pcap reader:
 * the fallback when the libpcap binding is not installed. Timestamps are the kernel's,
 * and stats() asks tcpdump for the kernel's counters (SIGUSR1, which it answers on stderr).
 * Resolves when tcpdump says it is listening; rejects with its own words when it exits first.
 */
export async function openTcpdumpCapture(opts: LiveCaptureOptions): Promise<LiveCapture> {
  const iface = opts.interface;
  const path = opts.tcpdumpPath ?? "tcpdump";
  const child = spawn(path, tcpdumpArgs(opts), { stdio: ["ignore", "pipe", "pipe"] });
  const stats = newStats();
  const reader = new CaptureReader();
  let stderrText = "";
  let pendingLine = "";
  let started = false;
  let closing = false;
  let statsWaiter: (() => void) | undefined;
  const fail = (e: Error) => {
    if (!closing) opts.onError?.(e);
  };

  const onFrame = opts.onFrame;
  child.stdout?.on("data", (chunk: Buffer) => {
    const ok = reader.push(chunk, (f) => {
      stats.frames++;
      stats.bytes += f.data.length;
      if (f.data.length < f.origLen) stats.truncated++;
      try {
        onFrame(f);
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
    if (!ok && reader.error !== undefined) {
      fail(
        new LiveCaptureError(
          "live_capture_failed",
          iface,
          `tcpdump output unreadable: ${reader.error.message}`,
        ),
      );
      child.kill("SIGKILL");
    }
  });

  const onLine = (line: string) => {
    if (line === "") return;
    const counts = parseTcpdumpCounts(line);
    if (counts !== undefined) {
      if (counts.received !== undefined) stats.received = counts.received;
      if (counts.dropped !== undefined) stats.dropped = counts.dropped;
      if (counts.ifDropped !== undefined) stats.ifDropped = counts.ifDropped;
      if (stats.ifDropped === undefined && stats.dropped !== undefined) stats.ifDropped = 0;
      statsWaiter?.();
      return;
    }
    if (BANNER.test(line)) return;
    // Anything else tcpdump says while running is a problem worth reporting.
    if (started) fail(new LiveCaptureError("live_capture_failed", iface, line));
  };
  let resolveReady: (ok: boolean) => void = () => {};
  const ready = new Promise<boolean>((r) => {
    resolveReady = r;
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    if (stderrText.length < MAX_STDERR_CHARS)
      stderrText += text.slice(0, MAX_STDERR_CHARS - stderrText.length);
    const lines = (pendingLine + text).split("\n");
    pendingLine = lines.pop() ?? "";
    if (pendingLine.length > MAX_STDERR_CHARS) pendingLine = "";
    for (const l of lines) {
      if (!started && BANNER.test(l)) {
        started = true;
        resolveReady(true);
      }
      onLine(l.trimEnd());
    }
  });

  let spawnError: Error | undefined;
  child.once("error", (e) => {
    spawnError = e;
    resolveReady(false);
  });
  const exited = new Promise<void>((resolve) => {
    child.once("close", (code, signal) => {
      if (pendingLine !== "") onLine(pendingLine);
      resolveReady(false);
      reader.end();
      if (started && !closing)
        fail(
          new LiveCaptureError(
            "live_capture_failed",
            iface,
            `tcpdump exited (${signal ?? `code ${code}`}): ${stderrText.trim()}`,
          ),
        );
      resolve();
    });
  });

  if (!(await ready)) {
    closing = true;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    if (spawnError !== undefined) {
      const missing = (spawnError as NodeJS.ErrnoException).code === "ENOENT";
      throw new LiveCaptureError(
        missing ? "live_capture_unavailable" : "live_capture_failed",
        iface,
        missing ? `${path} not found; ${INSTALL_ADVICE}` : `${path}: ${spawnError.message}`,
      );
    }
    await exited;
    throw new LiveCaptureError(
      "live_capture_failed",
      iface,
      stderrText.trim() || "tcpdump exited before capturing",
    );
  }

  let closed: Promise<void> | undefined;
  return {
    backend: "tcpdump",
    interface: iface,
    warnings: [],
    stats: async (): Promise<LiveStats> => {
      if (!closing && child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, STATS_WAIT_MS);
          function done() {
            clearTimeout(t);
            statsWaiter = undefined;
            resolve();
          }
          statsWaiter = done;
          child.kill("SIGUSR1");
        });
      }
      return { ...stats };
    },
    close: () => {
      closed ??= stop(child, exited, () => {
        closing = true;
      });
      return closed;
    },
  };
}

/** SIGTERM (tcpdump flushes and prints its counts), then SIGKILL if it lingers. */
async function stop(child: ChildProcess, exited: Promise<void>, markClosing: () => void): Promise<void> {
  markClosing();
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS);
    await exited;
    clearTimeout(t);
  } else await exited;
  // The child's "close" comes after its stdout closed: every frame has been delivered.
}

/**
 * tcpdump's packet counts, as it prints them on SIGUSR1 (one line, comma-separated, after
 * "tcpdump: ") and at exit (one per line): "N packet(s) captured", "… received by filter",
 * "… dropped by kernel", "… dropped by interface". Undefined when the line has none.
 */
export function parseTcpdumpCounts(
  line: string,
): { received?: number; dropped?: number; ifDropped?: number } | undefined {
  const out: { received?: number; dropped?: number; ifDropped?: number } = {};
  let found = false;
  const body = line.startsWith("tcpdump: ") ? line.slice(9) : line;
  for (const raw of body.split(",")) {
    const part = raw.trim();
    const space = part.indexOf(" ");
    if (space <= 0) continue;
    const n = Number(part.slice(0, space));
    if (!Number.isSafeInteger(n) || n < 0) continue;
    let rest = part.slice(space + 1);
    if (rest.startsWith("packets ")) rest = rest.slice(8);
    else if (rest.startsWith("packet ")) rest = rest.slice(7);
    else continue;
    if (rest === "captured") found = true;
    else if (rest === "received by filter") out.received = n;
    else if (rest === "dropped by kernel") out.dropped = n;
    else if (rest === "dropped by interface") out.ifDropped = n;
    else continue;
    found = true;
  }
  return found ? out : undefined;
}
