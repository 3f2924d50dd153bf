import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StoredRequest } from "../../../model/index.js";
import { T0 } from "../fixtures.js";
import { type StoreFactory, useHarness } from "../harness.js";
import { runCurlInShell } from "../shell.js";

/** A stored request whose every field is hostile to a shell or an HTTP parser. */
export const HOSTILE: StoredRequest = {
  id: "r-hostile",
  ts: T0 + 123,
  method: "POST",
  target: "/x?a='$(touch /tmp/pwned)'&b=`id`#frag",
  httpVersion: "1.1",
  headers: [
    ["Host", "victim.example"],
    ["X-Quote", "it's \"quoted\" \\ back'slash'"],
    ["X-Subst", "$(rm -rf ~) `reboot` ${HOME} $HOME"],
    ["X-Newline", "a\r\nInjected: yes\nb"],
    ["X-Nul", "a\0b"],
    ["X-Empty", ""],
    ["Content-Length", "999"],
    ["@/etc/passwd", "header read from a file"],
  ],
  body: "line1\nline2 ' \"; $(id) `id` \\n %s %% \0 after-nul @/etc/shadow",
  bodyTruncated: false,
  clientIp: "203.0.113.66",
  scheme: "https",
  host: "victim.example",
  source: "http-mirror",
  anomalies: [{ code: "bad_header", detail: "hostile" }],
};

export function requestsSuite(factory: StoreFactory): void {
  describe("GET /api/v1/requests/:id (json, raw, curl)", () => {
    const h = useHarness(factory);

    const seedHostile = async () => {
      await h().store.write({ requests: [HOSTILE], attacks: [], hits: [] });
    };

    it("returns the stored request as JSON with headers in order", async () => {
      const req = h().data.requests[3]!;
      const r = await h().json<Record<string, unknown>>(`/api/v1/requests/${req.id}`);
      assert.equal(r.status, 200);
      for (const [k, v] of Object.entries(req)) assert.deepEqual(r.body[k], v, k);
      assert.equal(r.body.time, new Date(req.ts).toISOString());
    });

    it("returns a packet-path request with its tunnel, VNI, VLAN and response size and time", async () => {
      const req = h().data.requests.find((x) => x.tunnel !== undefined && x.responseMs !== undefined)!;
      assert.ok(req, "the fixture has one");
      const r = await h().json<Record<string, unknown>>(`/api/v1/requests/${req.id}`);
      assert.equal(r.status, 200);
      for (const k of ["tunnel", "vni", "vlan", "status", "responseBytes", "responseMs"] as const) {
        assert.ok(req[k] !== undefined, k);
        assert.equal(r.body[k], req[k], k);
      }
    });

    it("renders raw HTTP/1.1 as text/plain", async () => {
      const req = h().data.requests.find((x) => x.method === "POST")!;
      const r = await h().get(`/api/v1/requests/${req.id}/raw`);
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers["content-type"]), /^text\/plain/);
      assert.equal(r.headers["x-content-type-options"], "nosniff");
      const [head, body] = r.body.split("\r\n\r\n");
      const lines = head!.split("\r\n");
      assert.equal(lines[0], `POST ${req.target} HTTP/1.1`);
      assert.deepEqual(
        lines.slice(1),
        req.headers.map(([n, v]) => `${n}: ${v}`),
      );
      assert.equal(body, req.body);
    });

    it("keeps hostile content inside its line in raw HTTP", async () => {
      await seedHostile();
      const r = await h().get(`/api/v1/requests/${HOSTILE.id}/raw`);
      assert.equal(r.statusCode, 200);
      const head = r.body.slice(0, r.body.indexOf("\r\n\r\n"));
      const lines = head.split("\r\n");
      assert.equal(lines.length, 1 + HOSTILE.headers.length, "one line per header");
      assert.ok(!lines.some((l) => l.startsWith("Injected")));
      assert.ok(lines.includes("X-Newline: a  Injected: yes b"));
      assert.ok(!head.includes("\0"));
      assert.ok(r.body.endsWith(HOSTILE.body), "body verbatim");
    });

    it("renders a cURL command that a POSIX shell reads back exactly", async () => {
      await seedHostile();
      const r = await h().get(`/api/v1/requests/${HOSTILE.id}/curl`);
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers["content-type"]), /^text\/plain/);
      const run = runCurlInShell(r.body);
      assert.equal(run.method, "POST");
      assert.equal(run.body, HOSTILE.body);
      // Spaces percent-encoded (a target has none on the wire), the rest verbatim.
      assert.equal(run.requestTarget, "/x?a='$(touch%20/tmp/pwned)'&b=`id`#frag");
      assert.equal(run.url, "https://victim.example/");
      assert.deepEqual(run.headers, [
        "X-Quote: it's \"quoted\" \\ back'slash'",
        "X-Subst: $(rm -rf ~) `reboot` ${HOME} $HOME",
        "X-Newline: a  Injected: yes b",
        "X-Nul: a b",
        "X-Empty;",
      ]);
      assert.equal(run.readsFiles, false);
    });

    it("answers 404 for an unknown request on all three views", async () => {
      for (const suffix of ["", "/raw", "/curl"]) {
        const r = await h().get(`/api/v1/requests/r-missing${suffix}`);
        assert.equal(r.statusCode, 404, suffix);
        assert.equal(r.json().error.code, "not_found");
      }
    });
  });
}
