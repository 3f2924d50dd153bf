import { BREAK_REAL, type BreakRun, newRun, nextBreak } from "../crlf/breaks.js";
import type { DetectorMatch } from "../types.js";

/**
 * Redis command injection through line breaks (typically via gopher:// or a proxy that
 * forwards a value to a Redis socket). Redis reads both the RESP protocol (`*3\r\n$3\r\n
 * SET…`, redis.io "RESP protocol spec") and inline commands, one per line. Only commands
 * that change the server or exfiltrate are conclusive on their own; others need company.
 */

const STRONG: readonly string[] = [
  "CONFIG SET ",
  "FLUSHALL",
  "FLUSHDB",
  "SLAVEOF ",
  "REPLICAOF ",
  "MODULE LOAD ",
  "SCRIPT LOAD ",
  "DEBUG SEGFAULT",
];
const WEAK: readonly string[] = [
  "SET ",
  "GET ",
  "KEYS ",
  "DEL ",
  "EVAL ",
  "SAVE",
  "BGSAVE",
  "INFO",
  "AUTH ",
  "PING",
  "QUIT",
];

const run: BreakRun = newRun();

function startsAny(v: string, i: number, list: readonly string[]): boolean {
  for (const w of list) if (v.startsWith(w, i)) return true;
  return false;
}

/** RESP array header `*N` CRLF `$L` at `i`. */
function respAt(v: string, i: number): boolean {
  if (v.charCodeAt(i) !== 42) return false;
  let j = i + 1;
  const s = j;
  while (j < v.length && j - s < 3 && v.charCodeAt(j) >= 48 && v.charCodeAt(j) <= 57) j++;
  if (j === s) return false;
  if (v.charCodeAt(j) === 13) j++;
  if (v.charCodeAt(j) !== 10) return false;
  return v.charCodeAt(j + 1) === 36 && v.charCodeAt(j + 2) >= 48 && v.charCodeAt(j + 2) <= 57;
}

/**
 * A break followed by `*<digit>` or an upper-case command word: one native pass that
 * spares the line walk for ordinary multi-line text. A superset of what findRedis needs.
 */
const CANDIDATE = /^\*\d|[\r\n](?:\*\d|[A-Z]{3})/;

export function findRedis(v: string): DetectorMatch | null {
  if (!CANDIDATE.test(v)) return null;
  if (respAt(v, 0)) return { signature: "nosqli.redis-resp", start: 0, end: 4 };
  let from = 0;
  let weak = 0;
  for (let k = 0; k < 32 && nextBreak(v, from, run); k++) {
    from = run.end;
    if (run.kind !== BREAK_REAL) continue;
    const p = run.end;
    if (respAt(v, p)) return { signature: "nosqli.redis-resp", start: run.start, end: p + 4 };
    if (startsAny(v, p, STRONG)) return { signature: "nosqli.redis-command", start: run.start, end: p + 8 };
    if (startsAny(v, p, WEAK) && ++weak >= 2)
      return { signature: "nosqli.redis-command", start: run.start, end: p + 4 };
  }
  return null;
}
