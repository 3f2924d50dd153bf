import type { FastifyInstance } from "fastify";
import { authErrors, emptyQuery } from "../schemas.js";
import type { RouteContext } from "./context.js";

/**
 * The OpenAPI document and the Prometheus metrics. Both sit behind a token like the rest
 * of the API: the issue asks for authentication on everything but the two probes, and
 * keeping that rule without exceptions is what lets a test enumerate every route and
 * prove none is open. Prometheus sends `Authorization: Bearer` from its scrape config
 * (`authorization: { credentials_file: … }`), so /metrics loses nothing by it.
 */
export function metaRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    "/api/v1/openapi.json",
    {
      schema: {
        tags: ["meta"],
        summary: "This API's OpenAPI 3 document.",
        querystring: emptyQuery,
        response: { 200: { type: "object", additionalProperties: true }, ...authErrors },
      },
    },
    async () => app.swagger(),
  );

  app.get(
    "/metrics",
    {
      schema: {
        tags: ["meta"],
        summary: "Metrics in the Prometheus text format.",
        querystring: emptyQuery,
        response: {
          200: {
            description: "Prometheus exposition format.",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          ...authErrors,
        },
      },
    },
    async (_req, reply) => {
      const body = await ctx.registry.metrics();
      return reply.type(ctx.registry.contentType).send(body);
    },
  );
}
