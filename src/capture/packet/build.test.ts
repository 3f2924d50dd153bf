import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import * as B from "./build.js";

/** Ones' complement sum (RFC 1071) folded to 16 bits: 0xffff over data with a valid checksum. */
function sum(...parts: Uint8Array[]): number {
  let s = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) s += (p[i]! << 8) | p[i + 1]!;
    if (p.length & 1) s += p[p.length - 1]! << 8;
  }
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

describe("frame builders", () => {
  it("IPv4: lengths, header checksum and TCP/UDP checksums verify", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (payload, isTcp) => {
        const l4 = isTcp
          ? B.tcp({ srcPort: 1, dstPort: 2, payload })
          : B.udp({ srcPort: 1, dstPort: 2, payload });
        const ip = B.ipv4({
          src: "192.0.2.1",
          dst: "198.51.100.7",
          proto: isTcp ? 6 : 17,
          payload: l4,
          options: Uint8Array.of(1),
        });
        assert.equal(ip[0], 0x46);
        assert.equal((ip[2]! << 8) | ip[3]!, ip.length);
        assert.equal(sum(ip.subarray(0, 24)), 0xffff);
        const seg = ip.subarray(24);
        const pseudo = Uint8Array.of(
          ...ip.subarray(12, 20),
          0,
          isTcp ? 6 : 17,
          seg.length >> 8,
          seg.length & 255,
        );
        assert.equal(sum(pseudo, seg), 0xffff);
      }),
    );
  });

  it("IPv6: TCP checksum verifies with the pseudo-header", () => {
    const seg = B.tcp({ srcPort: 1, dstPort: 2, payload: Uint8Array.of(1, 2, 3) });
    const ip = B.ipv6({ src: "2001:db8::1", dst: "::ffff:0:1", proto: 6, payload: seg });
    const body = ip.subarray(40);
    const pseudo = new Uint8Array(40);
    pseudo.set(ip.subarray(8, 40));
    pseudo[35] = body.length;
    pseudo[39] = 6;
    assert.equal(sum(pseudo, body), 0xffff);
  });

  it("reads and refuses address text", () => {
    assert.deepEqual([...B.ip4("10.0.0.255")], [10, 0, 0, 255]);
    assert.deepEqual([...B.ip6("::1")], [...new Uint8Array(15), 1]);
    assert.deepEqual([...B.ip6("1:2::")].slice(0, 4), [0, 1, 0, 2]);
    for (const bad of ["1.2.3", "1.2.3.256"]) assert.throws(() => B.ip4(bad));
    for (const bad of ["1::2::3", "1:2:3", "g::1"]) assert.throws(() => B.ip6(bad));
  });

  it("fragments cover the payload exactly", () => {
    const payload = new Uint8Array(1000).map((_, i) => i & 255);
    const frags = B.fragmentIpv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 99, payload }, 296);
    assert.equal(frags.length, 4);
    const joined = frags.flatMap((f) => [...f.subarray(20)]);
    assert.deepEqual(joined, [...payload]);
    assert.deepEqual(
      frags.map((f) => [(f[6]! >> 5) & 1, (((f[6]! & 0x1f) << 8) | f[7]!) * 8]),
      [
        [1, 0],
        [1, 296],
        [1, 592],
        [0, 888],
      ],
    );
  });
});
