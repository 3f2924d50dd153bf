import type { Anomaly, Header, HttpExchange, StoredRequest } from "../model/index.js";
import type { Masker } from "./mask/index.js";

/** Default size of a stored body: enough for any form or API call, small for a flood. */
export const DEFAULT_MAX_BODY = 64 * 1024;
/** Stored headers (the listener bounds them too; this keeps one record bounded on its own). */
export const MAX_STORED_HEADERS = 256;
export const MAX_HEADER_VALUE = 8192;
export const MAX_STORED_TARGET = 16 * 1024;
/**
 * Extra text decoded past the limit before masking, so that a value straddling the limit
 * (a card number, a JSON string) is seen whole by the masker before the final cut.
 */
const MASK_SLACK = 256;

const decoder = new TextDecoder("utf-8", { fatal: false });

/** The part of a body stored as text: decoded UTF-8 (lossy), at most `max + slack` characters. */
export function bodyWindow(body: Uint8Array | string, max: number): { text: string; cut: boolean } {
  const limit = max + MASK_SLACK;
  if (typeof body === "string") {
    return body.length > limit ? { text: body.slice(0, limit), cut: true } : { text: body, cut: false };
  }
  if (body.length > limit) return { text: decoder.decode(body.subarray(0, limit)), cut: true };
  return { text: decoder.decode(body), cut: false };
}

/**
 * After masking, the final cut to `max` characters. When the window itself was cut, a
 * trailing run of digits, spaces and dashes is dropped too: it may be the first digits of
 * a card number that the masker could not see whole.
 */
export function finalCut(
  text: string,
  max: number,
  windowCut: boolean,
): { text: string; truncated: boolean } {
  let t = text;
  let truncated = windowCut;
  if (t.length > max) {
    t = t.slice(0, max);
    truncated = true;
  }
  if (truncated) {
    let i = t.length;
    let digits = 0;
    while (i > 0) {
      const c = t.charCodeAt(i - 1);
      if (c >= 48 && c <= 57) digits++;
      else if (c !== 32 && c !== 45) break;
      i--;
    }
    if (digits >= 6) t = t.slice(0, i);
  }
  return { text: t, truncated };
}

function boundHeaders(headers: readonly Header[]): Header[] {
  const out: Header[] = [];
  for (const [n, v] of headers.slice(0, MAX_STORED_HEADERS)) {
    out.push([n.slice(0, 256), v.length > MAX_HEADER_VALUE ? v.slice(0, MAX_HEADER_VALUE) : v]);
  }
  return out;
}

/**
 * What an exchange tells about its response and its tunnel, in the shape both the stored
 * request and each of its hits carry. Only fields the source saw are present: a response
 * with an empty body has `responseBytes: 0`, an exchange without a response has none.
 */
export interface ExchangeFacts {
  status?: number;
  responseBytes?: number;
  responseMs?: number;
  vni?: number;
  vlan?: number;
}

const MAX_VNI = 0xff_ffff;
const MAX_VLAN = 4095;
const MAX_TUNNEL = 256;

/** Bytes, as on the wire: a text body counts its UTF-8 length (counted, not copied). */
function bodyBytes(body: Uint8Array | string): number {
  return typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;
}

const isId = (v: unknown, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;

export function exchangeFacts(ex: HttpExchange): ExchangeFacts {
  const out: ExchangeFacts = {};
  const res = ex.response;
  if (res !== undefined) {
    if (Number.isInteger(res.status)) out.status = res.status;
    const wire = res.wireBytes;
    out.responseBytes =
      wire !== undefined && Number.isSafeInteger(wire) && wire >= 0 ? wire : bodyBytes(res.body);
    if (res.ts !== undefined && ex.ts !== undefined) {
      const ms = res.ts - ex.ts;
      // Capture clocks are per packet: a response stamped before its request (reordered
      // mirror copies) took no measurable time rather than a negative one. Microseconds
      // are the finest unit pcap records.
      if (Number.isFinite(ms)) out.responseMs = ms <= 0 ? 0 : Math.round(ms * 1000) / 1000;
    }
  }
  const t = ex.tunnel;
  if (t !== undefined) {
    if (isId(t.vni, MAX_VNI)) out.vni = t.vni;
    if (isId(t.vlan, MAX_VLAN)) out.vlan = t.vlan;
  }
  return out;
}

export interface RequestMeta {
  readonly id: string;
  readonly ts: number;
  readonly clientIp: string;
  readonly host: string;
  readonly method: string;
}

/** The stored copy of an exchange's request: bounded, masked, body as text. */
export function storedRequest(
  ex: HttpExchange,
  meta: RequestMeta,
  hitPoints: readonly string[],
  masker: Masker,
  maxBody: number,
): StoredRequest {
  const req = ex.request;
  const win = bodyWindow(req.body, maxBody);
  const parts = masker.request(
    {
      target: req.target.slice(0, MAX_STORED_TARGET + MASK_SLACK),
      headers: boundHeaders(req.headers),
      body: win.text,
    },
    hitPoints,
  );
  const body = finalCut(parts.body, maxBody, win.cut);
  const anomalies: readonly Anomaly[] = ex.anomalies ?? [];
  const out: { -readonly [K in keyof StoredRequest]: StoredRequest[K] } = {
    id: meta.id,
    ts: meta.ts,
    method: meta.method,
    target: parts.target.length > MAX_STORED_TARGET ? parts.target.slice(0, MAX_STORED_TARGET) : parts.target,
    httpVersion: (req.httpVersion ?? "1.1").slice(0, 16),
    headers: parts.headers,
    body: body.text,
    bodyTruncated: body.truncated || anomalies.some((a) => a.code === "body_truncated"),
    clientIp: meta.clientIp,
    scheme: (ex.scheme ?? "http").slice(0, 16),
    host: meta.host,
    source: (ex.source ?? "unknown").slice(0, 256),
    anomalies: anomalies.slice(0, 64),
  };
  if (ex.client?.port !== undefined) out.clientPort = ex.client.port;
  if (ex.server?.ip !== undefined) out.serverIp = ex.server.ip.slice(0, 64);
  if (ex.server?.port !== undefined) out.serverPort = ex.server.port;
  if (ex.requestId !== undefined) out.sourceRequestId = ex.requestId.slice(0, 256);
  const facts = exchangeFacts(ex);
  if (facts.status !== undefined) out.status = facts.status;
  if (facts.responseBytes !== undefined) out.responseBytes = facts.responseBytes;
  if (facts.responseMs !== undefined) out.responseMs = facts.responseMs;
  if (ex.tunnel !== undefined && typeof ex.tunnel.id === "string" && ex.tunnel.id !== "") {
    out.tunnel = ex.tunnel.id.slice(0, MAX_TUNNEL);
  }
  if (facts.vni !== undefined) out.vni = facts.vni;
  if (facts.vlan !== undefined) out.vlan = facts.vlan;
  return out;
}

/** The path of a request-target (RFC 9112 §3.2): origin-form, absolute-form, `*`. */
export function targetPath(target: string): string {
  let p = target;
  if (!p.startsWith("/")) {
    const scheme = p.indexOf("://");
    if (scheme !== -1 && scheme < 16) {
      const slash = p.indexOf("/", scheme + 3);
      p = slash === -1 ? "/" : p.slice(slash);
    }
  }
  const q = p.indexOf("?");
  if (q !== -1) p = p.slice(0, q);
  const h = p.indexOf("#");
  if (h !== -1) p = p.slice(0, h);
  return p.length > 8192 ? p.slice(0, 8192) : p;
}
