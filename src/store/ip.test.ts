import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ipKey, ipRange } from "./ip.js";

describe("ipKey", () => {
  it("maps IPv4 into ::ffff:0:0/96 and spells IPv6 in full", () => {
    assert.equal(ipKey("10.0.0.1"), "00000000000000000000ffff0a000001");
    assert.equal(ipKey("::ffff:10.0.0.1"), "00000000000000000000ffff0a000001");
    assert.equal(ipKey("2001:db8::1"), "20010db8000000000000000000000001");
    assert.equal(ipKey("2001:DB8:0:0:0:0:0:1"), "20010db8000000000000000000000001");
    assert.equal(ipKey("::"), "0".repeat(32));
    assert.equal(ipKey("fe80::1%eth0"), "fe800000000000000000000000000001");
    assert.equal(ipKey("64:ff9b::192.0.2.33"), "0064ff9b0000000000000000c0000221");
  });
  it("refuses what is not an address", () => {
    for (const s of ["", "unknown", "10.0.0", "10.0.0.256", "1::2::3", "10.0.0.1/8", " 10.0.0.1"]) {
      assert.equal(ipKey(s), undefined, s);
    }
  });
  it("orders like the addresses (property)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), (a, b) => {
        const num = (s: string) => s.split(".").reduce((n, o) => n * 256 + Number(o), 0);
        const ka = ipKey(a)!;
        const kb = ipKey(b)!;
        assert.equal(Math.sign(num(a) - num(b)), ka < kb ? -1 : ka > kb ? 1 : 0);
      }),
    );
  });
  it("gives every IPv6 spelling a 32-digit key (property)", () => {
    fc.assert(
      fc.property(fc.ipV6(), (a) => {
        assert.match(ipKey(a)!, /^[0-9a-f]{32}$/);
      }),
    );
  });
});

describe("ipRange", () => {
  it("turns a CIDR into an inclusive key range", () => {
    assert.deepEqual(ipRange("10.0.0.0/8"), {
      lo: "00000000000000000000ffff0a000000",
      hi: "00000000000000000000ffff0affffff",
    });
    assert.deepEqual(ipRange("10.1.2.3/8"), ipRange("10.0.0.0/8"));
    assert.deepEqual(ipRange("2001:db8::/32"), {
      lo: "20010db8000000000000000000000000",
      hi: "20010db8ffffffffffffffffffffffff",
    });
    assert.deepEqual(ipRange("::/0"), { lo: "0".repeat(32), hi: "f".repeat(32) });
    assert.deepEqual(ipRange("10.0.0.1"), { lo: ipKey("10.0.0.1"), hi: ipKey("10.0.0.1") });
    assert.deepEqual(ipRange("10.0.0.1/32"), ipRange("10.0.0.1"));
    assert.deepEqual(ipRange("10.0.0.0/0"), {
      lo: "00000000000000000000ffff00000000",
      hi: "00000000000000000000ffffffffffff",
    });
  });
  it("refuses bad prefixes", () => {
    for (const s of [
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/",
      "10.0.0.0/-1",
      "10.0.0.0/8/8",
      "x/8",
      "10.0.0.0/0008",
    ]) {
      assert.equal(ipRange(s), undefined, s);
    }
  });
  it("contains exactly the addresses of the network (property)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (net, ip, bits) => {
        const r = ipRange(`${net}/${bits}`)!;
        const k = ipKey(ip)!;
        const num = (s: string) => s.split(".").reduce((n, o) => n * 256 + Number(o), 0);
        const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
        const same = Math.floor(num(net) / 2 ** (32 - bits)) === Math.floor(num(ip) / 2 ** (32 - bits));
        assert.ok(mask >= 0);
        assert.equal(r.lo <= k && k <= r.hi, same);
      }),
    );
  });
});
