import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Engine } from "../analysis/index.js";
import type { HttpExchange, HttpRequest } from "../model/index.js";
import { LogLimiter } from "./node-logger.js";
import { analyseBatch, BatchBuilder, batchTransfer, decodeBatch, encodeBatch } from "./node-wire.js";

const text = fc.string({ maxLength: 20, unit: "binary" });
const request: fc.Arbitrary<HttpRequest> = fc.record(
  {
    method: fc.constantFrom("GET", "POST", "PUT", "X", ""),
    target: fc.string({ maxLength: 40 }),
    headers: fc.array(fc.tuple(fc.string({ maxLength: 10 }), text), { maxLength: 6 }),
    body: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 30 })),
    httpVersion: fc.constantFrom("1.0", "1.1", ""),
  },
  { requiredKeys: ["method", "target", "headers", "body"], noNullPrototype: true },
);
const endpoint = fc.record(
  { ip: fc.string({ maxLength: 15 }), port: fc.integer({ min: 0, max: 65535 }) },
  {
    requiredKeys: ["ip"],
    noNullPrototype: true,
  },
);
const anomaly = fc.record(
  {
    code: fc.constantFrom("bad_utf8", "bad_header", "body_truncated") as fc.Arbitrary<"bad_utf8">,
    detail: text,
    point: text,
  },
  { requiredKeys: ["code"], noNullPrototype: true },
);
const exchange: fc.Arbitrary<HttpExchange> = fc.record(
  {
    id: fc.string({ maxLength: 12 }),
    request,
    response: fc.record(
      { status: fc.integer({ min: 100, max: 599 }), headers: fc.constant([]), body: text },
      { noNullPrototype: true },
    ),
    client: endpoint,
    server: endpoint,
    ts: fc.integer({ min: 0, max: 2 ** 45 }),
    source: text,
    scheme: text,
    host: text,
    requestId: text,
    anomalies: fc.array(anomaly, { maxLength: 3 }),
  },
  { requiredKeys: ["id", "request"], noNullPrototype: true },
);

/**
 * Plain data to compare: tuples as arrays, byte bodies as number lists. A response crosses
 * without its body (nothing downstream reads it), its size kept in `wireBytes`.
 */
function plain(ex: HttpExchange) {
  const r = ex.request;
  const res = ex.response;
  const resBytes =
    res === undefined ? 0 : typeof res.body === "string" ? Buffer.byteLength(res.body) : res.body.byteLength;
  return {
    ...ex,
    ...(res === undefined
      ? {}
      : {
          response:
            resBytes === 0
              ? { ...res, body: [] }
              : { ...res, body: [], wireBytes: res.wireBytes ?? resBytes },
        }),
    request: {
      ...r,
      headers: r.headers.map(([n, v]) => [n, v]),
      body: typeof r.body === "string" ? r.body : [...r.body],
    },
  };
}

describe("node wire format", () => {
  it("round-trips exchanges, every optional field included, bodies packed into one buffer", () => {
    fc.assert(
      fc.property(fc.array(exchange, { maxLength: 8 }), (exs) => {
        const batch = encodeBatch(exs);
        // Only byte bodies are packed, back to back.
        const bytes = exs.reduce(
          (n, e) => n + (typeof e.request.body === "string" ? 0 : e.request.body.byteLength),
          0,
        );
        assert.equal(batch.body.byteLength, bytes);
        assert.equal(batch.n, exs.length);
        assert.deepEqual(decodeBatch(batch).map(plain), exs.map(plain));
      }),
      { numRuns: 500 },
    );
  });

  it("survives a transfer: a batch is a few objects and transferable buffers", () => {
    const exs: HttpExchange[] = [
      {
        id: "a",
        request: { method: "GET", target: "/é?x=1", headers: [["Host", "h"]], body: new Uint8Array([1, 2]) },
      },
      { id: "b", request: { method: "POST", target: "/", headers: [], body: "text body" }, ts: 5 },
    ];
    const batch = encodeBatch(exs);
    const copy = structuredClone(batch, { transfer: batchTransfer(batch) });
    assert.equal(batch.body.byteLength, 0, "the body buffer was transferred, not copied");
    assert.deepEqual(decodeBatch(copy).map(plain), exs.map(plain));
  });

  it("copies a body that is a view into a larger buffer, not the whole buffer", () => {
    const pool = new Uint8Array(8192).fill(7);
    const body = pool.subarray(100, 110);
    const batch = encodeBatch([{ id: "x", request: { method: "POST", target: "/", headers: [], body } }]);
    assert.equal(batch.body.byteLength, 10);
  });

  it("a builder starts afresh after each seal", () => {
    const b = new BatchBuilder();
    b.add({ id: "1", request: { method: "GET", target: "/a", headers: [], body: new Uint8Array([9]) } });
    assert.equal(b.length, 1);
    const first = b.seal();
    assert.equal(b.length, 0);
    b.add({ id: "2", request: { method: "GET", target: "/b", headers: [], body: new Uint8Array() } });
    const second = b.seal();
    assert.deepEqual(
      [...decodeBatch(first), ...decodeBatch(second)].map((e) => [e.id, e.request.target]),
      [
        ["1", "/a"],
        ["2", "/b"],
      ],
    );
  });

  it("answers with a time per exchange and, whole, only the exchanges with hits", () => {
    const body = new TextEncoder().encode("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    const batch = encodeBatch([
      {
        id: "benign",
        request: { method: "GET", target: "/items?id=42", headers: [], body: new Uint8Array() },
      },
      {
        id: "xss",
        request: {
          method: "POST",
          target: "/c",
          headers: [["Content-Type", "application/x-www-form-urlencoded"]],
          body,
        },
        anomalies: [{ code: "body_truncated" }],
      },
    ]);
    const reply = analyseBatch(new Engine(), batch);
    assert.equal(reply.ms.length, 2);
    assert.deepEqual(reply.failed, []);
    assert.deepEqual(
      reply.found.map((f) => [f.i, f.exchange.id]),
      [[1, "xss"]],
    );
    const found = reply.found[0]!;
    assert.ok(found.hits.some((h) => h.type === "xss"));
    assert.equal(found.exchange.anomalies?.[0]?.code, "body_truncated");
    const b = found.exchange.request.body as Uint8Array;
    // Its own buffer: sending it back must not drag the whole batch's bodies along.
    assert.equal(b.buffer.byteLength, body.byteLength);
    assert.deepEqual([...b], [...body]);
  });
});

describe("LogLimiter", () => {
  it("lets a few through per minute and counts the rest", () => {
    let t = 0;
    const l = new LogLimiter(2, () => t);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => l.allow("x").ok),
      [true, true, false, false],
    );
    assert.equal(l.allow("y").ok, true, "keys are separate");
    t = 60_000;
    assert.deepEqual(l.allow("x"), { ok: true, suppressed: 2 });
  });
});
