import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundaryOf, maskMultipart } from "./multipart.js";
import { sensitiveNames } from "./names.js";
import { maskParams } from "./params.js";
import { multipartBody } from "./testing.js";

const sens = sensitiveNames();

describe("maskParams", () => {
  it("masks sensitive values, keeps everything else as sent", () => {
    assert.equal(maskParams("user=ann&password=hunter2&x", sens, "***"), "user=ann&password=***&x");
    assert.equal(
      maskParams("access_token=a&api%5Fkey=b&pass+word=c", sens, "***"),
      "access_token=***&api%5Fkey=***&pass+word=***",
    );
    assert.equal(maskParams("password=&q=1", sens, "***"), "password=&q=1");
    assert.equal(maskParams("compass=north&keyword=x", sens, "***"), "compass=north&keyword=x");
    assert.equal(maskParams("%zz=1&token=%", sens, "***"), "%zz=1&token=***");
  });
});

describe("names", () => {
  it("matches fragments anywhere and short words whole", () => {
    for (const n of [
      "password",
      "Passwd",
      "new_password",
      "X-Api-Key",
      "apiKey",
      "client_secret",
      "refresh-token",
      "PHPSESSID",
      "sid",
      "pin",
      "Key",
      "cvv",
    ]) {
      assert.ok(sens(n), n);
    }
    for (const n of ["user", "compass", "keyword", "pinned", "author", "description", "", "monkey"]) {
      assert.ok(!sens(n), n);
    }
  });
  it("takes extra names and exceptions", () => {
    const s = sensitiveNames({ extra: ["ssn_last4", "Mother-Maiden"], keep: ["session_locale"] });
    assert.ok(s("ssnLast4"));
    assert.ok(s("mothermaidenname"));
    assert.ok(!s("session-locale"));
    assert.ok(s("session_id"));
  });
});

describe("maskMultipart", () => {
  it("masks the content of sensitive parts only", () => {
    const body = multipartBody("XyZ", [
      ["user", "ann"],
      ["password", "hunter2"],
      ["file", "a,b\n1,2"],
    ]);
    const out = maskMultipart(body, "XyZ", sens, "***");
    assert.ok(out.includes('name="user"\r\n\r\nann\r\n'));
    assert.ok(out.includes('name="password"\r\n\r\n***\r\n'));
    assert.ok(!out.includes("hunter2"));
    assert.equal(maskMultipart(out, "XyZ", sens, "***"), out);
  });
  it("masks a last part cut by truncation", () => {
    const body = multipartBody("b", [["token", "abcdef"]]).slice(0, -12);
    assert.ok(!maskMultipart(body, "b", sens, "***").includes("abc"));
  });
  it("reads the boundary parameter", () => {
    assert.equal(boundaryOf('multipart/form-data; boundary="a b"; x=y'), "a b");
    assert.equal(boundaryOf("multipart/form-data; BOUNDARY=abc ; x"), "abc");
    assert.equal(boundaryOf("multipart/form-data"), undefined);
  });
  it("does not mistake filename= for name=", () => {
    const body =
      '--b\r\nContent-Disposition: form-data; filename="password"; name="doc"\r\n\r\nhello\r\n--b--';
    assert.equal(maskMultipart(body, "b", sens, "***"), body);
  });
});
