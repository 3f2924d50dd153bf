import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { describe, it } from "node:test";
import type { HttpExchange } from "../../model/http.js";
import { type ListenerContext, MirrorConnection } from "./connection.js";
import { resolveOptions } from "./options.js";
import { newStats } from "./stats.js";
import { TrustedNetworks } from "./trusted.js";

/** The parts of a socket a connection uses, recording what is written. */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 40000;
  readonly writes: string[] = [];
  readonly log: string[] = [];
  destroyed = false;
  writable = true;
  writableLength = 0;
  write(b: Buffer): boolean {
    this.writes.push(b.toString("latin1"));
    this.log.push("write");
    return true;
  }
  end(): this {
    this.writable = false;
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

function connection(onExchange: (ex: HttpExchange) => void, trusted?: TrustedNetworks) {
  const socket = new FakeSocket();
  const options = resolveOptions({ port: 0, onExchange });
  let seq = 0;
  const ctx: ListenerContext = {
    options,
    stats: newStats(),
    settings: { trusted: trusted ?? options.trusted, clientIpHeaders: options.clientIpHeaders },
    nextId: () => String(++seq),
  };
  new MirrorConnection(socket as unknown as Socket, ctx, performance.now());
  return { socket, ctx };
}

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;

describe("MirrorConnection", () => {
  it("answers the pipelined requests of one read in one write, before handing them on", () => {
    const seen: string[] = [];
    const { socket } = connection((ex) => {
      seen.push(ex.request.target);
      socket.log.push(`exchange ${ex.request.target}`);
    });
    socket.emit("data", Buffer.from(GET("/1") + GET("/2") + GET("/3"), "latin1"));
    assert.equal(socket.writes.length, 1);
    assert.equal(socket.writes[0], "HTTP/1.1 204 No Content\r\n\r\n".repeat(3));
    assert.deepEqual(socket.log, ["write", "exchange /1", "exchange /2", "exchange /3"]);
    assert.deepEqual(seen, ["/1", "/2", "/3"]);
  });

  it("a request whose exchange cannot be built is counted and lost, not the process", () => {
    class Throwing extends TrustedNetworks {
      override has(): boolean {
        throw new Error("bug");
      }
    }
    const seen: string[] = [];
    const { socket, ctx } = connection((ex) => seen.push(ex.request.target), new Throwing(["loopback"]));
    socket.emit(
      "data",
      Buffer.from(`GET /x HTTP/1.1\r\nX-Forwarded-For: 192.0.2.1\r\n\r\n${GET("/y")}`, "latin1"),
    );
    assert.equal(socket.writes[0], "HTTP/1.1 204 No Content\r\n\r\n".repeat(2));
    assert.deepEqual(seen, ["/y"]);
    assert.equal(ctx.stats.parseErrors, 1);
    assert.equal(ctx.stats.received, 1);
  });

  it("a request split over reads is answered once it is whole; a final error answer follows the others", () => {
    const { socket, ctx } = connection(() => {});
    const two = GET("/a") + GET("/b");
    socket.emit("data", Buffer.from(two.slice(0, 30), "latin1"));
    assert.equal(socket.writes.length, 1, "the first request was whole");
    socket.emit("data", Buffer.from(`${two.slice(30)}\x16\x03\x01`, "latin1"));
    assert.equal(socket.writes.length, 2);
    assert.equal(
      socket.writes[1],
      "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert.equal(socket.writable, false, "closed after the error");
    assert.equal(ctx.stats.received, 2);
  });
});
