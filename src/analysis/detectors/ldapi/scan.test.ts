import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { newItem, readItem } from "./filter.js";
import { findLdapInjection, mayHaveFilter } from "./scan.js";

describe("RFC 4515 items", () => {
  it("reads attribute and filter type", () => {
    const it0 = newItem();
    assert.ok(readItem("uid=*)", 0, it0));
    assert.deepEqual([it0.attr, it0.op, it0.present], ["uid", "=", true]);
    assert.ok(readItem("cn>=bob", 0, it0));
    assert.equal(it0.op, ">=");
    assert.ok(readItem("sn~=x", 0, it0));
    assert.ok(readItem("1.2.840.113556.1.4.803:=2", 0, it0));
    assert.equal(it0.op, ":=");
    assert.ok(readItem("member:dn:=cn=x", 0, it0));
    assert.ok(readItem("cn;lang-en=x", 0, it0));
    assert.equal(readItem("see table", 0, it0), false);
    assert.equal(readItem("12=3", 0, it0), false);
  });
});

describe("LDAP injection signs", () => {
  it("fires on break-outs, composites, NUL truncation and probes", () => {
    for (const v of ["x)(uid=*", "*)(&", "a)!(sn=*", "*(|(cn=*))", "*))\u0000", "*()|&"]) {
      assert.notEqual(findLdapInjection(v), null, v);
    }
  });
  it("leaves ordinary parentheses alone", () => {
    for (const v of ["f(x)(y)", "(a=1)(b=2)", "hi :)(ok)", "!@#$%^&*()", "(&(objectClass=user)(cn=x))"]) {
      assert.equal(findLdapInjection(v), null, v);
    }
  });
  it("never throws on random input and respects its prefilter", () => {
    const frag = fc.constantFrom(
      "(",
      ")",
      "*",
      "|",
      "&",
      "!",
      "=",
      "uid",
      "cn",
      ">=",
      "~=",
      " ",
      "\u0000",
      "%00",
      "\\x00",
      "&amp;",
      "a",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(frag, fc.string({ maxLength: 3 })), { maxLength: 24 }), (parts) => {
        const v = parts.join("");
        const m = findLdapInjection(v);
        if (m !== null) {
          assert.ok(mayHaveFilter(v));
          assert.ok(m.start >= 0 && m.end <= v.length && m.start <= m.end);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
