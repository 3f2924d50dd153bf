import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { findCookieMarkup, mentionsCookie } from "./cookie-markup.js";
import { isSessionIdName } from "./names.js";
import { hostOnly, refererHost, requestOrigin, sameSite } from "./origin.js";

describe("session fixation: names", () => {
  it("knows framework session names", () => {
    for (const n of [
      "JSESSIONID",
      "PHPSESSID",
      "ASP.NET_SessionId",
      "ASPSESSIONIDQSCRTBAD",
      "connect.sid",
      "cfid",
      "__Secure-next-auth.session-token",
      "SESS0123456789abcdef0123456789abcdef",
      "_gitlab_session",
    ]) {
      assert.ok(isSessionIdName(n), n);
    }
    for (const n of [
      "sid",
      "session",
      "token",
      "csrf_token",
      "sessionstart",
      "isnewsession",
      "x",
      "ASPSESSIONID12345678",
    ]) {
      assert.ok(!isSessionIdName(n), n);
    }
  });
});

describe("session fixation: origin", () => {
  it("parses referer hosts", () => {
    assert.equal(refererHost("https://User@Shop.Example:8443/a?b"), "shop.example");
    assert.equal(refererHost("http"), null);
    assert.equal(refererHost("https://[::1]:80/"), "[::1]");
    assert.equal(hostOnly("Shop.Example.:80"), "shop.example");
  });
  it("same site means equal or a subdomain", () => {
    assert.ok(sameSite("www.shop.example", "shop.example"));
    assert.ok(sameSite("shop.example", "shop.example"));
    assert.ok(!sameSite("attacker.example.com", "app.example.com"));
    assert.ok(!sameSite("evilshop.example", "shop.example"));
  });
  it("reads fetch metadata before the Referer", () => {
    const base: Array<[string, string]> = [["Host", "a.example"]];
    assert.equal(requestOrigin(base).provenance, "none");
    assert.equal(requestOrigin([...base, ["Referer", "https://b.example/"]]).provenance, "foreign");
    assert.equal(requestOrigin([...base, ["referer", "https://www.a.example/"]]).provenance, "same-site");
    assert.equal(requestOrigin([...base, ["Sec-Fetch-Mode", "cors"]]).provenance, "trusted");
    assert.equal(
      requestOrigin([...base, ["Sec-Fetch-Site", "same-origin"], ["Sec-Fetch-Mode", "navigate"]]).provenance,
      "trusted",
    );
    assert.equal(
      requestOrigin([...base, ["Sec-Fetch-Site", "cross-site"], ["Sec-Fetch-Mode", "navigate"]]).provenance,
      "none",
    );
  });
});

describe("session fixation: cookie markup", () => {
  it("finds cookie writes", () => {
    assert.equal(findCookieMarkup('<meta http-equiv="Set-Cookie" content="a=b">')?.sign, "meta-set-cookie");
    assert.equal(findCookieMarkup("document.cookie='a=b'")?.sign, "script-cookie-write");
    assert.equal(findCookieMarkup("x.cookie;expires=1")?.sign, "script-cookie-write");
    assert.equal(findCookieMarkup("document.cookie == ''"), null);
    assert.equal(findCookieMarkup("navigator.cookieEnabled=1"), null);
    assert.equal(findCookieMarkup('<meta http-equiv="refresh" content="0">'), null);
  });
  it("the gate never drops a match, and nothing throws", () => {
    const parts = fc.constantFrom(
      ".cookie",
      "=",
      ";",
      " expires",
      "domain",
      "http-equiv",
      "set-cookie",
      '"',
      "COOKIE",
      "a",
      " ",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(parts, fc.string({ maxLength: 3 })), { maxLength: 10 }), (a) => {
        const v = a.join("");
        if (findCookieMarkup(v) !== null) assert.ok(mentionsCookie(v), v);
      }),
    );
    const t0 = performance.now();
    findCookieMarkup(`${".cookie;".repeat(20000)}=`);
    findCookieMarkup(`${"http-equiv ".repeat(20000)}`);
    assert.ok(performance.now() - t0 < 300);
  });
});
