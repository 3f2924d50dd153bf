import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { Header, HttpExchange } from "../../model/index.js";

/** A line that could not be turned into an exchange: reported, never fatal. */
export interface InputWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Longest JSONL line accepted; a longer one is skipped with a warning. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Reads the labelled-request JSONL format (plain or gzip, detected by magic bytes):
 * `{id, method, target, headers: [[name, value]…], body}`; label fields are ignored.
 */
export async function* readJsonl(file: string, onWarning: (w: InputWarning) => void): AsyncGenerator<HttpExchange> {
  const gz = await isGzip(file);
  const raw = createReadStream(file);
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  raw.on("error", (e) => stream.destroy(e));
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.length === 0 || line.trim().length === 0) continue;
    if (line.length > MAX_LINE_CHARS) {
      onWarning({ file, line: n, message: "line too long, skipped" });
      continue;
    }
    const ex = parseJsonlRecord(line, `${file}:${n}`);
    if (typeof ex === "string") onWarning({ file, line: n, message: ex });
    else yield ex;
  }
}

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
      if (Array.isArray(h) && h.length >= 2 && typeof h[0] === "string") headers.push([h[0], String(h[1] ?? "")]);
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
