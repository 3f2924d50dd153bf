/**
 * Records real HTTP traffic for the packet-path tests: `tcpdump` on loopback captures `curl`
 * (and one raw pipelining client) talking to a real NGINX, which serves static files and
 * proxies to a small Node backend. The session covers what passive parsing must get right:
 * keep-alive, chunked and gzip responses, pipelined requests, a large upload with
 * `Expect: 100-continue`, HEAD, a 304 and a 404, plus attacks in query and body.
 *
 * Everything the session sent is returned, so that tests can check the capture request by
 * request. Every child is killed and every wait has a deadline.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { findNginx, freePort, nginxPreamble, run, sleep, startChild } from "./harness.js";

/** One request the session sent, with the status NGINX must answer. */
export interface SentRequest {
  readonly method: string;
  readonly target: string;
  readonly status: number;
  /** Request body length in bytes (0 when none). */
  readonly bodyBytes: number;
  /** Decoded response body SHA-256 (hex) when the test should compare it, else absent. */
  readonly responseSha256?: string;
  /** Whether an attack is in it (and of which type), for the detection checks. */
  readonly attack?: string;
}

export interface CaptureSession {
  readonly pcap: string;
  readonly nginxPort: number;
  readonly sent: readonly SentRequest[];
  stop(): Promise<void>;
}

/** Why the capture tests cannot run here, or undefined when they can. */
export function captureUnavailable(): string | undefined {
  if (findNginx() === undefined) return "nginx is not installed";
  for (const tool of ["tcpdump", "curl"]) {
    const found = (process.env.PATH ?? "")
      .split(":")
      .concat(["/usr/sbin", "/usr/bin"])
      .some((d) => d !== "" && existsSync(join(d, tool)));
    if (!found) return `${tool} is not installed`;
  }
  if (process.getuid?.() !== 0) return "capturing on loopback needs root (CAP_NET_RAW)";
  return undefined;
}

const PAGE = `<!doctype html><html><head><title>Shop</title></head><body>${"<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n".repeat(400)}</body></html>\n`;
const UPLOAD_BYTES = 2 * 1024 * 1024 + 17;

function sha256(b: Uint8Array | string): string {
  return createHash("sha256").update(b).digest("hex");
}

function nginxConf(dir: string, port: number, backend: number): string {
  return `${nginxPreamble(dir, 64)}    keepalive_requests 1000;
    gzip on;
    gzip_min_length 64;
    gzip_types text/plain application/json;
    server {
        listen 127.0.0.1:${port};
        server_name shop.example.test;
        root ${dir}/www;
        client_max_body_size 16m;
        location /api/ {
            proxy_pass http://127.0.0.1:${backend};
            proxy_http_version 1.1;
        }
    }
}
`;
}

/** The Node backend: JSON answers, a streamed (chunked) answer, and the upload sink. */
function startBackend(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    let n = 0;
    req.on("data", (c: Buffer) => (n += c.length));
    req.on("end", () => {
      const url = req.url ?? "/";
      if (url.startsWith("/api/stream")) {
        // No Content-Length: Node sends chunked, and NGINX re-chunks to the client.
        res.writeHead(200, { "content-type": "text/plain" });
        let i = 0;
        const tick = () => {
          if (i++ < 5) {
            res.write(`part ${i} ${"x".repeat(100 * i)}\n`);
            setTimeout(tick, 5);
          } else res.end();
        };
        tick();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, url, received: n }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, port: typeof a === "object" && a !== null ? a.port : 0 });
    });
  });
}

/** Sends `count` requests in one write on one connection (HTTP/1.1 pipelining, RFC 9112 §9.3.2). */
function pipelined(port: number, targets: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let wire = "";
    targets.forEach((t, i) => {
      const last = i === targets.length - 1;
      wire += `GET ${t} HTTP/1.1\r\nHost: shop.example.test\r\nUser-Agent: pipeliner/1\r\n${last ? "Connection: close\r\n" : ""}\r\n`;
    });
    sock.setTimeout(10_000, () => sock.destroy(new Error("pipelined client timed out")));
    sock.on("error", reject);
    sock.on("data", () => {});
    sock.on("close", () => resolve());
    sock.write(wire);
  });
}

async function curl(args: readonly string[]): Promise<void> {
  const r = await run("curl", ["-sS", "-o", "/dev/null", ...args], process.env, 30_000);
  if (r.code !== 0) throw new Error(`curl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
}

/**
 * Starts NGINX and the backend, captures loopback traffic to NGINX's port with tcpdump
 * into `dir/session.pcap`, runs the clients, and stops the capture.
 */
export async function recordSession(dir: string): Promise<CaptureSession> {
  const nginx = findNginx();
  if (nginx === undefined) throw new Error("nginx is not installed");
  const www = join(dir, "www");
  mkdirSync(join(www, "static"), { recursive: true });
  writeFileSync(join(www, "static", "page.html"), PAGE);
  writeFileSync(join(www, "static", "notes.txt"), "plain text file\n".repeat(20));
  const upload = Buffer.alloc(UPLOAD_BYTES, 0x61);
  for (let i = 0; i < upload.length; i += 997) upload[i] = 0x30 + (i % 10);
  writeFileSync(join(dir, "upload.bin"), upload);

  const backend = await startBackend();
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, nginxConf(dir, port, backend.port));
  const ng = startChild(nginx, ["-p", dir, "-c", conf, "-g", "daemon off;"], process.env);
  const pcap = join(dir, "session.pcap");
  // -U: write each packet as it arrives, so a SIGINT'd tcpdump leaves a complete file;
  // -B 64 MiB: loopback moves a 2 MiB upload faster than the default buffer drains;
  // --immediate-mode: libpcap's TPACKET_V3 ring otherwise holds packets until a block
  // fills or times out, and those still held at SIGINT are lost.
  const dump = spawn(
    "tcpdump",
    ["-i", "lo", "--immediate-mode", "-U", "-B", "65536", "-s", "0", "-w", pcap, `tcp port ${port}`],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let dumpErr = "";
  dump.stderr.on("data", (b: Buffer) => (dumpErr += b.toString()));
  const dumpExit = new Promise<void>((r) => dump.once("exit", () => r()));
  const stop = async () => {
    if (dump.exitCode === null) dump.kill("SIGKILL");
    // SIGTERM: NGINX's fast shutdown stops its workers too (SIGKILL would orphan them).
    ng.proc.kill("SIGTERM");
    await Promise.race([ng.exited, sleep(5000)]);
    ng.proc.kill("SIGKILL");
    backend.server.closeAllConnections();
    backend.server.close();
    await Promise.race([dumpExit, sleep(2000)]);
  };
  try {
    // tcpdump says "listening on lo" once the capture is open.
    for (let i = 0; i < 100 && !dumpErr.includes("listening on"); i++) await sleep(50);
    if (!dumpErr.includes("listening on")) throw new Error(`tcpdump did not start: ${dumpErr}`);
    for (let i = 0; i < 100; i++) {
      const ok = await run(
        "curl",
        ["-s", "-o", "/dev/null", `http://127.0.0.1:${port}/static/notes.txt`],
        process.env,
        2000,
      );
      if (ok.code === 0) break;
      await sleep(50);
    }

    const base = `http://127.0.0.1:${port}`;
    const host = ["-H", "Host: shop.example.test"];
    const lastModified = statSync(join(www, "static", "page.html")).mtime.toUTCString();
    const sent: SentRequest[] = [{ method: "GET", target: "/static/notes.txt", status: 200, bodyBytes: 0 }];
    const sqli = "/api/search?q=1%27%20UNION%20SELECT%20username%2Cpassword%20FROM%20users--";
    const xss = "comment=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E&author=bob";
    // One curl, one keep-alive connection: `--next` starts the next request's options
    // while curl reuses the connection (RFC 9112 §9.3 persistence).
    await curl([
      ...host,
      "--compressed",
      `${base}/static/page.html`,
      "--next",
      ...host,
      "-H",
      `If-Modified-Since: ${lastModified}`,
      `${base}/static/page.html`,
      "--next",
      ...host,
      `${base}${sqli}`,
      "--next",
      ...host,
      "--compressed",
      `${base}/api/stream`,
      "--next",
      ...host,
      "-I",
      `${base}/static/notes.txt`,
      "--next",
      ...host,
      "-H",
      "Content-Type: application/x-www-form-urlencoded",
      "--data-binary",
      xss,
      `${base}/api/comments`,
      "--next",
      ...host,
      `${base}/static/missing.html`,
    ]);
    sent.push(
      { method: "GET", target: "/static/page.html", status: 200, bodyBytes: 0, responseSha256: sha256(PAGE) },
      { method: "GET", target: "/static/page.html", status: 304, bodyBytes: 0 },
      { method: "GET", target: sqli, status: 200, bodyBytes: 0, attack: "sqli" },
      { method: "GET", target: "/api/stream", status: 200, bodyBytes: 0 },
      { method: "HEAD", target: "/static/notes.txt", status: 200, bodyBytes: 0 },
      { method: "POST", target: "/api/comments", status: 200, bodyBytes: xss.length, attack: "xss" },
      { method: "GET", target: "/static/missing.html", status: 404, bodyBytes: 0 },
    );
    // A large upload: curl sends `Expect: 100-continue` above 1 MiB and NGINX answers 100.
    await curl([
      ...host,
      "-H",
      "Content-Type: application/octet-stream",
      "--data-binary",
      `@${join(dir, "upload.bin")}`,
      `${base}/api/upload`,
    ]);
    sent.push({ method: "POST", target: "/api/upload", status: 200, bodyBytes: UPLOAD_BYTES });
    const ptrav = "/api/files?name=..%2F..%2F..%2F..%2Fetc%2Fpasswd";
    await pipelined(port, ["/static/notes.txt", ptrav, "/api/ping?x=1"]);
    sent.push(
      { method: "GET", target: "/static/notes.txt", status: 200, bodyBytes: 0 },
      { method: "GET", target: ptrav, status: 200, bodyBytes: 0, attack: "ptrav" },
      { method: "GET", target: "/api/ping?x=1", status: 200, bodyBytes: 0 },
    );
    // Let the last packets reach the capture, then stop it cleanly (SIGINT flushes).
    await sleep(300);
    dump.kill("SIGINT");
    await Promise.race([dumpExit, sleep(5000)]);
    return { pcap, nginxPort: port, sent, stop };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- tcpdump ---\n${dumpErr}\n--- nginx ---\n${ng.output()}`);
  }
}
