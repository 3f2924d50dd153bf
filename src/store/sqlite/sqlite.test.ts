import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeContract } from "../contract.js";
import { SqliteStore } from "./store.js";

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
