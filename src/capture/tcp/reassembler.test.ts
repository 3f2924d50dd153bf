import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../packet/types.js";
import { TcpReassembler } from "./reassembler.js";
import { feed, recorder, reverse, tcpPacket } from "./tcp-fixture.js";

const SYN = TCP_SYN;
const SYNACK = TCP_SYN | TCP_ACK;
const ACK = TCP_ACK;
const FINACK = TCP_FIN | TCP_ACK;
const C = 1000; // client ISN
const S = 5000; // server ISN

/** A handshake from 10.0.0.1:40000 to 10.0.0.2:80. */
function handshake(r: TcpReassembler, isnC = C, isnS = S): void {
  feed(r, tcpPacket({ seq: isnC, flags: SYN }));
  feed(r, reverse({ seq: isnS, ack: isnC + 1, flags: SYNACK }));
  feed(r, tcpPacket({ seq: isnC + 1, ack: isnS + 1, flags: ACK }));
}

describe("TcpReassembler", () => {
  it("delivers both directions in order and closes after FIN both ways", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, ack: S + 1, payload: "GET / HTTP/1.1\r\n\r\n" }));
    feed(r, reverse({ seq: S + 1, ack: C + 19, payload: "HTTP/1.1 200 OK\r\n" }));
    feed(r, reverse({ seq: S + 18, ack: C + 19, payload: "\r\n" }));
    assert.equal(r.flows, 1);
    feed(r, tcpPacket({ seq: C + 19, ack: S + 20, flags: FINACK }));
    assert.equal(r.flows, 1, "a half-close keeps the flow");
    feed(r, reverse({ seq: S + 20, ack: C + 20, flags: FINACK }));
    assert.equal(r.flows, 0);
    const f = rec.flows[0]!;
    assert.equal(f.text(0), "GET / HTTP/1.1\r\n\r\n");
    assert.equal(f.text(1), "HTTP/1.1 200 OK\r\n\r\n");
    assert.equal(f.closed, "fin");
    assert.deepEqual(
      { ...f.info },
      {
        clientIp: "10.0.0.1",
        clientPort: 40000,
        serverIp: "10.0.0.2",
        serverPort: 80,
        tunnel: "",
        vni: -1,
        vlan: -1,
        handshake: true,
        ts: 0,
      },
    );
    assert.equal(r.counters.flowsOpened, 1);
    assert.equal(r.counters.flowsClosed, 1);
    assert.equal(r.counters.bytesDelivered, 18 + 19);
    assert.equal(f.callsAfterClose, 0);
  });

  it("reorders out-of-order segments, copying them", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 7, payload: "ghi" }));
    feed(r, tcpPacket({ seq: C + 4, payload: "def" }));
    assert.equal(rec.flows[0]!.text(0), "");
    assert.ok(r.bufferedBytes > 6);
    feed(r, tcpPacket({ seq: C + 1, payload: "abc" }));
    assert.equal(rec.flows[0]!.text(0), "abcdefghi");
    assert.equal(r.counters.outOfOrderSegments, 2);
    assert.equal(r.bufferedBytes, 0);
  });

  it("delivers retransmitted bytes once", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, payload: "abcd" }));
    feed(r, tcpPacket({ seq: C + 1, payload: "abcd" }));
    feed(r, tcpPacket({ seq: C + 3, payload: "cdef" }));
    assert.equal(rec.flows[0]!.text(0), "abcdef");
    assert.equal(r.counters.retransmittedBytes, 6);
  });

  it("keeps the first arrival of conflicting overlapping data and counts it", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 5, payload: "EFGH" }));
    feed(r, tcpPacket({ seq: C + 3, payload: "cdXYZWij" })); // overlaps EFGH with other bytes
    feed(r, tcpPacket({ seq: C + 1, payload: "ab" }));
    assert.equal(rec.flows[0]!.text(0), "abcdEFGHij");
    assert.equal(r.counters.overlapConflicts, 1);
    // The same overlap with equal bytes is a retransmission, not a conflict.
    feed(r, tcpPacket({ seq: C + 13, payload: "mn" }));
    feed(r, tcpPacket({ seq: C + 11, payload: "klmn" }));
    assert.equal(rec.flows[0]!.text(0), "abcdEFGHijklmn");
    assert.equal(r.counters.overlapConflicts, 1);
  });

  it("follows the sequence number across 2^32", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    const isn = 2 ** 32 - 4;
    handshake(r, isn, 2 ** 32 - 1);
    feed(r, tcpPacket({ seq: 2 ** 32 - 3, payload: "abc" })); // 2^32-3 .. 2^32-1
    feed(r, tcpPacket({ seq: 3, payload: "ghi" })); // out of order, after the wrap
    feed(r, tcpPacket({ seq: 0, payload: "def" }));
    feed(r, reverse({ seq: 0, payload: "server" })); // the server's ISN + 1 wrapped to 0
    assert.equal(rec.flows[0]!.text(0), "abcdefghi");
    assert.equal(rec.flows[0]!.text(1), "server");
    assert.equal(r.counters.retransmittedBytes, 0);
  });

  it("picks up a flow mid-stream and guesses the server by port", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    // Seen first from the server side: 8080 is a web port, so its peer is the client.
    feed(r, tcpPacket({ srcPort: 8080, dstPort: 51000, seq: 777, payload: "HTTP/1.1 200 OK\r\n" }));
    feed(r, reverse({ srcPort: 51000, dstPort: 8080, seq: 9, payload: "GET /" }));
    const f = rec.flows[0]!;
    assert.equal(f.info.handshake, false);
    assert.equal(f.info.serverPort, 8080);
    assert.equal(f.info.serverIp, "10.0.0.1");
    assert.equal(f.info.clientIp, "10.0.0.2");
    assert.equal(f.text(1), "HTTP/1.1 200 OK\r\n");
    assert.equal(f.text(0), "GET /");
    // Neither port well known: the lower one is the server.
    feed(r, tcpPacket({ srcPort: 2345, dstPort: 61000, seq: 1, payload: "x" }));
    assert.equal(rec.flows[1]!.info.serverPort, 2345);
  });

  it("declares a gap when the peer acknowledges past a hole", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    // "abc" at C+1 is lost by the mirror.
    feed(r, tcpPacket({ seq: C + 4, payload: "def" }));
    assert.equal(rec.flows[0]!.text(0), "");
    feed(r, reverse({ seq: S + 1, ack: C + 7, flags: ACK }));
    assert.equal(rec.flows[0]!.text(0), "[gap 3]def");
    assert.equal(r.counters.gaps, 1);
    assert.equal(r.counters.gapBytes, 3);
    assert.equal(r.counters.gapsByAck, 1);
    // The lost bytes arriving late are old news.
    feed(r, tcpPacket({ seq: C + 1, payload: "abc" }));
    assert.equal(rec.flows[0]!.text(0), "[gap 3]def");
  });

  it("declares a gap when a flow's buffer passes its cap", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory, { maxFlowBufferBytes: 400 });
    handshake(r);
    const chunk = "x".repeat(100);
    feed(r, tcpPacket({ seq: C + 11, payload: chunk }));
    feed(r, tcpPacket({ seq: C + 111, payload: chunk }));
    assert.equal(r.counters.gaps, 0);
    feed(r, tcpPacket({ seq: C + 211, payload: chunk }));
    assert.equal(r.counters.capsHitFlow, 1);
    assert.equal(rec.flows[0]!.text(0), `[gap 10]${chunk.repeat(3)}`);
    assert.ok(r.bufferedBytes <= 400);
  });

  it("declares a gap when a hole is older than the gap timeout", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory, { gapTimeoutMs: 1000 });
    handshake(r);
    feed(r, tcpPacket({ ts: 100, seq: C + 4, payload: "def" }));
    r.tick(900);
    assert.equal(r.counters.gaps, 0);
    r.tick(1200);
    assert.equal(rec.flows[0]!.text(0), "[gap 3]def");
    assert.equal(r.counters.gapsByTimeout, 1);
    // The next packet of the flow checks too, without a tick.
    feed(r, tcpPacket({ ts: 1300, seq: C + 10, payload: "jkl" }));
    feed(r, tcpPacket({ ts: 2400, seq: C + 13, payload: "mno" }));
    assert.equal(rec.flows[0]!.text(0), "[gap 3]def[gap 3]jklmno");
  });

  it("closes at once on RST, but not on a RST far outside the window", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, payload: "abc" }));
    feed(r, reverse({ seq: S + 1 + 50_000_000, flags: TCP_RST }));
    assert.equal(r.flows, 1);
    assert.equal(r.counters.ignoredRst, 1);
    feed(r, reverse({ seq: S + 1, flags: TCP_RST }));
    assert.equal(r.flows, 0);
    assert.equal(rec.flows[0]!.closed, "rst");
    // A RST for a flow we do not know opens nothing.
    feed(r, reverse({ seq: S + 1, flags: TCP_RST }));
    assert.equal(r.flows, 0);
  });

  it("keeps delivering the open direction after a half-close, and waits for data before a FIN", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, payload: "req" }));
    feed(r, tcpPacket({ seq: C + 4, flags: FINACK }));
    feed(r, reverse({ seq: S + 4, payload: "def" })); // ahead of "abc"
    feed(r, reverse({ seq: S + 7, flags: FINACK })); // FIN behind the hole
    assert.equal(r.flows, 1);
    feed(r, reverse({ seq: S + 1, payload: "abc" }));
    assert.equal(r.flows, 0);
    assert.equal(rec.flows[0]!.text(1), "abcdef");
    assert.equal(rec.flows[0]!.closed, "fin");
  });

  it("expires idle flows, half-open ones sooner", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory, { establishedTimeoutMs: 10_000, shortTimeoutMs: 1000 });
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, payload: "abc" })); // established
    feed(r, tcpPacket({ srcPort: 40001, seq: 1, flags: SYN })); // half-open
    r.tick(1500);
    assert.equal(r.flows, 1);
    assert.equal(rec.flows[1]!.closed, "timeout");
    r.tick(9000);
    assert.equal(r.flows, 1);
    r.tick(10_001);
    assert.equal(r.flows, 0);
    assert.equal(rec.flows[0]!.closed, "timeout");
    assert.equal(r.counters.timedOut, 2);
  });

  it("evicts the least recently active flow at maxFlows", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory, { maxFlows: 2 });
    feed(r, tcpPacket({ ts: 1, srcPort: 1001, seq: 1, payload: "a" }));
    feed(r, tcpPacket({ ts: 2, srcPort: 1002, seq: 1, payload: "b" }));
    feed(r, tcpPacket({ ts: 3, srcPort: 1001, seq: 2, payload: "c" })); // 1001 is active again
    feed(r, tcpPacket({ ts: 4, srcPort: 1003, seq: 1, payload: "d" }));
    assert.equal(r.flows, 2);
    assert.equal(r.counters.evicted, 1);
    assert.equal(rec.flows[1]!.closed, "evicted");
    assert.equal(rec.flows[0]!.closed, null);
  });

  it("skips holes when all buffers together pass the global cap", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory, { maxBufferedBytes: 1000 });
    const chunk = "y".repeat(300);
    for (let i = 0; i < 3; i++) feed(r, tcpPacket({ srcPort: 2000 + i, seq: 1, payload: "a" }));
    for (let i = 0; i < 3; i++) feed(r, tcpPacket({ srcPort: 2000 + i, seq: 10, payload: chunk }));
    assert.equal(r.counters.capsHitGlobal, 1);
    assert.ok(r.bufferedBytes <= 1000);
    assert.equal(rec.flows[0]!.text(0), `a[gap 8]${chunk}`);
    assert.equal(rec.flows[2]!.text(0), "a");
  });

  it("asks the factory once per ignored flow and forgets it on FIN", () => {
    const rec = recorder((info) => info.serverPort !== 22);
    const r = new TcpReassembler(rec.factory);
    feed(r, tcpPacket({ dstPort: 22, seq: 1, payload: "SSH-2.0" }));
    feed(r, tcpPacket({ dstPort: 22, seq: 8, payload: "more" }));
    assert.equal(rec.asked, 1);
    assert.equal(r.counters.ignoredFlows, 1);
    assert.equal(r.flows, 1);
    feed(r, tcpPacket({ dstPort: 22, seq: 12, flags: FINACK }));
    feed(r, reverse({ srcPort: 22, seq: 1, flags: FINACK }));
    assert.equal(r.flows, 0);
  });

  it("never mixes flows of different tunnels, and formats IPv6 addresses", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    feed(r, tcpPacket({ tunnel: "vxlan:1", vni: 1, seq: 1, payload: "one" }));
    feed(r, tcpPacket({ tunnel: "vxlan:2", vni: 2, seq: 1, payload: "two" }));
    assert.equal(r.flows, 2);
    assert.equal(rec.flows[1]!.info.vni, 2);
    const v6 = (last: number) => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last);
    feed(r, tcpPacket({ family: 6, src: v6(1), dst: v6(2), seq: 1, payload: "six" }));
    feed(
      r,
      tcpPacket({ family: 6, src: v6(2), dst: v6(1), srcPort: 80, dstPort: 40000, seq: 1, payload: "back" }),
    );
    assert.equal(r.flows, 3);
    assert.equal(rec.flows[2]!.info.clientIp, "2001:db8::1");
    assert.equal(rec.flows[2]!.info.serverIp, "2001:db8::2");
    assert.equal(rec.flows[2]!.text(1), "back");
  });

  it("starts a new flow for a new handshake after FIN, or once the SYN-ACK confirms it", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, payload: "first" }));
    feed(r, tcpPacket({ seq: C + 6, flags: FINACK }));
    // TIME_WAIT reuse: a new SYN after the client's FIN.
    feed(r, tcpPacket({ seq: 90_000, flags: SYN }));
    feed(r, tcpPacket({ seq: 90_001, payload: "second" }));
    assert.equal(rec.flows.length, 2);
    assert.equal(rec.flows[0]!.closed, "fin");
    assert.equal(rec.flows[1]!.text(0), "second");
    // A SYN injected into a live flow changes nothing…
    feed(r, tcpPacket({ seq: 123_456, flags: SYN }));
    feed(r, tcpPacket({ seq: 90_007, payload: "!" }));
    assert.equal(rec.flows.length, 2);
    assert.equal(rec.flows[1]!.text(0), "second!");
    // …until the server answers it with a SYN-ACK.
    feed(r, reverse({ seq: 7000, ack: 123_457, flags: SYNACK }));
    feed(r, tcpPacket({ seq: 123_457, payload: "third" }));
    assert.equal(rec.flows.length, 3);
    assert.equal(rec.flows[1]!.closed, "evicted");
    assert.equal(rec.flows[2]!.text(0), "third");
    assert.equal(r.counters.reused, 2);
  });

  it("flushes what it holds at the end, gaps included", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    feed(r, tcpPacket({ seq: C + 1, payload: "ab" }));
    feed(r, tcpPacket({ seq: C + 5, payload: "ef" }));
    r.flush(10);
    assert.equal(rec.flows[0]!.text(0), "ab[gap 2]ef");
    assert.equal(rec.flows[0]!.closed, "end");
    assert.equal(r.flows, 0);
    assert.equal(r.bufferedBytes, 0);
  });

  it("survives a consumer that throws", () => {
    const r = new TcpReassembler(() => ({
      data() {
        throw new Error("boom");
      },
      gap() {},
      close() {
        throw new Error("boom");
      },
    }));
    feed(r, tcpPacket({ seq: 1, payload: "a" }));
    feed(r, tcpPacket({ seq: 2, payload: "b" }));
    r.flush(0);
    assert.equal(r.counters.errors, 1);
    assert.equal(r.flows, 0);
  });

  it("drops retransmissions that come after the close, and takes a new SYN at once", () => {
    const rec = recorder();
    const r = new TcpReassembler(rec.factory);
    handshake(r);
    const req = "GET /a HTTP/1.1\r\n\r\n";
    feed(r, tcpPacket({ seq: C + 1, ack: S + 1, payload: req }));
    feed(r, tcpPacket({ seq: C + 1 + req.length, ack: S + 1, flags: FINACK }));
    feed(r, reverse({ seq: S + 1, ack: C + 2 + req.length, flags: FINACK }));
    assert.equal(rec.flows[0]?.closed, "fin");
    // The request again, late (its ACK was lost): no flow picked up mid-stream from it.
    feed(r, tcpPacket({ seq: C + 1, ack: S + 2, payload: req }));
    assert.equal(rec.flows.length, 1);
    assert.equal(r.counters.afterClose, 1);
    assert.equal(r.flows, 0);
    // A new connection on the same ports is a new flow.
    handshake(r, 90_000, 70_000);
    feed(r, tcpPacket({ seq: 90_001, ack: 70_001, payload: "GET /b HTTP/1.1\r\n\r\n" }));
    assert.equal(rec.flows.length, 2);
    assert.equal(rec.flows[1]?.text(0), "GET /b HTTP/1.1\r\n\r\n");
    assert.equal(r.flows, 1);
    r.flush(0);
    assert.equal(r.flows, 0);
    assert.equal(r.counters.flowsOpened - r.counters.flowsClosed, 0);
  });
});
