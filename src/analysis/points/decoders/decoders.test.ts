/**
 * Nested decoders: each one on a value that carries its encoding, and — as important —
 * leaving ordinary values alone. Property tests: random input never throws and every
 * decoder's output stays within the limits.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import type { HttpRequest } from "../../../model/index.js";
import { DEFAULT_LIMITS } from "../../../model/index.js";
import { extractPoints } from "../index.js";
import { PointSink } from "../sink.js";
import { decodeEntities } from "./entities.js";
import { nestedDecoders } from "./index.js";
import { decodeJsEscapes } from "./js-escape.js";
import { decodeUtf16Bytes } from "./utf16.js";

const get = (query: string, headers: Array<[string, string]> = []): HttpRequest => ({
  method: "GET",
  target: `/p?${query}`,
  headers,
  body: "",
});

/** `steps = value` of every point below `query › v` (the decoded children). */
function children(value: string): string[] {
  return extractPoints(get(`v=${encodeURIComponent(value)}`))
    .points.filter(
      (p) => p.steps[0] === "query" && p.steps[1] === "v" && p.steps.length > 2 && p.steps[2] !== "#key",
    )
    .map((p) => `${p.steps.slice(2).join(" › ")} = ${p.value}`);
}

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

describe("base64", () => {
  it("decodes base64 and base64url text", () => {
    assert.deepEqual(children(b64("<script>alert(1)</script>")), ["base64 = <script>alert(1)</script>"]);
    assert.deepEqual(children(b64url("' or 1=1 -- ??>>")), ["base64 = ' or 1=1 -- ??>>"]);
  });

  it("decompresses an embedded gzip/zlib payload (H4sI…, eJ…)", () => {
    assert.deepEqual(children(b64(gzipSync("cat /etc/passwd"))), ["base64 › gzip = cat /etc/passwd"]);
    assert.deepEqual(children(b64(deflateSync("<svg onload=alert(1)>"))), [
      "base64 › deflate = <svg onload=alert(1)>",
    ]);
  });

  it("leaves words, ids, hashes and numbers alone", () => {
    for (const v of [
      "SomeLongCamelCaseIdentifier",
      "f70d153900007f200000000464a29a6f",
      "16883765509481234",
      "ABCDEFGHIJKLMNOPQRSTUVWX",
      "applicationjsonutf8",
      "a2tlJdxVh8pbrQxqaSPOLuuYB-a_tKQca1MO_RLEA28Gvj2iTUHb",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    ]) {
      assert.deepEqual(children(v), [], v);
    }
  });
});

describe("JWT", () => {
  const tok = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url('{"sub":"admin","role":["x"]}')}.`;

  it("splits header and payload claims", () => {
    assert.deepEqual(
      children(tok).filter((c) => !c.includes("#key")),
      [
        "jwt › header › alg = none",
        "jwt › header › typ = JWT",
        "jwt › payload › sub = admin",
        "jwt › payload › role › 0 = x",
      ],
    );
  });

  it("reads a Bearer token in Authorization", () => {
    const pts = extractPoints(get("a=1", [["Authorization", `Bearer ${tok}`]])).points.map(
      (p) => `${p.steps.join(" › ")} = ${p.value}`,
    );
    assert.ok(pts.includes("header › authorization › jwt › header › alg = none"));
    assert.ok(pts.includes("header › authorization › jwt › payload › sub = admin"));
  });
});

describe("character references and escapes", () => {
  it("decodes HTML/XML references, named and numeric, with or without `;`", () => {
    assert.deepEqual(children("&lt;img src=x onerror=alert&#40;1&#x29;&gt;"), [
      "html = <img src=x onerror=alert(1)>",
    ]);
    assert.equal(decodeEntities("javascript&colon;a&#58b&Tab;"), "javascript:a:b\t");
    assert.equal(decodeEntities("fish &chips; &unknown; &#xZZ;"), "fish &chips; &unknown; &#xZZ;");
    assert.equal(decodeEntities("&amp;lt;"), "&lt;");
  });

  it("decodes JavaScript escapes", () => {
    assert.deepEqual(children("\\u003cscript\\x3e\\u{61}"), ["jsesc = <script>a"]);
    assert.equal(decodeJsEscapes("a\\x41\\n"), "aA\n");
    assert.deepEqual(children("C:\\new\\table"), []);
  });

  it("decodes double percent-encoding", () => {
    assert.deepEqual(children("%3Csvg%2Fonload%3D1%3E"), ["urlenc = <svg/onload=1>"]);
    assert.deepEqual(children("100% sure"), []);
  });

  it("decodes UTF-16 smuggled with NULs or a BOM", () => {
    assert.equal(decodeUtf16Bytes("<\u0000s\u0000v\u0000g\u0000"), "<svg");
    assert.equal(decodeUtf16Bytes("\u0000<\u0000s"), "<s");
    assert.equal(decodeUtf16Bytes("\u00ff\u00fea\u0000b\u0000"), "ab");
    assert.equal(decodeUtf16Bytes("plain text"), null);
    assert.deepEqual(children("<\u0000a\u0000b\u0000"), ["utf16 = <ab"]);
  });

  it("parses JSON embedded in a value, and does not percent-decode it whole", () => {
    assert.deepEqual(children('{"a":"x%20y"}'), [
      "json › a › #key = a",
      "json › a = x%20y",
      "json › a › urlenc = x y",
    ]);
  });
});

describe("decoders under random input", () => {
  const anyValue = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("base64")),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
    fc
      .constantFrom("eyJ", "H4sI", "%25", "&#", "\\u", "\u00ff\u00fe", '{"', "[")
      .chain((p) => fc.string({ maxLength: 200 }).map((s) => p + s)),
  );

  for (const d of nestedDecoders()) {
    it(`${d.step}: never throws, stays bounded`, () => {
      fc.assert(
        fc.property(anyValue, (value) => {
          const sink = new PointSink({ ...DEFAULT_LIMITS, maxPoints: 64 });
          if (d.applies(value, "value", "query"))
            d.run({
              sink,
              steps: ["q"],
              zone: "query",
              kind: "value",
              value,
              depth: 1,
              header: undefined,
              name: "query",
              index: -1,
            });
          assert.ok(sink.points.length <= 64);
          for (const p of sink.points) assert.ok(p.value.length <= DEFAULT_LIMITS.maxValueLength);
        }),
        { numRuns: 400 },
      );
    });
  }

  it("a decoding chain stops at maxDepth", () => {
    let v = "<script>";
    for (let i = 0; i < 12; i++) v = b64(v);
    const r = extractPoints(get(`v=${encodeURIComponent(v)}`));
    assert.ok(r.points.every((p) => p.depth <= DEFAULT_LIMITS.maxDepth));
    assert.ok(r.anomalies.some((a) => a.code === "depth_limit"));
  });
});
