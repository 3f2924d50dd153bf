import { apiSuite, MemoryStore } from "./testing/index.js";

apiSuite("in-memory", async () => {
  const store = new MemoryStore();
  await store.open();
  return { store, dispose: () => store.close() };
});
