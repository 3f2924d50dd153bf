import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bearerToken, roleAllows, TouchThrottle } from "./auth.js";
import { MemoryStore } from "./testing/memory-store.js";
import { createToken, hashToken, isTokenShaped, sameHash, TOKEN_LENGTH, validTokenName } from "./tokens.js";

describe("tokens", () => {
  it("hashes with SHA-256 hex", () => {
    assert.equal(hashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("creates mw_ tokens of 32 random bytes, stores only the hash, and returns the record", async () => {
    const store = new MemoryStore();
    await store.open();
    const a = await createToken(store, { name: "ops", role: "admin", now: 1000 });
    const b = await createToken(store, { name: "ops", role: "viewer", now: 2000 });
    assert.match(a.token, /^mw_[A-Za-z0-9_-]{43}$/);
    assert.equal(a.token.length, TOKEN_LENGTH);
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.record.id, b.record.id);
    assert.deepEqual(a.record, {
      id: a.record.id,
      name: "ops",
      role: "admin",
      hash: hashToken(a.token),
      createdAt: 1000,
    });
    assert.deepEqual(await store.tokenByHash(hashToken(a.token)), a.record);
    assert.ok(!JSON.stringify(await store.tokens()).includes(a.token));
    assert.ok(isTokenShaped(a.token));
  });

  it("refuses bad names and roles", async () => {
    const store = new MemoryStore();
    await store.open();
    await assert.rejects(createToken(store, { name: "", role: "admin", now: 0 }));
    await assert.rejects(createToken(store, { name: "a\nb", role: "admin", now: 0 }));
    await assert.rejects(createToken(store, { name: "ok", role: "root" as "admin", now: 0 }));
    assert.deepEqual(await store.tokens(), []);
    assert.ok(validTokenName("CI runner #3 (prod)"));
    assert.ok(!validTokenName(" x"));
    assert.ok(!validTokenName("x".repeat(65)));
    assert.ok(!validTokenName("bell\u0007"));
  });

  it("checks token shape and compares hashes", () => {
    assert.ok(!isTokenShaped("mw_short"));
    assert.ok(!isTokenShaped(`xx_${"a".repeat(43)}`));
    assert.ok(!isTokenShaped(`mw_${"a".repeat(42)}=`));
    assert.ok(sameHash(hashToken("x"), hashToken("x")));
    assert.ok(!sameHash(hashToken("x"), hashToken("y")));
    assert.ok(!sameHash(hashToken("x"), "short"));
  });
});

describe("auth helpers", () => {
  it("reads Bearer tokens (scheme case-insensitive, RFC 7235 §2.1)", () => {
    assert.equal(bearerToken("Bearer abc"), "abc");
    assert.equal(bearerToken("bEaReR   abc  "), "abc");
    for (const h of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "Basic abc",
      "Bearerabc",
      `Bearer ${"a".repeat(600)}`,
    ]) {
      assert.equal(bearerToken(h), undefined, String(h));
    }
  });

  it("orders roles viewer < analyst < admin", () => {
    assert.ok(
      roleAllows("admin", "viewer") && roleAllows("admin", "admin") && roleAllows("analyst", "viewer"),
    );
    assert.ok(!roleAllows("viewer", "analyst") && !roleAllows("analyst", "admin"));
    assert.ok(!roleAllows("root" as "admin", "viewer"), "an unknown stored role gets nothing");
  });

  it("throttles last-use writes to one per interval per token", () => {
    const t = new TouchThrottle(60_000);
    assert.ok(t.due("a", 0));
    assert.ok(!t.due("a", 59_999));
    assert.ok(t.due("b", 59_999));
    assert.ok(t.due("a", 60_000));
    assert.ok(t.due("a", 10), "a clock that went back does not block forever");
  });
});
