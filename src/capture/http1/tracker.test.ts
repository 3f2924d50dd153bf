import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import type { HttpExchange } from "../../model/http.js";
import { FlowDriver, text } from "./driver.js";

/** One line per exchange: request, body, status, response body. */
function sum(e: HttpExchange): string {
  const r = e.response;
  const req = `${e.request.method} ${e.request.target} [${text(e.request.body)}]`;
  return r === undefined ? `${req} -> none` : `${req} -> ${r.status} [${text(r.body)}]`;
}
function codes(e: HttpExchange | undefined): string[] {
  return (e?.anomalies ?? []).map((a) => `${a.code}: ${a.detail}`);
}

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;
const OK = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe("HttpStreamTracker: messages", () => {
  it("pairs keep-alive requests and responses and fills every field", () => {
    const d = new FlowDriver(
      { source: "pcap:x" },
      { tunnel: "vxlan:42 vlan:10", vni: 42, vlan: 10, clientIp: "fd00::1", serverIp: "fd00::2" },
    );
    d.send(0, "POST /login?x=1 HTTP/1.1\r\nHost: Shop.Example\r\nContent-Length: 3\r\n\r\na=b");
    d.send(1, "HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n");
    d.send(0, GET("/next"));
    d.send(1, OK("hello"));
    const out = d.close();
    assert.deepEqual(out.map(sum), ["POST /login?x=1 [a=b] -> 302 []", "GET /next [] -> 200 [hello]"]);
    const e = out[0]!;
    assert.equal(e.id, "x1");
    assert.equal(e.ts, 1001);
    assert.equal(e.source, "pcap:x");
    assert.equal(e.scheme, "http");
    assert.equal(e.host, "shop.example");
    assert.deepEqual(e.client, { ip: "fd00::1", port: 40000 });
    assert.deepEqual(e.server, { ip: "fd00::2", port: 80 });
    assert.deepEqual(e.tunnel, { id: "vxlan:42 vlan:10", vni: 42, vlan: 10 });
    assert.equal(e.request.httpVersion, "HTTP/1.1");
    assert.deepEqual(e.request.headers, [
      ["Host", "Shop.Example"],
      ["Content-Length", "3"],
    ]);
    assert.equal(e.response?.reason, "Found");
    assert.equal(e.response?.ts, 1002);
    assert.equal(e.response?.wireBytes, 0);
    assert.equal(e.anomalies, undefined);
    assert.equal(out[1]!.response?.wireBytes, 5);
    assert.equal(d.tracker.counters.paired, 2);
  });

  it("omits tunnel without one, and vni/vlan when -1; takes the host of an absolute-form target", () => {
    const d = new FlowDriver({}, { tunnel: "gre", vni: -1, vlan: -1 });
    d.send(0, "GET http://Proxy.Example:8080/x HTTP/1.1\r\n\r\n");
    const [a] = d.close();
    assert.deepEqual(a?.tunnel, { id: "gre" });
    assert.equal(a?.host, "proxy.example:8080");
    const e = new FlowDriver();
    e.send(0, GET("/"));
    assert.equal(e.close()[0]!.tunnel, undefined);
  });

  it("pairs pipelined requests from one segment with responses from one segment, in order", () => {
    const d = new FlowDriver();
    d.send(0, `${GET("/1") + GET("/2")}HEAD /3 HTTP/1.1\r\n\r\n${GET("/4")}`);
    d.send(
      1,
      `${OK("one")}${OK("two")}HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope`,
    );
    assert.deepEqual(d.out.map(sum), [
      "GET /1 [] -> 200 [one]",
      "GET /2 [] -> 200 [two]",
      "HEAD /3 [] -> 200 []",
      "GET /4 [] -> 404 [nope]",
    ]);
    assert.equal(d.out[2]!.response?.wireBytes, 0);
  });

  it("reads chunked bodies with extensions and trailers", () => {
    const d = new FlowDriver();
    d.send(
      0,
      'POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;name=val\r\nWiki\r\n5 ; a="b"\r\npedia\r\n0\r\n\r\n',
    );
    d.send(
      1,
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\nA\r\n0123456789\r\n0\r\nX-Sum: abc\r\n\r\n",
    );
    const [e] = d.close();
    assert.equal(sum(e!), "POST /up [Wikipedia] -> 200 [0123456789]");
    assert.deepEqual(e!.response?.headers.at(-1), ["X-Sum", "abc"]);
    assert.equal(e!.response?.wireBytes, 10);
    assert.equal(e!.anomalies, undefined);
  });

  it("skips 100 Continue and waits for the final response", () => {
    const d = new FlowDriver();
    d.send(0, "PUT /f HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    d.send(1, "HTTP/1.1 100 Continue\r\n\r\n");
    d.send(0, "data");
    d.send(
      1,
      "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
    );
    assert.deepEqual(d.close().map(sum), ["PUT /f [data] -> 201 []"]);
    assert.equal(d.tracker.counters.interim, 2);
    assert.equal(d.tracker.counters.responses, 1);
  });

  it("stops at 101 Switching Protocols (WebSocket) and ignores the frames after it", () => {
    const d = new FlowDriver();
    d.send(0, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    d.send(1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
    d.send(0, "\x81\x85abcdGET / HTTP/1.1\r\n\r\n");
    d.send(1, "HTTP/1.1 200 OK\r\n\r\n");
    assert.deepEqual(d.close().map(sum), ["GET /ws [] -> 101 []"]);
    assert.equal(d.tracker.counters.upgrades, 1);
    assert.equal(d.tracker.counters.requests, 1);
  });

  it("stops at a 2xx answer to CONNECT", () => {
    const d = new FlowDriver();
    d.send(0, "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n");
    d.send(1, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01");
    d.send(0, "\x16\x03\x01\x02\x00");
    assert.deepEqual(d.close().map(sum), ["CONNECT a.example:443 [] -> 200 []"]);
    assert.equal(d.tracker.counters.upgrades, 1);
  });

  it("reads no body for 204 and 304 whatever the fields say", () => {
    const d = new FlowDriver();
    d.send(0, GET("/a") + GET("/b") + GET("/c"));
    d.send(1, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
    d.send(1, "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n");
    d.send(1, OK("c"));
    assert.deepEqual(d.close().map(sum), [
      "GET /a [] -> 204 []",
      "GET /b [] -> 304 []",
      "GET /c [] -> 200 [c]",
    ]);
  });

  it("delimits a response without a length by the end of the connection", () => {
    const d = new FlowDriver();
    d.send(0, "GET /old HTTP/1.0\r\n\r\n");
    d.send(1, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ");
    d.send(1, "part two");
    assert.equal(d.out.length, 0);
    const [e] = d.close();
    assert.equal(sum(e!), "GET /old [] -> 200 [part one, part two]");
    assert.equal(e!.response?.ts, 1004);
    assert.equal(e!.response?.httpVersion, "HTTP/1.0");
  });

  it("decodes gzip requests, and responses when asked to; wireBytes is the encoded size", () => {
    const body = Buffer.from('{"user":"admin","pass":"x"}');
    const gz = gzipSync(body);
    const d = new FlowDriver({ decodeResponses: true });
    d.send(
      0,
      Buffer.concat([
        Buffer.from(`POST /api HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
        gz,
      ]),
    );
    d.send(
      1,
      Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
        gz,
      ]),
    );
    const [e] = d.close();
    assert.equal(text(e!.request.body), body.toString());
    assert.equal(text(e!.response?.body), body.toString());
    assert.equal(e!.response?.wireBytes, gz.length);
    assert.equal(e!.response?.contentEncoding, undefined);
    assert.equal(d.tracker.counters.decoded, 2);
  });

  it("leaves response bodies as they crossed the wire by default, and says so", () => {
    const body = Buffer.from("<html>".repeat(50));
    const gz = gzipSync(body);
    const d = new FlowDriver();
    d.send(0, GET("/page"));
    d.send(
      1,
      Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
        gz,
      ]),
    );
    d.send(0, GET("/plain"));
    d.send(1, OK("plain"));
    const [page, plain] = d.close();
    assert.deepEqual(Buffer.from(page!.response!.body as Uint8Array), gz);
    assert.equal(page!.response?.contentEncoding, "gzip");
    assert.equal(page!.response?.wireBytes, gz.length);
    assert.equal(plain!.response?.contentEncoding, undefined);
    assert.equal(text(plain!.response?.body), "plain");
    assert.equal(d.tracker.counters.decoded, 0);
  });

  it("keeps a decompression bomb raw with decompression_limit", () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const d = new FlowDriver({ maxDecodedBytes: 64 * 1024, decodeResponses: true });
    d.send(0, GET("/bomb"));
    d.send(
      1,
      Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`),
        bomb,
      ]),
    );
    const [e] = d.close();
    assert.equal(e!.response?.body.length, bomb.length);
    assert.deepEqual(codes(e), ["decompression_limit: response: gzip body decodes past 65536 bytes"]);
    assert.equal(d.tracker.counters.decodeLimit, 1);
  });

  it("keeps the first maxBodyBytes of a body and skips the rest by length", () => {
    const d = new FlowDriver({ maxBodyBytes: 10 });
    d.send(0, "POST /big HTTP/1.1\r\nContent-Length: 30\r\n\r\n0123456789abcdefghij");
    d.send(0, `ABCDEFGHIJ${GET("/after")}`);
    d.send(1, OK("r1") + OK("r2"));
    const out = d.close();
    assert.deepEqual(out.map(sum), ["POST /big [0123456789] -> 200 [r1]", "GET /after [] -> 200 [r2]"]);
    assert.deepEqual(codes(out[0]), ["body_truncated: body longer than 10 bytes"]);
    assert.equal(d.tracker.counters.bodiesTruncated, 1);
    assert.equal(d.tracker.counters.bodyBytesDropped, 20);
  });

  it("notes conflicting Content-Length and still frames by the first value", () => {
    const d = new FlowDriver();
    d.send(0, `POST /s HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 10\r\n\r\nabc${GET("/n")}`);
    const out = d.close();
    assert.deepEqual(out.map(sum), ["POST /s [abc] -> none", "GET /n [] -> none"]);
    assert.deepEqual(codes(out[0]), ["http_parse_error: conflicting Content-Length values"]);
  });

  it("cuts a head longer than maxHeadBytes with headers_limit and resynchronises", () => {
    const d = new FlowDriver({ maxHeadBytes: 200 });
    d.send(0, `GET /long HTTP/1.1\r\n${"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(10)}\r\n`);
    d.send(0, GET("/ok"));
    d.send(1, OK("1") + OK("2"));
    const out = d.close();
    assert.deepEqual(out.map(sum), ["GET /long [] -> 200 [1]", "GET /ok [] -> 200 [2]"]);
    assert.ok(codes(out[0]).includes("headers_limit: head longer than 200 bytes"));
    assert.ok(out[0]!.request.headers.length >= 3);
  });

  it("swaps roles when the bytes show FlowInfo guessed the directions wrong", () => {
    const d = new FlowDriver({}, { handshake: false });
    d.send(1, GET("/swapped"));
    d.send(0, OK("y"));
    const [e] = d.close();
    assert.equal(sum(e!), "GET /swapped [] -> 200 [y]");
    assert.deepEqual(e!.client, { ip: "10.0.0.2", port: 80 });
    assert.deepEqual(e!.server, { ip: "10.0.0.1", port: 40000 });
    assert.equal(d.tracker.counters.roleSwaps, 1);
  });

  it("picks a flow up mid-stream at the next message start", () => {
    const d = new FlowDriver({}, { handshake: false });
    d.send(0, `ody of an earlier request\r\n${GET("/seen")}`);
    d.send(1, "tail of an earlier response\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert.deepEqual(d.close().map(sum), ["GET /seen [] -> 200 [ok]"]);
    assert.equal(d.tracker.counters.bytesSkipped, 27 + 28);
  });
});

describe("HttpStreamTracker: timing, gaps and bounds", () => {
  it("emits a request alone when its response does not come in time, and the late one is an orphan", () => {
    const d = new FlowDriver({ responseTimeoutMs: 5000 });
    d.send(0, GET("/slow"));
    d.tracker.tick(d.ts + 4999);
    assert.equal(d.out.length, 0);
    d.tracker.tick(d.ts + 5000);
    assert.deepEqual(d.out.map(sum), ["GET /slow [] -> none"]);
    d.send(0, GET("/next"));
    d.send(1, OK("late") + OK("next"));
    assert.deepEqual(d.close().map(sum), ["GET /slow [] -> none", "GET /next [] -> 200 [next]"]);
    assert.equal(d.tracker.counters.timedOut, 1);
    assert.equal(d.tracker.counters.orphanResponses, 1);
  });

  it("waits for a response under way as long as its bytes keep coming", () => {
    const d = new FlowDriver({ responseTimeoutMs: 10 });
    d.send(0, GET("/dl"));
    d.send(1, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab");
    d.ts += 8;
    d.send(1, "cd");
    d.tracker.tick(d.ts + 9);
    assert.equal(d.out.length, 0);
    d.send(1, "ef");
    assert.deepEqual(d.out.map(sum), ["GET /dl [] -> 200 [abcdef]"]);
  });

  it("flush emits every pending request, even one whose body never finished", () => {
    const d = new FlowDriver();
    d.send(0, `${GET("/a")}POST /b HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial`);
    d.tracker.flush();
    assert.deepEqual(d.out.map(sum), ["GET /a [] -> none", "POST /b [partial] -> none"]);
    assert.deepEqual(codes(d.out[1]), ["http_parse_error: message cut short by the end of the flow"]);
    assert.equal(d.tracker.openFlows, 0);
  });

  it("bounds the pending queue: the oldest request goes out alone", () => {
    const d = new FlowDriver({ maxPending: 2 });
    d.send(0, GET("/1") + GET("/2") + GET("/3"));
    assert.deepEqual(d.out.map(sum), ["GET /1 [] -> none"]);
    d.send(1, OK("r1") + OK("r2") + OK("r3"));
    assert.deepEqual(d.close().map(sum), [
      "GET /1 [] -> none",
      "GET /2 [] -> 200 [r2]",
      "GET /3 [] -> 200 [r3]",
    ]);
    assert.equal(d.tracker.counters.evicted, 1);
  });

  it("a gap inside a body of known length keeps the place in the stream", () => {
    const d = new FlowDriver();
    d.send(0, GET("/a") + GET("/b"));
    d.send(1, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n01234");
    d.gap(1, 10);
    d.send(1, `ABCDE${OK("b")}`);
    const out = d.close();
    assert.deepEqual(out.map(sum), ["GET /a [] -> 200 [01234]", "GET /b [] -> 200 [b]"]);
    assert.deepEqual(codes(out[0]), ["body_truncated: response: body cut by a capture gap"]);
    assert.equal(out[0]!.response?.wireBytes, 20);
    assert.equal(d.tracker.counters.resyncs, 0);
  });

  it("a gap over whole responses loses only their pairing and resynchronises", () => {
    const d = new FlowDriver();
    d.send(0, GET("/1"));
    d.send(1, OK("one"));
    d.send(0, GET("/2"));
    d.send(1, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\nxx");
    d.gap(1, 100);
    d.send(0, GET("/3"));
    d.send(1, "y".repeat(50));
    d.gap(1, 148);
    d.send(0, GET("/4"));
    d.send(1, `garbage\r\n${OK("four")}`);
    d.send(0, GET("/5"));
    d.send(1, OK("five"));
    const out = d.close();
    assert.deepEqual(out.map(sum), [
      "GET /1 [] -> 200 [one]",
      "GET /2 [] -> 200 [xx]",
      "GET /3 [] -> none",
      "GET /4 [] -> 200 [four]",
      "GET /5 [] -> 200 [five]",
    ]);
    assert.equal(d.tracker.counters.lostInGap, 1);
    assert.equal(d.tracker.counters.resyncs, 1);
  });

  it("a gap in the client direction loses the requests it held; their responses are orphans", () => {
    const d = new FlowDriver();
    d.send(0, GET("/1"));
    d.send(1, OK("one"));
    d.gap(0, 60);
    d.send(1, OK("lost"));
    d.send(0, GET("/3"));
    d.send(1, OK("three"));
    const out = d.close();
    assert.deepEqual(out.map(sum), ["GET /1 [] -> 200 [one]", "GET /3 [] -> 200 [three]"]);
    assert.equal(d.tracker.counters.orphanResponses, 1);
  });

  it("gives up on a flow that never carries HTTP", () => {
    const d = new FlowDriver();
    const junk = Buffer.alloc(64 * 1024, 0x16);
    for (let i = 0; i < 6; i++) d.send(0, junk);
    assert.equal(d.tracker.counters.nonHttpFlows, 1);
    assert.deepEqual(d.close(), []);
  });

  it("counts garbage between messages and reads on", () => {
    const d = new FlowDriver();
    d.send(0, `${GET("/a")}%%% not http %%%\r\n${GET("/b")}`);
    assert.deepEqual(d.close().map(sum), ["GET /a [] -> none", "GET /b [] -> none"]);
    assert.equal(d.tracker.counters.parseErrors, 1);
    assert.equal(d.tracker.counters.resyncs, 1);
    assert.equal(d.tracker.counters.bytesSkipped, 18);
  });
});
