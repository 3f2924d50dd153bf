import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { dropsForPort } from "./kernel-drops.js";
import { startTunnelListener, type TunnelDatagram } from "./listener.js";

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("tunnel listeners", () => {
  for (const kind of ["vxlan", "geneve"] as const) {
    it(`${kind}: delivers datagrams with kind, payload, sender and time, and counts them`, async () => {
      const got: { kind: string; payload: string; from: string; ts: number }[] = [];
      const l = await startTunnelListener({
        kind,
        host: "127.0.0.1",
        port: 0,
        onDatagram: (d: TunnelDatagram) =>
          got.push({ kind: d.kind, payload: Buffer.from(d.payload).toString(), from: d.from, ts: d.ts }),
      });
      const client = createSocket("udp4");
      try {
        assert.equal(l.kind, kind);
        assert.equal(l.address.address, "127.0.0.1");
        assert.ok(l.address.port > 0);
        assert.ok(l.recvBufferBytes > 0);
        const before = Date.now();
        for (const p of ["one", "two", "three!"]) client.send(p, l.address.port, "127.0.0.1");
        await waitFor(() => got.length === 3, "3 datagrams");
        assert.deepEqual(
          got.map((g) => [g.kind, g.payload, g.from]),
          [
            [kind, "one", "127.0.0.1"],
            [kind, "two", "127.0.0.1"],
            [kind, "three!", "127.0.0.1"],
          ],
        );
        assert.ok(got.every((g) => g.ts >= before - 1000 && g.ts <= Date.now() + 1000));
        assert.deepEqual(l.counters, { datagrams: 3, bytes: 12 });
      } finally {
        client.close();
        await l.close();
        await l.close(); // twice is fine
      }
    });
  }

  it("an IPv6 listener", async () => {
    let n = 0;
    const l = await startTunnelListener({ kind: "vxlan", host: "::1", port: 0, onDatagram: () => n++ });
    const client = createSocket("udp6");
    try {
      client.send("x", l.address.port, "::1");
      await waitFor(() => n === 1, "a datagram over IPv6");
    } finally {
      client.close();
      await l.close();
    }
  });

  it("a bind failure names the tunnel and the address", async () => {
    const taken = createSocket("udp4");
    taken.bind(0, "127.0.0.1");
    await once(taken, "listening");
    const port = taken.address().port;
    try {
      await assert.rejects(
        startTunnelListener({ kind: "geneve", host: "127.0.0.1", port, onDatagram: () => {} }),
        new RegExp(`^Error: GENEVE listener on 127\\.0\\.0\\.1:${port}: bind EADDRINUSE`),
      );
    } finally {
      taken.close();
    }
  });

  it("kernelDrops() counts what a full receive buffer lost", {
    skip: existsSync("/proc/net/udp") ? false : "no /proc/net/udp (not Linux)",
  }, async () => {
    let received = 0;
    // The smallest buffer the kernel allows, and a burst sent before the loop can read.
    const l = await startTunnelListener({
      kind: "vxlan",
      host: "127.0.0.1",
      port: 0,
      recvBufferBytes: 1,
      onDatagram: () => received++,
    });
    const client = createSocket("udp4");
    try {
      assert.equal(await l.kernelDrops(), 0);
      const sent = 500;
      const payload = Buffer.alloc(1000);
      for (let i = 0; i < sent; i++) client.send(payload, l.address.port, "127.0.0.1");
      await waitFor(
        async () => received + ((await l.kernelDrops()) ?? 0) === sent,
        "received + dropped = sent",
      );
      assert.ok(((await l.kernelDrops()) ?? 0) > 0, "some datagrams were dropped");
    } finally {
      client.close();
      await l.close();
    }
  });
});

describe("dropsForPort", () => {
  it("sums the drops column of the lines bound to the port", () => {
    const table = [
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
      "  1: 00000000:12B5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1111 2 0000000000000000 7",
      "  2: 0100007F:12B5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2222 2 0000000000000000 5",
      "  3: 00000000:12B6 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3333 2 0000000000000000 100",
      "",
    ].join("\n");
    assert.equal(dropsForPort(table, ":12B5"), 12);
    assert.equal(dropsForPort(table, ":0001"), 0);
    assert.equal(dropsForPort("", ":12B5"), 0);
  });
});
