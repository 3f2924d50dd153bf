import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Headers on every API response. The API serves data an attacker wrote (payloads, raw
 * requests), so nothing of it may be cached, sniffed into HTML, framed or run as a page;
 * and it sends no CORS headers, so browsers keep other origins out.
 */
const HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
};

export async function securityHeaders(
  _req: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  reply.headers(HEADERS);
  return payload;
}
