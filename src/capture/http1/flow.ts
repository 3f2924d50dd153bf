import type { Endpoint, HttpExchange, TunnelInfo } from "../../model/http.js";
import type { CloseReason, Direction, FlowInfo, FlowSink } from "../tcp/types.js";
import type { Http1Counters } from "./counters.js";
import { buildExchange, type ExchangeContext } from "./exchange.js";
import type { MessageHead } from "./head.js";
import type { HeldBudget, Holder } from "./held-budget.js";
import {
  type BodyRule,
  DirectionReader,
  type ParsedMessage,
  type ReaderOwner,
  RULE_NO_BODY,
  RULE_NORMAL,
  RULE_TUNNEL,
} from "./message-reader.js";
import type { Http1Options } from "./types.js";

/** What a flow needs from the tracker that owns it. */
export interface FlowHost {
  readonly opts: Http1Options;
  readonly counters: Http1Counters;
  readonly source: string;
  readonly budget: HeldBudget;
  nextId(): string;
  emit(ex: HttpExchange): void;
  /** The flow has requests waiting (tick must look at it), or no longer has. */
  waiting(flow: HttpFlow, yes: boolean): void;
  closed(flow: HttpFlow): void;
}

/** A request waiting for its response, in the order requests were sent. */
interface Pending {
  readonly head: MessageHead;
  readonly tsStart: number;
  /** The finished (or cut) request; null while its body is still arriving. */
  req: ParsedMessage | null;
  resp: ParsedMessage | null;
  /** Whether a response head has been paired with it. */
  respStarted: boolean;
  /** Whether it was emitted already (a late response is then an orphan). */
  emitted: boolean;
  /** Bytes charged to the flow for the finished messages it keeps (req, resp). */
  held: number;
}

/**
 * Bytes skipped with nothing ever parsed after which a flow is taken for another protocol
 * (TLS on port 80, a database…) and ignored: scanning it all would only cost CPU.
 */
const NON_HTTP_BYTES = 256 * 1024;

function other(d: Direction): Direction {
  return d === 0 ? 1 : 0;
}

/**
 * One TCP connection: two readers, one per direction, and the queue that pairs requests
 * with responses in order (RFC 9112 §9.3.2: responses come in the order of the requests).
 */
export class HttpFlow implements FlowSink, ReaderOwner, Holder {
  /** Bytes this flow holds against the tracker's budget (readers' buffers, waiting messages). */
  held = 0;
  private readonly readers: [DirectionReader, DirectionReader];
  private clientDir: Direction = 0;
  private rolesKnown = false;
  private readonly queue: Pending[] = [];
  private reqCurrent: Pending | null = null;
  private respTarget: Pending | null = null;
  /** Per direction: the message being read is ignored (wrong kind for the direction). */
  private readonly ignore: [boolean, boolean] = [false, false];
  /** Responses still to come for requests emitted before theirs started (timeout, eviction). */
  private owed = 0;
  /** After a gap or a mid-stream pickup, pairing checks times as well as order. */
  private uncertain: boolean;
  private afterServerGap = false;
  private everParsed = false;
  private skippedTotal = 0;
  private isClosed = false;
  private ctx: ExchangeContext | null = null;

  constructor(
    private readonly host: FlowHost,
    private readonly info: FlowInfo,
  ) {
    const midStream = !info.handshake;
    this.uncertain = midStream;
    const o = host.opts;
    const limits = { maxHeadBytes: o.maxHeadBytes, maxHeaders: o.maxHeaders, maxBodyBytes: o.maxBodyBytes };
    this.readers = [
      new DirectionReader(0, this, limits, host.counters, midStream),
      new DirectionReader(1, this, limits, host.counters, midStream),
    ];
  }

  // --- FlowSink ---

  data(dir: Direction, bytes: Uint8Array, ts: number): void {
    if (this.isClosed) return;
    try {
      this.readers[dir].data(bytes, ts);
      if (!this.everParsed && this.skippedTotal > NON_HTTP_BYTES) {
        this.everParsed = true;
        this.host.counters.nonHttpFlows++;
        this.stopReading();
      }
    } catch {
      this.internalError();
    }
    // Heads parsed from this delivery were charged unconditionally: between deliveries the
    // total is back under the budget (this flow may be the one cut).
    const budget = this.host.budget;
    if (budget.held > budget.max) budget.settle();
  }

  gap(dir: Direction, lost: number, ts: number): void {
    if (this.isClosed) return;
    try {
      this.uncertain = true;
      this.readers[dir].gap(lost, ts);
      if (dir !== this.clientDir) {
        // Responses in the hole are gone: those owed with them, and which request the next
        // response answers is decided by time (see onHead).
        this.owed = 0;
        this.afterServerGap = true;
      }
    } catch {
      this.internalError();
    }
  }

  close(_reason: CloseReason, ts: number): void {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      // Both readers, whatever the first one's head says about roles (it may swap them).
      const client = this.clientDir;
      this.readers[client].end(ts);
      this.readers[other(client)].end(ts);
    } catch {
      this.host.counters.parseErrors++;
    }
    while (this.queue.length > 0) this.emitRecord(this.queue.shift()!);
    this.host.waiting(this, false);
    this.host.closed(this);
  }

  /**
   * The tracker's budget cuts this flow: each direction gives back what it holds (messages
   * in progress emitted with an anomaly, see DirectionReader.shed), the response first so
   * that it still pairs, then the requests waiting for responses are emitted without them
   * (their responses, when they come, are counted as orphans).
   */
  shed(): void {
    if (this.isClosed) return;
    const ts = this.lastTs();
    try {
      const client = this.clientDir;
      this.readers[other(client)].shed(ts);
      this.readers[client].shed(ts);
    } catch {
      this.internalError();
    }
    this.emitWaiting();
  }

  /**
   * Emits the finished requests at the front of the queue without their responses (those,
   * when they come, are orphans). The request being read is never among them, so this is
   * safe while a reader is in the middle of a chunk. Whether any was emitted.
   */
  private emitWaiting(): boolean {
    let any = false;
    while (this.queue.length > 0 && this.queue[0]!.req !== null) {
      const r = this.queue.shift()!;
      if (!r.respStarted) this.owed++;
      this.emitRecord(r);
      any = true;
    }
    if (this.queue.length === 0) this.host.waiting(this, false);
    return any;
  }

  /** Emits the requests whose response has not come within the timeout. */
  tick(now: number): void {
    const timeout = this.host.opts.responseTimeoutMs;
    const server = this.readers[other(this.clientDir)];
    while (this.queue.length > 0) {
      const r = this.queue[0]!;
      if (r.req === null) break;
      // A response under way is waited for as long as its bytes keep coming.
      const since = r.respStarted ? Math.max(r.req.tsEnd, server.lastTs) : r.req.tsEnd;
      if (now - since < timeout) break;
      this.queue.shift();
      if (!r.respStarted) this.owed++;
      this.host.counters.timedOut++;
      this.emitRecord(r);
    }
    if (this.queue.length === 0) this.host.waiting(this, false);
  }

  /** Time of the last bytes seen in either direction. */
  lastTs(): number {
    return Math.max(this.info.ts, this.readers[0].lastTs, this.readers[1].lastTs);
  }

  // --- ReaderOwner ---

  onHead(dir: Direction, head: MessageHead, ts: number): BodyRule {
    const c = this.host.counters;
    this.everParsed = true;
    if (!this.rolesKnown) {
      // FlowInfo's directions are a guess; the first start line seen settles them.
      this.rolesKnown = true;
      const client = head.isResponse ? other(dir) : dir;
      if (client !== 0) {
        this.clientDir = client;
        this.ctx = null;
        c.roleSwaps++;
      }
    }
    const isClientDir = dir === this.clientDir;
    if (head.isResponse === isClientDir) {
      // A request from the server or a response from the client: not ours to pair.
      c.parseErrors++;
      this.ignore[dir] = true;
      return head.isResponse && head.status === 101 ? this.tunnel(dir) : RULE_NORMAL;
    }
    this.ignore[dir] = false;
    if (!head.isResponse) return this.requestHead(head, ts);
    const status = head.status;
    if (status < 200 && status !== 101) {
      // Interim (100 Continue, 103 Early Hints): the final response is still to come.
      c.interim++;
      return RULE_NO_BODY;
    }
    const target = this.pairResponse(ts);
    this.respTarget = target;
    if (target !== null) target.respStarted = true;
    const method = target === null ? "" : target.head.method;
    if (status === 101 || (method === "CONNECT" && status >= 200 && status < 300)) return this.tunnel(dir);
    return method === "HEAD" ? RULE_NO_BODY : RULE_NORMAL;
  }

  onMessage(dir: Direction, msg: ParsedMessage): void {
    if (this.ignore[dir]) {
      this.ignore[dir] = false;
      return;
    }
    if (!msg.head.isResponse) {
      const r = this.reqCurrent;
      this.reqCurrent = null;
      if (r === null) return;
      r.req = msg;
      this.drain();
      // Still waiting for its response: what it keeps is charged until it is emitted.
      if (!r.emitted) this.keepHeld(r, msg.held);
      return;
    }
    const status = msg.head.status;
    if (status < 200 && status !== 101) return;
    this.host.counters.responses++;
    const t = this.respTarget;
    this.respTarget = null;
    if (t === null || t.emitted) {
      this.host.counters.orphanResponses++;
      return;
    }
    t.resp = msg;
    this.drain();
    if (!t.emitted) this.keepHeld(t, msg.held);
  }

  private keepHeld(r: Pending, n: number): void {
    if (n <= 0) return;
    r.held += n;
    this.host.budget.charge(this, n);
  }

  onSkipped(n: number): void {
    this.skippedTotal += n;
  }

  reserve(n: number): boolean {
    const budget = this.host.budget;
    if (budget.reserve(this, n)) return true;
    // No room even after the other flows were cut: this flow's own finished requests that
    // wait for responses go out first, rather than the message being read losing bytes.
    return this.emitWaiting() && budget.reserve(this, n);
  }

  charge(n: number): void {
    this.host.budget.charge(this, n);
  }

  release(n: number): void {
    this.host.budget.release(this, n);
  }

  // --- pairing ---

  private requestHead(head: MessageHead, ts: number): BodyRule {
    this.host.counters.requests++;
    if (this.queue.length >= this.host.opts.maxPending) {
      const old = this.queue.shift()!;
      if (!old.respStarted) this.owed++;
      this.host.counters.evicted++;
      this.emitRecord(old);
    }
    const rec: Pending = {
      head,
      tsStart: ts,
      req: null,
      resp: null,
      respStarted: false,
      emitted: false,
      held: 0,
    };
    this.queue.push(rec);
    this.reqCurrent = rec;
    this.host.waiting(this, true);
    return RULE_NORMAL;
  }

  /** The request a response starting at `ts` answers, or null for an orphan. */
  private pairResponse(ts: number): Pending | null {
    if (this.owed > 0) {
      this.owed--;
      return null;
    }
    let first = -1;
    for (let i = 0; i < this.queue.length; i++) {
      if (!this.queue[i]!.respStarted) {
        first = i;
        break;
      }
    }
    if (first < 0) return null;
    if (this.afterServerGap) {
      // Responses were lost in a gap: this one answers the latest request sent before it
      // (keep-alive without pipelining, the common case); the older ones lost theirs.
      this.afterServerGap = false;
      let pick = -1;
      for (let i = first; i < this.queue.length; i++) if (this.queue[i]!.tsStart <= ts) pick = i;
      if (pick < 0) return null;
      while (pick > first && this.queue[first]!.req !== null) {
        const lost = this.queue.splice(first, 1)[0]!;
        this.host.counters.lostInGap++;
        this.emitRecord(lost);
        pick--;
      }
      return this.queue[pick]!;
    }
    const t = this.queue[first]!;
    // A response cannot start before its request did.
    if (this.uncertain && ts < t.tsStart) return null;
    return t;
  }

  private tunnel(dir: Direction): BodyRule {
    // RFC 9110 §7.8 (101) and §9.3.6 (CONNECT): the bytes that follow are another protocol.
    this.host.counters.upgrades++;
    this.readers[other(dir)].stop();
    return RULE_TUNNEL;
  }

  /** Emits the requests at the front of the queue that have everything they will get. */
  private drain(): void {
    while (this.queue.length > 0) {
      const r = this.queue[0]!;
      if (r.req === null || r.resp === null) break;
      this.queue.shift();
      this.emitRecord(r);
    }
    if (this.queue.length === 0) this.host.waiting(this, false);
  }

  private emitRecord(r: Pending): void {
    r.emitted = true;
    if (r.held > 0) {
      this.host.budget.release(this, r.held);
      r.held = 0;
    }
    const c = this.host.counters;
    if (r.resp !== null) c.paired++;
    else c.unpaired++;
    const req: ParsedMessage = r.req ?? {
      head: r.head,
      body: new Uint8Array(0),
      wireBytes: 0,
      truncated: false,
      complete: false,
      tsStart: r.tsStart,
      tsEnd: r.tsStart,
      held: 0,
    };
    if (this.reqCurrent === r) this.reqCurrent = null;
    const ex = buildExchange(this.host.nextId(), req, r.resp, null, this.context());
    this.host.emit(ex);
  }

  private context(): ExchangeContext {
    if (this.ctx !== null) return this.ctx;
    const i = this.info;
    const a: Endpoint = { ip: i.clientIp, port: i.clientPort };
    const b: Endpoint = { ip: i.serverIp, port: i.serverPort };
    let tunnel: TunnelInfo | undefined;
    if (i.tunnel !== "") {
      const t: { id: string; vni?: number; vlan?: number } = { id: i.tunnel };
      if (i.vni >= 0) t.vni = i.vni;
      if (i.vlan >= 0) t.vlan = i.vlan;
      tunnel = t;
    }
    const swapped = this.clientDir === 1;
    this.ctx = {
      client: swapped ? b : a,
      server: swapped ? a : b,
      source: this.host.source,
      tunnel,
      maxDecodedBytes: this.host.opts.maxDecodedBytes,
      decodeResponses: this.host.opts.decodeResponses,
      counters: this.host.counters,
    };
    return this.ctx;
  }

  private stopReading(): void {
    this.readers[0].stop();
    this.readers[1].stop();
  }

  /** A bug, not an input: count it and stop reading this flow rather than throw into TCP. */
  private internalError(): void {
    this.host.counters.internalErrors++;
    this.stopReading();
  }
}
