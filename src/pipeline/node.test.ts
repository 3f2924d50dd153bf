import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { loadConfig, type NodeConfig } from "../config/index.js";
import type { Hit, HttpExchange } from "../model/index.js";
import { createToken } from "../server/index.js";
import { openSqliteStore } from "../store/index.js";
import { analysisWorkers, startNode } from "./node.js";
import { createNodeLogger } from "./node-logger.js";
import { NODE_PARTS, type NodeParts } from "./node-parts.js";

interface Recorded {
  readonly ex: HttpExchange;
  readonly hits: readonly Hit[];
}

/**
 * The real parts, each wrapped to log when it starts and stops (to check the order) and to
 * let a test see what reached the recorder.
 */
function spiedParts(recorded: Recorded[], events: string[]): Partial<NodeParts> {
  return {
    openStore: async (file, o) => {
      events.push("store open");
      const store = await NODE_PARTS.openStore(file, o);
      const close = store.close.bind(store);
      store.close = async () => {
        events.push("store close");
        await close();
      };
      return store;
    },
    createRecorder: (o) => {
      const r = NODE_PARTS.createRecorder(o);
      return {
        counters: r.counters,
        record(ex, hits) {
          recorded.push({ ex, hits });
          return r.record(ex, hits);
        },
        flush: () => r.flush(),
        close: async () => {
          events.push("recorder close");
          await r.close();
        },
      };
    },
    startRetention: (o) => {
      const r = NODE_PARTS.startRetention(o);
      return {
        stop: async () => {
          events.push("retention stop");
          await r.stop();
        },
      };
    },
    startMirrorListener: async (o) => {
      const l = await NODE_PARTS.startMirrorListener(o);
      events.push("listener start");
      return {
        stats: l.stats,
        address: () => l.address(),
        close: async () => {
          events.push("listener close");
          await l.close();
        },
      };
    },
  };
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function testConfig(env: Record<string, string> = {}): NodeConfig {
  const dir = mkdtempSync(join(tmpdir(), "mw-node-"));
  dirs.push(dir);
  return loadConfig({
    env: {
      MIRRORWATCH_DATA_DIR: join(dir, "data"),
      MIRRORWATCH_MIRROR_LISTEN: "127.0.0.1:0",
      MIRRORWATCH_API_LISTEN: "127.0.0.1:0",
      MIRRORWATCH_WORKERS: "1",
      ...env,
    },
  }).config;
}

function logSink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("analysisWorkers", () => {
  it("auto leaves a core to the listener's thread, and has at least one worker", () => {
    assert.equal(analysisWorkers("auto"), Math.max(1, availableParallelism() - 1));
    assert.equal(analysisWorkers(3), 3);
  });
});

describe("startNode", () => {
  it("wires listener → analysis → recorder, serves the API, and stops in order", async () => {
    const recorded: Recorded[] = [];
    const events: string[] = [];
    const config = testConfig({ MIRRORWATCH_MIRROR_SECRET: "a-secret-that-must-not-be-logged" });
    const logs = logSink();
    const node = await startNode(config, {
      logger: createNodeLogger("info", logs.stream),
      parts: spiedParts(recorded, events),
      defaultMetrics: false,
    });
    let closed = false;
    try {
      assert.equal(statSync(config.dataDir).mode & 0o777, 0o700);
      assert.notEqual(node.mirrorAddress.port, 0);
      const mirror = `http://127.0.0.1:${node.mirrorAddress.port}`;
      const secret = { "X-Mirrorwatch-Secret": "a-secret-that-must-not-be-logged" };
      const r1 = await fetch(`${mirror}/search?q=1%27%20OR%201%3D1--`, {
        headers: secret,
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(r1.status, 204);
      const r2 = await fetch(`${mirror}/about`, { headers: secret, signal: AbortSignal.timeout(5000) });
      assert.equal(r2.status, 204);
      await waitFor(() => node.stats().analysis.analysed === 2);
      assert.equal(recorded.length, 1, "only exchanges with hits go to the recorder");
      assert.ok(recorded[0]!.hits.some((h) => h.type === "sqli" && h.point === "query › q"));

      const health = await fetch(`http://127.0.0.1:${node.apiAddress.port}/healthz`, {
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(health.status, 200);
      const ready = await fetch(`http://127.0.0.1:${node.apiAddress.port}/readyz`, {
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(ready.status, 200);
      const hits = await fetch(`http://127.0.0.1:${node.apiAddress.port}/api/v1/hits`, {
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(hits.status, 401, "the API needs a token");

      // The hit reached the store: read it through the API with a token made beside the node.
      const side = await openSqliteStore({ file: config.store.path });
      const { token } = await createToken(side, { name: "t", role: "viewer", now: Date.now() });
      await side.close();
      const stored = await (async () => {
        for (let i = 0; i < 100; i++) {
          const r = await fetch(`http://127.0.0.1:${node.apiAddress.port}/api/v1/hits?type=sqli`, {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(5000),
          });
          const body = (await r.json()) as { items: { point: string; clientIp: string; path: string }[] };
          if (body.items.length > 0) return body.items;
          await new Promise((res) => setTimeout(res, 50));
        }
        return [];
      })();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.point, "query › q");
      assert.equal(stored[0]!.clientIp, "127.0.0.1");
      assert.equal(stored[0]!.path, "/search");

      const text = await node.metrics.registry.metrics();
      assert.match(text, /^mirrorwatch_exchanges_received_total 2$/m);
      assert.match(text, /^mirrorwatch_exchanges_analysed_total 2$/m);
      assert.match(text, /^mirrorwatch_hits_total\{type="sqli"\} 1$/m);
      assert.match(text, /^mirrorwatch_listener_requests_total 2$/m);
      assert.match(text, /^mirrorwatch_hits_recorded_total 1$/m);
      assert.match(text, /^mirrorwatch_hits_stored_total 1$/m);
      assert.match(text, /^mirrorwatch_store_write_duration_seconds_count [1-9]/m);
      assert.match(text, /^mirrorwatch_exchanges_shed_total\{reason="queue_full"\} 0$/m);

      const report = await node.close();
      closed = true;
      assert.equal(report.received, 2);
      assert.equal(report.droppedAtShutdown, 0);
      assert.deepEqual(events, [
        "store open",
        "listener start",
        "listener close",
        "retention stop",
        "recorder close",
        "store close",
      ]);
      const all = JSON.stringify(logs.lines());
      assert.ok(!all.includes("a-secret-that-must-not-be-logged"), "the secret reached a log line");
      assert.ok(logs.lines().some((l) => l.msg === "mirrorwatch node started"));
      assert.ok(logs.lines().some((l) => l.msg === "mirrorwatch node stopped"));
      // close() is idempotent.
      assert.equal(await node.close(), report);
    } finally {
      if (!closed) await node.close();
    }
  });

  it("closes what it opened when a part cannot start", async () => {
    const events: string[] = [];
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as AddressInfo).port;
    try {
      const config = testConfig({ MIRRORWATCH_API_LISTEN: `127.0.0.1:${port}` });
      const logs = logSink();
      await assert.rejects(
        startNode(config, {
          logger: createNodeLogger("info", logs.stream),
          parts: spiedParts([], events),
          defaultMetrics: false,
        }),
        /EADDRINUSE/,
      );
      assert.ok(events.includes("listener close"), events.join(","));
      assert.ok(events.includes("store close"), events.join(","));
    } finally {
      busy.close();
    }
  });
});
