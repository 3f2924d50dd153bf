import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point, PointKind, PointZone } from "../../../model/index.js";
import { charMask } from "../charmask.js";
import { detectXss, xssDetector } from "./index.js";
import { xssPrefilter } from "./prefilter.js";

function point(value: string, kind: PointKind = "value", zone: PointZone = "query", name = "q"): Point {
  return { steps: [zone, name], zone, kind, value, depth: 0, name };
}

const FRAGMENTS = [
  "<",
  ">",
  "</",
  "<svg",
  "<script>",
  "<img src=x ",
  "onerror=",
  " onload=",
  "'",
  '"',
  "`",
  "${",
  "}",
  "(",
  ")",
  "[",
  "]",
  "alert",
  "top",
  ".",
  "constructor",
  "javascript:",
  "&#x6A;",
  "&lt;",
  "&colon;",
  "\\u0061",
  "\\x3c",
  "+ADw-",
  "-->",
  "style=",
  "expression(",
  "url(",
  "data:text/html,",
  "%3C",
  "/*",
  "*/",
  "//",
  "=",
  ";",
  " ",
  "\t",
  "\u0000",
  "\u202e",
];

describe("detectXss", () => {
  it("never throws on attack-shaped noise, in any kind of point", () => {
    const kinds: PointKind[] = ["value", "key", "raw", "path", "segment", "filename"];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 3 })), { maxLength: 24 }),
        fc.constantFrom(...kinds),
        (parts, kind) => {
          detectXss(point(parts.join(""), kind));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("stays fast on adversarial 64 KiB values", () => {
    const seeds = [
      "<a href='",
      "<x ",
      " onload=",
      "javascript:",
      "&#",
      "\\u",
      "`${",
      "[",
      "/",
      "'",
      '"x',
      "<!--",
      "=(",
      "url(",
    ];
    for (const seed of seeds) {
      const v = seed.repeat(Math.ceil(65536 / seed.length)).slice(0, 65536);
      for (const kind of ["value", "key", "raw"] as const) {
        const t0 = process.hrtime.bigint();
        detectXss(point(v, kind));
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        assert.ok(ms < 1500, `${JSON.stringify(seed)} as ${kind}: ${ms.toFixed(0)} ms`);
      }
    }
  });

  it("reports where the sign is", () => {
    const m = detectXss(point("hello <img src=x onerror=alert(1)> world"));
    assert.equal(m?.signature, "xss.event-handler");
    assert.equal(m?.start, 6);
  });

  it("reads free-text headers but not structured ones", () => {
    const ua: Point = {
      ...point("x <svg onload=alert(1)>", "value", "header", "user-agent"),
      header: "user-agent",
    };
    const accept: Point = {
      ...point("x <svg onload=alert(1)>", "value", "header", "accept"),
      header: "accept",
    };
    assert.ok(detectXss(ua) !== null);
    assert.equal(detectXss(accept), null);
  });

  it("gives the same prefilter answer with and without the engine's mask", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 3 })), { maxLength: 24 }),
        (parts) => {
          const v = parts.join("");
          assert.equal(xssPrefilter(v, charMask(v)), xssPrefilter(v));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("lets plain words through nowhere: XML names are judged per request", () => {
    assert.equal(xssPrefilter("script", charMask("script")), false);
    const key: Point = {
      steps: ["body", "xml", "doc", "h:script"],
      zone: "body",
      kind: "key",
      value: "h:script",
      depth: 2,
    };
    const hits = xssDetector.detectRequest?.({
      request: { method: "POST", target: "/", headers: [], body: "<doc><h:script/></doc>" },
      points: [key],
    });
    assert.equal(hits?.[0]?.signature, "xss.xml-script-element");
  });

  it("still reads markup in long binary values, but not script", () => {
    let junk = "";
    for (let i = 0; i < 2048; i++) junk += String.fromCharCode(i % 7 === 0 ? 1 : 0xfffd);
    assert.ok(detectXss(point(`${junk}<svg onload=alert(1)>${junk}`)) !== null);
    assert.equal(detectXss(point(`${junk} x.sort\`1\` ${junk}`)), null);
  });

  it("bounds the cost of long benign values", () => {
    const json = JSON.stringify({
      items: Array.from({ length: 400 }, (_, i) => ({
        id: i,
        url: `https://a.example/p?i=${i}&n=${i}`,
        note: "see (docs) [1]",
      })),
    });
    const p = point(json, "value", "body", "payload");
    detectXss(p);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) detectXss(p);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / 20;
    assert.ok(ms < 50, `${ms.toFixed(1)} ms per call on ${json.length} characters`);
  });
});
