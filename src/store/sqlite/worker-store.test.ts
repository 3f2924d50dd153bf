import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Worker } from "node:worker_threads";
import { StoreError } from "../errors.js";
import { openSqliteStore } from "./index.js";
import { SqliteWorkerStore } from "./worker-store.js";

const root = mkdtempSync(join(tmpdir(), "mw-wstore-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** The worker behind a channel, reached through private fields (test only). */
function workerOf(store: SqliteWorkerStore, which: "writer" | "reader"): Worker {
  return (store as unknown as Record<string, { worker: Worker }>)[which]!.worker;
}

describe("SqliteWorkerStore", () => {
  it("opens through openSqliteStore({ worker: true }) and keeps error codes across threads", async () => {
    const store = await openSqliteStore({ dir: join(root, "a"), worker: true });
    try {
      assert.ok(store instanceof SqliteWorkerStore);
      assert.equal(await store.ping(), true);
      await assert.rejects(
        store.hits({ source: "nope" }),
        (e: unknown) => e instanceof StoreError && e.code === "invalid_filter",
      );
      assert.deepEqual(await store.integrityCheck(), ["ok"]);
    } finally {
      await store.close();
    }
  });

  it("rejects calls with a StoreError when its thread dies, and still closes", async () => {
    const store = await openSqliteStore({ dir: join(root, "b"), worker: true });
    await workerOf(store, "writer").terminate();
    await assert.rejects(
      store.write({ requests: [], attacks: [], hits: [] }),
      (e: unknown) => e instanceof StoreError && e.code === "unavailable" && e.reason === "thread",
    );
    assert.equal(await store.ping(), false);
    await store.close();
    await assert.rejects(
      store.hits({}),
      (e: unknown) => e instanceof StoreError && e.code === "unavailable" && e.reason === "not_open",
    );
  });

  it("reports a database it cannot open", async () => {
    await assert.rejects(
      openSqliteStore({ file: join(root, "missing-dir", "x", "db"), worker: true }),
      (e: unknown) => e instanceof StoreError && e.code === "unavailable" && e.reason === "io",
    );
  });
});
