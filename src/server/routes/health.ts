import type { FastifyInstance } from "fastify";
import { healthReply } from "../schemas.js";
import type { RouteContext } from "./context.js";

/** Resolves to false when `p` rejects or does not settle within `ms`. */
async function answersWithin(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then((ok) => ok === true).catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes, the only routes served without a token: liveness says the process answers,
 * readiness that the store does too. Neither tells anything about the data.
 */
export function healthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    "/healthz",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        summary: "Liveness: 200 while the node is up.",
        security: [],
        response: { 200: healthReply },
      },
    },
    async () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      config: { public: true },
      schema: {
        tags: ["health"],
        summary: "Readiness: 200 when the store answers, else 503.",
        security: [],
        response: { 200: healthReply, 503: healthReply },
      },
    },
    async (_req, reply) => {
      const ok = await answersWithin(
        Promise.resolve().then(() => ctx.store.ping()),
        ctx.readyTimeoutMs,
      );
      if (!ok) return reply.code(503).send({ status: "unavailable" });
      return { status: "ready" };
    },
  );
}
