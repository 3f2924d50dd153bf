import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import { loadConfig, type NodeConfig } from "../config/index.js";
import type { Hit, HttpExchange } from "../model/index.js";
import { MemoryStore } from "../server/testing/memory-store.js";
import type { ListenerCounts, RecorderCounts } from "./metrics.js";
import { startNode } from "./node.js";
import { createNodeLogger } from "./node-logger.js";
import type { NodeParts } from "./node-parts.js";

// STUB PARTS (until store, events and http-mirror land in this branch): the smallest
// stand-ins with the real parts' shapes, enough to test the wiring. The API is the real one.
interface Recorded {
  readonly ex: HttpExchange;
  readonly hits: readonly Hit[];
}

function stubParts(recorded: Recorded[], events: string[]): Partial<NodeParts> {
  return {
    openStore: async (file) => {
      events.push(`store open ${file}`);
      const store = new MemoryStore();
      const close = store.close.bind(store);
      store.close = async () => {
        events.push("store close");
        await close();
      };
      await store.open();
      return store;
    },
    createRecorder: () => {
      const counters: RecorderCounts = {
        hitsReceived: 0,
        hitsStored: 0,
        hitsSampled: 0,
        hitsDropped: 0,
        droppedOverflow: 0,
        droppedWriteFailed: 0,
        droppedClosed: 0,
        requestsStored: 0,
        writeErrors: 0,
        pendingHits: 0,
      };
      return {
        counters,
        record(ex, hits) {
          (counters as { hitsReceived: number }).hitsReceived += hits.length;
          recorded.push({ ex, hits });
          return true;
        },
        flush: async () => {},
        close: async () => void events.push("recorder close"),
      };
    },
    startRetention: () => ({ stop: async () => void events.push("retention stop") }),
    startMirrorListener: async (o) => {
      const stats: { -readonly [K in keyof ListenerCounts]: number } = {
        received: 0,
        bytes: 0,
        bodyTruncated: 0,
        rejected: 0,
        parseErrors: 0,
        timeouts: 0,
        proxyUntrusted: 0,
        callbackErrors: 0,
        connectionsOpen: 0,
        connectionsTotal: 0,
        connectionsDropped: 0,
      };
      let n = 0;
      const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          stats.received++;
          const headers: [string, string][] = [];
          for (let i = 0; i < req.rawHeaders.length; i += 2)
            headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
          o.onExchange({
            id: `stub-${n++}`,
            request: {
              method: req.method ?? "GET",
              target: req.url ?? "/",
              headers,
              body: Buffer.concat(chunks),
            },
            client: { ip: req.socket.remoteAddress ?? "" },
            source: "http-mirror",
          });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(o.port, o.host, resolve));
      events.push("listener start");
      return {
        stats,
        address: () => ({ host: o.host, port: (server.address() as AddressInfo).port }),
        close: () =>
          new Promise<void>((resolve) => {
            events.push("listener close");
            server.closeAllConnections();
            server.close(() => resolve());
          }),
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

describe("startNode", () => {
  it("wires listener → analysis → recorder, serves the API, and stops in order", async () => {
    const recorded: Recorded[] = [];
    const events: string[] = [];
    const config = testConfig({ MIRRORWATCH_MIRROR_SECRET: "a-secret-that-must-not-be-logged" });
    const logs = logSink();
    const node = await startNode(config, {
      logger: createNodeLogger("info", logs.stream),
      parts: stubParts(recorded, events),
      defaultMetrics: false,
    });
    let closed = false;
    try {
      assert.equal(statSync(config.dataDir).mode & 0o777, 0o700);
      assert.notEqual(node.mirrorAddress.port, 0);
      const mirror = `http://127.0.0.1:${node.mirrorAddress.port}`;
      const r1 = await fetch(`${mirror}/search?q=1%27%20OR%201%3D1--`, { signal: AbortSignal.timeout(5000) });
      assert.equal(r1.status, 204);
      const r2 = await fetch(`${mirror}/about`, { signal: AbortSignal.timeout(5000) });
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

      const text = await node.metrics.registry.metrics();
      assert.match(text, /^mirrorwatch_exchanges_received_total 2$/m);
      assert.match(text, /^mirrorwatch_exchanges_analysed_total 2$/m);
      assert.match(text, /^mirrorwatch_hits_total\{type="sqli"\} 1$/m);
      assert.match(text, /^mirrorwatch_listener_requests_total 2$/m);
      assert.match(text, /^mirrorwatch_hits_recorded_total 1$/m);
      assert.match(text, /^mirrorwatch_exchanges_shed_total\{reason="queue_full"\} 0$/m);

      const report = await node.close();
      closed = true;
      assert.equal(report.received, 2);
      assert.equal(report.droppedAtShutdown, 0);
      assert.deepEqual(
        events.filter((e) => !e.startsWith("store open")),
        ["listener start", "listener close", "retention stop", "recorder close", "store close"],
      );
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
          parts: stubParts([], events),
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
