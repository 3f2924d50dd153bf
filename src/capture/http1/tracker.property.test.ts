import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { HttpExchange } from "../../model/http.js";
import { FlowDriver, text } from "./driver.js";

/** Everything of an exchange except times, which depend on how the bytes were cut. */
function shape(e: HttpExchange): unknown {
  const r = e.response;
  return {
    req: [e.request.method, e.request.target, e.request.headers, text(e.request.body)],
    resp: r === undefined ? null : [r.status, r.reason, r.headers, text(r.body), r.wireBytes],
    anomalies: e.anomalies ?? [],
    host: e.host,
  };
}

const gz = gzipSync(Buffer.from("compressed body ".repeat(20)));
const CLIENT = Buffer.concat([
  Buffer.from("GET /a HTTP/1.1\r\nHost: h\r\nX-Fold: a\r\n b\r\n\r\n"),
  Buffer.from("POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
  Buffer.from("PUT /c HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"),
  Buffer.from("3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n"),
  Buffer.from("HEAD /d HTTP/1.1\r\n\r\n"),
  Buffer.from("GET /e HTTP/1.1\n\n"),
]);
const SERVER = Buffer.concat([
  Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
  Buffer.from("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n"),
  Buffer.from("HTTP/1.1 100 Continue\r\n\r\n"),
  Buffer.from("HTTP/1.1 204 No Content\r\n\r\n"),
  Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"),
  Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
  gz,
]);

function run(clientPieces: Uint8Array[], serverPieces: Uint8Array[]): unknown[] {
  // Response decoding on: the gzip body must come out the same however it was split.
  const d = new FlowDriver({ decodeResponses: true });
  d.sendPieces(0, clientPieces);
  d.sendPieces(1, serverPieces);
  const out = d.close();
  assert.equal(d.tracker.counters.internalErrors, 0);
  return out.map(shape);
}

function splitAt(b: Buffer, cuts: readonly number[]): Buffer[] {
  const sorted = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of sorted) {
    out.push(b.subarray(prev, c));
    prev = c;
  }
  out.push(b.subarray(prev));
  return out.filter((p) => p.length > 0);
}

describe("HttpStreamTracker properties", () => {
  const whole = run([CLIENT], [SERVER]);

  it("the fixture reads as expected in one chunk", () => {
    assert.equal(whole.length, 5);
    const statuses = whole.map((s) => ((s as { resp: unknown[] | null }).resp ?? [])[0]);
    assert.deepEqual(statuses, [200, 201, 204, 200, 200]);
    assert.equal(text((whole[4] as { resp: string[] }).resp[3]), "compressed body ".repeat(20));
  });

  it("gives the same exchanges when either direction is split at any byte", () => {
    for (let i = 1; i < CLIENT.length; i++)
      assert.deepEqual(
        run([CLIENT.subarray(0, i), CLIENT.subarray(i)], [SERVER]),
        whole,
        `client split ${i}`,
      );
    for (let i = 1; i < SERVER.length; i++)
      assert.deepEqual(
        run([CLIENT], [SERVER.subarray(0, i), SERVER.subarray(i)]),
        whole,
        `server split ${i}`,
      );
  });

  it("gives the same exchanges for any number of splits (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 40 }), (cc, sc) => {
        assert.deepEqual(run(splitAt(CLIENT, cc), splitAt(SERVER, sc)), whole);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on random bytes, random splits, gaps and directions (property)", () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(
        ...[
          "GET / HTTP/1.1\r\n",
          "HTTP/1.1 200 OK\r\n",
          "HTTP/1.1 101 S\r\n\r\n",
          "Content-Length: 3\r\n",
          "Transfer-Encoding: chunked\r\n",
          "Content-Encoding: gzip\r\n",
          "\r\n",
          "5\r\nabcde\r\n0\r\n\r\n",
          "HEAD /x HTTP/1.0\r\n\r\n",
        ].map((s) => Buffer.from(s)),
      ),
    );
    const step = fc.record({
      dir: fc.constantFrom(0 as const, 1 as const),
      bytes: fc.array(piece, { maxLength: 6 }),
      gap: fc.nat({ max: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), fc.boolean(), (steps, handshake) => {
        const d = new FlowDriver({ maxBodyBytes: 50, maxHeadBytes: 300, maxPending: 4 }, { handshake });
        for (const s of steps) {
          if (s.gap > 2800) d.gap(s.dir, s.gap);
          else d.send(s.dir, Buffer.concat(s.bytes));
          if (s.gap < 100) d.tracker.tick(d.ts + 10_000);
        }
        d.close();
        const c = d.tracker.counters;
        assert.equal(c.internalErrors, 0);
        assert.equal(d.out.length, c.paired + c.unpaired);
        assert.ok(d.out.length <= c.requests);
        for (const e of d.out) {
          assert.ok(e.request.body.length <= 50 || (e.anomalies ?? []).length > 0);
          assert.ok((e.anomalies ?? []).length <= 32);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a gap in a keep-alive flow loses at most the exchanges it touched (property)", () => {
    const n = 8;
    const reqs: Buffer[] = [];
    const resps: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      reqs.push(Buffer.from(`GET /${i} HTTP/1.1\r\nHost: h\r\n\r\n`));
      const body = String.fromCharCode(97 + i).repeat(10 + 7 * i);
      resps.push(
        i % 2 === 0
          ? Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
          : Buffer.from(
              `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
            ),
      );
    }
    const offsets: number[] = [];
    let total = 0;
    for (const r of resps) {
      offsets.push(total);
      total += r.length;
    }
    fc.assert(
      fc.property(fc.nat({ max: total - 1 }), fc.integer({ min: 1, max: 200 }), (start, len) => {
        const end = Math.min(total, start + len);
        const d = new FlowDriver();
        for (let i = 0; i < n; i++) {
          d.send(0, reqs[i]!);
          const a = offsets[i]!;
          const r = resps[i]!;
          // This response's bytes, with [start, end) replaced by one gap.
          const s = Math.max(start, a) - a;
          const e = Math.min(end, a + r.length) - a;
          if (s >= e) d.send(1, r);
          else {
            if (s > 0) d.send(1, r.subarray(0, s));
            if (start >= a) d.gap(1, end - start);
            if (e < r.length) d.send(1, r.subarray(e));
          }
        }
        const out = d.close();
        assert.equal(d.tracker.counters.internalErrors, 0);
        assert.deepEqual(
          out.map((x) => x.request.target),
          reqs.map((_, i) => `/${i}`),
        );
        for (let i = 0; i < n; i++) {
          const touched = offsets[i]! < end && offsets[i]! + resps[i]!.length > start;
          const r = out[i]!.response;
          if (!touched) {
            assert.equal(r?.status, 200, `exchange ${i} untouched by [${start}, ${end})`);
            assert.equal(text(r?.body), String.fromCharCode(97 + i).repeat(10 + 7 * i));
          } else if (r !== undefined) assert.ok((out[i]!.anomalies ?? []).length > 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
