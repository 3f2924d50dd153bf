import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LightMyRequestResponse } from "fastify";
import { registeredRoutes } from "../../app.js";
import { TOKEN_PREFIX } from "../../tokens.js";
import { type StoreFactory, useHarness } from "../harness.js";

/** Every route the app serves, each with a URL that reaches it. */
function concreteRoutes(app: Parameters<typeof registeredRoutes>[0]) {
  return registeredRoutes(app).map((r) => ({ ...r, path: r.url.replaceAll(":id", "some-id") }));
}

function assertUnauthorized(r: LightMyRequestResponse, what: string): void {
  assert.equal(r.statusCode, 401, `${what}: ${r.statusCode} ${r.body}`);
  assert.match(String(r.headers["www-authenticate"]), /^Bearer realm="mirrorwatch"/, what);
  if (r.body !== "") {
    const body = r.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["error"], `${what}: an error and nothing else`);
    assert.equal((body.error as { code: string }).code, "unauthorized", what);
  }
}

export function authSuite(factory: StoreFactory): void {
  describe("authentication", () => {
    const h = useHarness(factory);

    it("registers the routes the API promises, and only the probes are public", () => {
      const routes = registeredRoutes(h().app);
      const get = routes.filter((r) => r.method === "GET").map((r) => r.url);
      for (const url of [
        "/api/v1/hits",
        "/api/v1/attacks",
        "/api/v1/attacks/:id",
        "/api/v1/requests/:id",
        "/api/v1/requests/:id/raw",
        "/api/v1/requests/:id/curl",
        "/api/v1/stats",
        "/api/v1/tokens",
        "/api/v1/openapi.json",
        "/metrics",
        "/healthz",
        "/readyz",
      ]) {
        assert.ok(get.includes(url), `GET ${url} registered`);
      }
      const open = routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(open.sort(), ["GET /healthz", "GET /readyz", "HEAD /healthz", "HEAD /readyz"]);
    });

    it("answers 401 with no data on every non-public route without, with a bad or a revoked token", async () => {
      const { app, tokens, data } = h();
      const realId = data.attacks[0]!.id;
      const wellFormedUnknown = `${TOKEN_PREFIX}${"A".repeat(43)}`;
      const variants: [string, Record<string, string>][] = [
        ["no header", {}],
        ["empty bearer", { authorization: "Bearer " }],
        ["other scheme", { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` }],
        ["token without scheme", { authorization: tokens.admin }],
        ["malformed token", { authorization: "Bearer not-a-token" }],
        ["unknown token", { authorization: `Bearer ${wellFormedUnknown}` }],
        ["token with one character changed", { authorization: `Bearer ${tokens.admin.slice(0, -1)}x` }],
        ["revoked token", { authorization: `Bearer ${tokens.revoked}` }],
        ["huge header", { authorization: `Bearer ${"x".repeat(100_000)}` }],
      ];
      let checked = 0;
      for (const route of concreteRoutes(app)) {
        if (route.public) continue;
        for (const path of [route.path, route.url.replaceAll(":id", realId)]) {
          for (const [what, headers] of variants) {
            const r = await app.inject({
              method: route.method as "GET",
              url: path,
              headers: { ...headers, "content-type": "application/json" },
              ...(route.method === "POST" ? { payload: JSON.stringify({ name: "x", role: "admin" }) } : {}),
            });
            assertUnauthorized(r, `${route.method} ${path} (${what})`);
            checked++;
          }
        }
      }
      assert.ok(checked >= 100, `checked ${checked} combinations`);
    });

    it("answers 401, not 404, for unknown paths without a token, and 404 with one", async () => {
      const { get, tokens } = h();
      assertUnauthorized(await get("/api/v1/nothing-here", null), "unknown path");
      assertUnauthorized(await get("/admin", null), "unknown path");
      const r = await get("/api/v1/nothing-here", tokens.viewer);
      assert.equal(r.statusCode, 404);
      assert.equal(r.json().error.code, "not_found");
    });

    it("takes the scheme case-insensitively and ignores tokens in the query string", async () => {
      const { app, tokens, get } = h();
      const r = await app.inject({
        url: "/api/v1/hits?limit=1",
        headers: { authorization: `bearer ${tokens.viewer}` },
      });
      assert.equal(r.statusCode, 200);
      // RFC 6750 §2.3 URI tokens end up in logs and histories: not accepted.
      assertUnauthorized(await get(`/api/v1/hits?access_token=${tokens.viewer}`, null), "query token");
    });

    it("serves /healthz and /readyz without a token", async () => {
      const { get } = h();
      for (const url of ["/healthz", "/readyz"]) {
        const r = await get(url, null);
        assert.equal(r.statusCode, 200, url);
      }
    });

    it("lets viewers and analysts read, and only admins manage tokens (403 otherwise)", async () => {
      const { get, tokens } = h();
      for (const t of [tokens.viewer, tokens.analyst, tokens.admin]) {
        assert.equal((await get("/api/v1/hits?limit=1", t)).statusCode, 200);
        assert.equal((await get("/api/v1/stats", t)).statusCode, 200);
      }
      for (const t of [tokens.viewer, tokens.analyst]) {
        const r = await get("/api/v1/tokens", t);
        assert.equal(r.statusCode, 403);
        assert.deepEqual(Object.keys(r.json()), ["error"]);
        assert.equal(r.json().error.code, "forbidden");
      }
      assert.equal((await get("/api/v1/tokens", tokens.admin)).statusCode, 200);
    });

    it("records a token's last use, at most once a minute", async () => {
      const { get, tokens, store, clock } = h();
      const lastUsed = async () => (await store.tokens()).find((t) => t.name === "analyst")?.lastUsedAt;
      const start = clock.now;
      try {
        clock.now = start + 10 * 60_000;
        await get("/api/v1/hits?limit=1", tokens.analyst);
        const first = await lastUsed();
        assert.equal(first, clock.now);
        clock.now += 30_000;
        await get("/api/v1/hits?limit=1", tokens.analyst);
        assert.equal(await lastUsed(), first, "not again within the minute");
        clock.now += 31_000;
        await get("/api/v1/hits?limit=1", tokens.analyst);
        assert.equal(await lastUsed(), clock.now);
      } finally {
        clock.now = start;
      }
    });
  });
}
