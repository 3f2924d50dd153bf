import type { FastifyInstance } from "fastify";
import type { Role } from "../../model/index.js";
import { ApiError } from "../errors.js";
import {
  authErrors,
  createTokenBody,
  emptyQuery,
  idParams,
  notFound,
  tokenCreated,
  tokenList,
} from "../schemas.js";
import { createToken, TOKEN_NAME_MAX, validTokenName } from "../tokens.js";
import { isoTime, tokenView } from "../views.js";
import type { RouteContext } from "./context.js";

/** Token management: admins only. The secret is in the creation reply and nowhere else. */
export function tokenRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const admin = { role: "admin" } as const;

  app.get(
    "/api/v1/tokens",
    {
      config: admin,
      schema: {
        tags: ["tokens"],
        summary: "All tokens, without secrets or hashes.",
        querystring: emptyQuery,
        response: { 200: tokenList, ...authErrors },
      },
    },
    async () => ({ items: (await ctx.store.tokens()).map(tokenView) }),
  );

  app.post<{ Body: { name: string; role?: Role } }>(
    "/api/v1/tokens",
    {
      config: admin,
      schema: {
        tags: ["tokens"],
        summary: "Create a token; the reply holds its secret, shown this once.",
        querystring: emptyQuery,
        body: createTokenBody,
        response: { 201: tokenCreated, ...authErrors },
      },
    },
    async (req, reply) => {
      const { name, role = "viewer" } = req.body;
      if (!validTokenName(name)) {
        const m = `'name' must be 1–${TOKEN_NAME_MAX} printable characters without leading or trailing spaces`;
        throw new ApiError("invalid_request", m, [{ in: "body", field: "/name", message: m }]);
      }
      const { token, record } = await createToken(ctx.store, { name, role, now: ctx.now() });
      req.log.info({ tokenId: record.id, role: record.role, by: req.auth?.id }, "token created");
      return reply.code(201).send({
        token,
        id: record.id,
        name: record.name,
        role: record.role,
        createdAt: isoTime(record.createdAt),
      });
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/api/v1/tokens/:id",
    {
      config: admin,
      schema: {
        tags: ["tokens"],
        summary: "Revoke a token: it stops working at once.",
        params: idParams,
        querystring: emptyQuery,
        response: { 204: { type: "null", description: "Revoked." }, 404: notFound, ...authErrors },
      },
    },
    async (req, reply) => {
      const done = await ctx.store.revokeToken(req.params.id, ctx.now());
      if (!done) throw new ApiError("not_found", "no such active token");
      req.log.info({ tokenId: req.params.id, by: req.auth?.id }, "token revoked");
      return reply.code(204).send();
    },
  );
}
