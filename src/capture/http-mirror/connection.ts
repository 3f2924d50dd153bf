import type { Socket } from "node:net";
import type { HttpExchange } from "../../model/http.js";
import type { Hop } from "./client-ip.js";
import { buildExchange, type ConnectionInfo, type ExchangeSettings } from "./exchange.js";
import { GrowBuffer } from "./grow-buffer.js";
import { isFieldName, type RequestHead } from "./head.js";
import { normalizeIp } from "./ip.js";
import type { ResolvedOptions } from "./options.js";
import { type ProxyHeader, parseProxyHeader, V2_MAX_LENGTH } from "./proxy-protocol.js";
import { type ParsedRequest, RequestParser } from "./request-parser.js";
import type { MutableStats } from "./stats.js";

/** What every connection shares with its listener. */
export interface ListenerContext {
  readonly options: ResolvedOptions;
  readonly stats: MutableStats;
  readonly settings: ExchangeSettings;
  nextId(): string;
}

/** Unanswered response bytes beyond which reading pauses (a peer pipelining without reading). */
const WRITE_HIGH_WATER = 64 * 1024;
/** How long a connection we are closing may wait for the peer's FIN before it is destroyed. */
const CLOSING_GRACE_MS = 5_000;

type Mode = "keep" | "keep10" | "close";
const REASONS: Record<number, string> = {
  100: "Continue",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  505: "HTTP Version Not Supported",
};
const responses = new Map<string, Buffer>();

/**
 * A response as bytes, built once per (status, mode). 204 has no body by definition; the
 * others say `Content-Length: 0` so that a keep-alive peer knows where they end.
 */
function response(status: number, mode: Mode): Buffer {
  const key = `${status}${mode}`;
  let r = responses.get(key);
  if (r === undefined) {
    let s = `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n`;
    if (status !== 204) s += "Content-Length: 0\r\n";
    if (mode === "keep10") s += "Connection: keep-alive\r\n";
    else if (mode === "close") s += "Connection: close\r\n";
    r = Buffer.from(`${s}\r\n`, "latin1");
    responses.set(key, r);
  }
  return r;
}
const CONTINUE = Buffer.from("HTTP/1.1 100 Continue\r\n\r\n", "latin1");

function modeOf(head: RequestHead): Mode {
  if (!head.keepAlive) return "close";
  const v = head.httpVersion?.toUpperCase();
  return v === undefined || v === "HTTP/1.0" || v.startsWith("HTTP/0.") ? "keep10" : "keep";
}

function hopOf(ip: string, port: number): Hop | undefined {
  const n = normalizeIp(ip);
  return n === null ? undefined : { ip: n.text, family: n.family, port };
}

enum Phase {
  Preface,
  Http,
  Closing,
  Gone,
}

/**
 * One mirror connection: an optional PROXY header, then HTTP/1.x requests, each answered
 * at once (204) in arrival order and handed to onExchange. Timeouts are checked by the
 * listener's sweep (check()), not by a timer per request.
 */
export class MirrorConnection {
  readonly #socket: Socket;
  readonly #ctx: ListenerContext;
  readonly #parser: RequestParser;
  #phase: Phase;
  #info: ConnectionInfo;
  /** Bytes of a PROXY header still arriving. */
  readonly #preface = new GrowBuffer();
  /** Monotonic time (ms) of the connection start, the last request's end, or the close. */
  #since: number;
  /** Wall-clock and monotonic times of the data event being processed. */
  #wallNow = 0;
  #monoNow = 0;
  #reqWall = 0;
  #reqMono = 0;
  /** 0: request accepted; 401/403: refused for the secret; -1: not decided yet. */
  #verdict = -1;
  /**
   * Responses produced while one chunk is read, written together when it is done: one
   * write (one syscall) per chunk however many pipelined requests it held.
   */
  readonly #out: Buffer[] = [];
  /** Set while a chunk is read: requests completed meanwhile are handed on after the answers. */
  #inData = false;
  readonly #later: ParsedRequest[] = [];
  readonly #laterWall: number[] = [];

  constructor(socket: Socket, ctx: ListenerContext, monoNow: number) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#since = monoNow;
    const peer: Hop = hopOf(socket.remoteAddress ?? "", socket.remotePort ?? 0) ?? {
      ip: socket.remoteAddress ?? "unknown",
      family: 4,
    };
    const trusted = peer.ip !== "unknown" && ctx.options.trusted.has(peer.ip, peer.family);
    this.#info = { peer, peerTrusted: trusted };
    this.#phase = ctx.options.proxyProtocol === "off" ? Phase.Http : Phase.Preface;
    const o = ctx.options;
    this.#parser = new RequestParser(
      { maxHeaderBytes: o.maxHeaderBytes, maxHeaders: o.maxHeaders },
      {
        onStart: () => {
          this.#reqWall = this.#wallNow;
          this.#reqMono = this.#monoNow;
          this.#verdict = -1;
        },
        onHead: (head) => this.#onHead(head),
        onRequest: (req) => this.#onRequest(req),
        onError: (status, _reason, partial) => this.#onError(status, partial),
      },
    );
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("drain", () => socket.resume());
    socket.on("error", () => {
      // ECONNRESET and the like: the socket closes next; nothing to answer.
    });
    socket.on("close", () => this.#onClose());
  }

  #onData(chunk: Buffer): void {
    this.#ctx.stats.bytes += chunk.length;
    this.#wallNow = Date.now();
    this.#monoNow = performance.now();
    const socket = this.#socket;
    this.#inData = true;
    try {
      if (this.#phase === Phase.Preface) this.#onPreface(chunk);
      else if (this.#phase === Phase.Http) this.#parser.push(chunk);
    } catch {
      // The parser is written never to throw; if it does, this connection ends, the
      // process does not.
      this.#ctx.stats.parseErrors++;
      this.destroy();
    }
    this.#inData = false;
    // Answers first, in one write: the proxy never waits on what we do with the requests.
    this.#flush();
    const later = this.#later;
    if (later.length > 0) {
      const walls = this.#laterWall;
      for (let i = 0; i < later.length; i++) this.#handOn(later[i]!, walls[i]!);
      later.length = 0;
      walls.length = 0;
    }
    if (socket.writableLength > WRITE_HIGH_WATER && !socket.destroyed) socket.pause();
  }

  /** Writes the responses gathered so far, as one buffer. */
  #flush(): void {
    const out = this.#out;
    if (out.length === 0) return;
    const socket = this.#socket;
    if (!socket.destroyed && socket.writable) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    out.length = 0;
  }

  #onPreface(chunk: Buffer): void {
    const pending = this.#preface;
    let data = chunk;
    if (pending.length > 0) {
      pending.append(chunk);
      data = pending.view();
    }
    const r = parseProxyHeader(data);
    const stats = this.#ctx.stats;
    switch (r.status) {
      case "incomplete":
        if (data.length > V2_MAX_LENGTH) {
          stats.parseErrors++;
          this.destroy();
        } else if (pending.length === 0) pending.append(chunk);
        return;
      case "error":
        stats.parseErrors++;
        this.destroy();
        return;
      case "none":
        if (this.#ctx.options.proxyProtocol === "required") {
          stats.parseErrors++;
          this.destroy();
          return;
        }
        this.#phase = Phase.Http;
        this.#parser.push(data);
        pending.clear();
        return;
      case "ok":
        this.#applyProxyHeader(r.header);
        this.#phase = Phase.Http;
        if (r.length < data.length) this.#parser.push(data.subarray(r.length));
        pending.clear();
    }
  }

  #applyProxyHeader(h: ProxyHeader): void {
    let src: { ip: string; port: number } | undefined;
    let dst: { ip: string; port: number } | undefined;
    if (h.version === 1 && h.family !== "UNKNOWN") {
      src = h.source;
      dst = h.destination;
    } else if (h.version === 2 && h.command === "PROXY" && (h.family === "INET" || h.family === "INET6")) {
      // LOCAL, UNSPEC and UNIX say nothing about a remote client: keep the real peer.
      if (h.source !== undefined && "ip" in h.source) src = h.source;
      if (h.destination !== undefined && "ip" in h.destination) dst = h.destination;
    }
    if (src === undefined) return;
    if (!this.#info.peerTrusted) {
      this.#ctx.stats.proxyUntrusted++;
      return;
    }
    const proxySource = hopOf(src.ip, src.port);
    const proxyDestination = dst === undefined ? undefined : hopOf(dst.ip, dst.port);
    this.#info = {
      ...this.#info,
      ...(proxySource === undefined ? {} : { proxySource }),
      ...(proxyDestination === undefined ? {} : { proxyDestination }),
    };
  }

  /** 0 if the request may pass, else the status refusing it (401 missing, 403 wrong). */
  #authorize(head: RequestHead): number {
    const secret = this.#ctx.options.secret;
    if (secret === undefined) return 0;
    const name = this.#ctx.options.secretHeader;
    let value: string | undefined;
    let count = 0;
    for (const [n, v] of head.headers) {
      // Compared as the exchange builder compares when it removes the field (ASCII case).
      if (isFieldName(n, name)) {
        value = v;
        count++;
      }
    }
    if (value === undefined) return 401;
    // Two secret fields mean someone added one: refuse rather than guess which counts.
    return count === 1 && secret.matches(value) ? 0 : 403;
  }

  #onHead(head: RequestHead): number {
    this.#verdict = this.#authorize(head);
    if (this.#verdict !== 0) {
      if (head.expectContinue) {
        // The client waits for a 100 before sending the body; refusing now means it will
        // not send it, so the connection cannot be reused.
        this.#ctx.stats.rejected++;
        this.#end(response(this.#verdict, "close"));
      }
      return 0;
    }
    // Goes out when this chunk is done, before the client sends the body it holds back.
    if (head.expectContinue) this.#out.push(CONTINUE);
    return this.#ctx.options.maxBodyBytes;
  }

  #onRequest(req: ParsedRequest): void {
    const mode = modeOf(req.head);
    if (this.#verdict !== 0) {
      this.#ctx.stats.rejected++;
      this.#out.push(response(this.#verdict, mode));
    } else {
      this.#out.push(response(204, mode));
      this.#emit(req);
    }
    this.#since = this.#monoNow;
    if (mode === "close") this.#end(null);
  }

  #onError(status: number, partial: ParsedRequest | null): void {
    this.#ctx.stats.parseErrors++;
    if (partial !== null) {
      if (this.#verdict < 0) this.#verdict = this.#authorize(partial.head);
      if (this.#verdict === 0) this.#emit(partial);
      else this.#ctx.stats.rejected++;
    }
    this.#end(response(status, "close"));
  }

  /** Hands a request on; while a chunk is read, only after its answers are written. */
  #emit(req: ParsedRequest): void {
    if (this.#inData) {
      this.#later.push(req);
      this.#laterWall.push(this.#reqWall);
    } else this.#handOn(req, this.#reqWall);
  }

  #handOn(req: ParsedRequest, wall: number): void {
    const ctx = this.#ctx;
    if (req.truncated) ctx.stats.bodyTruncated++;
    const admit = ctx.options.admit;
    if (admit !== undefined && !admit()) {
      ctx.stats.declined++;
      return;
    }
    let exchange: HttpExchange;
    try {
      exchange = buildExchange(ctx.nextId(), wall, req, this.#info, ctx.settings);
    } catch {
      // Written never to throw; if it does, this request is lost (counted), not the process:
      // this runs outside the parser's guard, from a socket or timer callback.
      ctx.stats.parseErrors++;
      return;
    }
    ctx.stats.received++;
    try {
      ctx.options.onExchange(exchange);
    } catch {
      ctx.stats.callbackErrors++;
    }
  }

  /** Sends a last response (if any), then half-closes; the sweep destroys a lingering peer. */
  #end(last: Buffer | null): void {
    if (this.#phase === Phase.Closing || this.#phase === Phase.Gone) return;
    this.#phase = Phase.Closing;
    this.#since = this.#monoNow;
    this.#parser.stop();
    if (last !== null) this.#out.push(last);
    this.#flush();
    this.#socket.end();
  }

  #onClose(): void {
    const wasOpen = this.#phase === Phase.Http || this.#phase === Phase.Preface;
    this.#phase = Phase.Gone;
    if (!wasOpen) return;
    // The peer went away mid-request: keep what was read of a body; a half head is lost.
    const phase = this.#parser.phase;
    const partial = this.#parser.end("connection closed before the body ended");
    if (phase === "head" || partial !== null) this.#ctx.stats.parseErrors++;
    if (partial !== null && this.#verdict === 0) this.#emit(partial);
  }

  /** Applies the timeouts; called by the listener's sweep with the monotonic time. */
  check(now: number): void {
    const o = this.#ctx.options;
    const stats = this.#ctx.stats;
    switch (this.#phase) {
      case Phase.Gone:
        return;
      case Phase.Closing:
        if (now - this.#since > CLOSING_GRACE_MS) this.destroy();
        return;
      case Phase.Preface:
        if (now - this.#since > o.headersTimeoutMs) {
          stats.parseErrors++;
          stats.timeouts++;
          this.destroy();
        }
        return;
      case Phase.Http:
        break;
    }
    this.#monoNow = now;
    switch (this.#parser.phase) {
      case "idle":
        if (now - this.#since > o.keepAliveTimeoutMs) this.destroy();
        return;
      case "head":
        if (now - this.#reqMono > o.headersTimeoutMs) {
          stats.parseErrors++;
          stats.timeouts++;
          this.#end(response(408, "close"));
        }
        return;
      case "body":
        if (now - this.#reqMono > o.requestTimeoutMs) {
          stats.parseErrors++;
          stats.timeouts++;
          const partial = this.#parser.end("request timeout before the body ended");
          if (partial !== null && this.#verdict === 0) this.#emit(partial);
          this.#end(response(408, "close"));
        }
        return;
      default:
        return;
    }
  }

  /** Closes at once, without a response (listener close, timeouts, garbage). */
  destroy(): void {
    if (this.#phase !== Phase.Gone) this.#phase = Phase.Closing;
    this.#parser.stop();
    this.#socket.destroy();
  }
}
