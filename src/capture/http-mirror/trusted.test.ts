import assert from "node:assert/strict";
import { BlockList } from "node:net";
import { describe, it } from "node:test";
import fc from "fast-check";
import { normalizeIp } from "./ip.js";
import { TrustedNetworks } from "./trusted.js";

/** The same networks in node:net BlockList, the reference the matcher must agree with. */
function reference(cidrs: readonly string[]): BlockList {
  const b = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split("/") as [string, string];
    const ip = normalizeIp(addr)!;
    b.addSubnet(ip.text, Number(bits), ip.family === 4 ? "ipv4" : "ipv6");
  }
  return b;
}

const v6Text = fc.ipV6().map((s) => normalizeIp(s)?.text ?? "::1");

describe("TrustedNetworks matcher", () => {
  it("masks host bits of a network, as BlockList does", () => {
    const t = new TrustedNetworks(["10.1.2.3/8", "2001:db8::1/32"]);
    assert.equal(t.has("10.200.0.1", 4), true);
    assert.equal(t.has("11.0.0.1", 4), false);
    assert.equal(t.has("2001:db8:ffff::9", 6), true);
    assert.equal(t.has("2001:db9::1", 6), false);
  });

  it("an IPv6 network that covers the IPv4-mapped range covers IPv4 too; IPv4-compatible does not", () => {
    const t = new TrustedNetworks(["::/64"]);
    assert.equal(t.has("192.0.2.1", 4), true);
    assert.equal(t.has("::ffff:192.0.2.1", 6), true);
    const v4 = new TrustedNetworks(["192.0.2.0/24"]);
    assert.equal(v4.has("::192.0.2.1", 6), false);
    assert.equal(new TrustedNetworks(["0.0.0.0/0"]).has("2001:db8::1", 6), false);
  });

  it("an unreadable address is not trusted", () => {
    const t = new TrustedNetworks(["0.0.0.0/0", "::/0"]);
    for (const bad of ["", "unknown", "1.2.3", "1.2.3.4.5", "::g", "01.2.3.4"]) {
      assert.equal(t.has(bad, bad.includes(":") ? 6 : 4), false, bad);
    }
  });

  it("agrees with node:net BlockList on random networks and addresses", () => {
    const v4Net = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, b]) => `${a}/${b}`);
    const v6Net = fc.tuple(v6Text, fc.integer({ min: 0, max: 128 })).map(([a, b]) => `${a}/${b}`);
    // Addresses near the networks as well as anywhere, so that matches are not rare.
    const addr = fc.oneof(
      fc.ipV4().map((ip) => ({ ip, family: 4 as const })),
      v6Text.map((ip) => ({ ip, family: (ip.includes(":") ? 6 : 4) as 4 | 6 })),
      fc.constantFrom("10.0.0.1", "10.255.1.1", "2001:db8::1", "::ffff:10.0.0.1", "::1").map((ip) => {
        const n = normalizeIp(ip)!;
        return { ip: n.text, family: n.family };
      }),
    );
    const nets = fc.array(
      fc.oneof(v4Net, v6Net, fc.constantFrom("10.0.0.0/8", "2001:db8::/32", "::/64", "::ffff:0:0/96")),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(nets, fc.array(addr, { minLength: 1, maxLength: 8 }), (cidrs, addrs) => {
        // "::ffff:0:0/96" reads as IPv4 0.0.0.0 with a prefix too long: not a valid entry.
        const usable = cidrs.filter((c) => {
          const [a, bits] = c.split("/") as [string, string];
          return Number(bits) <= (normalizeIp(a)!.family === 4 ? 32 : 128);
        });
        const t = new TrustedNetworks(usable);
        const ref = reference(usable);
        for (const { ip, family } of addrs) {
          const want = ref.check(ip, family === 4 ? "ipv4" : "ipv6");
          assert.equal(t.has(ip, family), want, `${ip} in ${usable.join(" ")}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
