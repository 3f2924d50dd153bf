/**
 * The node's structured JSON logs (pino). Secrets never reach a log line: the paths below
 * are censored whatever a caller passes, and the code never logs the mirror secret, a
 * token or a request's headers in the first place — this is the second line of defence.
 */
import { type DestinationStream, type Logger, pino } from "pino";

export const NODE_REDACT_PATHS: readonly string[] = [
  "secret",
  "*.secret",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  'headers["x-mirrorwatch-secret"]',
  'req.headers["x-mirrorwatch-secret"]',
];

export function createNodeLogger(level: string, destination?: DestinationStream): Logger {
  const opts = {
    level,
    base: { service: "mirrorwatch", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...NODE_REDACT_PATHS], censor: "[redacted]" },
  };
  return destination === undefined ? pino(opts) : pino(opts, destination);
}

/**
 * Repeated problems (a worker crash loop, a failing disk) log the first few times per
 * message and minute, then a count: the log must not become the next outage.
 */
export class LogLimiter {
  private readonly seen = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly perMinute = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to log this one; `suppressed` is how many were skipped since the last logged one. */
  allow(key: string): { ok: boolean; suppressed: number } {
    const t = this.now();
    let s = this.seen.get(key);
    if (s === undefined || t - s.windowStart >= 60_000) {
      const suppressed = s === undefined ? 0 : Math.max(0, s.count - this.perMinute);
      if (this.seen.size > 1000) this.seen.clear();
      s = { windowStart: t, count: 0 };
      this.seen.set(key, s);
      s.count++;
      return { ok: true, suppressed };
    }
    s.count++;
    return { ok: s.count <= this.perMinute, suppressed: 0 };
  }
}
