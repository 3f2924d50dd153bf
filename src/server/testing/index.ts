/** Test helpers for the API: the suite any Store runs, and an in-memory Store double. */
export { apiSuite } from "./api-suite.js";
export { buildFixture, type Fixture, fixtureBatch } from "./fixtures.js";
export { type Harness, type StoreFactory, type StoreHandle, startHarness } from "./harness.js";
export { MemoryStore } from "./memory-store.js";
export { runCurlInShell } from "./shell.js";
