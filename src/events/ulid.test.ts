import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createUlid, ulidTime } from "./ulid.js";

describe("ulid", () => {
  it("is 26 Crockford base-32 characters that encode the time", () => {
    const id = createUlid()(1_700_000_000_123);
    assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(ulidTime(id), 1_700_000_000_123);
    assert.ok(Number.isNaN(ulidTime("short")));
  });
  it("sorts like the times, and increases within one millisecond", () => {
    const next = createUlid();
    const ids = [next(5), next(5), next(5), next(6), next(1_000_000), next(2 ** 47)];
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });
  it("makes distinct ids", () => {
    const next = createUlid();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(next(i % 3));
    assert.equal(seen.size, 10_000);
  });
  it("clamps times outside 48 bits instead of failing", () => {
    const next = createUlid();
    assert.equal(ulidTime(next(-5)), 0);
    assert.equal(ulidTime(next(Number.NaN)), 0);
    assert.equal(ulidTime(next(2 ** 60)), 2 ** 48 - 1);
  });
});
