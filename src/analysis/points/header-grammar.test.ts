import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point } from "../../model/index.js";
import { BUILTIN_DETECTORS } from "../detectors/index.js";
import { headerGrammar, wellFormedHeader } from "./header-grammar.js";

const NAMES = [
  "accept",
  "accept-encoding",
  "accept-language",
  "sec-fetch-site",
  "sec-ch-ua",
  "sec-ch-ua-platform",
  "connection",
  "cache-control",
  "dnt",
  "host",
  "if-modified-since",
];

function headerPoint(name: string, value: string): Point {
  return { steps: ["header", name], zone: "header", kind: "value", value, depth: 0, header: name, name };
}

describe("header grammars", () => {
  it("accept what browsers send", () => {
    const ok: [string, string][] = [
      ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"],
      ["accept-encoding", "gzip, deflate, br, zstd"],
      ["accept-language", "zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7"],
      ["sec-ch-ua", '"Not.A/Brand";v="8", "Chromium";v="114", "Google Chrome";v="114"'],
      ["sec-ch-ua", '"Not)A;Brand";v="99", "Microsoft Edge";v="127"'],
      ["sec-ch-ua-platform", '"Windows"'],
      ["sec-ch-ua-mobile", "?0"],
      ["sec-fetch-site", "same-origin"],
      ["connection", "keep-alive"],
      ["cache-control", "max-age=0"],
      ["priority", "u=0, i"],
      ["host", "shop.example.com:8443"],
      ["host", "[2001:db8::1]:80"],
      ["if-modified-since", "Sun, 06 Nov 1994 08:49:37 GMT"],
      ["upgrade-insecure-requests", "1"],
    ];
    for (const [n, v] of ok) assert.equal(wellFormedHeader(n, v), true, `${n}: ${v}`);
  });

  it("reject anything off the grammar, and free-text headers", () => {
    const bad: [string, string][] = [
      ["accept", "text/html' or 1=1--"],
      ["accept-language", "en-US,en;q=0.9 union select"],
      ["accept", "<script>alert(1)</script>"],
      ["sec-ch-ua", '"Chromium";v="114"; id'],
      ["sec-ch-ua", '"javascript:alert(1)";v="1"'],
      ["sec-ch-ua-platform", '"Win$(id)"'],
      ["host", "example.com/../../etc/passwd"],
      ["host", "example.com:80@evil"],
      ["origin", "https://a.example/path"],
      ["origin", "javascript:alert(1)"],
      ["connection", "close; rm -rf /"],
      ["dnt", "1 or 1"],
      ["user-agent", "Mozilla/5.0"],
      ["referer", "https://a.example/"],
      ["accept", "a".repeat(600)],
    ];
    for (const [n, v] of bad) assert.equal(wellFormedHeader(n, v), false, `${n}: ${v}`);
  });

  // The engine skips well-formed points: prove that no detector would have flagged one.
  for (const name of NAMES) {
    it(`no detector flags a well-formed ${name}`, () => {
      const g = headerGrammar(name)!;
      fc.assert(
        fc.property(fc.stringMatching(g), (v) => {
          fc.pre(wellFormedHeader(name, v));
          const p = headerPoint(name, v);
          for (const d of BUILTIN_DETECTORS) {
            const m = d.detect(p);
            assert.equal(m, null, `${d.type} flagged ${name}: ${v}`);
          }
        }),
        { numRuns: 1000 },
      );
    });
  }
});
