/**
 * What crosses between the node's main thread and its analysis workers.
 *
 * The main thread serves the mirror listener, so it must do as little as possible per
 * exchange, and hold as little as possible while exchanges wait: every object a queued
 * exchange keeps alive is copied by each young-generation GC it survives, and those pauses
 * are the listener's latency. So an exchange is flattened as soon as it is queued
 * (BatchBuilder): its strings go into one string per batch (with their lengths), its
 * numbers into one Float64Array, its byte body into one ArrayBuffer. A sealed batch is a
 * handful of objects however many exchanges it holds; posting it copies one string and
 * transfers three buffers (structured clone would otherwise walk every header of every
 * request, and copy a typed array's *whole* underlying buffer, often a pooled slab).
 *
 * The worker rebuilds the exchanges, analyses them, and answers with the time each took
 * and, only for those with hits, the whole exchange (analysis anomalies added) and its
 * hits: the main thread keeps nothing of an exchange once it is queued.
 */
import type { Engine } from "../analysis/index.js";
import type {
  Anomaly,
  AnomalyCode,
  Endpoint,
  Header,
  Hit,
  HttpExchange,
  HttpRequest,
  HttpResponse,
  TunnelInfo,
} from "../model/index.js";

/** Length marking an optional string that is not there (an empty string has length 0). */
const ABSENT = 0xffffffff;

// Numbers kept per exchange, at these offsets in `nums`.
const N_HEADERS = 0;
const N_ANOMALIES = 1;
/** NaN when absent. */
const N_TS = 2;
const N_CLIENT_PORT = 3;
const N_SERVER_PORT = 4;
const N_BODY_OFFSET = 5;
/** -1: the body is text, in the strings. */
const N_BODY_LENGTH = 6;
const NUMS_PER = 7;

export interface WireBatch {
  /** Exchanges in the batch. */
  readonly n: number;
  /** Every string of every exchange, back to back (see BatchBuilder.add for the order). */
  readonly text: string;
  /** Length of each string in `text`, in order; ABSENT for an optional one not there. */
  readonly lens: Uint32Array;
  /** NUMS_PER numbers per exchange. */
  readonly nums: Float64Array;
  /** Byte bodies, back to back. */
  readonly body: ArrayBuffer;
  /** Exchanges that carry a response (none from the mirror listener), by index. */
  readonly responses?: readonly (readonly [number, HttpResponse])[];
  /** Exchanges that came through a tunnel (packet path), by index. */
  readonly tunnels?: readonly (readonly [number, TunnelInfo])[];
}

/** An exchange that had hits, sent back whole. */
export interface WireFound {
  readonly i: number;
  /** With the analysis's anomalies added; its body is a buffer of its own. */
  readonly exchange: HttpExchange;
  readonly hits: Hit[];
}

export interface WireFailure {
  readonly i: number;
  readonly id: string;
  readonly error: string;
}

export interface WireReply {
  /** Analysis time of each exchange, milliseconds. */
  readonly ms: Float64Array;
  /** The exchanges with hits, in order. */
  readonly found: WireFound[];
  /** Exchanges whose analysis threw (a bug); they count as failed. */
  readonly failed: WireFailure[];
}

/** The buffers to transfer with a batch. */
export function batchTransfer(b: WireBatch): ArrayBuffer[] {
  return [b.lens.buffer as ArrayBuffer, b.nums.buffer as ArrayBuffer, b.body];
}

/**
 * Flattens exchanges into a WireBatch as they are queued. Until `seal`, it holds the
 * strings and bodies of the exchanges added since the last seal (at most one batch).
 */
export class BatchBuilder {
  /** The strings in order; undefined for an optional one not there (join reads it as ""). */
  #parts: (string | undefined)[] = [];
  #nums: number[] = [];
  #bodies: Uint8Array[] = [];
  #bodyBytes = 0;
  #responses: [number, HttpResponse][] | undefined;
  #tunnels: [number, TunnelInfo][] | undefined;
  #n = 0;

  /** Exchanges added since the last seal. */
  get length(): number {
    return this.#n;
  }

  add(ex: HttpExchange): void {
    const r = ex.request;
    this.#put(ex.id);
    this.#put(r.method);
    this.#put(r.target);
    this.#put(r.httpVersion);
    const headers = r.headers;
    for (let k = 0; k < headers.length; k++) {
      const h = headers[k]!;
      this.#put(h[0]);
      this.#put(h[1]);
    }
    let offset = 0;
    let length = -1;
    if (typeof r.body === "string") this.#put(r.body);
    else {
      this.#put(undefined);
      offset = this.#bodyBytes;
      length = r.body.byteLength;
      if (length > 0) {
        this.#bodies.push(r.body);
        this.#bodyBytes += length;
      }
    }
    this.#put(ex.client?.ip);
    this.#put(ex.server?.ip);
    this.#put(ex.source);
    this.#put(ex.scheme);
    this.#put(ex.host);
    this.#put(ex.requestId);
    const anomalies = ex.anomalies ?? [];
    for (const a of anomalies) {
      this.#put(a.code);
      this.#put(a.detail);
      this.#put(a.point);
    }
    this.#nums.push(
      headers.length,
      ex.anomalies === undefined ? -1 : anomalies.length,
      ex.ts ?? Number.NaN,
      ex.client?.port ?? Number.NaN,
      ex.server?.port ?? Number.NaN,
      offset,
      length,
    );
    if (ex.response !== undefined) {
      this.#responses ??= [];
      this.#responses.push([this.#n, withoutBody(ex.response)]);
    }
    if (ex.tunnel !== undefined) {
      this.#tunnels ??= [];
      this.#tunnels.push([this.#n, ex.tunnel]);
    }
    this.#n++;
  }

  /** The batch of everything added since the last seal; the builder starts afresh. */
  seal(): WireBatch {
    const body = new ArrayBuffer(this.#bodyBytes);
    const bytes = new Uint8Array(body);
    let off = 0;
    for (const b of this.#bodies) {
      bytes.set(b, off);
      off += b.byteLength;
    }
    const parts = this.#parts;
    const lens = new Uint32Array(parts.length);
    for (let k = 0; k < parts.length; k++) lens[k] = parts[k]?.length ?? ABSENT;
    const batch: WireBatch = {
      n: this.#n,
      text: parts.join(""),
      lens,
      nums: new Float64Array(this.#nums),
      body,
      ...(this.#responses === undefined ? {} : { responses: this.#responses }),
      ...(this.#tunnels === undefined ? {} : { tunnels: this.#tunnels }),
    };
    this.#parts = [];
    this.#nums = [];
    this.#bodies = [];
    this.#bodyBytes = 0;
    this.#responses = undefined;
    this.#tunnels = undefined;
    this.#n = 0;
    return batch;
  }

  /** A string, or undefined for an optional one not there. */
  #put(s: string | undefined): void {
    this.#parts.push(s);
  }
}

const NO_BODY = new Uint8Array(0);

/**
 * A response as the analysis needs it: status, headers, size and timing. Its body (up to
 * the packet path's maxBodyBytes) is read by nothing downstream yet, and would be copied
 * into every worker message; its size stays in `wireBytes`.
 */
function withoutBody(r: HttpResponse): HttpResponse {
  const n = typeof r.body === "string" ? Buffer.byteLength(r.body, "utf8") : r.body.byteLength;
  if (n === 0) return r;
  return { ...r, body: NO_BODY, wireBytes: r.wireBytes ?? n };
}

/** Flattens exchanges into one batch (tests, one-off batches). */
export function encodeBatch(exchanges: readonly HttpExchange[]): WireBatch {
  const b = new BatchBuilder();
  for (const ex of exchanges) b.add(ex);
  return b.seal();
}

/** Reads a batch's strings back in order. */
class StringReader {
  #at = 0;
  #k = 0;
  constructor(
    private readonly text: string,
    private readonly lens: Uint32Array,
  ) {}

  opt(): string | undefined {
    const len = this.lens[this.#k++]!;
    if (len === ABSENT) return undefined;
    const s = this.text.slice(this.#at, this.#at + len);
    this.#at += len;
    return s;
  }

  str(): string {
    return this.opt() ?? "";
  }
}

function endpoint(ip: string | undefined, port: number): Endpoint | undefined {
  if (ip === undefined) return undefined;
  return Number.isNaN(port) ? { ip } : { ip, port };
}

/** The exchanges of a batch; byte bodies are views into the batch's body buffer. */
export function decodeBatch(b: WireBatch): HttpExchange[] {
  const out: HttpExchange[] = new Array(b.n);
  const rd = new StringReader(b.text, b.lens);
  const nums = b.nums;
  let responses = 0;
  let tunnels = 0;
  for (let i = 0; i < b.n; i++) {
    const at = i * NUMS_PER;
    const id = rd.str();
    const method = rd.str();
    const target = rd.str();
    const httpVersion = rd.opt();
    const headers: Header[] = new Array(nums[at + N_HEADERS]!);
    for (let k = 0; k < headers.length; k++) headers[k] = [rd.str(), rd.str()];
    const text = rd.opt();
    const length = nums[at + N_BODY_LENGTH]!;
    const body = length < 0 ? (text ?? "") : new Uint8Array(b.body, nums[at + N_BODY_OFFSET]!, length);
    const request: HttpRequest =
      httpVersion === undefined
        ? { method, target, headers, body }
        : { method, target, headers, body, httpVersion };
    const client = endpoint(rd.opt(), nums[at + N_CLIENT_PORT]!);
    const server = endpoint(rd.opt(), nums[at + N_SERVER_PORT]!);
    const source = rd.opt();
    const scheme = rd.opt();
    const host = rd.opt();
    const requestId = rd.opt();
    const count = nums[at + N_ANOMALIES]!;
    let anomalies: Anomaly[] | undefined;
    if (count >= 0) {
      anomalies = new Array(count);
      for (let k = 0; k < count; k++) {
        const code = rd.str() as AnomalyCode;
        const detail = rd.opt();
        const point = rd.opt();
        const a: { code: AnomalyCode; detail?: string; point?: string } = { code };
        if (detail !== undefined) a.detail = detail;
        if (point !== undefined) a.point = point;
        anomalies[k] = a;
      }
    }
    const ts = nums[at + N_TS]!;
    const ex: { -readonly [K in keyof HttpExchange]: HttpExchange[K] } = { id, request };
    const resp = b.responses?.[responses];
    if (resp !== undefined && resp[0] === i) {
      ex.response = resp[1];
      responses++;
    }
    const tunnel = b.tunnels?.[tunnels];
    if (tunnel !== undefined && tunnel[0] === i) {
      ex.tunnel = tunnel[1];
      tunnels++;
    }
    if (client !== undefined) ex.client = client;
    if (server !== undefined) ex.server = server;
    if (!Number.isNaN(ts)) ex.ts = ts;
    if (source !== undefined) ex.source = source;
    if (scheme !== undefined) ex.scheme = scheme;
    if (host !== undefined) ex.host = host;
    if (requestId !== undefined) ex.requestId = requestId;
    if (anomalies !== undefined) ex.anomalies = anomalies;
    out[i] = ex;
  }
  return out;
}

/** An exchange to send back: the analysis's anomalies added, a byte body copied out of the batch. */
function standalone(ex: HttpExchange, extra: readonly Anomaly[]): HttpExchange {
  const r = ex.request;
  const request = typeof r.body === "string" ? r : { ...r, body: r.body.slice() };
  const anomalies = extra.length > 0 ? [...(ex.anomalies ?? []), ...extra] : ex.anomalies;
  return anomalies === undefined ? { ...ex, request } : { ...ex, request, anomalies };
}

/** Analyses one batch; never throws (a request whose analysis throws is listed in `failed`). */
export function analyseBatch(engine: Engine, batch: WireBatch): WireReply {
  const exchanges = decodeBatch(batch);
  const ms = new Float64Array(exchanges.length);
  const found: WireFound[] = [];
  const failed: WireFailure[] = [];
  for (let i = 0; i < exchanges.length; i++) {
    const ex = exchanges[i]!;
    const t0 = performance.now();
    try {
      const r = engine.analyze(ex.request);
      ms[i] = performance.now() - t0;
      if (r.hits.length > 0) found.push({ i, exchange: standalone(ex, r.anomalies), hits: r.hits });
    } catch (err) {
      ms[i] = performance.now() - t0;
      failed.push({ i, id: ex.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { ms, found, failed };
}
