// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the payloads are literal `${…}` text, not templates
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { charMask } from "../charmask.js";
import { findExpressions } from "./expressions.js";
import { sstiDetector } from "./index.js";
import { isArithmeticProbe, judgeExpression } from "./rules.js";

describe("template expressions", () => {
  it("finds each delimiter with its body", () => {
    const e = findExpressions("a {{ x }} b ${y} c #{z} d <%= w %> e @(v) f {% if q %}");
    assert.deepEqual(
      e.map((x) => [x.delim, x.body.trim()]),
      [
        ["{{", "x"],
        ["${", "y"],
        ["#{", "z"],
        ["<%", "w"],
        ["@(", "v"],
        ["{%", "if q"],
      ],
    );
  });

  it("tells probes from placeholders", () => {
    assert.ok(isArithmeticProbe("7*7"));
    assert.ok(isArithmeticProbe(" 7 * '7' "));
    assert.ok(!isArithmeticProbe("2024-01-05"));
    assert.ok(!isArithmeticProbe("price"));
    const judge = (s: string) =>
      findExpressions(s)
        .map(judgeExpression)
        .find((v) => v !== null) ?? null;
    assert.ok(judge("{{ ''.__class__ }}"));
    assert.equal(judge("{{ user.name }}"), null);
    assert.equal(judge("${price}"), null);
  });

  it("prefilter holds for random delimiter soup and never throws", () => {
    const frag = fc.constantFrom(
      "{{",
      "}}",
      "{%",
      "%}",
      "${",
      "#{",
      "*{",
      "}",
      "<%",
      "%>",
      "@(",
      ")",
      "7*7",
      "__class__",
      "x",
      " ",
      "'",
      "php",
      "$smarty",
      "<#assign",
      "?new()",
    );
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 40 }), (parts) => {
        const value = parts.join("");
        const m = sstiDetector.detect({
          steps: ["query", "q"],
          zone: "query",
          kind: "value",
          value,
          depth: 0,
          name: "q",
        });
        if (m !== null) assert.ok(sstiDetector.prefilter(value, charMask(value)));
      }),
      { numRuns: 2000 },
    );
  });
});
