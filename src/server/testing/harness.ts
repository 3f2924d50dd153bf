import { after, before } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { Registry } from "prom-client";
import type { Store } from "../../store/types.js";
import { type AppDeps, buildApp } from "../app.js";
import { createToken } from "../tokens.js";
import { buildFixture, type Fixture, fixtureBatch, HIT_COUNT, STEP_MS, T0 } from "./fixtures.js";

/** An opened store and how to get rid of it (close, delete its files). */
export interface StoreHandle {
  readonly store: Store;
  dispose(): Promise<void>;
}

/** Makes a fresh, opened, empty store: the API suite runs over any Store through this. */
export type StoreFactory = () => Promise<StoreHandle>;

export interface Harness {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly registry: Registry;
  readonly data: Fixture;
  /** Secrets of seeded tokens, one per role, plus a revoked one. */
  readonly tokens: {
    readonly admin: string;
    readonly analyst: string;
    readonly viewer: string;
    readonly revoked: string;
  };
  /** The fixed clock the app sees. */
  readonly clock: { now: number };
  /** GET with the given token (the viewer's by default; `null` for none). */
  get(url: string, token?: string | null): Promise<LightMyRequestResponse>;
  /** GET returning the parsed JSON body, asserting nothing. */
  json<T = unknown>(url: string, token?: string | null): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Just after the last fixture hit. */
export const FIXTURE_NOW = T0 + HIT_COUNT * STEP_MS;

export async function startHarness(
  factory: StoreFactory,
  options: { seed?: boolean; deps?: Partial<AppDeps> } = {},
): Promise<Harness> {
  const handle = await factory();
  const { store } = handle;
  const data = buildFixture();
  if (options.seed !== false) await store.write(fixtureBatch(data));
  const clock = { now: FIXTURE_NOW };
  const mk = async (name: string, role: "admin" | "analyst" | "viewer") =>
    (await createToken(store, { name, role, now: T0 })).token;
  const admin = await mk("admin", "admin");
  const analyst = await mk("analyst", "analyst");
  const viewer = await mk("viewer", "viewer");
  const revokedToken = await createToken(store, { name: "old", role: "admin", now: T0 });
  await store.revokeToken(revokedToken.record.id, T0 + 1);
  const registry = new Registry();
  const app = buildApp({ store, registry, version: "0.0.0-test", now: () => clock.now, ...options.deps });
  await app.ready();
  const get = (url: string, token: string | null = viewer) =>
    app.inject({ method: "GET", url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return {
    app,
    store,
    registry,
    data,
    tokens: { admin, analyst, viewer, revoked: revokedToken.token },
    clock,
    get,
    async json<T>(url: string, token?: string | null) {
      const r = await get(url, token);
      return { status: r.statusCode, body: r.json() as T };
    },
    async close() {
      await app.close();
      await handle.dispose();
    },
  };
}

/** Starts a harness before the enclosing describe's tests and closes it after them. */
export function useHarness(
  factory: StoreFactory,
  options?: { seed?: boolean; deps?: Partial<AppDeps> },
): () => Harness {
  let h: Harness | undefined;
  before(async () => {
    h = await startHarness(factory, options);
  });
  after(async () => {
    await h?.close();
  });
  return () => {
    if (h === undefined) throw new Error("harness not started");
    return h;
  };
}

/**
 * A store whose chosen methods are replaced, everything else passed through: for
 * failure paths (ping failing, a store error) on any Store implementation.
 */
export function withOverrides(store: Store, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof Store];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
