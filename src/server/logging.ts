import type { FastifyBaseLogger } from "fastify";
import type { LoggerOptions } from "pino";

/**
 * Log redaction: whatever a serializer or a handler puts into a log line, credentials
 * never reach it. Fastify's request serializer logs no headers, but a custom one or a
 * debugging `log.info({ req: request.headers })` could; these paths cover both.
 */
export const REDACT_PATHS: readonly string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  "headers.authorization",
  "headers.cookie",
  "authorization",
  "token",
  "*.token",
  "hash",
  "*.hash",
];

const CENSOR = "[redacted]";

/** Either pino options or a ready logger; `false` (or nothing) for no logs. */
export type LoggerDep = LoggerOptions | FastifyBaseLogger | boolean;

function isLogger(x: unknown): x is FastifyBaseLogger {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as { child?: unknown }).child === "function" &&
    typeof (x as { info?: unknown }).info === "function"
  );
}

function mergedRedact(r: LoggerOptions["redact"]): { paths: string[]; censor: string } {
  const extra = r === undefined ? [] : Array.isArray(r) ? r : r.paths;
  return { paths: [...new Set([...REDACT_PATHS, ...extra])], censor: CENSOR };
}

/** Fastify options for the logger dependency, with redaction always on. */
export function fastifyLoggerOptions(
  dep: LoggerDep | undefined,
): { logger: boolean | LoggerOptions } | { loggerInstance: FastifyBaseLogger } {
  if (dep === undefined || dep === false) return { logger: false };
  if (dep === true) return { logger: { redact: mergedRedact(undefined) } };
  if (isLogger(dep)) {
    // A child of the caller's logger, with our redaction added to whatever it has.
    const child = (dep as unknown as import("pino").Logger).child(
      { component: "api" },
      { redact: mergedRedact(undefined) },
    );
    return { loggerInstance: child as unknown as FastifyBaseLogger };
  }
  return { logger: { ...dep, redact: mergedRedact(dep.redact) } };
}
