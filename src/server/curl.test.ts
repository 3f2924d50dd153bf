import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Header, StoredRequest } from "../model/index.js";
import { curlCommand, printfFormat, shellQuote } from "./curl.js";
import { targetText } from "./raw-http.js";
import { runCurlInShell } from "./testing/shell.js";

/** Characters a shell cares about, mixed with arbitrary text. */
const SHELL_CHARS = [
  "'",
  '"',
  "\\",
  "$",
  "`",
  "(",
  ")",
  "{",
  "}",
  "\n",
  "\r",
  "\t",
  " ",
  "!",
  "*",
  "?",
  "~",
  "#",
  ";",
];
const MORE_CHARS = ["&", "|", "<", ">", "%", "@", "-", "=", "[", "]", "\u00e9", "\u{1F600}", "\x01", "\x7f"];
const hostileChar = fc.oneof(
  fc.constantFrom(...SHELL_CHARS, ...MORE_CHARS),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
);
const hostile = (opts: { withNul?: boolean; maxLength?: number } = {}) =>
  fc.string({
    unit: opts.withNul === true ? fc.oneof(hostileChar, fc.constant("\0")) : hostileChar,
    maxLength: opts.maxLength ?? 40,
  });
const noNul = (s: string) => s.replaceAll("\0", "");
/** Lone surrogates become U+FFFD, as they do in any UTF-8 response. */
const wellFormed = (s: string) => Buffer.from(s, "utf8").toString("utf8");

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });

function request(over: Partial<StoredRequest>): StoredRequest {
  return {
    id: "r1",
    ts: 0,
    method: "GET",
    target: "/",
    httpVersion: "1.1",
    headers: [],
    body: "",
    bodyTruncated: false,
    clientIp: "203.0.113.1",
    scheme: "http",
    host: "app.example",
    source: "test",
    anomalies: [],
    ...over,
  };
}

/** Prints each shell word NUL-terminated, as `sh` parsed them. */
function shellWords(words: string): string[] {
  const r = spawnSync("sh", ["-c", `printf '%s\\0' ${words}`], { timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr.toString());
  const parts = r.stdout.toString("utf8").split("\0");
  parts.pop();
  return parts;
}

describe("shellQuote", () => {
  it("makes one word that sh reads back exactly, whatever the content", () => {
    fc.assert(
      fc.property(fc.array(hostile(), { minLength: 1, maxLength: 4 }), (raw) => {
        const strs = raw.map((s) => wellFormed(noNul(s)));
        assert.deepEqual(shellWords(strs.map(shellQuote).join(" ")), strs);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses NUL, which no shell word can hold", () => {
    assert.throws(() => shellQuote("a\0b"));
  });

  it("does not run substitutions or commands", () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-curl-"));
    try {
      const canary = join(dir, "pwned");
      const payloads = [
        `$(touch ${canary})`,
        `\`touch ${canary}\``,
        `'; touch ${canary}; '`,
        `'\n touch ${canary}\n'`,
        `\\'; touch ${canary} #`,
      ];
      assert.deepEqual(shellWords(payloads.map(shellQuote).join(" ")), payloads);
      assert.equal(existsSync(canary), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("printfFormat", () => {
  it("prints exactly the string, NUL and escapes included", () => {
    fc.assert(
      fc.property(hostile({ withNul: true, maxLength: 60 }), (raw) => {
        const s = wellFormed(raw);
        const r = spawnSync("sh", ["-c", `printf -- ${shellQuote(printfFormat(s))}`], { timeout: 10_000 });
        assert.equal(r.status, 0);
        assert.equal(r.stdout.toString("utf8"), s);
      }),
      { numRuns: 100 },
    );
  });
});

describe("curlCommand", () => {
  it("gives curl exactly the recorded method, headers and body (property, real sh)", () => {
    const header = fc.tuple(token, hostile()).map(([n, v]): Header => [n, v.replace(/[\r\n\0]/g, "")]);
    fc.assert(
      fc.property(
        token,
        hostile({ maxLength: 30 }),
        fc.array(header, { maxLength: 5 }),
        hostile({ withNul: true, maxLength: 80 }),
        fc.constantFrom("http", "https"),
        (method, rawTarget, headers, rawBody, scheme) => {
          const target = `/${wellFormed(rawTarget)}`;
          const body = wellFormed(rawBody);
          const r = request({ method, target, headers, body, scheme });
          const run = runCurlInShell(curlCommand(r));
          assert.equal(run.method, method === "HEAD" && body === "" ? "HEAD" : method);
          assert.equal(run.body, body);
          const kept = headers.filter(([n]) => !["host", "content-length"].includes(n.toLowerCase()));
          assert.deepEqual(
            run.headers,
            kept.map(([n, v]) => (v === "" ? `${n};` : `${n}: ${v}`)),
          );
          assert.equal(run.readsFiles, false);
          if (run.requestTarget === undefined)
            assert.equal(run.url, `${scheme}://app.example${targetText(target)}`);
          else {
            assert.equal(run.requestTarget, targetText(target));
            assert.equal(run.url, `${scheme}://app.example/`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never lets curl read a local file", () => {
    const r = request({
      method: "POST",
      headers: [
        ["@/etc/passwd", "x"],
        ["X-Ok", "@/etc/passwd"],
      ],
      body: "@/etc/shadow",
    });
    const cmd = curlCommand(r);
    const run = runCurlInShell(cmd);
    assert.equal(run.body, "@/etc/shadow");
    assert.deepEqual(run.headers, ["X-Ok: @/etc/passwd"]);
    assert.equal(run.readsFiles, false);
    assert.ok(run.argv.includes("--data-raw"), "a leading @ is data with --data-raw");
    assert.match(cmd, /^# 1 header\(s\) with an invalid name left out$/m);
  });

  it("sends bodies with NUL or past 64 KiB through stdin", () => {
    for (const body of ["a\0b\0\0c%s\\0", "x".repeat(70 * 1024)]) {
      const cmd = curlCommand(request({ method: "PUT", body }));
      assert.match(cmd, /^printf -- '/);
      const run = runCurlInShell(cmd);
      assert.ok(run.argv.includes("@-"));
      assert.equal(run.body, body);
    }
  });

  it("replaces CR, LF and NUL in header values with spaces (RFC 9110 §5.5)", () => {
    const run = runCurlInShell(curlCommand(request({ headers: [["X-A", "1\r\nX-B: 2\0"]] })));
    assert.deepEqual(run.headers, ["X-A: 1  X-B: 2 "]);
  });

  it("leaves out Content-Length and pseudo-headers, and marks a truncated body", () => {
    const cmd = curlCommand(
      request({
        method: "POST",
        headers: [
          [":authority", "x"],
          ["Content-Length", "5"],
          ["Host", "other"],
          ["Accept", "*/*"],
        ],
        body: "abc",
        bodyTruncated: true,
      }),
    );
    const run = runCurlInShell(cmd);
    assert.deepEqual(run.headers, ["Accept: */*"]);
    assert.match(cmd, /^# the stored body was truncated/m);
  });

  it("builds the URL from the cleaned host, or the server address when the host is unusable", () => {
    assert.equal(
      runCurlInShell(curlCommand(request({ host: "[2001:db8::1]:8443" }))).url,
      "http://[2001:db8::1]:8443/",
    );
    const odd = runCurlInShell(
      curlCommand(request({ host: "evil.example/@x", serverIp: "192.0.2.10", serverPort: 8080 })),
    );
    assert.equal(odd.url, "http://192.0.2.10:8080/");
    assert.deepEqual(odd.headers, ["Host: evil.example/@x"]);
    const none = runCurlInShell(curlCommand(request({ host: "a b" })));
    assert.equal(none.url, "http://localhost/");
    assert.deepEqual(none.headers, ["Host: a b"]);
  });

  it("sends an unusual target verbatim with --request-target", () => {
    for (const target of ["*", "http://other.example/x", "/x#y", "/{x}", "/a\\b", "/\u00e9"]) {
      const run = runCurlInShell(curlCommand(request({ method: "OPTIONS", target })));
      assert.equal(run.requestTarget, targetText(target), target);
      assert.equal(run.url, "http://app.example/");
    }
    // Whitespace is percent-encoded first (RFC 9112 §3.2 allows none), then it is a plain path.
    assert.equal(runCurlInShell(curlCommand(request({ target: "/a b" }))).url, "http://app.example/a%20b");
    const plain = runCurlInShell(curlCommand(request({ target: "/a/../b?x=1&y=%27" })));
    assert.equal(plain.requestTarget, undefined);
    assert.equal(plain.url, "http://app.example/a/../b?x=1&y=%27");
    assert.ok(plain.argv.includes("--path-as-is") && plain.argv.includes("--globoff"));
  });

  it("uses --head for HEAD without a body", () => {
    assert.equal(runCurlInShell(curlCommand(request({ method: "HEAD" }))).method, "HEAD");
    assert.ok(runCurlInShell(curlCommand(request({ method: "HEAD" }))).argv.includes("--head"));
  });
});
