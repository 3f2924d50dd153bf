import type { FastifyReply, FastifyRequest } from "fastify";
import type { Role, TokenRecord } from "../model/index.js";
import type { Store } from "../store/types.js";
import { ApiError } from "./errors.js";
import { hashToken, isTokenShaped, sameHash } from "./tokens.js";

/**
 * Bearer-token authentication (RFC 6750 §2.1) on every route, unless the route is marked
 * `config: { public: true }` (only /healthz and /readyz are). The check runs as a global
 * onRequest hook, so a route added later is authenticated by default and unknown paths
 * answer 401 rather than revealing which paths exist.
 */

declare module "fastify" {
  interface FastifyContextConfig {
    /** Served without a token (health probes only). */
    public?: boolean;
    /** The least role allowed (default: viewer). */
    role?: Role;
  }
  interface FastifyRequest {
    /** The token that authenticated this request (absent on public routes). */
    auth: TokenRecord | null;
  }
}

/** Roles by power: each can do what the ones before it can. */
const RANK: Readonly<Record<Role, number>> = { viewer: 0, analyst: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  const h = RANK[have] as number | undefined;
  return h !== undefined && h >= RANK[need];
}

/** Longest Authorization header read: a token is 46 characters. */
const MAX_AUTHORIZATION = 512;
const REALM = 'Bearer realm="mirrorwatch"';

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235 §2.1). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > MAX_AUTHORIZATION) return undefined;
  const sp = header.indexOf(" ");
  if (sp === -1 || header.slice(0, sp).toLowerCase() !== "bearer") return undefined;
  const token = header.slice(sp + 1).trim();
  return token === "" ? undefined : token;
}

/** Records a token's last use at most once per interval, so reads do not turn into writes. */
export class TouchThrottle {
  private readonly last = new Map<string, number>();
  constructor(private readonly intervalMs = 60_000) {}
  due(id: string, now: number): boolean {
    const prev = this.last.get(id);
    if (prev !== undefined && now - prev < this.intervalMs && now >= prev) return false;
    // Tokens are few; the bound only guards against a store handing out endless ids.
    if (this.last.size >= 10_000) this.last.clear();
    this.last.set(id, now);
    return true;
  }
}

export interface AuthDeps {
  readonly store: Store;
  readonly now: () => number;
  readonly throttle: TouchThrottle;
}

function unauthorized(reply: FastifyReply, presented: boolean, message: string): ApiError {
  // RFC 6750 §3: a 401 names the scheme; `invalid_token` when a token was sent.
  reply.header("WWW-Authenticate", presented ? `${REALM}, error="invalid_token"` : REALM);
  return new ApiError("unauthorized", message);
}

export function authHook(deps: AuthDeps) {
  return async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const config = req.routeOptions.config;
    if (config?.public === true) return;
    const raw = req.headers.authorization;
    const token = bearerToken(raw);
    if (token === undefined) {
      throw unauthorized(
        reply,
        raw !== undefined,
        "authentication required: send Authorization: Bearer <token>",
      );
    }
    // Hash first, then look up: the store only ever sees hashes, and a token that is not
    // even shaped like one costs no lookup.
    const hash = hashToken(token);
    const record = isTokenShaped(token) ? await deps.store.tokenByHash(hash) : undefined;
    if (record === undefined || !sameHash(record.hash, hash) || record.revokedAt !== undefined) {
      throw unauthorized(reply, true, "invalid or revoked token");
    }
    const need = config?.role ?? "viewer";
    if (!roleAllows(record.role, need)) throw new ApiError("forbidden", `this needs the ${need} role`);
    req.auth = record;
    const now = deps.now();
    if (deps.throttle.due(record.id, now)) {
      // Last-use bookkeeping must never fail the request it describes.
      await deps.store.touchToken(record.id, now).catch((err: unknown) => {
        req.log.warn({ err, tokenId: record.id }, "could not record token use");
      });
    }
  };
}
