import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Sampler } from "./sampling.js";

const key = { type: "sqli", point: "query › id", host: "h", path: "/p", method: "GET", clientIp: "10.0.0.1" };
const HOUR = 3_600_000;

describe("Sampler", () => {
  it("stores the first 5 identical hits of an hour, counts the rest", () => {
    const s = new Sampler();
    const got = Array.from({ length: 8 }, (_, i) => s.admit(key, 1000 + i));
    assert.deepEqual(got, [true, true, true, true, true, false, false, false]);
  });
  it("starts a new window after an hour", () => {
    const s = new Sampler({ limit: 1 });
    assert.equal(s.admit(key, 0), true);
    assert.equal(s.admit(key, HOUR - 1), false);
    assert.equal(s.admit(key, HOUR), true);
  });
  it("tells keys apart by every field", () => {
    const s = new Sampler({ limit: 1 });
    assert.equal(s.admit(key, 0), true);
    for (const f of Object.keys(key) as (keyof typeof key)[]) {
      assert.equal(s.admit({ ...key, [f]: `${key[f]}x` }, 0), true, f);
    }
    // Fields are delimited: moving a character across a boundary is another key.
    assert.equal(s.admit({ ...key, host: "h/", path: "p" }, 0), true);
  });
  it("keeps at most maxKeys keys", () => {
    const s = new Sampler({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) s.admit({ ...key, clientIp: `10.0.${i >> 8}.${i & 255}` }, 0);
    assert.equal(s.size, 100);
  });
  it("with limit 0 stores nothing and counts everything", () => {
    const s = new Sampler({ limit: 0 });
    assert.equal(s.admit(key, 0), false);
  });
  it("refuses bad settings", () => {
    assert.throws(() => new Sampler({ limit: -1 }));
    assert.throws(() => new Sampler({ windowMs: 0 }));
    assert.throws(() => new Sampler({ maxKeys: 0 }));
  });
});
