/**
 * For the tests that capture real traffic (here and in ../live): a TCP sink on loopback, a
 * client that sends to it, and running capture tools (tcpdump, dumpcap) until they are ready.
 * Nothing here is used by the product.
 *
 * Capture needs the tool and the right to capture (root or CAP_NET_RAW). Without them the
 * tests skip with a message, except under MIRRORWATCH_REQUIRE_CAPTURE=1 (CI images that have
 * both), where a missing piece is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type Server } from "node:net";

export const REQUIRE_CAPTURE = process.env.MIRRORWATCH_REQUIRE_CAPTURE === "1";

/** `false` when `tool` runs, else a skip message (or a throw under MIRRORWATCH_REQUIRE_CAPTURE). */
export function toolSkip(tool: string, pkg: string): string | false {
  const r = spawnSync(tool, ["--version"], { stdio: "ignore" });
  if (r.error === undefined) return false;
  return notAvailable(`${tool} is not installed (apt-get install ${pkg})`);
}

/** A skip message, or a throw when capture is required. */
export function notAvailable(why: string): string {
  if (REQUIRE_CAPTURE) throw new Error(`MIRRORWATCH_REQUIRE_CAPTURE=1 but ${why}`);
  return `${why}: skipping`;
}

export interface Sink {
  port: number;
  /** Bytes received so far on every connection. */
  received(): Buffer;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 (ephemeral port) that keeps what it receives. */
export async function startSink(): Promise<Sink> {
  const parts: Buffer[] = [];
  const server: Server = createServer((s) => {
    s.on("data", (d: Buffer) => parts.push(d));
    s.on("error", () => {});
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no port");
  return {
    port: addr.port,
    received: () => Buffer.concat(parts),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Connects to 127.0.0.1:port, writes the payloads one at a time, closes. */
export async function sendTcp(port: number, payloads: readonly string[]): Promise<void> {
  const s = connect(port, "127.0.0.1");
  await once(s, "connect");
  s.setNoDelay(true);
  for (const p of payloads) {
    await new Promise<void>((r, j) => s.write(p, (e) => (e ? j(e) : r())));
    await new Promise((r) => setTimeout(r, 20)); // separate segments
  }
  s.end();
  await once(s, "close");
}

export interface RunningTool {
  child: ChildProcess;
  stderr(): string;
  /** Stops the tool (SIGINT: it flushes and writes its summary) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a capture tool and resolves when its stderr says it is capturing (`ready`). Resolves
 * with a skip message when it exits before that for lack of permission.
 */
export async function startTool(cmd: string, args: string[], ready: RegExp): Promise<RunningTool | string> {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr?.setEncoding("utf8");
  const exited = once(child, "exit");
  const isReady = new Promise<boolean>((resolve) => {
    child.stderr?.on("data", (d: string) => {
      err += d;
      if (ready.test(err)) resolve(true);
    });
    void exited.then(() => resolve(false));
    child.on("error", () => resolve(false));
  });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const ok = await isReady;
  clearTimeout(timeout);
  if (!ok) {
    if (/permission|not permitted|privilege/i.test(err))
      return notAvailable(`${cmd} may not capture here (${err.trim()})`);
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err.trim()}`);
  }
  return {
    child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT");
        await exited;
      }
    },
  };
}

/** Waits until `check` holds, polling; throws with `what` after `ms`. */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
