import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashToken, TOKEN_PREFIX } from "../../tokens.js";
import { type StoreFactory, useHarness } from "../harness.js";

export function tokensSuite(factory: StoreFactory): void {
  describe("token management", () => {
    const h = useHarness(factory);

    const post = (payload: unknown, token = h().tokens.admin, contentType = "application/json") =>
      h().app.inject({
        method: "POST",
        url: "/api/v1/tokens",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        payload: typeof payload === "string" ? payload : JSON.stringify(payload),
      });
    const del = (id: string, token = h().tokens.admin) =>
      h().app.inject({
        method: "DELETE",
        url: `/api/v1/tokens/${id}`,
        headers: { authorization: `Bearer ${token}` },
      });

    it("creates, lists, uses and revokes a token", async () => {
      const created = await post({ name: "ci pipeline", role: "analyst" });
      assert.equal(created.statusCode, 201, created.body);
      const c = created.json();
      assert.deepEqual(Object.keys(c).sort(), ["createdAt", "id", "name", "role", "token"]);
      assert.equal(c.name, "ci pipeline");
      assert.equal(c.role, "analyst");
      assert.equal(c.createdAt, new Date(h().clock.now).toISOString());
      assert.ok(c.token.startsWith(TOKEN_PREFIX));
      assert.equal(c.token.length, 46);

      // Stored hashed: the store has the SHA-256, never the secret.
      const stored = (await h().store.tokens()).find((t) => t.id === c.id);
      assert.equal(stored?.hash, hashToken(c.token));

      const list = await h().get("/api/v1/tokens", h().tokens.admin);
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes(c.token), "the secret is not listed");
      assert.ok(!list.body.includes(hashToken(c.token)), "nor its hash");
      const item = list.json().items.find((t: { id: string }) => t.id === c.id);
      assert.deepEqual(item, { id: c.id, name: "ci pipeline", role: "analyst", createdAt: c.createdAt });
      for (const t of list.json().items) assert.ok(!("hash" in t) && !("token" in t));

      assert.equal((await h().get("/api/v1/hits?limit=1", c.token)).statusCode, 200);
      assert.equal((await h().get("/api/v1/tokens", c.token)).statusCode, 403);

      const revoked = await del(c.id);
      assert.equal(revoked.statusCode, 204);
      assert.equal(revoked.body, "");
      assert.equal((await h().get("/api/v1/hits?limit=1", c.token)).statusCode, 401);
      assert.equal((await del(c.id)).statusCode, 404, "revoking twice");
      const after = (await h().get("/api/v1/tokens", h().tokens.admin)).json().items;
      assert.equal(
        after.find((t: { id: string }) => t.id === c.id).revokedAt,
        new Date(h().clock.now).toISOString(),
      );
    });

    it("defaults the role to viewer", async () => {
      const c = (await post({ name: "dashboard" })).json();
      assert.equal(c.role, "viewer");
      assert.equal((await h().get("/api/v1/tokens", c.token)).statusCode, 403);
    });

    it("rejects invalid bodies", async () => {
      const cases: [unknown, number][] = [
        [{ name: "x", role: "root" }, 400],
        [{ name: "" }, 400],
        [{ name: "two\nlines" }, 400],
        [{ name: " padded " }, 400],
        [{ name: "x".repeat(65) }, 400],
        [{ role: "admin" }, 400],
        [{ name: "x", extra: 1 }, 400],
        [[], 400],
        ["{not json", 400],
      ];
      for (const [body, status] of cases) {
        const r = await post(body);
        assert.equal(r.statusCode, status, `${JSON.stringify(body)}: ${r.body}`);
        assert.ok(["invalid_request", "bad_json"].includes(r.json().error.code));
      }
      assert.equal((await post("name=x", undefined, "application/x-www-form-urlencoded")).statusCode, 415);
      assert.equal((await post("name", undefined, "text/plain")).statusCode, 415);
      const big = await post({ name: "x", pad: "y".repeat(100_000) });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().error.code, "payload_too_large");
    });

    it("lets only admins create and revoke", async () => {
      for (const t of [h().tokens.viewer, h().tokens.analyst]) {
        assert.equal((await post({ name: "sneaky", role: "admin" }, t)).statusCode, 403);
        const victim = (await h().store.tokens()).find((x) => x.name === "admin")!;
        assert.equal((await del(victim.id, t)).statusCode, 403);
      }
      assert.ok(!(await h().store.tokens()).some((t) => t.name === "sneaky"));
    });

    it("answers 404 when revoking an unknown token", async () => {
      const r = await del("no-such-token");
      assert.equal(r.statusCode, 404);
      assert.equal(r.json().error.code, "not_found");
    });
  });
}
