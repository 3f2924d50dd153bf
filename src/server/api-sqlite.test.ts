import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/index.js";
import { apiSuite } from "./testing/index.js";

// The same API suite as api.test.ts, over the real embedded store (in worker threads, as
// the node runs it).
apiSuite("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-api-"));
  const store = await openSqliteStore({ dir, worker: true });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
