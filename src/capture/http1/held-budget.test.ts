import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { HttpExchange } from "../../model/http.js";
import type { Direction, FlowInfo } from "../tcp/types.js";
import { type Accountant, ByteBuffer } from "./byte-buffer.js";
import { FlowDriver, text } from "./driver.js";
import type { HttpFlow } from "./flow.js";
import { FIELD_OVERHEAD, HEAD_OVERHEAD } from "./held-budget.js";
import { HttpStreamTracker, type HttpStreamTrackerOptions } from "./tracker.js";

/** A tracker with many flows fed by hand, and the exchanges it emitted. */
class Flows {
  readonly out: HttpExchange[] = [];
  readonly tracker: HttpStreamTracker;
  readonly flows: HttpFlow[] = [];
  ts = 1000;
  /** Largest held-bytes total seen from inside the exchange sink (during a delivery). */
  peakInside = 0;

  constructor(n: number, opts: HttpStreamTrackerOptions) {
    let id = 0;
    this.tracker = new HttpStreamTracker(
      (ex) => {
        this.out.push(ex);
        this.peakInside = Math.max(this.peakInside, this.tracker.heldBytes);
      },
      { nextId: () => `x${++id}`, source: "test", ...opts },
    );
    for (let i = 0; i < n; i++) {
      const info: FlowInfo = {
        clientIp: "10.0.0.1",
        clientPort: 40000 + i,
        serverIp: "10.0.0.2",
        serverPort: 80,
        tunnel: "",
        vni: -1,
        vlan: -1,
        handshake: true,
        ts: this.ts,
      };
      this.flows.push(this.tracker.factory(info) as HttpFlow);
    }
  }

  send(flow: number, dir: Direction, data: string | Uint8Array): void {
    const b = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    this.flows[flow]!.data(dir, b, ++this.ts);
  }

  /** The tracker's total must be the sum of what its flows say they hold. */
  checkBooks(): void {
    let sum = 0;
    for (const f of this.flows) {
      assert.ok(f.held >= 0, "a flow holds a negative number of bytes");
      sum += f.held;
    }
    assert.equal(this.tracker.heldBytes, sum);
  }

  byTarget(target: string): HttpExchange[] {
    return this.out.filter((e) => e.request.target === target);
  }
}

const anomalyText = (e: HttpExchange): string =>
  (e.anomalies ?? []).map((a) => `${a.code}:${a.detail}`).join("|");

describe("ByteBuffer", () => {
  const acct = (room: number): Accountant & { held: number } => {
    const a = {
      held: 0,
      reserve(n: number) {
        if (a.held + n > room) return false;
        a.held += n;
        return true;
      },
      release(n: number) {
        a.held -= n;
      },
    };
    return a;
  };

  it("never allocates past its limit, charges what it allocates and releases it on clear", () => {
    const a = acct(1 << 20);
    const b = new ByteBuffer(1000, a);
    const src = Buffer.alloc(1000, 0x61);
    for (let i = 0; i < 10; i++) assert.ok(b.append(src, 0, 100));
    assert.equal(b.length, 1000);
    assert.equal(b.capacity, 1000);
    assert.equal(a.held, 1000);
    assert.equal(b.view().toString(), "a".repeat(1000));
    b.clear();
    assert.equal(b.capacity, 0);
    assert.equal(a.held, 0);
  });

  it("copies nothing when the accountant refuses the room", () => {
    const a = acct(300);
    const b = new ByteBuffer(4096, a);
    assert.ok(b.append(Buffer.from("abc"), 0, 3));
    assert.equal(a.held, 256);
    assert.equal(b.append(Buffer.alloc(400), 0, 400), false);
    assert.equal(b.view().toString(), "abc");
    assert.equal(a.held, 256);
  });
});

describe("HttpStreamTracker: held-bytes budget", () => {
  const small = { maxHeldBytes: 64 * 1024, maxHeadBytes: 8 * 1024, maxBodyBytes: 32 * 1024 };

  it("normal traffic under the budget holds nothing once exchanges are out", () => {
    const d = new FlowDriver({ maxHeldBytes: 64 * 1024 });
    d.send(0, "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel");
    assert.ok(d.tracker.heldBytes > 0);
    d.send(0, "lo");
    d.send(1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert.equal(d.tracker.heldBytes, 0);
    assert.equal(d.out.length, 1);
    assert.equal(text(d.out[0]!.request.body), "hello");
    assert.equal(d.out[0]!.anomalies, undefined);
    assert.equal(d.tracker.counters.heldBudgetHits, 0);
  });

  it("a request whose body is cut by the budget is emitted with what it had, and the flow stays in sync", () => {
    const f = new Flows(3, small);
    f.send(0, 0, "POST /big HTTP/1.1\r\nContent-Length: 40000\r\n\r\n");
    f.send(0, 0, "b".repeat(20_000));
    f.send(1, 0, "POST /b1 HTTP/1.1\r\nContent-Length: 30000\r\n\r\n");
    f.send(1, 0, "1".repeat(20_000));
    assert.equal(f.out.length, 0);
    // A third flow's body needs 30000 bytes: the others are cut, the biggest (flow 0, 32 KiB
    // allocated) first, until the total is 1/8 under the budget with room for it.
    f.send(2, 0, "POST /b2 HTTP/1.1\r\nContent-Length: 30000\r\n\r\n");
    f.send(2, 0, "2".repeat(20_000));
    assert.deepEqual(
      f.out.map((e) => e.request.target),
      ["/big", "/b1"],
    );
    const big = f.out[0]!;
    assert.equal(text(big.request.body), "b".repeat(20_000));
    assert.match(anomalyText(big), /body_truncated:body cut by the HTTP\/1.x memory budget/);
    const c = f.tracker.counters;
    assert.equal(c.heldFlowsShed, 2);
    assert.equal(c.heldBudgetHits, 1);
    assert.ok(c.heldBytesShed >= 32 * 1024);
    f.checkBooks();
    // The rest of the body is skipped by its length: the next request reads normally.
    f.send(0, 0, "c".repeat(20_000));
    f.send(0, 0, "GET /next HTTP/1.1\r\n\r\n");
    // /big's response has no request left (an orphan); the next one pairs with /next.
    f.send(0, 1, "HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n");
    f.send(0, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert.equal(c.orphanResponses, 1);
    const next = f.byTarget("/next");
    assert.equal(next.length, 1);
    assert.equal(next[0]!.anomalies, undefined);
    assert.equal(next[0]!.response?.status, 200);
    assert.equal(c.parseErrors, 0);
    f.checkBooks();
  });

  it("an unfinished head cut by the budget is emitted with a headers_limit anomaly", () => {
    const f = new Flows(2, { ...small, maxHeadBytes: 60 * 1024 });
    f.send(0, 0, `POST /form HTTP/1.1\r\nHost: a.example\r\nX-Pad: ${"p".repeat(40_000)}\r\nX-More: `);
    assert.equal(f.out.length, 0);
    f.send(1, 0, "PUT /up HTTP/1.1\r\nContent-Length: 30000\r\n\r\n");
    f.send(1, 0, "u".repeat(20_000));
    const form = f.byTarget("/form");
    assert.equal(form.length, 1);
    assert.equal(form[0]!.request.method, "POST");
    assert.equal(form[0]!.host, "a.example");
    assert.match(anomalyText(form[0]!), /headers_limit:head cut by the HTTP\/1.x memory budget/);
    f.checkBooks();
    // The rest of the head is skipped; the flow reads on at the next request.
    f.send(0, 0, "more\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
    assert.equal(f.byTarget("/after").length, 0);
    f.tracker.flush();
    assert.equal(f.byTarget("/after").length, 1);
  });

  it("pipelined requests never answered are emitted without their responses when shed", () => {
    const f = new Flows(2, { ...small, maxPending: 64 });
    for (let i = 0; i < 15; i++)
      f.send(0, 0, `POST /p${i} HTTP/1.1\r\nContent-Length: 3000\r\n\r\n${"q".repeat(3000)}`);
    assert.equal(f.out.length, 0);
    assert.ok(f.tracker.heldBytes >= 45_000);
    f.send(1, 0, "PUT /other HTTP/1.1\r\nContent-Length: 30000\r\n\r\n");
    f.send(1, 0, "o".repeat(20_000));
    assert.ok(f.tracker.heldBytes <= small.maxHeldBytes);
    const shed = f.out.filter((e) => e.request.target.startsWith("/p"));
    assert.equal(shed.length, 15);
    for (const e of shed) assert.equal(text(e.request.body), "q".repeat(3000));
    // Their responses, when they come, have no request left: orphans, counted.
    f.send(0, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert.equal(f.tracker.counters.orphanResponses, 1);
    f.checkBooks();
  });

  it("a response body cut by the budget keeps its status and stays paired", () => {
    const f = new Flows(2, small);
    f.send(0, 0, "GET /dl HTTP/1.1\r\n\r\n");
    f.send(0, 1, "HTTP/1.1 200 OK\r\nContent-Length: 50000\r\n\r\n");
    f.send(0, 1, "r".repeat(30_000));
    f.send(1, 0, "PUT /x HTTP/1.1\r\nContent-Length: 60000\r\n\r\n");
    f.send(1, 0, "x".repeat(40_000));
    const dl = f.byTarget("/dl");
    assert.equal(dl.length, 1);
    assert.equal(dl[0]!.response?.status, 200);
    assert.equal(text(dl[0]!.response?.body), "r".repeat(30_000));
    assert.match(anomalyText(dl[0]!), /response: body cut by the HTTP\/1.x memory budget/);
    f.send(0, 1, "r".repeat(20_000));
    assert.equal(f.tracker.counters.orphanResponses, 0);
    assert.equal(f.tracker.counters.parseErrors, 0);
    f.checkBooks();
  });

  it("a flow alone over the budget emits its waiting requests before truncating a body", () => {
    const d = new FlowDriver({ maxHeldBytes: 16 * 1024, maxPending: 64 });
    for (let i = 0; i < 10; i++)
      d.send(0, `POST /w${i} HTTP/1.1\r\nContent-Length: 3000\r\n\r\n${"w".repeat(3000)}`);
    assert.ok(d.tracker.heldBytes <= 16 * 1024);
    d.close();
    assert.equal(d.out.length, 10);
    for (const e of d.out) assert.equal(text(e.request.body), "w".repeat(3000));
  });

  it("with the budget too small for one body, the body is truncated in place and counted", () => {
    const d = new FlowDriver({ maxHeldBytes: 4096, maxBodyBytes: 1 << 20 });
    d.send(0, "POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (let i = 0; i < 20; i++) d.send(0, `400\r\n${"z".repeat(1024)}\r\n`);
    d.send(0, "0\r\n\r\n");
    assert.ok(d.tracker.heldBytes <= 4096);
    d.close();
    assert.equal(d.out.length, 1);
    assert.ok(d.out[0]!.request.body.length < 4096);
    assert.match(anomalyText(d.out[0]!), /body_truncated:body cut by the HTTP\/1.x memory budget/);
    assert.ok(d.tracker.counters.bodiesTruncated >= 1);
    assert.equal(d.tracker.heldBytes, 0);
  });

  it("held bytes stay under the budget between deliveries whatever the streams (property)", () => {
    // Hostile pieces: unfinished heads and start lines, slow bodies, pipelined requests that
    // are never answered, responses that never end, garbage.
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom(
        "GET /a HTTP/1.1\r\n",
        "POST /b HTTP/1.1\r\nContent-Length: 5000\r\n\r\n",
        "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 9000\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n",
        "X-Header: value value value\r\n",
        "\r\n",
        "1000\r\n",
        "0\r\nTrailer: t\r\n",
        "GET /pipelined HTTP/1.1\r\n\r\n",
      ),
      fc.nat({ max: 2500 }).map((n) => "y".repeat(n)),
    );
    const step = fc.record({
      flow: fc.nat({ max: 11 }),
      dir: fc.constantFrom(0 as const, 1 as const),
      bytes: fc.array(piece, { maxLength: 5 }),
      gap: fc.nat({ max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 120 }),
        fc.integer({ min: 2048, max: 40_000 }),
        (steps, max) => {
          const f = new Flows(12, {
            maxHeldBytes: max,
            maxHeadBytes: 2048,
            maxBodyBytes: 6000,
            maxPending: 8,
          });
          let biggest = 0;
          for (const s of steps) {
            const chunk = Buffer.concat(s.bytes.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
            biggest = Math.max(biggest, chunk.length);
            if (s.gap > 95) f.flows[s.flow]!.gap(s.dir, 1000, ++f.ts);
            else f.send(s.flow, s.dir, chunk);
            assert.ok(f.tracker.heldBytes <= max, `held ${f.tracker.heldBytes} > ${max}`);
            f.checkBooks();
            if (s.gap < 5) f.tracker.tick(f.ts + 10_000);
          }
          // Within a delivery, only heads parsed from it are charged past the budget.
          assert.ok(f.peakInside <= max + slack(biggest), `peak ${f.peakInside}`);
          f.tracker.flush();
          const c = f.tracker.counters;
          assert.equal(c.internalErrors, 0);
          assert.equal(f.tracker.heldBytes, 0);
          // No request is lost silently: every request head read came out.
          assert.equal(f.out.length, c.requests);
          assert.equal(f.out.length, c.paired + c.unpaired);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * The documented slack: heads parsed from one delivery are charged before the flow settles
 * the budget. A head of r bytes costs r + HEAD_OVERHEAD + FIELD_OVERHEAD per field, a
 * field line is at least 3 bytes ("a:\n") and a head at least 16: at most
 * chunk × (1 + FIELD_OVERHEAD / 3 + HEAD_OVERHEAD / 16), plus one head buffered before it.
 */
function slack(chunk: number): number {
  return Math.ceil(chunk * (1 + FIELD_OVERHEAD / 3 + HEAD_OVERHEAD / 16)) + 2 * 2048 + HEAD_OVERHEAD;
}
