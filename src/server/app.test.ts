import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { buildApp } from "./app.js";
import { MemoryStore } from "./testing/memory-store.js";
import { createToken } from "./tokens.js";

describe("buildApp over a real socket", () => {
  it("listens on an ephemeral port and serves probes and authenticated reads", async () => {
    const store = new MemoryStore();
    await store.open();
    const { token } = await createToken(store, { name: "t", role: "viewer", now: Date.now() });
    // Two apps on one registry (a restart in-process) must not clash over metric names.
    const registry = new Registry();
    buildApp({ store, registry, version: "x" });
    const app = buildApp({ store, registry, version: "x", logger: { level: "silent" } });
    try {
      await app.listen({ host: "127.0.0.1", port: 0 });
      const addr = app.server.address();
      assert.ok(addr !== null && typeof addr === "object");
      const base = `http://127.0.0.1:${addr.port}`;
      const signal = () => AbortSignal.timeout(5000);
      assert.equal((await fetch(`${base}/healthz`, { signal: signal() })).status, 200);
      assert.equal((await fetch(`${base}/api/v1/hits?type=sqli`, { signal: signal() })).status, 401);
      const r = await fetch(`${base}/api/v1/hits?type=sqli`, {
        headers: { authorization: `Bearer ${token}` },
        signal: signal(),
      });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { items: [] });
    } finally {
      await app.close();
      await store.close();
    }
  });
});
