import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findInclude, mayHaveInclude } from "./scan.js";

describe("SSI / ESI scanner", () => {
  it("names the directive", () => {
    assert.equal(findInclude('<!--#exec cmd="id"-->')?.signature, "ssi.exec");
    assert.equal(findInclude('<!--# include virtual="/x" -->')?.signature, "ssi.include");
    assert.equal(findInclude('#echo var="HOME"')?.signature, "ssi.bare-echo");
    assert.equal(findInclude('<esi:include src="/x"/>')?.signature, "ssi.esi-tag");
    assert.equal(findInclude("$(HTTP_COOKIE)")?.signature, "ssi.esi-variable");
  });
  it("leaves C includes, colours and jQuery alone", () => {
    for (const v of ["#include <stdio.h>", "color:#fff", "$(document)", "<!-- x -->", "#echo chamber"]) {
      assert.equal(findInclude(v), null, v);
    }
  });
  it("never throws and respects its prefilter", () => {
    const frag = fc.constantFrom(
      "<!--",
      "#",
      "exec",
      "include",
      " ",
      "cmd",
      "=",
      "-->",
      "<esi:",
      "vars",
      "$(",
      "HTTP_HOST",
      ")",
      "<",
      "e",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(frag, fc.string({ maxLength: 3 })), { maxLength: 20 }), (parts) => {
        const v = parts.join("");
        if (findInclude(v) !== null) assert.ok(mayHaveInclude(v));
      }),
      { numRuns: 3000 },
    );
  });
});
