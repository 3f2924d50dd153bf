import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DEFAULT_LIMITS, type HttpRequest } from "../model/index.js";
import { BUILTIN_DETECTORS, DETECTORS_BY_TYPE, type Detector } from "./detectors/index.js";
import { Engine } from "./engine.js";

const get = (target: string, headers: Array<[string, string]> = []): HttpRequest => ({
  method: "GET",
  target,
  headers,
  body: "",
});

/** A detector that flags every value containing "EVIL", to test the engine alone. */
const evil: Detector = {
  type: "rce",
  prefilter: (v) => v.includes("EVIL"),
  detect: (p) => {
    const i = p.value.indexOf("EVIL");
    return i === -1 ? null : { signature: "rce.test-evil", start: i, end: i + 4 };
  },
};

describe("detector list", () => {
  it("holds exactly one built-in detector per type", () => {
    assert.equal(DETECTORS_BY_TYPE.size, BUILTIN_DETECTORS.length);
    for (const d of BUILTIN_DETECTORS) assert.equal(DETECTORS_BY_TYPE.get(d.type), d);
  });
});

describe("engine", () => {
  it("reports a hit with type, point name, payload excerpt and signature", () => {
    const r = new Engine({ detectors: [evil] }).analyze(get("/a?x=1&id=EVIL"));
    assert.deepEqual(r.hits, [
      { type: "rce", point: "query › id", payload: "EVIL", signature: "rce.test-evil" },
    ]);
  });

  it("keeps one hit per type and point", () => {
    const r = new Engine({ detectors: [evil] }).analyze(get("/?a=EVIL&a=EVIL"));
    assert.equal(r.hits.filter((h) => h.point === "query › a").length, 1);
  });

  it("turns an exhausted work budget into an overlimit hit instead of stalling", () => {
    const limits = { ...DEFAULT_LIMITS, workBudget: 1000 };
    const many = Array.from({ length: 200 }, (_, i) => `p${i}=EVIL${"x".repeat(20)}`).join("&");
    const r = new Engine({ detectors: [evil], limits }).analyze(get(`/?${many}`));
    assert.ok(r.hits.some((h) => h.type === "overlimit"));
    assert.ok(r.anomalies.some((a) => a.code === "work_budget"));
  });

  it("honours an injected clock and time budget", () => {
    let t = 0;
    const clock = () => (t += 10);
    const r = new Engine({ detectors: [evil], clock, timeBudgetMs: 25 }).analyze(
      get(`/?${Array.from({ length: 40 }, (_, i) => `k${i}=EVIL`).join("&")}`),
    );
    assert.ok(r.hits.some((h) => h.type === "overlimit"));
  });

  it("a throwing detector never takes the request down", () => {
    const bad: Detector = {
      type: "xss",
      prefilter: () => true,
      detect: () => {
        throw new Error("boom");
      },
      detectRequest: () => {
        throw new Error("boom");
      },
    };
    const r = new Engine({ detectors: [bad, evil] }).analyze(get("/?q=EVIL"));
    assert.deepEqual(
      r.hits.map((h) => h.type),
      ["rce"],
    );
  });
});

describe("engine on hostile input (all built-in detectors)", () => {
  const engine = new Engine();
  const big = "A".repeat(10 * 1024 * 1024);
  const cases: Array<[string, HttpRequest]> = [
    ["10 MB query value", get(`/?q=${big}`)],
    ["10 MB header", get("/", [["User-Agent", big]])],
    [
      "10 MB JSON string",
      {
        method: "POST",
        target: "/",
        headers: [["Content-Type", "application/json"]],
        body: `{"a":"${big}"}`,
      },
    ],
    [
      "100k-deep JSON",
      {
        method: "POST",
        target: "/",
        headers: [["Content-Type", "application/json"]],
        body: "[".repeat(100_000),
      },
    ],
    ["100k-deep JSON objects", { method: "POST", target: "/", headers: [], body: '{"a":'.repeat(100_000) }],
    ["broken percent-encoding", get("/%zz%%%u12%c0%af%ff%fe?%=%&&=&%")],
    [
      "invalid UTF-8 bytes",
      {
        method: "POST",
        target: "/",
        headers: [],
        body: new Uint8Array([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
      },
    ],
    ["50k parameters", get(`/?${"a=1&".repeat(50_000)}`)],
    [
      "broken multipart",
      {
        method: "POST",
        target: "/",
        headers: [["Content-Type", "multipart/form-data; boundary=x"]],
        body: '--x\r\nContent-Disposition: form-data; name="a\r\n\r\n--x',
      },
    ],
    [
      "broken XML",
      {
        method: "POST",
        target: "/",
        headers: [["Content-Type", "application/xml"]],
        body: "<a><b x='1><!DOCTYPE <!ENTITY",
      },
    ],
    ["pathological quotes", get(`/?q=${"'\"`".repeat(20_000)}`)],
    ["pathological tags", get(`/?q=${"<a ".repeat(20_000)}`)],
    ["pathological shell", get(`/?q=${"$($(`".repeat(10_000)}`)],
    ["pathological comments", get(`/?q=${"/*".repeat(20_000)}`)],
  ];
  for (const [name, req] of cases) {
    it(`survives ${name}`, { timeout: 20_000 }, () => {
      const r = engine.analyze(req);
      assert.ok(Array.isArray(r.hits));
      assert.ok(r.points <= DEFAULT_LIMITS.maxPoints);
    });
  }

  it("random requests never throw", () => {
    const header = fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 60 }));
    fc.assert(
      fc.property(
        fc.record({
          method: fc.constantFrom("GET", "POST", "PUT", "X"),
          target: fc.string({ maxLength: 200 }).map((s) => `/${s}`),
          headers: fc.array(header, { maxLength: 6 }),
          body: fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
        }),
        (req) => {
          const r = engine.analyze(req as HttpRequest);
          assert.ok(r.hits.length <= DEFAULT_LIMITS.maxHits);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("findings cache (header and cookie values)", () => {
  const ua =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36";
  const sqli = "1' UNION SELECT password FROM users-- -";
  const reqs = [
    {
      method: "GET",
      target: "/",
      headers: [
        ["User-Agent", ua] as const,
        ["Cookie", `sid=${sqli}; x=plain-value-of-some-length-here`] as const,
      ],
      body: "",
    },
    {
      method: "GET",
      target: "/",
      headers: [["User-Agent", ua] as const, ["Cookie", `other=${sqli}`] as const],
      body: "",
    },
    {
      method: "GET",
      target: "/",
      headers: [["User-Agent", sqli] as const, ["X-Note", sqli] as const],
      body: "",
    },
    { method: "GET", target: "/", headers: [["Referer", sqli] as const], body: "" },
    // Derived points (decoded JSON in a cookie, a double-encoded Referer) are cached too.
    {
      method: "GET",
      target: "/",
      headers: [
        ["Cookie", `prefs=${encodeURIComponent(JSON.stringify({ q: sqli, [sqli]: "k" }))}`] as const,
        ["Referer", `https://example.com/?q=${encodeURIComponent(encodeURIComponent(sqli))}`] as const,
      ],
      body: "",
    },
    {
      method: "GET",
      target: "/",
      headers: [["Cookie", `prefs=${encodeURIComponent(JSON.stringify({ r: sqli, n: [sqli] }))}`] as const],
      body: "",
    },
  ];

  it("gives the same hits as an engine without it, request after request", () => {
    const cached = new Engine();
    const plain = new Engine({ cacheSize: 0 });
    for (let round = 0; round < 3; round++) {
      for (const r of reqs) assert.deepEqual(cached.analyze(r).hits, plain.analyze(r).hits);
    }
    assert.ok(cached.cacheStats().hits > 0, "repeats were served from the cache");
    assert.equal(plain.cacheStats().hits, 0);
  });

  it("keeps the point name of each occurrence (same value, different cookie or header)", () => {
    const e = new Engine();
    const names = reqs.flatMap((r) =>
      e
        .analyze(r)
        .hits.filter((h) => h.type === "sqli")
        .map((h) => h.point),
    );
    assert.ok(names.includes("header › cookie › sid"));
    assert.ok(names.includes("header › cookie › other"));
    assert.ok(names.includes("header › user-agent"));
    assert.ok(names.includes("header › x-note"));
    assert.ok(names.includes("header › referer"));
  });
});

describe("findings cache: sources whose values never repeat", () => {
  const ua = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";
  const req = (i: number): HttpRequest => ({
    method: "GET",
    target: "/",
    headers: [
      ["User-Agent", ua],
      ["X-Request-ID", `req-${String(i).padStart(28, "0")}`],
      ["Cookie", `sid=session-token-${String(i).padStart(16, "0")}`],
    ],
    body: "",
  });

  it("stops looking up a header or cookie once its values prove fresh each time, and keeps the others", () => {
    const e = new Engine();
    for (let i = 0; i < 200; i++) e.analyze(req(i));
    const before = e.cacheStats();
    for (let i = 200; i < 300; i++) e.analyze(req(i));
    const after = e.cacheStats();
    // The User-Agent still hits on every request; the request id and the session cookie,
    // judged after 64 misses each, are no longer looked up (no new misses).
    assert.equal(after.hits - before.hits, 100);
    assert.equal(after.misses - before.misses, 0);
  });

  it("gives the same hits as an engine without the cache", () => {
    const cached = new Engine();
    const plain = new Engine({ cacheSize: 0 });
    const sqli = "1' UNION SELECT password FROM users-- -";
    for (let i = 0; i < 150; i++) {
      const r = req(i);
      const withAttack: HttpRequest =
        i % 10 === 9 ? { ...r, headers: [...r.headers, ["X-Request-ID", `${sqli} ${i}`]] } : r;
      assert.deepEqual(cached.analyze(withAttack).hits, plain.analyze(withAttack).hits);
    }
  });
});

describe("findings memo (values repeated within a request)", () => {
  const sqli = "1' UNION SELECT password FROM users WHERE name = 'admin'-- -";
  const xss = "<img src=x onerror=alert(document.domain)> and some padding text";
  const plain = "a long plain value that repeats in every element of the array, nothing more";

  it("reports every repeat at its own point, as an engine without it does", () => {
    const body = JSON.stringify([
      { c: sqli, d: plain },
      { c: sqli, d: xss },
      { c: xss, d: plain, e: [sqli, sqli] },
      { c: sqli },
    ]);
    const req = {
      method: "POST",
      target: "/e",
      headers: [["Content-Type", "application/json"] as const],
      body,
    };
    const hits = new Engine().analyze(req).hits;
    assert.deepEqual(hits, new Engine({ requestMemo: false }).analyze(req).hits);
    const points = hits.filter((h) => h.type === "sqli").map((h) => h.point);
    for (const p of ["body › json › 0 › c", "body › json › 1 › c", "body › json › 3 › c"])
      assert.ok(points.includes(p), p);
  });

  it("gives the same hits as an engine without it (property)", () => {
    const values = [sqli, xss, plain, `${plain}; cat /etc/passwd`, "../../../../etc/passwd%00.png"];
    const value = fc.constantFrom(...values);
    const doc = fc.array(
      fc.oneof(
        value,
        fc.record({ a: value, b: fc.array(value, { maxLength: 3 }) }),
        fc.array(value, { maxLength: 3 }),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(doc, fc.constantFrom("json", "form"), (d, kind) => {
        const body =
          kind === "json"
            ? JSON.stringify(d)
            : d.map((x, i) => `k${i % 3}=${encodeURIComponent(JSON.stringify(x))}`).join("&");
        const req = {
          method: "POST",
          target: "/",
          headers: [
            [
              "Content-Type",
              kind === "json" ? "application/json" : "application/x-www-form-urlencoded",
            ] as const,
          ],
          body,
        };
        assert.deepEqual(
          new Engine().analyze(req).hits,
          new Engine({ requestMemo: false }).analyze(req).hits,
        );
      }),
      { numRuns: 200 },
    );
  });
});
