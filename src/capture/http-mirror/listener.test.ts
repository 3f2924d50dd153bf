import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import type { HttpExchange } from "../../model/http.js";
import {
  type MirrorListener,
  type MirrorListenerOptions,
  serializeProxyHeader,
  startMirrorListener,
} from "./index.js";

/** Every await that depends on the network gets one of these. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const open: MirrorListener[] = [];
const sockets: Socket[] = [];
after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(open.map((l) => l.close()));
});

async function listen(opts: Partial<MirrorListenerOptions> = {}) {
  const exchanges: HttpExchange[] = [];
  const listener = await startMirrorListener({ port: 0, onExchange: (e) => exchanges.push(e), ...opts });
  open.push(listener);
  return { listener, exchanges, port: listener.address().port };
}

/** A raw TCP client that reads back responses (ours never have bodies). */
class Raw {
  readonly socket: Socket;
  #buf = "";
  #closed = false;
  #wake: (() => void) | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#buf += d.toString("latin1");
      this.#wake?.();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on("error", () => {});
  }

  static async open(port: number): Promise<Raw> {
    const s = connect(port, "127.0.0.1");
    sockets.push(s);
    await within(
      new Promise<void>((res, rej) => {
        s.once("connect", res);
        s.once("error", rej);
      }),
      5000,
      "connect",
    );
    return new Raw(s);
  }

  send(bytes: string | Uint8Array): void {
    this.socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
  }

  async #until(done: () => boolean, what: string): Promise<void> {
    await within(
      (async () => {
        while (!done()) {
          if (this.#closed) throw new Error(`connection closed while waiting for ${what}`);
          await new Promise<void>((res) => {
            this.#wake = res;
          });
        }
      })(),
      5000,
      what,
    );
  }

  /** The next `n` responses, as their head text. */
  async responses(n: number): Promise<string[]> {
    const out: string[] = [];
    await this.#until(() => {
      let end = this.#buf.indexOf("\r\n\r\n");
      while (out.length < n && end >= 0) {
        out.push(this.#buf.slice(0, end));
        this.#buf = this.#buf.slice(end + 4);
        end = this.#buf.indexOf("\r\n\r\n");
      }
      return out.length >= n;
    }, `${n} responses`);
    return out;
  }

  async closed(): Promise<void> {
    await within(
      new Promise<void>((res) => {
        if (this.#closed) res();
        else this.socket.once("close", () => res());
      }),
      5000,
      "close",
    );
  }
}

const status = (r: string) => r.split(" ")[1];
const bodyText = (e: HttpExchange | undefined) =>
  Buffer.from(e?.request.body as Uint8Array).toString("latin1");

describe("mirror listener", () => {
  it("answers 204 over keep-alive, many requests on one connection, from a real HTTP client", async () => {
    const { listener, exchanges, port } = await listen();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 50; i++) {
        const code = await within(
          new Promise<number>((res, rej) => {
            const rq = request({ port, host: "127.0.0.1", agent, method: "POST", path: `/r/${i}` }, (rs) => {
              rs.resume();
              rs.on("end", () => res(rs.statusCode ?? 0));
            });
            rq.on("error", rej);
            rq.end(`n=${i}`);
          }),
          5000,
          `request ${i}`,
        );
        assert.equal(code, 204);
      }
    } finally {
      agent.destroy();
    }
    assert.equal(exchanges.length, 50);
    assert.equal(exchanges[49]?.request.target, "/r/49");
    assert.equal(bodyText(exchanges[49]), "n=49");
    assert.equal(listener.stats.connectionsTotal, 1);
    assert.equal(listener.stats.received, 50);
    assert.equal(new Set(exchanges.map((e) => e.id)).size, 50);
  });

  it("answers pipelined requests in order", async () => {
    const { exchanges, port } = await listen();
    const c = await Raw.open(port);
    const reqs = Array.from({ length: 100 }, (_, i) => `GET /p/${i} HTTP/1.1\r\nHost: h\r\n\r\n`).join("");
    c.send(reqs);
    const rs = await c.responses(100);
    assert.ok(rs.every((r) => r === "HTTP/1.1 204 No Content"));
    assert.deepEqual(
      exchanges.map((e) => e.request.target),
      Array.from({ length: 100 }, (_, i) => `/p/${i}`),
    );
  });

  it("reads chunked bodies sent in pieces", async () => {
    const { exchanges, port } = await listen();
    const c = await Raw.open(port);
    c.send("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    await new Promise((r) => setImmediate(r));
    c.send("lo\r\n6\r\n world\r\n0\r\n\r\n");
    assert.deepEqual(await c.responses(1), ["HTTP/1.1 204 No Content"]);
    assert.equal(bodyText(exchanges[0]), "hello world");
  });

  it("reads a body past the limit, keeps only the limit, still answers 204 and goes on", async () => {
    const limit = 64 * 1024;
    const { listener, exchanges, port } = await listen({ maxBodyBytes: limit });
    const c = await Raw.open(port);
    const size = 16 * 1024 * 1024;
    c.send(`POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${size}\r\n\r\n`);
    const piece = Buffer.alloc(256 * 1024, 0x41);
    for (let sent = 0; sent < size; sent += piece.length) {
      if (!c.socket.write(piece)) await new Promise((r) => c.socket.once("drain", r));
    }
    c.send("GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
    assert.deepEqual(await c.responses(2), ["HTTP/1.1 204 No Content", "HTTP/1.1 204 No Content"]);
    const big = exchanges[0]!;
    const body = big.request.body as Uint8Array;
    // The exchange holds exactly the limit: no larger buffer behind the view.
    assert.equal(body.length, limit);
    assert.equal(body.buffer.byteLength, limit);
    assert.deepEqual(big.anomalies, [
      { code: "body_truncated", detail: `kept ${limit} of ${size} body bytes` },
    ]);
    assert.equal(exchanges[1]?.request.target, "/after");
    assert.equal(listener.stats.bodyTruncated, 1);
    assert.ok(listener.stats.bytes > size);
  });

  it("accepts any method and request-target, and keeps header order and repeats", async () => {
    const { exchanges, port } = await listen();
    const c = await Raw.open(port);
    c.send("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n");
    c.send("PROPFIND * HTTP/1.1\r\nHost: h\r\n\r\n");
    c.send("get http://x.example/\xe9\xff?q=<script> HTTP/1.1\r\nHost: h\r\n\r\n");
    c.send("GET / HTTP/1.1\r\nCookie: a=1\r\nX-B: 1\r\ncookie: b=2\r\nFoo Bar: odd\r\nX-B: 2\r\n\r\n");
    assert.equal((await c.responses(4)).filter((r) => status(r) === "204").length, 4);
    assert.deepEqual(
      exchanges.map((e) => e.request.method),
      ["BREW", "PROPFIND", "get", "GET"],
    );
    assert.equal(exchanges[1]?.request.target, "*");
    assert.equal(exchanges[2]?.request.target, "http://x.example/\xe9\xff?q=<script>");
    assert.deepEqual(exchanges[3]?.request.headers, [
      ["Cookie", "a=1"],
      ["X-B", "1"],
      ["cookie", "b=2"],
      ["Foo Bar", "odd"],
      ["X-B", "2"],
    ]);
  });

  it("counts what cannot be framed, still reports it, and closes", async () => {
    const { listener, exchanges, port } = await listen();
    const c = await Raw.open(port);
    c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef");
    const [r] = await c.responses(1);
    assert.equal(status(r!), "400");
    await c.closed();
    assert.equal(listener.stats.parseErrors, 1);
    assert.equal(exchanges[0]?.request.target, "/x");
    assert.ok(exchanges[0]?.anomalies?.some((a) => a.code === "http_parse_error"));
  });

  it("answers Expect: 100-continue, and HTTP/1.0 with Connection: close", async () => {
    const { exchanges, port } = await listen();
    const c = await Raw.open(port);
    c.send("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    assert.deepEqual(await c.responses(1), ["HTTP/1.1 100 Continue"]);
    c.send("ok");
    assert.deepEqual(await c.responses(1), ["HTTP/1.1 204 No Content"]);
    c.send("GET /old HTTP/1.0\r\n\r\n");
    assert.deepEqual(await c.responses(1), ["HTTP/1.1 204 No Content\r\nConnection: close"]);
    await c.closed();
    assert.equal(bodyText(exchanges[0]), "ok");
    assert.equal(exchanges[1]?.request.httpVersion, "HTTP/1.0");
  });
});

describe("mirror listener: who the client is", () => {
  const forwarding = [
    ["X-Forwarded-For", "203.0.113.1, 198.51.100.1", "198.51.100.1"],
    ["X-Real-IP", "198.51.100.2", "198.51.100.2"],
    ["Forwarded", 'for="[2001:db8::7]:4711"', "2001:db8::7"],
  ] as const;

  for (const [name, value, want] of forwarding) {
    it(`${name}: believed from a trusted peer, ignored from an untrusted one`, async () => {
      const t = await listen({ trustedProxies: ["127.0.0.0/8"] });
      const u = await listen({ trustedProxies: ["192.0.2.0/24"] });
      for (const [l, expected] of [
        [t, want],
        [u, "127.0.0.1"],
      ] as const) {
        const c = await Raw.open(l.port);
        c.send(`GET / HTTP/1.1\r\nHost: h\r\n${name}: ${value}\r\n\r\n`);
        await c.responses(1);
        assert.equal(l.exchanges[0]?.client?.ip, expected);
        // The header stays for analysis either way.
        assert.ok(l.exchanges[0]?.request.headers.some(([n]) => n === name));
      }
    });
  }

  it("reads server, scheme, request id and the Host without -shadow", async () => {
    const { exchanges, port } = await listen();
    const c = await Raw.open(port);
    c.send(
      "GET /a HTTP/1.1\r\nHost: api.example.com-shadow\r\nX-Server-Addr: 10.0.0.5\r\nX-Server-Port: 443\r\n" +
        "X-Forwarded-Proto: https\r\nX-Request-ID: req-1\r\n\r\n" +
        "GET /b HTTP/1.1\r\nHost: host-shadow:8080\r\n\r\n",
    );
    await c.responses(2);
    const [a, b] = exchanges;
    assert.deepEqual(a?.server, { ip: "10.0.0.5", port: 443 });
    assert.equal(a?.scheme, "https");
    assert.equal(a?.requestId, "req-1");
    assert.equal(a?.host, "api.example.com");
    assert.equal(b?.host, "host:8080");
    assert.equal(a?.source, "http-mirror");
  });

  it("PROXY v1 from a trusted peer names the client and server", async () => {
    const { exchanges, port } = await listen({ proxyProtocol: "auto" });
    const c = await Raw.open(port);
    c.send("PROXY TCP4 203.0.113.10 10.0.0.1 51000 443\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await c.responses(1);
    c.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
    await c.responses(1);
    assert.deepEqual(exchanges[0]?.client, { ip: "203.0.113.10", port: 51000 });
    assert.deepEqual(exchanges[0]?.server, { ip: "10.0.0.1", port: 443 });
    assert.deepEqual(exchanges[1]?.client, { ip: "203.0.113.10", port: 51000 });
  });

  it("PROXY v2 arriving byte by byte, with TLVs", async () => {
    const { exchanges, port } = await listen({ proxyProtocol: "required" });
    const c = await Raw.open(port);
    const header = serializeProxyHeader({
      version: 2,
      command: "PROXY",
      family: "INET6",
      transport: "STREAM",
      source: { ip: "2001:db8::10", port: 40000 },
      destination: { ip: "2001:db8::1", port: 443 },
      tlvs: [{ type: 0x05, value: Buffer.from("unique-id") }],
    });
    for (const byte of header) {
      c.send(Uint8Array.of(byte));
      await new Promise((r) => setImmediate(r));
    }
    c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await c.responses(1);
    assert.deepEqual(exchanges[0]?.client, { ip: "2001:db8::10", port: 40000 });
  });

  it("PROXY LOCAL keeps the real peer; PROXY from an untrusted peer is read past but not believed", async () => {
    const local = await listen({ proxyProtocol: "auto" });
    const c = await Raw.open(local.port);
    c.send(
      serializeProxyHeader({ version: 2, command: "LOCAL", family: "UNSPEC", transport: "UNSPEC", tlvs: [] }),
    );
    c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await c.responses(1);
    assert.equal(local.exchanges[0]?.client?.ip, "127.0.0.1");

    const u = await listen({ proxyProtocol: "auto", trustedProxies: [] });
    const d = await Raw.open(u.port);
    d.send("PROXY TCP4 203.0.113.10 10.0.0.1 51000 443\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await d.responses(1);
    assert.equal(u.exchanges[0]?.client?.ip, "127.0.0.1");
    assert.equal(u.exchanges[0]?.request.method, "GET");
    assert.equal(u.listener.stats.proxyUntrusted, 1);
  });

  it("required PROXY protocol refuses a plain connection; a broken header is counted", async () => {
    const { listener, port } = await listen({ proxyProtocol: "required" });
    const c = await Raw.open(port);
    c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await c.closed();
    const d = await Raw.open(port);
    d.send("PROXY TCP4 nonsense\r\n");
    await d.closed();
    assert.equal(listener.stats.parseErrors, 2);
    assert.equal(listener.stats.received, 0);
  });
});

describe("mirror listener: shared secret", () => {
  it("accepts the right secret and removes it; refuses a missing (401) or wrong (403) one", async () => {
    const { listener, exchanges, port } = await listen({ secret: "correct horse" });
    const c = await Raw.open(port);
    c.send("GET /ok HTTP/1.1\r\nHost: h\r\nX-Mirrorwatch-Secret: correct horse\r\n\r\n");
    c.send("POST /none HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
    c.send("GET /wrong HTTP/1.1\r\nHost: h\r\nx-mirrorwatch-secret: correct horsf\r\n\r\n");
    c.send(
      "GET /two HTTP/1.1\r\nHost: h\r\nX-Mirrorwatch-Secret: correct horse\r\nX-Mirrorwatch-Secret: x\r\n\r\n",
    );
    c.send("GET /ok2 HTTP/1.1\r\nHost: h\r\nX-MIRRORWATCH-SECRET: correct horse\r\n\r\n");
    const rs = await c.responses(5);
    assert.deepEqual(rs.map(status), ["204", "401", "403", "403", "204"]);
    assert.deepEqual(
      exchanges.map((e) => e.request.target),
      ["/ok", "/ok2"],
    );
    assert.ok(
      exchanges.every((e) => e.request.headers.every(([n]) => n.toLowerCase() !== "x-mirrorwatch-secret")),
    );
    assert.equal(listener.stats.rejected, 3);
    assert.equal(listener.stats.received, 2);
  });
});

describe("mirror listener: lifecycle", () => {
  it("close() ends open keep-alive connections at once", async () => {
    const { listener, port } = await listen();
    const clients = await Promise.all([Raw.open(port), Raw.open(port), Raw.open(port)]);
    for (const c of clients) c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    for (const c of clients) await c.responses(1);
    assert.equal(listener.stats.connectionsOpen, 3);
    await within(listener.close(), 2000, "close()");
    await Promise.all(clients.map((c) => c.closed()));
    assert.equal(listener.stats.connectionsOpen, 0);
  });

  it("times out a slow head (408) and an idle keep-alive connection", async () => {
    const { listener, port } = await listen({ headersTimeoutMs: 100, keepAliveTimeoutMs: 100 });
    const slow = await Raw.open(port);
    slow.send("GET / HTTP/1.1\r\nHost:");
    assert.equal(status((await slow.responses(1))[0]!), "408");
    await slow.closed();
    const idle = await Raw.open(port);
    idle.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    await idle.responses(1);
    await idle.closed();
    assert.equal(listener.stats.timeouts, 1);
    assert.equal(listener.stats.received, 1);
  });

  it("reports a body cut short by a request timeout", async () => {
    const { exchanges, port } = await listen({ requestTimeoutMs: 100 });
    const c = await Raw.open(port);
    c.send("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial");
    assert.equal(status((await c.responses(1))[0]!), "408");
    assert.equal(bodyText(exchanges[0]), "partial");
    assert.ok(exchanges[0]?.anomalies?.some((a) => a.code === "http_parse_error"));
  });

  it("survives an onExchange that throws", async () => {
    const { listener, port } = await listen({
      onExchange: () => {
        throw new Error("boom");
      },
    });
    const c = await Raw.open(port);
    c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert.equal((await c.responses(2)).length, 2);
    assert.equal(listener.stats.callbackErrors, 2);
  });

  it("answers but does not build or hand on what admit() declines", async () => {
    let room = 1;
    const { listener, exchanges, port } = await listen({ admit: () => room-- > 0 });
    const c = await Raw.open(port);
    c.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    const rs = await c.responses(2);
    assert.deepEqual(rs.map(status), ["204", "204"]);
    assert.deepEqual(
      exchanges.map((e) => e.request.target),
      ["/a"],
    );
    assert.equal(listener.stats.received, 1);
    assert.equal(listener.stats.declined, 1);
  });

  it("rejects bad options before listening", async () => {
    await assert.rejects(listen({ trustedProxies: ["10.0.0.0/40"] }), /trusted proxy entry/);
    await assert.rejects(listen({ maxBodyBytes: -1 }), /maxBodyBytes/);
    await assert.rejects(listen({ secret: "" }), /secret/);
  });
});
