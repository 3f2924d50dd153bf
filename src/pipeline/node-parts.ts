/**
 * The parts the node wires together, behind one object so that `startNode` can be run
 * with other implementations in tests. `NODE_PARTS` holds the real ones.
 *
 * The shapes below are the subset of each part's interface the node uses.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { startMirrorListener } from "../capture/http-mirror/index.js";
import type { PacketConfig } from "../config/index.js";
import { type ExclusionRule, Exclusions } from "../events/exclusions.js";
import { EventRecorder, startRetention } from "../events/index.js";
import type { Hit, HttpExchange, Role, TokenRecord } from "../model/index.js";
import { buildApp, createToken } from "../server/index.js";
import { openSqliteStore } from "../store/index.js";
import type { Store } from "../store/types.js";
import type { ListenerCounts, RecorderCounts } from "./metrics.js";
import { type PacketSourceDeps, type PacketSources, startPacketSources } from "./packet-sources.js";

/** events/: hits → attacks → store batches. */
export interface RecorderPart {
  record(exchange: HttpExchange, hits: readonly Hit[]): boolean;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly counters: RecorderCounts;
}

export interface RecorderPartOptions {
  readonly store: Pick<Store, "write" | "findOpenAttack">;
  readonly maxBodyBytes?: number;
  readonly grouping?: { readonly windowMs?: number };
  readonly sampling?: { readonly limit?: number };
  readonly masking?: { readonly enabled?: boolean; readonly extraNames?: readonly string[] };
  /** Rules of hits ruled out as false positives (config `events.exclusions`). */
  readonly exclusions?: readonly ExclusionRule[];
  readonly onWrite?: (o: { readonly ms: number; readonly ok: boolean }) => void;
  readonly onError?: (e: unknown) => void;
}

/** events/: pruning of old hits. */
export interface RetentionPart {
  stop(): Promise<void>;
}

export interface RetentionPartOptions {
  readonly store: Pick<Store, "prune">;
  readonly maxAgeDays: number;
  readonly intervalMs: number;
  readonly onPrune?: (deleted: number, before: number) => void;
  readonly onError?: (e: unknown) => void;
}

/** capture/http-mirror: the listener mirror sources send copies of requests to. */
export interface MirrorListenerPart {
  address(): { host: string; port: number };
  close(): Promise<void>;
  readonly stats: ListenerCounts;
}

export interface MirrorListenerPartOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly trustedProxies: readonly string[];
  readonly secret?: string;
  readonly secretHeader: string;
  readonly proxyProtocol: "off" | "auto" | "required";
  readonly maxConnections: number;
  /** Asked before a request is turned into an exchange: false sheds it unbuilt. */
  readonly admit?: () => boolean;
  readonly onExchange: (exchange: HttpExchange) => void;
}

export interface AppPartDeps {
  readonly store: Store;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly version: string;
}

export interface NodeParts {
  /**
   * Opens (creating and migrating) the store in this file. `worker`: run the database on
   * worker threads, so that big writes and queries never stall the listener's event loop
   * (the node); short-lived commands leave it off.
   */
  openStore(file: string, options: { readonly worker: boolean }): Promise<Store>;
  createRecorder(options: RecorderPartOptions): RecorderPart;
  startRetention(options: RetentionPartOptions): RetentionPart;
  buildApp(deps: AppPartDeps): FastifyInstance;
  startMirrorListener(options: MirrorListenerPartOptions): Promise<MirrorListenerPart>;
  /** VXLAN/GENEVE listeners and live capture, each with its packet path. */
  startPacketSources(config: PacketConfig, deps: PacketSourceDeps): Promise<PacketSources>;
  createToken(
    store: Store,
    options: { readonly name: string; readonly role: Role; readonly now: number },
  ): Promise<{ token: string; record: TokenRecord }>;
}

/** The real parts. */
export const NODE_PARTS: NodeParts = {
  openStore: (file, { worker }) => openSqliteStore({ file, worker }),
  createRecorder: ({ exclusions, ...options }) =>
    new EventRecorder({
      ...options,
      ...(exclusions === undefined || exclusions.length === 0
        ? {}
        : { exclusions: new Exclusions(exclusions) }),
    }),
  startRetention: (options) => startRetention(options),
  buildApp: (deps) => buildApp(deps),
  startMirrorListener: (options) => startMirrorListener(options),
  startPacketSources: (config, deps) => startPacketSources(config, deps),
  createToken: (store, o) => createToken(store, o),
};
