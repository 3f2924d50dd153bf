/**
 * End to end with a real NGINX: NGINX serves a small backend and mirrors every request
 * (`mirror` + `mirror_request_body`, the header set of deploy/nginx) to a real
 * `mirrorwatch serve`; a real HTTP client sends attacks and benign requests through
 * NGINX; the findings must show up in the REST API with the right type, point, client IP
 * (the real client's, from X-Forwarded-For through a trusted NGINX), host and path, and
 * the benign requests must leave no hit.
 *
 * CI installs nginx and sets MIRRORWATCH_REQUIRE_NGINX=1 (.ci/run), so that this test
 * can never be skipped there; elsewhere it is skipped, with a message, when nginx is absent.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  allHits,
  type Child,
  createTokenCli,
  findNginx,
  freePort,
  type HitItem,
  http,
  nginxPreamble,
  poll,
  ROOT,
  type ServeNode,
  startChild,
  startServe,
} from "./harness.js";

const nginxBin = findNginx();
const required = process.env.MIRRORWATCH_REQUIRE_NGINX === "1";
const skip =
  nginxBin === undefined && !required
    ? "nginx is not installed: skipping the NGINX end-to-end test (apt-get install nginx, or run .ci/run)"
    : false;

/** The location of deploy/nginx, so that the test exercises the snippet operators use. */
const SNIPPET = join(ROOT, "deploy", "nginx", "mirrorwatch-location.conf");

function nginxConf(dir: string, front: number, backend: number, mirror: number): string {
  // The snippet operators use, as shipped: the test fails if it stops working.
  const location = `    include ${SNIPPET};`;
  return `${nginxPreamble(dir, 256)}
    upstream mirrorwatch {
        server 127.0.0.1:${mirror} max_fails=0;
        keepalive 16;
    }
    upstream backend {
        server 127.0.0.1:${backend};
    }

    # The "application": answers every request.
    server {
        listen 127.0.0.1:${backend};
        location / { return 200 "ok\\n"; }
    }

    # The front: serves from the backend and mirrors every request to Mirrorwatch.
    server {
        listen 127.0.0.1:${front};
        server_name _;
${location}
        location / {
            mirror /_mirrorwatch;
            mirror_request_body on;
            proxy_pass http://backend;
        }
    }
}
`;
}

const HOST = "shop.example.test";
const REAL_CLIENT = "203.0.113.7";

interface Sent {
  readonly name: string;
  readonly method: string;
  readonly target: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const ATTACKS: readonly (Sent & { type: string; point: string; path: string; clientIp: string })[] = [
  {
    name: "SQL injection in the query",
    method: "GET",
    target: "/products?id=1%27%20UNION%20SELECT%20username%2Cpassword%20FROM%20users--",
    headers: { "X-Forwarded-For": REAL_CLIENT },
    type: "sqli",
    point: "query › id",
    path: "/products",
    clientIp: REAL_CLIENT,
  },
  {
    name: "XSS in a form body",
    method: "POST",
    target: "/comments",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": REAL_CLIENT },
    body: "author=bob&comment=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
    type: "xss",
    point: "body › form › comment",
    path: "/comments",
    clientIp: REAL_CLIENT,
  },
  {
    // Without X-Forwarded-For: the client is the one NGINX saw.
    name: "path traversal",
    method: "GET",
    target: "/download?file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    type: "ptrav",
    point: "query › file",
    path: "/download",
    clientIp: "127.0.0.1",
  },
  {
    name: "SQL injection in a JSON body",
    method: "POST",
    target: "/api/users",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": REAL_CLIENT },
    body: JSON.stringify({ name: "x' OR '1'='1' --", age: 3 }),
    type: "sqli",
    point: "body › json › name",
    path: "/api/users",
    clientIp: REAL_CLIENT,
  },
];

const BENIGN: readonly Sent[] = [
  {
    name: "a product page",
    method: "GET",
    target: "/catalog?id=42&sort=price",
    headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0", Accept: "text/html" },
  },
  {
    name: "a review form",
    method: "POST",
    target: "/reviews",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": REAL_CLIENT },
    body: "author=alice&comment=Great+product%2C+fast+delivery%21",
  },
  {
    name: "a JSON profile update",
    method: "PUT",
    target: "/api/profile",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Alice O'Brien", age: 34, tags: ["a", "b"] }),
  },
];

describe("NGINX mirror → mirrorwatch serve → REST API", { skip, timeout: 120_000 }, () => {
  let dir: string;
  let node: ServeNode | undefined;
  let nginx: Child | undefined;
  let token: string;
  let front: string;

  before(async () => {
    if (nginxBin === undefined) {
      throw new Error(
        "MIRRORWATCH_REQUIRE_NGINX=1 but nginx is not installed (add it to .ci/run's APT_PACKAGES)",
      );
    }
    dir = mkdtempSync(join(tmpdir(), "mw-e2e-nginx-"));
    const dataDir = join(dir, "data");
    node = await startServe({ dataDir });
    token = await createTokenCli(dataDir);

    const nginxDir = join(dir, "nginx");
    mkdirSync(nginxDir);
    const frontPort = await freePort();
    const backendPort = await freePort();
    writeFileSync(join(nginxDir, "nginx.conf"), nginxConf(nginxDir, frontPort, backendPort, node.mirrorPort));
    nginx = startChild(
      nginxBin,
      [
        "-p",
        nginxDir,
        "-c",
        join(nginxDir, "nginx.conf"),
        "-e",
        join(nginxDir, "error.log"),
        "-g",
        "daemon off;",
      ],
      process.env,
    );
    front = `http://127.0.0.1:${frontPort}`;
    await poll("NGINX to answer", async () => {
      if (nginx?.proc.exitCode !== null) throw new Error(`nginx exited: ${nginx?.output()}`);
      const r = await http(`${front}/`, { timeoutMs: 2000 });
      return r.status === 200 ? true : undefined;
    }).catch((e: Error) => {
      const log = existsSync(join(nginxDir, "error.log"))
        ? readFileSync(join(nginxDir, "error.log"), "utf8")
        : "";
      throw new Error(`${e.message}\nnginx output: ${nginx?.output()}\nerror.log: ${log}`);
    });
  });

  after(async () => {
    if (nginx !== undefined && nginx.proc.exitCode === null) {
      nginx.proc.kill("SIGQUIT");
      const t = setTimeout(() => nginx?.proc.kill("SIGKILL"), 10_000);
      await nginx.exited;
      clearTimeout(t);
    }
    const code = await node?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `serve did not stop cleanly:\n${node?.output()}`);
  });

  it("records attacks sent through NGINX with type, point, real client IP, host and path; benign ones leave no hit", async () => {
    // Every request gets the backend's answer: mirroring never changes what clients see.
    for (const s of [...BENIGN, ...ATTACKS]) {
      const r = await http(`${front}${s.target}`, {
        method: s.method,
        headers: { Host: HOST, ...s.headers },
        ...(s.body !== undefined ? { body: s.body } : {}),
      });
      assert.equal(r.status, 200, `${s.name}: NGINX answered ${r.status}`);
      assert.equal(r.body, "ok\n");
    }

    const hits = await poll(
      "the four attacks in the API",
      async () => {
        const h = await allHits(node!.api, token);
        return ATTACKS.every((a) => h.some((x) => x.path === a.path && x.type === a.type)) ? h : undefined;
      },
      30_000,
      250,
    );

    for (const a of ATTACKS) {
      const found = hits.filter((h) => h.path === a.path && h.type === a.type);
      assert.ok(found.length > 0, `${a.name}: no ${a.type} hit on ${a.path}`);
      const h: HitItem = found.find((x) => x.point === a.point) ?? found[0]!;
      assert.equal(h.point, a.point, `${a.name}: point`);
      assert.equal(h.clientIp, a.clientIp, `${a.name}: client IP`);
      assert.equal(h.host, HOST, `${a.name}: host`);
      assert.equal(h.method, a.method, `${a.name}: method`);
      assert.ok(Math.abs(Date.now() - h.ts) < 120_000, `${a.name}: time ${h.time}`);
    }

    // The interface outside checks use: /api/v1/hits?type=sqli.
    const sqli = await allHits(node!.api, token, "type=sqli");
    assert.deepEqual(sqli.map((h) => `${h.path} ${h.point}`).sort(), [
      "/api/users body › json › name",
      "/products query › id",
    ]);

    // Benign requests reached the node and were analysed (the counters say so), yet no hit
    // names their paths.
    const benignPaths = new Set(BENIGN.map((b) => b.target.split("?")[0]));
    assert.deepEqual(
      hits.filter((h) => benignPaths.has(h.path)),
      [],
      "a benign request produced a hit",
    );
    const metrics = await poll("all seven requests analysed", async () => {
      const r = await http(`${node!.api}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const m = /^mirrorwatch_exchanges_analysed_total (\d+)$/m.exec(r.body);
      return m !== null && Number(m[1]) >= BENIGN.length + ATTACKS.length ? r.body : undefined;
    });
    assert.match(metrics, /^mirrorwatch_exchanges_shed_total\{reason="queue_full"\} 0$/m);

    // The stored request carries what NGINX's header set told the node.
    const sqliHit = hits.find((h) => h.path === "/products")!;
    const req = await http(`${node!.api}/api/v1/requests/${encodeURIComponent(sqliHit.requestId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(req.status, 200, req.body);
    const stored = JSON.parse(req.body) as {
      clientIp: string;
      scheme: string;
      host: string;
      serverPort?: number;
      sourceRequestId?: string;
    };
    assert.equal(stored.clientIp, REAL_CLIENT);
    assert.equal(stored.scheme, "http");
    assert.equal(stored.host, HOST);
    assert.equal(stored.serverPort, Number(new URL(front).port));
    assert.match(stored.sourceRequestId ?? "", /^[0-9a-f]{32}$/, "NGINX's $request_id");
  });
});
