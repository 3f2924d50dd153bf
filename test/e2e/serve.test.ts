/**
 * `mirrorwatch serve` as a process: restart after `kill -9` loses nothing stored, the
 * shared secret is enforced, SIGTERM stops cleanly, bad settings and busy ports fail fast
 * with a clear message.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  allHits,
  BIN,
  childEnv,
  createTokenCli,
  http,
  poll,
  run,
  type ServeNode,
  startServe,
} from "./harness.js";

const dirs: string[] = [];
const nodes: ServeNode[] = [];
after(async () => {
  for (const n of nodes) await n.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "mw-e2e-serve-"));
  dirs.push(d);
  return d;
}

async function serve(opts: Parameters<typeof startServe>[0]): Promise<ServeNode> {
  const n = await startServe(opts);
  nodes.push(n);
  return n;
}

function mirror(node: ServeNode, target: string, headers: Record<string, string> = {}, body?: string) {
  return http(`http://127.0.0.1:${node.mirrorPort}${target}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Host: "app.example.test", ...headers },
    ...(body !== undefined ? { body } : {}),
  });
}

const ATTACK_TARGETS = [
  "/a?id=1%27%20UNION%20SELECT%20password%20FROM%20users--",
  "/b?file=..%2F..%2F..%2Fetc%2Fpasswd",
  "/c?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
];

describe("mirrorwatch serve", { timeout: 120_000 }, () => {
  it("after kill -9, starts again on the same data dir with every stored hit, and serves", async () => {
    const dataDir = join(tempDir(), "data");
    const first = await serve({ dataDir });
    const token = await createTokenCli(dataDir);
    for (const t of ATTACK_TARGETS) assert.equal((await mirror(first, t)).status, 204);
    const before = await poll("three stored hits", async () => {
      const h = await allHits(first.api, token);
      return new Set(h.map((x) => x.path)).size === 3 ? h : undefined;
    });

    first.proc.kill("SIGKILL");
    assert.equal(await first.exited, "SIGKILL");

    const second = await serve({ dataDir });
    const afterRestart = await allHits(second.api, token);
    assert.deepEqual(
      afterRestart.map((h) => h.id).sort(),
      before.map((h) => h.id).sort(),
      "hits stored before the crash are all there",
    );
    // And it keeps working: a new attack is recorded next to the old ones.
    assert.equal((await mirror(second, "/d?cmd=%3Bcat%20%2Fetc%2Fpasswd")).status, 204);
    await poll("the new hit", async () => {
      const h = await allHits(second.api, token);
      return h.some((x) => x.path === "/d") ? true : undefined;
    });
    assert.equal(await second.stop(), 0, second.output());
  });

  it("enforces the mirror secret, and stops cleanly on SIGTERM without logging the secret", async () => {
    const secret = "e2e-shared-secret-0123456789";
    const dataDir = join(tempDir(), "data");
    const node = await serve({ dataDir, env: { MIRRORWATCH_MIRROR_SECRET: secret } });
    const token = await createTokenCli(dataDir);
    const refused = await mirror(node, "/x?id=1%27%20OR%201%3D1--");
    assert.equal(refused.status, 401);
    const wrong = await mirror(node, "/y?id=1%27%20OR%201%3D1--", {
      "X-Mirrorwatch-Secret": "not-the-secret-at-all",
    });
    assert.equal(wrong.status, 403);
    const ok = await mirror(node, "/z?id=1%27%20OR%201%3D1--", { "X-Mirrorwatch-Secret": secret });
    assert.equal(ok.status, 204);
    const hits = await poll("the hit of the request with the secret", async () => {
      const h = await allHits(node.api, token);
      return h.length > 0 ? h : undefined;
    });
    assert.deepEqual([...new Set(hits.map((h) => h.path))], ["/z"]);

    assert.equal(await node.stop(), 0, node.output());
    const lines = node
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg?: string; received?: number });
    const stopped = lines.find((l) => l.msg === "mirrorwatch node stopped");
    assert.ok(stopped !== undefined, node.output());
    assert.equal(stopped.received, 1, "refused requests never become exchanges");
    assert.ok(!node.output().includes(secret), "the secret reached the logs");
    assert.ok(!node.output().includes(token), "a token reached the logs");
  });

  it("refuses a bad setting, naming the variable, and a busy port", async () => {
    const dataDir = join(tempDir(), "data");
    const bad = await run(
      process.execPath,
      [BIN, "serve"],
      childEnv({ MIRRORWATCH_DATA_DIR: dataDir, MIRRORWATCH_MIRROR_LISTEN: "nowhere" }),
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /MIRRORWATCH_MIRROR_LISTEN \(listeners\.mirror\): .*host:port/);

    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    try {
      const port = (busy.address() as { port: number }).port;
      const r = await run(
        process.execPath,
        [BIN, "serve"],
        childEnv({
          MIRRORWATCH_DATA_DIR: dataDir,
          MIRRORWATCH_MIRROR_LISTEN: `127.0.0.1:${port}`,
          MIRRORWATCH_API_LISTEN: "127.0.0.1:0",
        }),
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot start: EADDRINUSE/);
    } finally {
      busy.close();
    }
  });
});
