import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { HttpRequest } from "../model/index.js";
import { LogLimiter } from "./node-logger.js";
import { decodeRequest, encodeBatch } from "./node-wire.js";

const request: fc.Arbitrary<HttpRequest> = fc.record(
  {
    method: fc.constantFrom("GET", "POST", "PUT", "X"),
    target: fc.string({ maxLength: 40 }),
    headers: fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })), { maxLength: 6 }),
    body: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 30 })),
    httpVersion: fc.constantFrom("1.0", "1.1"),
  },
  { requiredKeys: ["method", "target", "headers", "body"] },
);

function plain(r: HttpRequest) {
  return {
    ...r,
    headers: r.headers.map(([n, v]) => [n, v]),
    body: typeof r.body === "string" ? r.body : [...r.body],
  };
}

describe("node wire format", () => {
  it("round-trips requests, bodies packed into one buffer", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 8 }), (reqs) => {
        const batch = encodeBatch(reqs);
        // Only byte bodies are packed, back to back.
        const bytes = reqs.reduce((n, r) => n + (typeof r.body === "string" ? 0 : r.body.byteLength), 0);
        assert.equal(batch.body.byteLength, bytes);
        const back = batch.reqs.map((w) => decodeRequest(w, batch.body));
        assert.deepEqual(back.map(plain), reqs.map(plain));
      }),
    );
  });

  it("copies a body that is a view into a larger buffer, not the whole buffer", () => {
    const pool = new Uint8Array(8192).fill(7);
    const body = pool.subarray(100, 110);
    const batch = encodeBatch([{ method: "POST", target: "/", headers: [], body }]);
    assert.equal(batch.body.byteLength, 10);
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
