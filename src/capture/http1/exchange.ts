import type { Anomaly } from "../../model/anomalies.js";
import type { Endpoint, HttpExchange, HttpRequest, HttpResponse, TunnelInfo } from "../../model/http.js";
import { decodeContent } from "./content-decoding.js";
import type { Http1Counters } from "./counters.js";
import type { MessageHead } from "./head.js";
import type { ParsedMessage } from "./message-reader.js";

/** Where an exchange came from, the same for every exchange of a flow. */
export interface ExchangeContext {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly source: string;
  readonly tunnel: TunnelInfo | undefined;
  readonly maxDecodedBytes: number;
  /** Http1Options.decodeResponses. */
  readonly decodeResponses: boolean;
  readonly counters: Http1Counters;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The authority of an absolute-form target (`http://host:port/path`, RFC 9112 §3.2.2), or undefined. */
function authorityOf(target: string): string | undefined {
  const scheme = target.indexOf("://");
  if (scheme <= 0 || scheme > 16) return undefined;
  let end = target.length;
  for (let i = scheme + 3; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const auth = target.slice(scheme + 3, end);
  const at = auth.lastIndexOf("@");
  return at >= 0 ? auth.slice(at + 1) : auth;
}

function hostOf(head: MessageHead): string | undefined {
  let host: string | undefined;
  for (const [n, v] of head.headers) {
    if (n.length === 4 && n.toLowerCase() === "host") {
      host = v;
      break;
    }
  }
  const h = (host ?? authorityOf(head.target))?.trim();
  return h === undefined || h === "" ? undefined : h.toLowerCase();
}

function bodyOf(msg: ParsedMessage, anomalies: Anomaly[], ctx: ExchangeContext): Uint8Array {
  const enc = msg.head.contentEncoding;
  if (enc === "") return msg.body;
  return decodeContent(
    msg.body,
    enc,
    ctx.maxDecodedBytes,
    msg.truncated || !msg.complete,
    anomalies,
    ctx.counters,
  );
}

/**
 * One request, its response when it was seen, and `extra` anomalies of the flow (gaps,
 * timeouts), as the HttpExchange every later stage reads. Response anomalies are told
 * apart by a `response: ` prefix on their detail.
 */
export function buildExchange(
  id: string,
  req: ParsedMessage,
  resp: ParsedMessage | null,
  extra: readonly Anomaly[] | null,
  ctx: ExchangeContext,
): HttpExchange {
  const head = req.head;
  const reqAnomalies = head.anomalies;
  const reqBody = bodyOf(req, reqAnomalies, ctx);
  const request: Mutable<HttpRequest> = {
    method: head.method,
    target: head.target,
    headers: head.headers,
    body: reqBody,
  };
  if (head.version !== "") request.httpVersion = head.version;
  const ex: Mutable<HttpExchange> = {
    id,
    request,
    client: ctx.client,
    server: ctx.server,
    ts: req.tsStart,
    source: ctx.source,
    scheme: "http",
  };
  const host = hostOf(head);
  if (host !== undefined) ex.host = host;
  if (ctx.tunnel !== undefined) ex.tunnel = ctx.tunnel;
  let anomalies: Anomaly[] | null = reqAnomalies.length > 0 ? reqAnomalies.slice() : null;
  if (resp !== null) {
    const rh = resp.head;
    const respAnomalies = rh.anomalies;
    const decode = ctx.decodeResponses || rh.contentEncoding === "";
    const body = decode ? bodyOf(resp, respAnomalies, ctx) : resp.body;
    const response: Mutable<HttpResponse> = {
      status: rh.status,
      headers: rh.headers,
      body,
      httpVersion: rh.version,
      wireBytes: resp.wireBytes,
      ts: resp.tsEnd,
    };
    if (rh.reason !== "") response.reason = rh.reason;
    if (!decode) response.contentEncoding = rh.contentEncoding;
    ex.response = response;
    for (const a of respAnomalies) {
      anomalies ??= [];
      anomalies.push({ code: a.code, detail: `response: ${a.detail ?? a.code}` });
    }
  }
  if (extra !== null && extra.length > 0) {
    anomalies ??= [];
    for (const a of extra) anomalies.push(a);
  }
  if (anomalies !== null) ex.anomalies = anomalies;
  return ex;
}
