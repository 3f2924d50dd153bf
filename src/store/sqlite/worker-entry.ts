/**
 * The thread behind SqliteWorkerStore: owns one SqliteStore (one connection) and answers
 * `{ id, op, args }` with `{ id, ok, value }` or `{ id, ok: false, error: { code, message } }`.
 * Calls run one at a time, in arrival order, as on the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { StoreError } from "../errors.js";
import { SqliteStore, type SqliteStoreOptions } from "./store.js";

export interface WorkerCall {
  readonly id: number;
  readonly op: string;
  readonly args: readonly unknown[];
}

export interface WorkerReply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

const store = new SqliteStore(workerData as SqliteStoreOptions);
const ops: Readonly<Record<string, (...args: never[]) => Promise<unknown>>> = {
  open: () => store.open(),
  close: () => store.close(),
  write: (b) => store.write(b),
  findOpenAttack: (k) => store.findOpenAttack(k),
  hits: (f, p) => store.hits(f, p),
  attacks: (f, p) => store.attacks(f, p),
  attack: (id) => store.attack(id),
  request: (id) => store.request(id),
  stats: (q) => store.stats(q),
  prune: (before) => store.prune(before),
  createToken: (t) => store.createToken(t),
  tokenByHash: (h) => store.tokenByHash(h),
  tokens: () => store.tokens(),
  revokeToken: (id, at) => store.revokeToken(id, at),
  touchToken: (id, at) => store.touchToken(id, at),
  ping: () => store.ping(),
  integrityCheck: () => store.integrityCheck(),
  schemaVersion: () => store.schemaVersion(),
};

let chain: Promise<unknown> = Promise.resolve();
parentPort?.on("message", (m: WorkerCall) => {
  chain = chain.then(async () => {
    let reply: WorkerReply;
    try {
      const fn = ops[m.op];
      if (fn === undefined) throw new StoreError("internal", `unknown store operation ${m.op}`);
      reply = { id: m.id, ok: true, value: await (fn as (...a: unknown[]) => Promise<unknown>)(...m.args) };
    } catch (e) {
      const code = e instanceof StoreError ? e.code : "internal";
      reply = { id: m.id, ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } };
    }
    parentPort?.postMessage(reply);
  });
});
