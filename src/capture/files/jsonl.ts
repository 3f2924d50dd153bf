import type { Header, HttpExchange } from "../../model/index.js";

/**
 * The labelled-request JSONL format (plain or gzip): `{id, method, target, headers:
 * [[name, value]…], body}`; label fields are ignored. Lines are cut and batched by the
 * pipeline (src/pipeline/line-batcher.ts) so that parsing runs in the worker threads.
 */

/** Longest JSONL line accepted; a longer one is skipped with a warning. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** Parses one record; returns an error message for a malformed one. */
export function parseJsonlRecord(line: string, fallbackId: string): HttpExchange | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch (e) {
    return `not JSON: ${(e as Error).message.slice(0, 120)}`;
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) return "not a JSON object";
  const r = o as Record<string, unknown>;
  const target = typeof r.target === "string" ? r.target : typeof r.url === "string" ? r.url : undefined;
  if (target === undefined) return 'missing "target"';
  const headers: Header[] = [];
  if (Array.isArray(r.headers)) {
    for (const h of r.headers) {
      if (Array.isArray(h) && h.length >= 2 && typeof h[0] === "string")
        headers.push([h[0], String(h[1] ?? "")]);
    }
  } else if (r.headers !== null && typeof r.headers === "object") {
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) headers.push([k, String(v)]);
  }
  const id = typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : fallbackId;
  return {
    id,
    request: {
      method: typeof r.method === "string" ? r.method : "GET",
      target,
      headers,
      body: typeof r.body === "string" ? r.body : "",
    },
  };
}

export async function isGzip(file: string): Promise<boolean> {
  const { open } = await import("node:fs/promises");
  const fh = await open(file, "r");
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
