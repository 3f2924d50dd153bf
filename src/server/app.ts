import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Registry } from "prom-client";
import type { Store } from "../store/types.js";
import { authHook, TouchThrottle } from "./auth.js";
import { ApiError, errorBody, toApiError } from "./errors.js";
import { FORMATS } from "./formats.js";
import { fastifyLoggerOptions, type LoggerDep } from "./logging.js";
import { apiMetrics, metricsHook } from "./metrics.js";
import { attackRoutes } from "./routes/attacks.js";
import type { RouteContext } from "./routes/context.js";
import { healthRoutes } from "./routes/health.js";
import { hitRoutes } from "./routes/hits.js";
import { metaRoutes } from "./routes/meta.js";
import { requestRoutes } from "./routes/requests.js";
import { statsRoutes } from "./routes/stats.js";
import { tokenRoutes } from "./routes/tokens.js";
import { SHARED_SCHEMAS } from "./schemas.js";
import { securityHeaders } from "./security-headers.js";

export interface AppDeps {
  readonly store: Store;
  /** The node's Prometheus registry, served at /metrics; the API adds its own metrics to it. */
  readonly registry?: Registry;
  /** Pino options or a pino logger; nothing (or false) logs nothing. */
  readonly logger?: LoggerDep;
  /** The node's version, shown in the OpenAPI document. */
  readonly version: string;
  /** The clock (ms since the epoch); tests pass a fixed one. */
  readonly now?: () => number;
  /** Largest request body accepted, in bytes (default 16 KiB: the API takes small JSON only). */
  readonly bodyLimit?: number;
  /** How long /readyz waits for the store (default 2 s). */
  readonly readyTimeoutMs?: number;
}

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly public: boolean;
  readonly role?: string;
  /** Hidden from the OpenAPI document. */
  readonly hidden: boolean;
}

const routeLists = new WeakMap<FastifyInstance, RouteInfo[]>();

/**
 * Every route the app registered (HEAD twins included), for tests that must cover all of
 * them (authentication, the OpenAPI document) without a list to keep up to date.
 */
export function registeredRoutes(app: FastifyInstance): readonly RouteInfo[] {
  return routeLists.get(app) ?? [];
}

/**
 * The REST API as a Fastify app, not listening (ARCHITECTURE.md principle 10): the node
 * calls `listen`, tests call `inject`. Plugins load on `ready()`, which both do.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const registry = deps.registry ?? new Registry();
  const ctx: RouteContext = {
    store: deps.store,
    registry,
    version: deps.version,
    now: deps.now ?? Date.now,
    readyTimeoutMs: deps.readyTimeoutMs ?? 2000,
  };

  const app = Fastify({
    ...fastifyLoggerOptions(deps.logger),
    bodyLimit: deps.bodyLimit ?? 16 * 1024,
    // Slow clients may not hold a connection forever.
    requestTimeout: 30_000,
    // The API is reached directly; nothing in front of it is trusted to name the client.
    trustProxy: false,
    // Longer than any valid id (128), so the id schema, not the router, rejects long ones.
    routerOptions: { maxParamLength: 256 },
    ajv: {
      customOptions: {
        // Unknown query parameters are errors, not silently dropped: a typo in a filter
        // name must not widen the result to everything.
        removeAdditional: false,
        coerceTypes: "array",
        allErrors: true,
        formats: FORMATS,
      },
    },
  });

  const routes: RouteInfo[] = [];
  routeLists.set(app, routes);
  app.addHook("onRoute", (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const config = (r.config ?? {}) as { public?: boolean; role?: string };
    const hide = (r.schema as { hide?: boolean } | undefined)?.hide === true;
    for (const method of methods) {
      routes.push({
        method: String(method),
        url: r.url,
        public: config.public === true,
        ...(config.role === undefined ? {} : { role: config.role }),
        hidden: hide,
      });
    }
  });

  for (const s of SHARED_SCHEMAS) app.addSchema(s);
  app.decorateRequest("auth", null);
  // The API takes JSON bodies only (token creation).
  app.removeContentTypeParser("text/plain");

  const metrics = apiMetrics(registry);
  app.addHook("onRequest", authHook({ store: deps.store, now: ctx.now, throttle: new TouchThrottle() }));
  app.addHook("onSend", securityHeaders);
  app.addHook("onResponse", metricsHook(metrics));

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const e = toApiError(err);
    // The original error (with its stack) goes to the log, never to the client.
    if (e.status >= 500) req.log.error({ err, code: e.code }, "request failed");
    else req.log.info({ code: e.code }, e.message);
    return reply.code(e.status).type("application/json; charset=utf-8").send(errorBody(e));
  });
  app.setNotFoundHandler((_req, reply) => {
    const e = new ApiError("not_found", "no such route");
    return reply.code(e.status).send(errorBody(e));
  });

  app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Mirrorwatch API",
        version: deps.version,
        description:
          "Attacks recorded from mirrored HTTP traffic. Every route except /healthz and /readyz needs " +
          "`Authorization: Bearer <token>` (create one with `mirrorwatch token create`).",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token (mw_…)." } },
      },
      security: [{ bearer: [] }],
    },
    // Shared schemas keep their names (`Hit`, `Attack`…) in components.schemas.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
  });
  app.register(async (scope) => {
    healthRoutes(scope, ctx);
    hitRoutes(scope, ctx);
    attackRoutes(scope, ctx);
    requestRoutes(scope, ctx);
    statsRoutes(scope, ctx);
    tokenRoutes(scope, ctx);
    metaRoutes(scope, ctx);
  });
  return app;
}
