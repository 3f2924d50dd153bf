import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRedirectName } from "./names.js";

describe("redirect-ish parameter names", () => {
  it("recognises common spellings", () => {
    for (const n of [
      "next",
      "returnTo",
      "return_url",
      "redirect_uri",
      "RedirectURL",
      "goto",
      "continue",
      "after_login_redirect",
      "url",
    ]) {
      assert.equal(isRedirectName(n, true), true, n);
    }
  });
  it("ignores generic names below the top level and unrelated names", () => {
    assert.equal(isRedirectName("url", false), false);
    assert.equal(isRedirectName("redirect_uri", false), true);
    for (const n of ["q", "id", "utm_source", "returned", "page", undefined])
      assert.equal(isRedirectName(n, true), false, String(n));
  });
});
