/**
 * The thread behind SqliteWorkerStore: owns one SqliteStore (one connection) and answers
 * `{ id, op, args }` with `{ id, ok, value }` or `{ id, ok: false, error: { code, message } }`.
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
  readonly error?: { readonly code: string; readonly message: string; readonly reason?: string };
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

// Calls are not chained: every SqliteStore method does its database work synchronously
// before its first await, so calls still run in arrival order, while a chunked prune
// (which yields between chunks) lets batch writes in between its chunks instead of
// holding them back until it ends.
parentPort?.on("message", (m: WorkerCall) => {
  void answer(m).then((reply) => parentPort?.postMessage(reply));
});

async function answer(m: WorkerCall): Promise<WorkerReply> {
  try {
    const fn = ops[m.op];
    if (fn === undefined) throw new StoreError("internal", `unknown store operation ${m.op}`);
    return { id: m.id, ok: true, value: await (fn as (...a: unknown[]) => Promise<unknown>)(...m.args) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof StoreError)) return { id: m.id, ok: false, error: { code: "internal", message } };
    const error =
      e.reason === undefined ? { code: e.code, message } : { code: e.code, message, reason: e.reason };
    return { id: m.id, ok: false, error };
  }
}
