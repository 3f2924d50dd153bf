import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point } from "../../../model/index.js";
import { detectNoSql, mayHaveNoSql } from "./index.js";
import { findJavaScript } from "./javascript.js";
import { findKeyOperator } from "./keys.js";
import { findOperatorMember } from "./objects.js";
import { findShellCall } from "./shell.js";

const point = (value: string, kind: Point["kind"] = "value"): Point => ({
  steps: ["query", "q"],
  zone: "query",
  kind,
  value,
  depth: 0,
  name: "q",
});

describe("operator names", () => {
  it("bracket syntax, exact keys, double encoding", () => {
    assert.equal(findKeyOperator("user[$ne]")?.signature, "nosqli.operator-key");
    assert.equal(findKeyOperator("login[$nin][]")?.signature, "nosqli.operator-key");
    assert.equal(findKeyOperator("$where")?.signature, "nosqli.where-operator");
    assert.notEqual(findKeyOperator("pass%5B%24ne%5D"), null);
    assert.notEqual(findKeyOperator("a%255B%2524gt%255D"), null);
    assert.equal(findKeyOperator("$set"), null);
    assert.equal(findKeyOperator("$type"), null);
    assert.notEqual(findKeyOperator("a[$type]"), null);
  });
  it("object members in text", () => {
    assert.notEqual(findOperatorMember('{"$gt": ""}', false), null);
    assert.notEqual(findOperatorMember("x', $or: [ {}", false), null);
    assert.equal(findOperatorMember("$where = 1;", false), null);
    assert.equal(findOperatorMember("costs $in total", false), null);
  });
});

describe("server-side JavaScript", () => {
  it("reads a literal glued to a field and a leading strict comparison", () => {
    assert.equal(findJavaScript("7||this.product")?.signature, "nosqli.js-injection");
    assert.equal(findJavaScript("&&(e===")?.signature, "nosqli.js-injection");
    assert.equal(findJavaScript("a && this.b"), null);
    assert.equal(findJavaScript("x === y && z"), null);
    assert.equal(detectNoSql(point("pay=&&(e===", "key"))?.signature, "nosqli.js-injection");
  });

  it("fires on $where payloads", () => {
    for (const v of [
      "'; return true; var a='",
      "' && this.pw.match(/.*/)//",
      "';sleep(5000);",
      "0;return true",
      "|| 1==1",
      "' || 'a'=='a",
    ]) {
      assert.notEqual(findJavaScript(v), null, v);
    }
    assert.notEqual(findShellCall("db.users.find({})"), null);
    assert.equal(findShellCall("mydb.users.find()"), null);
  });
  it("leaves prose and ordinary code alone", () => {
    for (const v of [
      "it's; return it",
      "a == b",
      "if (x == 1 && y == 2) {}",
      "this is it",
      "return to sender",
    ]) {
      assert.equal(findJavaScript(v), null, v);
    }
  });
  it("never throws and respects its prefilter", () => {
    const frag = fc.constantFrom(
      "'",
      '"',
      ";",
      "&&",
      "||",
      "return",
      " ",
      "true",
      "this.",
      "x",
      ".match(",
      "==",
      "1",
      "$ne",
      "[",
      "]",
      "{",
      ":",
      "db.",
      "find(",
      "%24",
      "\n",
      "SET ",
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(frag, fc.string({ maxLength: 3 })), { maxLength: 20 }),
        fc.boolean(),
        (parts, key) => {
          const v = parts.join("");
          if (detectNoSql(point(v, key ? "key" : "value")) !== null) assert.ok(mayHaveNoSql(v));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
