/** Test worker: the node's worker, except that a request to `/crash` kills the thread. */
import { parentPort } from "node:worker_threads";
import { Engine } from "../../analysis/index.js";
import { analyseBatch, type WireBatch } from "../node-wire.js";

const engine = new Engine();
parentPort?.on("message", (m: { id: number; job: WireBatch }) => {
  if (m.job.reqs.some((r) => r.t.startsWith("/crash"))) process.exit(3);
  parentPort?.postMessage({ id: m.id, ok: true, value: analyseBatch(engine, m.job) });
});
