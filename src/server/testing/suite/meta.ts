import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import pino from "pino";
import { Counter } from "prom-client";
import { registeredRoutes } from "../../app.js";
import { type StoreFactory, startHarness, useHarness, withOverrides } from "../harness.js";

interface OpenApiDoc {
  openapi: string;
  info: { version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        responses: Record<string, unknown>;
        parameters?: { name: string; in: string }[];
      }
    >
  >;
  components: {
    schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
    securitySchemes: Record<string, unknown>;
  };
}

export function metaSuite(factory: StoreFactory): void {
  describe("OpenAPI document", () => {
    const h = useHarness(factory);

    it("is served behind a token and lists every route with its responses", async () => {
      assert.equal((await h().get("/api/v1/openapi.json", null)).statusCode, 401);
      const r = await h().json<OpenApiDoc>("/api/v1/openapi.json");
      assert.equal(r.status, 200);
      const doc = r.body;
      assert.match(doc.openapi, /^3\./);
      assert.equal(doc.info.version, "0.0.0-test");
      const routes = registeredRoutes(h().app).filter((x) => x.method !== "HEAD");
      assert.ok(routes.length >= 13);
      for (const route of routes) {
        const path = route.url.replaceAll(/:(\w+)/g, "{$1}");
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        assert.ok(op, `${route.method} ${route.url} is documented`);
        const ok = Object.keys(op.responses).filter((s) => s.startsWith("2"));
        assert.ok(ok.length > 0, `${route.method} ${route.url} documents its success response`);
        if (route.public) assert.deepEqual(op.security, [], `${route.url} is marked public`);
        else assert.ok(op.responses["401"], `${route.method} ${route.url} documents 401`);
      }
      for (const name of ["Hit", "Attack", "StoredRequest", "Token", "Error"]) {
        assert.ok(doc.components.schemas[name], `schema ${name}`);
      }
      for (const k of ["type", "point", "clientIp", "host", "path", "time"]) {
        assert.ok(doc.components.schemas.Hit?.required?.includes(k), `Hit requires ${k}`);
      }
      assert.ok(doc.components.securitySchemes.bearer);
      // The packet path's fields and filter are documented.
      for (const path of ["/api/v1/hits", "/api/v1/attacks", "/api/v1/stats"]) {
        const params = doc.paths[path]?.get?.parameters ?? [];
        assert.ok(
          params.some((p) => p.name === "vni" && p.in === "query"),
          `${path} documents the vni filter`,
        );
      }
      for (const k of ["vni", "vlan", "responseBytes", "responseMs"]) {
        assert.ok(doc.components.schemas.Hit?.properties?.[k], `Hit has ${k}`);
        assert.ok(doc.components.schemas.StoredRequest?.properties?.[k], `StoredRequest has ${k}`);
      }
      assert.ok(doc.components.schemas.StoredRequest?.properties?.tunnel);
    });
  });

  describe("/metrics", () => {
    const h = useHarness(factory);

    it("serves the registry passed in, behind a token, with API metrics by route template", async () => {
      const external = new Counter({
        name: "mirrorwatch_test_received_total",
        help: "t",
        registers: [h().registry],
      });
      external.inc(7);
      assert.equal((await h().get("/metrics", null)).statusCode, 401);
      await h().get("/api/v1/attacks/some-secret-looking-id");
      await h().get("/no/such/route/with-a-unique-name");
      const r = await h().get("/metrics");
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers["content-type"]), /^text\/plain/);
      assert.match(r.body, /^mirrorwatch_test_received_total 7$/m);
      assert.match(
        r.body,
        /mirrorwatch_api_requests_total\{method="GET",route="\/api\/v1\/attacks\/:id",status="404"\} 1/,
      );
      assert.match(r.body, /route="unmatched"/);
      assert.ok(!r.body.includes("some-secret-looking-id"), "labels hold templates, not URLs");
      assert.ok(!r.body.includes("with-a-unique-name"));
      assert.match(r.body, /mirrorwatch_api_request_duration_seconds_bucket/);
    });
  });

  describe("probes, headers and errors", () => {
    const h = useHarness(factory);

    it("sets API security headers and no CORS headers", async () => {
      for (const [url, token] of [
        ["/healthz", null],
        ["/api/v1/hits?limit=1", undefined],
        ["/api/v1/hits", null],
      ] as const) {
        const r = await h().get(url, token);
        assert.equal(r.headers["cache-control"], "no-store", url);
        assert.equal(r.headers["x-content-type-options"], "nosniff", url);
        assert.match(String(r.headers["content-security-policy"]), /default-src 'none'/);
        assert.equal(r.headers["access-control-allow-origin"], undefined);
      }
      const preflight = await h().app.inject({
        method: "OPTIONS",
        url: "/api/v1/hits",
        headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
      });
      assert.equal(preflight.headers["access-control-allow-origin"], undefined);
    });

    it("answers readyz 503 when the store does not", async () => {
      const cases: [string, () => Promise<boolean>][] = [
        ["false", async () => false],
        ["rejects", async () => Promise.reject(new Error("disk gone"))],
        [
          "throws",
          () => {
            throw new Error("sync throw");
          },
        ],
        ["hangs", () => new Promise<boolean>(() => {})],
      ];
      for (const [what, ping] of cases) {
        const store = withOverrides(h().store, { ping });
        const other = await startHarness(async () => ({ store, dispose: async () => {} }), {
          seed: false,
          deps: { readyTimeoutMs: 50 },
        });
        try {
          const r = await other.get("/readyz", null);
          assert.equal(r.statusCode, 503, what);
          assert.deepEqual(r.json(), { status: "unavailable" });
          assert.equal((await other.get("/healthz", null)).statusCode, 200, `${what}: still alive`);
        } finally {
          await other.app.close();
        }
      }
    });

    it("hides internal errors and maps store cursor errors to 400", async () => {
      const boom = withOverrides(h().store, {
        hits: async () => {
          throw new Error("SQLITE_CORRUPT at /var/lib/secret/path.db");
        },
        attacks: async () => {
          throw Object.assign(new Error("cannot decode"), { code: "bad_cursor" });
        },
      });
      const other = await startHarness(async () => ({ store: boom, dispose: async () => {} }), {
        seed: false,
      });
      try {
        const r = await other.get("/api/v1/hits");
        assert.equal(r.statusCode, 500);
        assert.deepEqual(r.json(), { error: { code: "internal", message: "internal error" } });
        assert.ok(!r.body.includes("SQLITE") && !r.body.includes("stack"));
        const c = await other.get("/api/v1/attacks?cursor=zzz");
        assert.equal(c.statusCode, 400);
        assert.equal(c.json().error.code, "bad_cursor");
      } finally {
        await other.app.close();
      }
    });

    it("never logs tokens or the Authorization header", async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logger = pino({ level: "trace" }, sink);
      const other = await startHarness(async () => ({ store: h().store, dispose: async () => {} }), {
        seed: false,
        deps: { logger },
      });
      try {
        const created = await other.app.inject({
          method: "POST",
          url: "/api/v1/tokens",
          headers: { authorization: `Bearer ${h().tokens.admin}`, "content-type": "application/json" },
          payload: JSON.stringify({ name: "logged", role: "viewer" }),
        });
        assert.equal(created.statusCode, 201);
        const secret = created.json().token as string;
        await other.get("/api/v1/hits?limit=1", secret);
        await other.get("/api/v1/hits?limit=1", `${secret.slice(0, -2)}zz`);
        await other.get("/api/v1/hits?limit=bad", h().tokens.viewer);
        other.app.log.info(
          { req: { headers: { authorization: `Bearer ${secret}` } }, token: secret },
          "probe",
        );
        const text = lines.join("");
        assert.ok(text.includes("token created"), "the logger was in use");
        assert.ok(text.includes("probe"));
        for (const s of [secret, secret.slice(0, -2), h().tokens.admin, h().tokens.viewer]) {
          assert.ok(!text.includes(s), "no token in the logs");
        }
        assert.ok(!/Bearer\s+mw_/i.test(text));
      } finally {
        await other.app.close();
      }
    });
  });
}
