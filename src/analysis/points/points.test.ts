/**
 * The request as a whole: path, query, headers, cookies; and the promises that hold for
 * every parser together — random and hostile input never throws, never hangs, and stays
 * within the limits (each bound becoming an anomaly).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { Header, HttpRequest } from "../../model/index.js";
import { DEFAULT_LIMITS } from "../../model/index.js";
import { emitGraphql } from "./body/graphql.js";
import { emitJson } from "./body/json.js";
import { emitMultipart } from "./body/multipart.js";
import { emitXml } from "./body/xml.js";
import { extractPoints } from "./index.js";
import { PointSink } from "./sink.js";
import { emitPairs } from "./url.js";

const names = (req: HttpRequest) =>
  extractPoints(req).points.map((p) => `${p.steps.join(" › ")} = ${p.value}`);

describe("path, query, headers, cookies", () => {
  it("emits the decoded path, its segments and extension", () => {
    assert.deepEqual(names({ method: "GET", target: "/a%20b/c.PHP;x=1", headers: [], body: "" }), [
      "path = /a b/c.PHP;x=1",
      "path › 1 = a b",
      "path › 2 = c.PHP;x=1",
      "path › ext = php",
    ]);
  });

  it("drops scheme and authority of an absolute-form target", () => {
    assert.deepEqual(names({ method: "GET", target: "http://h.example:8080/x?q=1", headers: [], body: "" }), [
      "path = /x",
      "query › q › #key = q",
      "query › q = 1",
    ]);
  });

  it("splits cookies, percent-decodes their values and flags a bad header name", () => {
    const headers: Header[] = [
      ["Cookie", 'sid=a%3Cb; theme="dark"; lone'],
      ["X Bad", "v"],
    ];
    const r = extractPoints({ method: "GET", target: "/", headers, body: "" });
    const n = r.points.map((p) => `${p.steps.join(" › ")} = ${p.value}`);
    for (const want of [
      "header › cookie › sid = a<b",
      "header › cookie › theme = dark",
      "header › cookie = lone",
      "header › x bad › #key = X Bad",
    ]) {
      assert.ok(n.includes(want), want);
    }
    assert.ok(r.anomalies.some((a) => a.code === "bad_header"));
    assert.equal(r.points.find((p) => p.steps[2] === "sid")?.header, "cookie");
  });

  it("decodes Basic credentials", () => {
    const auth = `Basic ${Buffer.from("admin:' or '1'='1").toString("base64")}`;
    assert.ok(
      names({ method: "GET", target: "/", headers: [["Authorization", auth]], body: "" }).includes(
        "header › authorization › basic = admin:' or '1'='1",
      ),
    );
  });
});

/** Time one call; the bound is generous (CI machines are slow), a hang is not. */
function timed<T>(f: () => T, maxMs: number): T {
  const t0 = process.hrtime.bigint();
  const r = f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(ms < maxMs, `took ${ms.toFixed(0)} ms`);
  return r;
}

describe("point objects", () => {
  it("all have the same keys in the same order (one hidden class for every reader)", () => {
    const req: HttpRequest = {
      method: "POST",
      target: "/a/b.php?q=%2541&x=eyJhIjoxfQ",
      headers: [
        ["Accept-Language", "en-US,en;q=0.9"],
        ["Cookie", "s=1; t=%7B%22a%22%3A1%7D"],
        ["User-Agent", "Mozilla/5.0"],
        ["Content-Type", "application/json"],
      ],
      body: '{"a":{"b":[1,"x"]},"c":"<p>hi</p>"}',
    };
    const { points } = extractPoints(req);
    assert.ok(points.some((p) => p.wellFormed === true) && points.some((p) => p.covered === true));
    assert.ok(points.some((p) => p.header !== undefined) && points.some((p) => p.name === undefined));
    const shape = Object.keys(points[0]!).join(",");
    for (const p of points) assert.equal(Object.keys(p).join(","), shape, p.steps.join(" › "));
  });
});

describe("hostile input: no crash, no hang, bounded", () => {
  const limits = DEFAULT_LIMITS;

  it("a 10 MB single value", () => {
    const big = "A".repeat(10 * 1024 * 1024);
    for (const req of [
      {
        method: "POST",
        target: "/",
        headers: [["Content-Type", "application/x-www-form-urlencoded"]] as Header[],
        body: `v=${big}`,
      },
      {
        method: "POST",
        target: "/",
        headers: [["Content-Type", "application/json"]] as Header[],
        body: `{"v":"${big}"}`,
      },
      { method: "GET", target: `/?v=${"%41".repeat(1024 * 1024)}`, headers: [] as Header[], body: "" },
    ]) {
      const r = timed(() => extractPoints(req), 5000);
      for (const p of r.points) assert.ok(p.value.length <= limits.maxValueLength);
    }
  });

  it("100k-deep JSON, XML and GraphQL", () => {
    const n = 100_000;
    const cases: Array<[string, string]> = [
      ["application/json", `${"[".repeat(n)}${"]".repeat(n)}`],
      ["application/json", `${'{"a":'.repeat(n)}1${"}".repeat(n)}`],
      ["application/xml", `${"<a>".repeat(n)}x${"</a>".repeat(n)}`],
      ["application/graphql", `query ${"{ a ".repeat(n)}${"}".repeat(n)}`],
    ];
    for (const [ct, body] of cases) {
      const r = timed(
        () => extractPoints({ method: "POST", target: "/", headers: [["Content-Type", ct]], body }),
        5000,
      );
      assert.ok(
        r.points.every((p) => p.steps.length <= limits.maxNesting + 8),
        ct,
      );
      assert.ok(
        r.anomalies.some((a) => a.code === "nesting_limit"),
        ct,
      );
    }
  });

  it("100k parameters", () => {
    const q = Array.from({ length: 100_000 }, (_, i) => `k${i}=v`).join("&");
    const r = timed(() => extractPoints({ method: "GET", target: `/?${q}`, headers: [], body: "" }), 5000);
    assert.ok(r.points.length <= limits.maxPoints);
    assert.ok(r.anomalies.some((a) => a.code === "parts_limit" || a.code === "points_limit"));
  });

  it("decompression bombs: body and embedded", () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const body = timed(
      () =>
        extractPoints({
          method: "POST",
          target: "/",
          headers: [["Content-Encoding", "gzip"]],
          body: new Uint8Array(bomb),
        }),
      5000,
    );
    assert.ok(body.anomalies.some((a) => a.code === "decompression_limit"));
    const b64 = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x41)).toString("base64");
    const emb = timed(
      () => extractPoints({ method: "GET", target: `/?z=${encodeURIComponent(b64)}`, headers: [], body: "" }),
      5000,
    );
    assert.ok(emb.anomalies.some((a) => a.code === "decompression_limit"));
  });

  it("malformed percent-encoding, invalid UTF-8, broken structures", () => {
    const bad = ["%", "%%", "%zz", "%c0", "%ed%a0%80", "%f8%88%80%80%80", "%u12", "%uD800"];
    for (const b of bad) {
      const r = extractPoints({
        method: "GET",
        target: `/${b}?${b}=${b}`,
        headers: [["Cookie", `${b}=${b}`]],
        body: "",
      });
      assert.ok(r.points.length > 0);
    }
    const bytes = new Uint8Array([0xff, 0xfe, 0xfd, 0xc0, 0x80, 0xe0, 0x80]);
    extractPoints({ method: "POST", target: "/", headers: [], body: bytes });
  });
});

describe("every parser under random input", () => {
  const fragments = fc.constantFrom(
    "{",
    "}",
    "[",
    "]",
    '"',
    "'",
    ":",
    ",",
    "\\",
    "\\u",
    "<",
    ">",
    "</",
    "<!DOCTYPE",
    "<!ENTITY",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "<!--",
    "-->",
    "&",
    "&lt;",
    "&#",
    "%",
    "=",
    "--",
    "--b\r\n",
    "\r\n",
    "\n",
    "Content-Disposition: form-data; name=",
    "query",
    "mutation",
    "(",
    ")",
    "$",
    "@",
    '"""',
    "#",
    "...",
    "a",
    "1",
    "é",
    "\u0000",
  );
  const text = fc
    .array(fc.oneof(fragments, fc.string({ maxLength: 5 })), { maxLength: 60 })
    .map((a) => a.join(""));
  const small = { ...DEFAULT_LIMITS, maxPoints: 200 };

  const parsers: Array<[string, (s: PointSink, t: string) => void]> = [
    ["json", (s, t) => emitJson(s, ["body", "json"], "body", t, 0, true)],
    ["xml", (s, t) => emitXml(s, ["body", "xml"], "body", t, 0, true)],
    ["graphql", (s, t) => emitGraphql(s, ["body", "graphql"], "body", t, 0, true)],
    ["multipart", (s, t) => emitMultipart(s, ["body", "multipart"], "body", t, "b", 0, () => {})],
    ["form", (s, t) => emitPairs(s, "body", ["body", "form"], t, 0)],
  ];
  for (const [name, parse] of parsers) {
    it(`${name}: never throws, bounded points and steps`, () => {
      fc.assert(
        fc.property(text, (t) => {
          const sink = new PointSink(small);
          parse(sink, t);
          assert.ok(sink.points.length <= small.maxPoints);
          for (const p of sink.points) assert.ok(p.steps.length <= small.maxNesting * 2 + 16);
        }),
        { numRuns: 1500 },
      );
    });
  }

  it("whole requests: never throw, bounded", () => {
    const ct = fc.constantFrom(
      "application/json",
      "application/xml",
      "multipart/form-data; boundary=b",
      "multipart/form-data",
      "application/graphql",
      "application/x-www-form-urlencoded",
      "text/plain",
      "",
    );
    fc.assert(
      fc.property(text, text, ct, (target, body, type) => {
        const r = extractPoints({
          method: "POST",
          target: `/${target}`,
          headers: [
            ["Content-Type", type],
            ["X", target],
          ],
          body,
        });
        assert.ok(r.points.length <= DEFAULT_LIMITS.maxPoints);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("covered points (a decoder re-emitted the whole value decoded)", () => {
  const get = (target: string, limits = DEFAULT_LIMITS) =>
    extractPoints({ method: "GET", target, headers: [], body: "" }, limits).points;

  it("marks a double percent-encoded value covered by its decoded child", () => {
    const pts = get("/?q=%2527%2520or%25201%253D1");
    const parent = pts.find((p) => p.steps.join(" › ") === "query › q")!;
    const child = pts.find((p) => p.steps.join(" › ") === "query › q › urlenc")!;
    assert.equal(parent.covered, true);
    assert.equal(child.value, "' or 1=1");
    assert.equal(child.covered, undefined);
  });

  it("marks an embedded JSON document covered only when it parsed whole", () => {
    const ok = get(`/?d=${encodeURIComponent('{"a":"x","b":[1,2]}')}`);
    assert.equal(ok.find((p) => p.steps.join(" › ") === "query › d")!.covered, true);
    const broken = get(`/?d=${encodeURIComponent('{"a":x}')}`);
    assert.notEqual(broken.find((p) => p.steps.join(" › ") === "query › d")!.covered, true);
    // Past maxParts the rest is muted: the whole text must still be read.
    const many = `{${Array.from({ length: 8 }, (_, i) => `"k${i}":${i}`).join(",")}}`;
    const cut = get(`/?d=${encodeURIComponent(many)}`, { ...DEFAULT_LIMITS, maxParts: 4 });
    assert.notEqual(cut.find((p) => p.steps.join(" › ") === "query › d")!.covered, true);
  });
});

describe("base64 whose + became spaces (form encoding)", () => {
  it("decodes it in a form body and a query, not in a header", () => {
    const b64 = Buffer.from("<svg/onload=alert(1)>>>?").toString("base64");
    assert.ok(b64.includes("+"));
    const form = extractPoints({
      method: "POST",
      target: "/",
      headers: [["Content-Type", "application/x-www-form-urlencoded"]],
      body: `data=${b64}`,
    }).points;
    assert.ok(
      form.some((p) => p.steps.join(" › ") === "body › form › data › base64" && p.value.startsWith("<svg")),
    );
    const header = extractPoints({
      method: "GET",
      target: "/",
      headers: [["X-Data", b64.replaceAll("+", " ")]],
      body: "",
    }).points;
    assert.ok(!header.some((p) => p.steps.includes("base64")));
  });
});

describe("base64 where no pair or segment holds it", () => {
  const decoded = (req: HttpRequest, steps: string) =>
    extractPoints(req).points.find((p) => p.steps.join(" › ") === steps)?.value;

  it("decodes a path that is one base64 token, even with its own `/`", () => {
    const b64 = Buffer.from("<img src=x onerror=alert(1)>??").toString("base64");
    assert.ok(b64.includes("/"));
    const target = `/${encodeURIComponent(b64)}`;
    assert.equal(
      decoded({ method: "GET", target, headers: [], body: "" }, "path › base64"),
      "<img src=x onerror=alert(1)>??",
    );
    // A route is no token: one letter case only, or a dot.
    for (const t of ["/api/v1/users/12345/orders", "/static/js/main.8f7a6b.js", "/Account/LogOn"])
      assert.equal(decoded({ method: "GET", target: t, headers: [], body: "" }, "path › base64"), undefined);
  });

  it("reads a padded token body whole instead of as a lone `name=` pair", () => {
    const body = Buffer.from("; cat /etc/passwd").toString("base64");
    assert.ok(body.endsWith("="));
    const points = extractPoints({ method: "POST", target: "/", headers: [], body }).points;
    assert.equal(points.find((p) => p.steps.join(" › ") === "body › base64")?.value, "; cat /etc/passwd");
    assert.ok(!points.some((p) => p.kind === "key"));
  });

  it("decodes a query or form body that is one base64 token without a name", () => {
    const b64 = Buffer.from("<svg/onload=alert(1)>>>?").toString("base64");
    assert.ok(b64.includes("+"));
    const q = extractPoints({ method: "GET", target: `/?${b64}`, headers: [], body: "" }).points;
    assert.ok(q.some((p) => p.steps.at(-1) === "base64" && p.value.startsWith("<svg")));
    const f = extractPoints({
      method: "POST",
      target: "/",
      headers: [["Content-Type", "application/x-www-form-urlencoded"]],
      body: b64,
    }).points;
    assert.ok(f.some((p) => p.steps.at(-1) === "base64" && p.value.startsWith("<svg")));
    // A flag-style name is no token.
    const plain = extractPoints({ method: "GET", target: "/?debug&verbose", headers: [], body: "" }).points;
    assert.ok(!plain.some((p) => p.steps.includes("base64")));
  });

  it("decodes short values only when padding says they are base64", () => {
    const q = (v: string) =>
      decoded(
        { method: "GET", target: `/?a=${encodeURIComponent(v)}`, headers: [], body: "" },
        "query › a › base64",
      );
    assert.equal(q("fCBpZA=="), "| id");
    assert.equal(q("e3s3Kjd9fQ=="), "{{7*7}}");
    assert.equal(q("fCBpZA"), undefined);
    assert.equal(q("AbCd1234"), undefined);
  });
});
