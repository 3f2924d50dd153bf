/** Test worker: the node's worker, except that a request to `/crash` kills the thread. */
import { parentPort } from "node:worker_threads";
import { Engine } from "../../analysis/index.js";
import { analyseBatch, decodeBatch, type WireBatch } from "../node-wire.js";

const engine = new Engine();
parentPort?.on("message", (m: { id: number; job: WireBatch }) => {
  if (decodeBatch(m.job).some((ex) => ex.request.target.startsWith("/crash"))) process.exit(3);
  parentPort?.postMessage({ id: m.id, ok: true, value: analyseBatch(engine, m.job) });
});
