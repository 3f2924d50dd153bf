import { describe } from "node:test";
import type { StoreFactory } from "./harness.js";
import { attacksSuite } from "./suite/attacks.js";
import { authSuite } from "./suite/auth.js";
import { hitsSuite } from "./suite/hits.js";
import { metaSuite } from "./suite/meta.js";
import { requestsSuite } from "./suite/requests.js";
import { statsSuite } from "./suite/stats.js";
import { tokensSuite } from "./suite/tokens.js";

/**
 * The REST API tests, over any Store: each part starts from a fresh store made by
 * `factory`, seeds it through the Store interface and talks to the app in-process. Run
 * it once per Store implementation (ARCHITECTURE.md principle 7), e.g.
 * `apiSuite("sqlite", async () => { const store = …; await store.open(); return { store, dispose } })`.
 */
export function apiSuite(name: string, factory: StoreFactory): void {
  describe(`REST API over the ${name} store`, () => {
    authSuite(factory);
    hitsSuite(factory);
    attacksSuite(factory);
    requestsSuite(factory);
    statsSuite(factory);
    tokensSuite(factory);
    metaSuite(factory);
  });
}
