import { randomBytes } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { type ListenerContext, MirrorConnection } from "./connection.js";
import { type MirrorListenerOptions, resolveOptions } from "./options.js";
import { type MirrorListenerStats, newStats } from "./stats.js";

export interface MirrorListener {
  /** Where it listens (the real port when 0 was asked for). */
  address(): { host: string; port: number };
  /** Stops accepting and drops every open connection (idle keep-alive ones included). */
  close(): Promise<void>;
  /** Live counters (see stats.ts); read them, do not keep a copy. */
  readonly stats: MirrorListenerStats;
}

/** Sweep period bounds: timeouts are enforced to within one period. */
const MIN_SWEEP_MS = 25;
const MAX_SWEEP_MS = 1000;

/**
 * Starts the HTTP-mirror listener: the endpoint NGINX `mirror`, Envoy/Istio request
 * mirroring and Traefik mirroring services send copies of requests to (deploy/,
 * docs/deploy.md). Every request is read whole, answered 204 at once and handed to
 * `onExchange`. Rejects (before listening) on bad options, or if the address is taken.
 */
export async function startMirrorListener(options: MirrorListenerOptions): Promise<MirrorListener> {
  const o = resolveOptions(options);
  const stats = newStats();
  const prefix = randomBytes(6).toString("base64url");
  let seq = 0;
  const ctx: ListenerContext = {
    options: o,
    stats,
    settings: {
      trusted: o.trusted,
      clientIpHeaders: o.clientIpHeaders,
      ...(o.secret === undefined ? {} : { secretHeader: o.secretHeader }),
    },
    // Unique for the process (counter) and across restarts (random prefix), and cheap.
    nextId: () => `${prefix}.${(++seq).toString(36)}`,
  };
  const conns = new Set<MirrorConnection>();
  const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000 });
  server.maxConnections = o.maxConnections;
  server.on("drop", () => {
    stats.connectionsDropped++;
  });
  server.on("connection", (socket: Socket) => {
    stats.connectionsTotal++;
    stats.connectionsOpen++;
    const conn = new MirrorConnection(socket, ctx, performance.now());
    conns.add(conn);
    socket.once("close", () => {
      stats.connectionsOpen--;
      conns.delete(conn);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: o.host, port: o.port, backlog: 1024 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Errors after listening (EMFILE on accept…) must not crash the node; accept goes on.
  server.on("error", () => {
    stats.acceptErrors++;
  });

  const period = Math.min(
    MAX_SWEEP_MS,
    Math.max(
      MIN_SWEEP_MS,
      Math.floor(Math.min(o.headersTimeoutMs, o.requestTimeoutMs, o.keepAliveTimeoutMs) / 4),
    ),
  );
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const c of conns) c.check(now);
  }, period);
  sweep.unref();

  const addr = server.address();
  const bound =
    addr !== null && typeof addr === "object"
      ? { host: addr.address, port: addr.port }
      : { host: o.host, port: o.port };
  let closing: Promise<void> | null = null;

  return {
    address: () => ({ ...bound }),
    stats,
    close: () => {
      if (closing === null) {
        clearInterval(sweep);
        closing = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of conns) c.destroy();
      }
      return closing;
    },
  };
}
