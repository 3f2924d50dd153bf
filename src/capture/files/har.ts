import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import type { Header, HttpExchange } from "../../model/index.js";
import { isGzip } from "./jsonl.js";

/** Largest HAR file read (HAR is one JSON document, so it is read whole). */
export const MAX_HAR_BYTES = 512 * 1024 * 1024;

interface HarEntry {
  request?: {
    method?: unknown;
    url?: unknown;
    httpVersion?: unknown;
    headers?: unknown;
    postData?: { text?: unknown; mimeType?: unknown };
  };
  response?: { status?: unknown; headers?: unknown; content?: { text?: unknown; encoding?: unknown } };
  startedDateTime?: unknown;
  serverIPAddress?: unknown;
}

/** Reads a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/). */
export async function* readHar(file: string): AsyncGenerator<HttpExchange> {
  let buf = await readFile(file);
  if (await isGzip(file)) buf = gunzipSync(buf, { maxOutputLength: MAX_HAR_BYTES });
  if (buf.length > MAX_HAR_BYTES) throw new Error(`${file}: HAR larger than ${MAX_HAR_BYTES} bytes`);
  const doc = JSON.parse(buf.toString("utf8")) as { log?: { entries?: HarEntry[] } };
  const entries = doc.log?.entries;
  if (!Array.isArray(entries)) throw new Error(`${file}: not a HAR file (no log.entries)`);
  let i = 0;
  for (const e of entries) {
    i++;
    const rq = e.request;
    if (!rq || typeof rq.url !== "string") continue;
    let target = rq.url;
    let host: string | undefined;
    try {
      const u = new URL(rq.url);
      target = rq.url.slice(u.origin.length) || "/";
      host = u.host;
    } catch {
      // keep the URL as the target: absolute-form is still analysable
    }
    const headers = harHeaders(rq.headers);
    if (host !== undefined && !headers.some(([n]) => n.toLowerCase() === "host"))
      headers.unshift(["Host", host]);
    const ts = typeof e.startedDateTime === "string" ? Date.parse(e.startedDateTime) : Number.NaN;
    const rs = e.response;
    yield {
      id: `${file}#${i}`,
      request: {
        method: typeof rq.method === "string" ? rq.method : "GET",
        target,
        headers,
        body: typeof rq.postData?.text === "string" ? rq.postData.text : "",
      },
      ...(rs && typeof rs.status === "number" && rs.status > 0
        ? {
            response: {
              status: rs.status,
              headers: harHeaders(rs.headers),
              body:
                typeof rs.content?.text === "string"
                  ? rs.content.encoding === "base64"
                    ? Buffer.from(rs.content.text, "base64")
                    : rs.content.text
                  : "",
            },
          }
        : {}),
      ...(Number.isFinite(ts) ? { ts } : {}),
      ...(typeof e.serverIPAddress === "string" && e.serverIPAddress !== ""
        ? { server: { ip: e.serverIPAddress } }
        : {}),
      source: "har",
    };
  }
}

function harHeaders(h: unknown): Header[] {
  const out: Header[] = [];
  if (!Array.isArray(h)) return out;
  for (const x of h) {
    if (x && typeof x === "object" && typeof x.name === "string") out.push([x.name, String(x.value ?? "")]);
  }
  return out;
}
