/**
 * The prefilter contract (ARCHITECTURE.md principle 6): for every detector, whatever
 * value the full detector flags, its prefilter lets through. Checked with fast-check on
 * strings built from attack-shaped fragments, so that the generator reaches matches.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point, PointKind, PointZone } from "../../model/index.js";
import { charMask } from "./charmask.js";
import { BUILTIN_DETECTORS } from "./index.js";

const FRAGMENTS = [
  "'",
  '"',
  "`",
  " ",
  "(",
  ")",
  "<",
  ">",
  "/",
  "\\",
  ";",
  "|",
  "&",
  "$",
  "{",
  "}",
  "[",
  "]",
  "=",
  "-",
  "#",
  "%",
  "*",
  "..",
  "../",
  "..\\",
  "\r\n",
  "\n",
  "\u0000",
  "or",
  "OR",
  "and",
  "union",
  "select",
  "from",
  "where",
  "sleep(5)",
  "1=1",
  "--",
  "/*",
  "*/",
  "<script>",
  "alert(1)",
  "onerror=",
  "javascript:",
  "<img src=x ",
  "<svg",
  "cat ",
  "/etc/passwd",
  "id",
  "whoami",
  "`id`",
  "$(id)",
  "${jndi:ldap://",
  "{{7*7}}",
  "${7*7}",
  "<%= ",
  "#{",
  "<!--#exec",
  "cmd=",
  "http://",
  "https://",
  "\\\\",
  "evil.example\\",
  ".php",
  "%00",
  "file://",
  "gopher://",
  "169.254.169.254",
  "localhost",
  "127.0.0.1",
  "<!ENTITY",
  "<!DOCTYPE",
  "&a;&a;",
  "SYSTEM",
  "$ne",
  "$where",
  "$gt",
  "*)(",
  "(|(",
  "uid=",
  "bcc:",
  "%0d%0a",
  "Set-Cookie:",
  "Location:",
  "//evil.com",
  "php://",
  "data:",
  "expect://",
  "system(",
  "exec(",
  "eval(",
  "Runtime",
  "getRuntime()",
  "java.lang",
  "__proto__",
  "constructor",
  "qx{",
  "qx/",
  "(metadata ",
  "-c ",
  "[#post_render]",
  "#lazy_builder",
  ".execute()",
  "\\think\\",
  "/invokefunction",
  "nikto",
  "sqlmap",
  "a",
  "1",
  "x",
  "é",
  "\u2028",
];

const kinds: PointKind[] = ["value", "key", "path", "segment", "raw", "filename"];
const zones: PointZone[] = ["query", "body", "header", "cookie", "path"];

const valueArb = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 14 })
  .map((a) => a.join(""));
const pointArb = fc.record({
  value: valueArb,
  kind: fc.constantFrom(...kinds),
  zone: fc.constantFrom(...zones),
  name: fc.constantFrom(
    "q",
    "id",
    "url",
    "redirect",
    "redirect_uri",
    "file",
    "cmd",
    "user-agent",
    "referer",
    "x",
  ),
});

describe("detector prefilters never drop what the detector flags", () => {
  for (const d of BUILTIN_DETECTORS) {
    it(d.type, () => {
      fc.assert(
        fc.property(pointArb, ({ value, kind, zone, name }) => {
          const steps = zone === "header" ? ["header", name] : [zone, name];
          const p: Point = {
            steps,
            zone,
            kind,
            value,
            depth: 0,
            name,
            ...(zone === "header" ? { header: name } : {}),
          };
          if (d.detect(p) !== null)
            assert.ok(d.prefilter(value, charMask(value)), `prefilter dropped ${JSON.stringify(value)}`);
        }),
        { numRuns: 3000 },
      );
    });
  }
});

describe("a detector's `needs` holds: without those characters its prefilter says no", () => {
  for (const d of BUILTIN_DETECTORS) {
    const needs = d.needs;
    if (needs === undefined) continue;
    it(d.type, () => {
      fc.assert(
        fc.property(valueArb, (value) => {
          const mask = charMask(value);
          if ((mask & needs) === 0) assert.equal(d.prefilter(value, mask), false, JSON.stringify(value));
        }),
        { numRuns: 3000 },
      );
    });
  }
});

describe("sqli and rce declare no `needs`: they flag values of letters and `_` alone", () => {
  // A `needs` skips every value whose mask is 0 (letters and `_` only), and these are
  // flagged as they stand: a catalog or procedure name, a Java gadget class.
  const cases: [string, string][] = [
    ["sqli", "pg_catalog"],
    ["sqli", "sp_executesql"],
    ["rce", "invokertransformer"],
  ];
  for (const [type, value] of cases) {
    it(`${type}: ${value}`, () => {
      const d = BUILTIN_DETECTORS.find((x) => x.type === type);
      assert.ok(d !== undefined);
      assert.equal(charMask(value), 0);
      const p: Point = { steps: ["query", "q"], zone: "query", kind: "value", value, depth: 0, name: "q" };
      assert.ok(d.prefilter(value, 0));
      assert.notEqual(d.detect(p), null, `${type} no longer flags ${value}`);
      assert.equal(d.needs ?? 0, 0);
    });
  }
});
