import type { FastifyInstance } from "fastify";
import type { StoredRequest } from "../../model/index.js";
import { curlCommand } from "../curl.js";
import { ApiError } from "../errors.js";
import { rawHttp } from "../raw-http.js";
import { authErrors, emptyQuery, idParams, notFound } from "../schemas.js";
import { requestView } from "../views.js";
import type { RouteContext } from "./context.js";

/** A text/plain 200 response, as OpenAPI 3 states a media type. */
function plainText(description: string) {
  return { description, content: { "text/plain": { schema: { type: "string" } } } } as const;
}

export function requestRoutes(app: FastifyInstance, ctx: RouteContext): void {
  async function load(id: string): Promise<StoredRequest> {
    const r = await ctx.store.request(id);
    if (r === undefined) throw new ApiError("not_found", "no such stored request");
    return r;
  }
  const errors = { 404: notFound, ...authErrors };

  app.get<{ Params: { id: string } }>(
    "/api/v1/requests/:id",
    {
      schema: {
        tags: ["requests"],
        summary: "A stored request (sensitive values masked).",
        params: idParams,
        querystring: emptyQuery,
        response: { 200: { $ref: "StoredRequest#" }, ...errors },
      },
    },
    async (req) => requestView(await load(req.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    "/api/v1/requests/:id/raw",
    {
      schema: {
        tags: ["requests"],
        summary: "A stored request as a raw HTTP/1.1 message (text/plain).",
        params: idParams,
        querystring: emptyQuery,
        response: { 200: plainText("The HTTP/1.1 message, CRLF line ends."), ...errors },
      },
    },
    async (req, reply) => {
      const r = await load(req.params.id);
      return reply.type("text/plain; charset=utf-8").send(rawHttp(r));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/api/v1/requests/:id/curl",
    {
      schema: {
        tags: ["requests"],
        summary: "A stored request as a cURL command for a POSIX shell (text/plain).",
        params: idParams,
        querystring: emptyQuery,
        response: { 200: plainText("The command line."), ...errors },
      },
    },
    async (req, reply) => {
      const r = await load(req.params.id);
      return reply.type("text/plain; charset=utf-8").send(curlCommand(r));
    },
  );
}
