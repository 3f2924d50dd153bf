import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point } from "../../../model/index.js";
import { detectMailInjection } from "./index.js";
import { CMD_NONE, CMD_STRONG, CMD_WEAK, commandAt } from "./protocol.js";
import { findSendmailArgs } from "./sendmail.js";
import { isMailishName } from "./vocabulary.js";

describe("mail protocol commands", () => {
  it("SMTP, IMAP, POP3", () => {
    assert.equal(commandAt("MAIL FROM:<a@b>", 0), CMD_STRONG);
    assert.equal(commandAt("rcpt to:<a@b>", 0), CMD_STRONG);
    assert.equal(commandAt("A1 LOGIN u p", 0), CMD_STRONG);
    assert.equal(commandAt("a001 uid store 1:2", 0), CMD_STRONG);
    assert.equal(commandAt("DATA", 0), CMD_WEAK);
    assert.equal(commandAt("RETR 12", 0), CMD_WEAK);
    assert.equal(commandAt("A1 select the cell", 0), CMD_NONE);
    assert.equal(commandAt("Data is nice", 0), CMD_NONE);
  });
});

describe("sendmail options", () => {
  it("fires on -X with an address or a script path, not on curl", () => {
    assert.notEqual(findSendmailArgs('"a\\" -oQ/tmp -X/var/www/x.php b"@x.com', false), null);
    assert.notEqual(findSendmailArgs("x -X/srv/www/log.php", false), null);
    assert.equal(findSendmailArgs("curl -X GET https://x/", false), null);
    assert.equal(findSendmailArgs("ls -C /etc", false), null);
  });
  it("mail-ish names", () => {
    assert.ok(isMailishName("email"));
    assert.ok(isMailishName("reply_to"));
    assert.equal(isMailishName("comment"), false);
  });
});

describe("mail_injection detector", () => {
  const p = (value: string, name: string): Point => ({
    steps: ["body", "form", name],
    zone: "body",
    kind: "value",
    value,
    depth: 0,
    name,
  });
  it("needs an address for recipient fields and respects prose", () => {
    assert.notEqual(detectMailInjection(p("a@b.c\r\nBcc: x@y.z", "comment")), null);
    assert.equal(detectMailInjection(p("Hi all,\nTo: x@y.z is my address", "comment")), null);
    assert.notEqual(detectMailInjection(p("Hi all\r\nSubject: free money", "subject")), null);
  });
  it("never throws on random input", () => {
    const frag = fc.constantFrom(
      "\r\n",
      "\n",
      "Bcc:",
      " ",
      "a@b.c",
      "MAIL FROM:",
      "A1",
      "LOGIN",
      "-X/",
      "x.php",
      "${run{",
      "DATA",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(frag, fc.string({ maxLength: 3 })), { maxLength: 16 }), (parts) => {
        detectMailInjection(p(parts.join(""), "email"));
      }),
      { numRuns: 2000 },
    );
  });
});
