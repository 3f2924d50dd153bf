import type { FastifyReply, FastifyRequest } from "fastify";
import { Counter, Histogram, type Registry } from "prom-client";

/**
 * API-side metrics, added to the node's registry: requests and latency by route. Label
 * values are bounded: the route is the registered template (`/api/v1/attacks/:id`) or
 * `unmatched`, the method one of a fixed list or `other`, so no client can grow the
 * series without bound.
 */

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export interface ApiMetrics {
  readonly requests: Counter<"method" | "route" | "status">;
  readonly duration: Histogram<"method" | "route">;
}

/** The metric of that name if the registry has it (a second app on one registry), else a new one. */
function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

export function apiMetrics(registry: Registry): ApiMetrics {
  const requests =
    existing<Counter<"method" | "route" | "status">>(registry, "mirrorwatch_api_requests_total") ??
    new Counter({
      name: "mirrorwatch_api_requests_total",
      help: "API requests answered, by method, route and status.",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    });
  const duration =
    existing<Histogram<"method" | "route">>(registry, "mirrorwatch_api_request_duration_seconds") ??
    new Histogram({
      name: "mirrorwatch_api_request_duration_seconds",
      help: "API response time in seconds, by method and route.",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  return { requests, duration };
}

export function metricsHook(m: ApiMetrics) {
  return async function observe(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const method = METHODS.has(req.method) ? req.method : "other";
    const route = req.is404 ? "unmatched" : (req.routeOptions.url ?? "unmatched");
    m.requests.inc({ method, route, status: String(reply.statusCode) });
    m.duration.observe({ method, route }, reply.elapsedTime / 1000);
  };
}
