/**
 * Helpers for the end-to-end tests: the node runs as a real `mirrorwatch serve` child
 * process (as an operator runs it), talked to over real sockets. Every wait has a
 * deadline, every child is killed and every temp dir removed by `cleanup`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from dist/test/e2e/). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const BIN = join(ROOT, "bin", "mirrorwatch.js");

/**
 * A port that was free a moment ago: bind port 0, read it, close. A child process cannot
 * be handed a listening socket portably, so this small race is the price.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The environment of a child: the caller's, minus any MIRRORWATCH_ setting, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("MIRRORWATCH_")) out[k] = v;
  return { ...out, ...env };
}

export interface Child {
  readonly proc: ChildProcess;
  /** stdout and stderr so far (bounded), for failure messages. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the child has ended. */
  readonly exited: Promise<number | string>;
}

const MAX_OUTPUT = 256 * 1024;

export function startChild(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(cmd, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) => {
    proc.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    proc.once("error", (e) => {
      keep(Buffer.from(`spawn error: ${e.message}\n`));
      resolve("spawn-error");
    });
  });
  return { proc, output: () => out, exited };
}

/** Runs a command to completion (with a deadline); resolves with its exit code and output. */
export async function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const proc = spawn(cmd, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  proc.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    proc.once("exit", (c, s) => resolve(c ?? s ?? "unknown"));
    proc.once("error", (e) => resolve(`spawn error: ${e.message}`));
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Waits for `check` to return a value (not undefined), polling; throws with `what` on timeout. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(
        `timed out waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ""}`,
      );
    }
    await sleep(everyMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP/1.1 request with node:http (which, unlike fetch, lets us set Host). */
export function http(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? "GET", headers: opts.headers ?? {}, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A `mirrorwatch serve` child with its own data dir and ports. */
export interface ServeNode extends Child {
  readonly api: string;
  readonly mirrorPort: number;
  readonly apiPort: number;
  /** SIGTERM, then SIGKILL after the deadline; resolves with the exit code. */
  stop(): Promise<number | string>;
}

export async function startServe(opts: {
  dataDir: string;
  mirrorPort?: number;
  apiPort?: number;
  env?: Record<string, string>;
}): Promise<ServeNode> {
  const mirrorPort = opts.mirrorPort ?? (await freePort());
  const apiPort = opts.apiPort ?? (await freePort());
  const child = startChild(
    process.execPath,
    [BIN, "serve"],
    childEnv({
      MIRRORWATCH_DATA_DIR: opts.dataDir,
      MIRRORWATCH_MIRROR_LISTEN: `127.0.0.1:${mirrorPort}`,
      MIRRORWATCH_API_LISTEN: `127.0.0.1:${apiPort}`,
      MIRRORWATCH_WORKERS: "1",
      ...opts.env,
    }),
  );
  const api = `http://127.0.0.1:${apiPort}`;
  let exitedEarly: number | string | undefined;
  void child.exited.then((c) => {
    exitedEarly = c;
  });
  try {
    await poll("the node's /healthz", async () => {
      if (exitedEarly !== undefined) throw new Error(`serve exited (${exitedEarly}):\n${child.output()}`);
      const r = await http(`${api}/healthz`, { timeoutMs: 2000 });
      return r.status === 200 ? true : undefined;
    });
  } catch (e) {
    child.proc.kill("SIGKILL");
    throw new Error(`${(e as Error).message}\n--- serve output ---\n${child.output()}`);
  }
  const stop = async () => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.exited;
    child.proc.kill("SIGTERM");
    const t = setTimeout(() => child.proc.kill("SIGKILL"), 20_000);
    const code = await child.exited;
    clearTimeout(t);
    return code;
  };
  return { ...child, api, mirrorPort, apiPort, stop };
}

/** `mirrorwatch token create` against a data dir; returns the token printed on stdout. */
export async function createTokenCli(dataDir: string, name = "e2e", role = "admin"): Promise<string> {
  const r = await run(
    process.execPath,
    [BIN, "token", "create", "--name", name, "--role", role],
    childEnv({ MIRRORWATCH_DATA_DIR: dataDir }),
  );
  if (r.code !== 0) throw new Error(`token create failed (${r.code}): ${r.stderr}`);
  const token = r.stdout.trim();
  if (!/^\S+$/.test(token))
    throw new Error(`token create printed more than a token: ${JSON.stringify(r.stdout)}`);
  return token;
}

export interface HitItem {
  readonly id: string;
  readonly type: string;
  readonly point: string;
  readonly clientIp: string;
  readonly host: string;
  readonly path: string;
  readonly method: string;
  readonly requestId: string;
  readonly ts: number;
  readonly time: string;
}

/** Every hit the API returns for `query` (follows the cursor, bounded). */
export async function allHits(api: string, token: string, query = ""): Promise<HitItem[]> {
  const items: HitItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const q = new URLSearchParams(query);
    q.set("limit", "500");
    if (cursor !== undefined) q.set("cursor", cursor);
    const r = await http(`${api}/api/v1/hits?${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) throw new Error(`GET /api/v1/hits: ${r.status} ${r.body}`);
    const body = JSON.parse(r.body) as { items: HitItem[]; next?: string };
    items.push(...body.items);
    if (body.next === undefined) return items;
    cursor = body.next;
  }
  return items;
}

/** The nginx binary, if installed (PATH first, then Debian's /usr/sbin). */
export function findNginx(): string | undefined {
  for (const dir of [
    ...(process.env.PATH ?? "").split(":"),
    "/usr/sbin",
    "/usr/local/sbin",
    "/usr/local/nginx/sbin",
  ]) {
    if (dir === "") continue;
    const p = join(dir, "nginx");
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The start of an NGINX configuration that runs unprivileged files in `dir` (pid, logs,
 * temp paths) up to and including `http {`; the caller adds its servers and the closing `}`.
 */
export function nginxPreamble(dir: string, connections: number): string {
  // As root, NGINX would switch its workers to `nobody`, who cannot use the 0700 temp dir.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${connections}; }
http {
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
`;
}
