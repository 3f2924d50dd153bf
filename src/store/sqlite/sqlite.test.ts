import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeContract } from "../contract.js";
import { SqliteStore } from "./store.js";
import { SqliteWorkerStore } from "./worker-store.js";

storeContract("sqlite (data directory)", () => {
  const root = mkdtempSync(join(tmpdir(), "mw-store-"));
  const dir = join(root, "data");
  return {
    store: new SqliteStore({ dir }),
    reopen: () => new SqliteStore({ dir }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
});

storeContract("sqlite (:memory:)", () => ({ store: new SqliteStore({ file: ":memory:" }) }));

storeContract("sqlite in worker threads (data directory)", () => {
  const root = mkdtempSync(join(tmpdir(), "mw-store-w-"));
  const dir = join(root, "data");
  return {
    store: new SqliteWorkerStore({ dir }),
    reopen: () => new SqliteWorkerStore({ dir }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
});

storeContract("sqlite in a worker thread (:memory:)", () => ({
  store: new SqliteWorkerStore({ file: ":memory:" }),
}));
