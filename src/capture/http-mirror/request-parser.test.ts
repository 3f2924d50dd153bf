import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Header } from "../../model/http.js";
import type { RequestHead } from "./head.js";
import { type ParsedRequest, RequestParser } from "./request-parser.js";

interface Run {
  requests: ParsedRequest[];
  heads: RequestHead[];
  errors: { status: number; reason: string; partial: ParsedRequest | null }[];
  starts: number;
  parser: RequestParser;
}

function run(
  chunks: (string | Buffer)[],
  keep = 1 << 20,
  limits = { maxHeaderBytes: 8192, maxHeaders: 100 },
): Run {
  const r: Run = {
    requests: [],
    heads: [],
    errors: [],
    starts: 0,
    parser: undefined as unknown as RequestParser,
  };
  r.parser = new RequestParser(limits, {
    onStart: () => {
      r.starts++;
    },
    onHead: (h) => {
      r.heads.push(h);
      return keep;
    },
    onRequest: (q) => r.requests.push(q),
    onError: (status, reason, partial) => r.errors.push({ status, reason, partial }),
  });
  for (const c of chunks) r.parser.push(typeof c === "string" ? Buffer.from(c, "latin1") : c);
  return r;
}

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("RequestParser", () => {
  it("reads a request with Content-Length, keeping header order and repeats", () => {
    const r = run([
      "POST /a?b=1 HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nX-A: 1\r\nCookie: b=2\r\n",
      "Content-Length: 5\r\n\r\nhello",
    ]);
    assert.equal(r.requests.length, 1);
    const q = r.requests[0]!;
    assert.equal(q.head.method, "POST");
    assert.equal(q.head.target, "/a?b=1");
    assert.equal(q.head.httpVersion, "HTTP/1.1");
    assert.deepEqual(q.head.headers, [
      ["Host", "x"],
      ["Cookie", "a=1"],
      ["X-A", "1"],
      ["Cookie", "b=2"],
      ["Content-Length", "5"],
    ]);
    assert.equal(text(q.body), "hello");
    assert.deepEqual(q.anomalies, []);
  });

  it("decodes chunked bodies with extensions and keeps trailer fields", () => {
    const r = run([
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "4;name=value\r\nWiki\r\n",
      "5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n",
    ]);
    assert.equal(r.requests.length, 1);
    assert.equal(text(r.requests[0]!.body), "Wikipedia in\r\n\r\nchunks.");
    assert.deepEqual(r.requests[0]!.head.headers.at(-1), ["X-Trailer", "t"]);
  });

  it("reads pipelined requests from one chunk, in order", () => {
    const one = (p: string) => `GET ${p} HTTP/1.1\r\nHost: h\r\n\r\n`;
    const r = run([`${one("/1") + one("/2")}POST /3 HTTP/1.1\r\nContent-Length: 1\r\n\r\nx${one("/4")}`]);
    assert.deepEqual(
      r.requests.map((q) => q.head.target),
      ["/1", "/2", "/3", "/4"],
    );
    assert.equal(r.starts, 4);
  });

  it("accepts what node:http refuses: any method, raw bytes and spaces in the target, odd names", () => {
    const r = run([
      "BREW /pot HTTP/1.1\r\n\r\n",
      "get /caf\xe9 HTTP/1.1\r\n\r\n",
      "GET /a b HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nFoo Bar: 1\r\nX : 2\r\nnocolon\r\n\r\n",
      "PROPFIND * HTTP/1.1\r\n\r\n",
      "GET http://example.com/x HTTP/1.1\r\n\r\n",
    ]);
    assert.deepEqual(
      r.requests.map((q) => [q.head.method, q.head.target]),
      [
        ["BREW", "/pot"],
        ["get", "/café"],
        ["GET", "/a b"],
        ["GET", "/"],
        ["PROPFIND", "*"],
        ["GET", "http://example.com/x"],
      ],
    );
    assert.ok(r.requests[1]!.anomalies.some((a) => a.code === "bad_utf8"));
    assert.ok(r.requests[2]!.anomalies.some((a) => a.detail === "whitespace in request-target"));
    assert.deepEqual(r.requests[3]!.head.headers, [
      ["Foo Bar", "1"],
      ["X ", "2"],
      ["nocolon", ""],
    ]);
    assert.equal(r.errors.length, 0);
  });

  it("accepts bare LF line ends and obs-fold, with anomalies", () => {
    const r = run(["GET / HTTP/1.1\nHost: h\nX: a\r\n  b\n\n"]);
    assert.deepEqual(r.requests[0]!.head.headers, [
      ["Host", "h"],
      ["X", "a b"],
    ]);
    const details = r.requests[0]!.anomalies.map((a) => a.detail);
    assert.ok(details.includes("line ended by LF without CR"));
    assert.ok(details.includes("obs-fold line continuation"));
  });

  it("reads the same requests when they arrive one byte at a time", () => {
    const stream =
      "\r\nPOST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n" +
      "GET /b HTTP/1.1\nX: y\n\nPUT /c HTTP/1.1\r\nContent-Length: 2\r\n\r\nok";
    const whole = run([stream]);
    const bytes = run([...Buffer.from(stream, "latin1")].map((b) => Buffer.of(b)));
    assert.equal(whole.requests.length, 3);
    assert.deepEqual(
      bytes.requests.map((q) => [q.head.method, q.head.target, q.head.headers, text(q.body)]),
      whole.requests.map((q) => [q.head.method, q.head.target, q.head.headers, text(q.body)]),
    );
  });

  it("refuses a head past the limit however it is cut", () => {
    const head = `GET /x HTTP/1.1\r\nA: ${"a".repeat(9000)}\r\n\r\n`;
    const r = run([...Buffer.from(head)].map((b) => Buffer.of(b)));
    assert.equal(r.errors[0]?.status, 431);
    assert.equal(r.requests.length, 0);
  });

  it("keeps at most maxBodyBytes but reads the whole body", () => {
    const big = Buffer.alloc(64 * 1024, 0x61);
    const chunks: Buffer[] = [Buffer.from(`POST / HTTP/1.1\r\nContent-Length: ${big.length * 160}\r\n\r\n`)];
    for (let i = 0; i < 160; i++) chunks.push(big);
    chunks.push(Buffer.from("GET /next HTTP/1.1\r\n\r\n"));
    const r = run(chunks, 1000);
    assert.equal(r.requests.length, 2);
    const q = r.requests[0]!;
    assert.equal(q.body.length, 1000);
    assert.equal(q.bodyBytes, big.length * 160);
    assert.equal(q.truncated, true);
    assert.equal(r.requests[1]!.head.target, "/next");
  });

  it("many tiny chunks make one body buffer, not one object per chunk", () => {
    const body = "1\r\nx\r\n".repeat(5000);
    const r = run([`POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`], 3000);
    const q = r.requests[0]!;
    assert.equal(q.body.length, 3000);
    assert.equal(q.body.buffer.byteLength, 3000);
    assert.equal(q.bodyBytes, 5000);
    assert.equal(q.truncated, true);
  });

  it("the body has its own buffer, not a view of the socket's chunk", () => {
    const r = run(["POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n"]);
    const body = r.requests[0]!.body;
    assert.equal(body.byteOffset, 0);
    assert.equal(body.buffer.byteLength, 3);
  });

  it("reads framing: TE over CL closes after, identical CL lists pass, others fail", () => {
    const te = run([
      "POST / HTTP/1.1\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    ]);
    assert.equal(text(te.requests[0]!.body), "x");
    assert.equal(te.requests[0]!.head.keepAlive, false);
    const same = run(["POST / HTTP/1.1\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok"]);
    assert.equal(text(same.requests[0]!.body), "ok");
    for (const bad of [
      "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
      "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n",
    ]) {
      const r = run([bad]);
      assert.equal(r.errors.length, 1, bad);
      assert.equal(r.errors[0]!.status, 400, bad);
      assert.ok(
        r.errors[0]!.partial?.anomalies.some((a) => a.code === "http_parse_error"),
        bad,
      );
      assert.equal(r.parser.phase, "dead");
    }
  });

  it("knows keep-alive and Expect: 100-continue", () => {
    const r = run([
      "GET / HTTP/1.0\r\n\r\n",
      "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
      "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
      "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
    ]);
    assert.deepEqual(
      r.heads.map((h) => [h.keepAlive, h.expectContinue]),
      [
        [false, false],
        [true, false],
        [false, false],
        [true, true],
      ],
    );
  });

  it("refuses a head past the limit, reporting what was read of it", () => {
    const r = run([`GET /x HTTP/1.1\r\nA: 1\r\nB: ${"b".repeat(10_000)}`]);
    assert.equal(r.errors[0]?.status, 431);
    const p = r.errors[0]!.partial!;
    assert.equal(p.head.target, "/x");
    assert.deepEqual(p.head.headers, [["A", "1"]]);
    assert.ok(p.anomalies.some((a) => a.code === "headers_limit"));
  });

  it("keeps maxHeaders fields but frames by all of them", () => {
    const many = Array.from({ length: 150 }, (_, i) => `H${i}: v\r\n`).join("");
    const r = run([`POST / HTTP/1.1\r\n${many}Content-Length: 2\r\n\r\nokGET / HTTP/1.1\r\n\r\n`]);
    assert.equal(r.requests.length, 2);
    assert.equal(r.requests[0]!.head.headers.length, 100);
    assert.equal(text(r.requests[0]!.body), "ok");
    assert.ok(r.requests[0]!.anomalies.some((a) => a.code === "headers_limit"));
  });

  it("gives up on what is not HTTP/1: TLS, binary, the HTTP/2 preface", () => {
    for (const raw of ["\x16\x03\x01\x00\xa5\x01", "\x00\x00\x12\x04", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]) {
      const r = run([raw]);
      assert.equal(r.requests.length, 0, JSON.stringify(raw));
      assert.equal(r.errors.length, 1, JSON.stringify(raw));
      assert.equal(r.errors[0]!.partial, null);
    }
  });

  it("returns a request cut short in its body when the connection ends", () => {
    const r = run(["POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"]);
    const p = r.parser.end();
    assert.equal(text(p!.body), "abc");
    assert.ok(p!.anomalies.some((a) => a.code === "http_parse_error"));
    assert.equal(run(["GET / HTTP/1.1\r\nHost"]).parser.end(), null);
  });
});

// --- properties -------------------------------------------------------------------------

interface Req {
  method: string;
  target: string;
  headers: Header[];
  body: Uint8Array;
  chunked: boolean;
}

const token = fc.string({ unit: fc.constantFrom(..."ABCXYZabcxyz019-_.!~"), minLength: 1, maxLength: 12 });
const targetChar = fc.constantFrom(..."/abc?=&%20é\u00ff:;@*");
const req: fc.Arbitrary<Req> = fc
  .record({
    method: token,
    target: fc.string({ unit: targetChar, minLength: 1, maxLength: 40 }),
    headers: fc.array(
      fc.tuple(
        token.filter((n) => !["content-length", "transfer-encoding"].includes(n.toLowerCase())),
        fc.string({ unit: fc.constantFrom(..."abc 123,;=\"'é"), maxLength: 30 }).map((v) => v.trim()),
      ),
      { maxLength: 8 },
    ),
    body: fc.uint8Array({ maxLength: 300 }),
    chunked: fc.boolean(),
  })
  .map((x) => ({ ...x, headers: x.headers.map(([n, v]): Header => [n, v]) }));

function serialize(r: Req): Buffer {
  const head = [`${r.method} ${r.target} HTTP/1.1`, ...r.headers.map(([n, v]) => `${n}: ${v}`)];
  head.push(r.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${r.body.length}`);
  const parts = [Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "utf8")];
  if (r.chunked) {
    for (let at = 0; at < r.body.length; at += 37) {
      const piece = r.body.subarray(at, at + 37);
      parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), Buffer.from(piece), Buffer.from("\r\n"));
    }
    parts.push(Buffer.from("0\r\n\r\n"));
  } else parts.push(Buffer.from(r.body));
  return Buffer.concat(parts);
}

function cut(b: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(b.subarray(from, p));
    from = p;
  }
  out.push(b.subarray(from));
  return out;
}

describe("RequestParser properties", () => {
  it("reads back every request, however the byte stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(req, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (reqs, cuts) => {
          const stream = Buffer.concat(reqs.map(serialize));
          const r = run(cut(stream, cuts));
          assert.deepEqual(r.errors, []);
          assert.equal(r.requests.length, reqs.length);
          reqs.forEach((want, i) => {
            const got = r.requests[i]!;
            assert.equal(got.head.method, want.method);
            assert.equal(got.head.target, want.target);
            assert.deepEqual(got.head.headers.slice(0, want.headers.length), want.headers);
            assert.deepEqual(new Uint8Array(got.body), want.body);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never throws on random bytes and never keeps more than the limits", () => {
    const pieces = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(
          ..."GET / HTTP/1.1\r\n|Content-Length: 5\r\n|Transfer-Encoding: chunked\r\n|\r\n|\n|5\r\n|0\r\n\r\n| |:|;"
            .split("|")
            .map((s) => Buffer.from(s)),
        ),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(pieces, (ps) => {
        const r = run(
          ps.map((p) => Buffer.from(p)),
          64,
          { maxHeaderBytes: 1024, maxHeaders: 10 },
        );
        const p = r.parser.end();
        for (const q of [...r.requests, ...(p === null ? [] : [p])]) {
          assert.ok(q.body.length <= 64);
          assert.ok(q.head.headers.length <= 10);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
