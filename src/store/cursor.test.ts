import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeCursor, encodeCursor } from "./cursor.js";

describe("cursor", () => {
  it("round-trips (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        (ts, id) => {
          assert.deepEqual(decodeCursor(encodeCursor({ ts, id })), { ts, id });
        },
      ),
    );
  });
  it("refuses anything else without throwing (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const k = decodeCursor(s);
        if (k !== undefined) assert.equal(encodeCursor(k), s.replace(/=+$/, ""));
      }),
    );
    assert.equal(decodeCursor(""), undefined);
    assert.equal(decodeCursor(Buffer.from("v2:1:x").toString("base64url")), undefined);
    assert.equal(decodeCursor(Buffer.from("v1:1.5:x").toString("base64url")), undefined);
    assert.equal(decodeCursor(Buffer.from("v1:1:").toString("base64url")), undefined);
  });
});
