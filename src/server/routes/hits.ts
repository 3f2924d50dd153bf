import type { FastifyInstance } from "fastify";
import { type FilterQuery, type PageQuery, toHitFilter, toPage } from "../query.js";
import { authErrors, hitPage, hitsQuery } from "../schemas.js";
import { hitView } from "../views.js";
import { pageView, type RouteContext } from "./context.js";

export type HitsQuery = FilterQuery & PageQuery & { readonly attack?: string };

export function hitRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: HitsQuery }>(
    "/api/v1/hits",
    {
      schema: {
        tags: ["hits"],
        summary: "Stored hits, newest first, filtered and paged.",
        querystring: hitsQuery,
        response: { 200: hitPage, ...authErrors },
      },
    },
    async (req) => {
      const q = req.query;
      const filter = toHitFilter(q, q.attack === undefined ? {} : { attackId: q.attack });
      return pageView(await ctx.store.hits(filter, toPage(q)), hitView);
    },
  );
}
