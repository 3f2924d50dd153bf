import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import { type FilterQuery, type PageQuery, toHitFilter, toPage } from "../query.js";
import {
  attackDetail,
  attackDetailQuery,
  attackPage,
  attacksQuery,
  authErrors,
  idParams,
  notFound,
} from "../schemas.js";
import { attackView, hitView, requestView } from "../views.js";
import { pageView, type RouteContext } from "./context.js";

export function attackRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: FilterQuery & PageQuery }>(
    "/api/v1/attacks",
    {
      schema: {
        tags: ["attacks"],
        summary: "Attacks (hits grouped), most recent first, filtered and paged.",
        querystring: attacksQuery,
        response: { 200: attackPage, ...authErrors },
      },
    },
    async (req) => pageView(await ctx.store.attacks(toHitFilter(req.query), toPage(req.query)), attackView),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    "/api/v1/attacks/:id",
    {
      schema: {
        tags: ["attacks"],
        summary: "One attack with its newest hits and the stored request of the latest hit.",
        params: idParams,
        querystring: attackDetailQuery,
        response: { 200: attackDetail, 404: notFound, ...authErrors },
      },
    },
    async (req) => {
      const attack = await ctx.store.attack(req.params.id);
      if (attack === undefined) throw new ApiError("not_found", "no such attack");
      const hits = await ctx.store.hits({ attackId: attack.id }, toPage({ limit: req.query.limit ?? 50 }));
      const latest = hits.items[0];
      const request = latest === undefined ? undefined : await ctx.store.request(latest.requestId);
      return {
        attack: attackView(attack),
        hits: pageView(hits, hitView),
        ...(request === undefined ? {} : { request: requestView(request) }),
      };
    },
  );
}
