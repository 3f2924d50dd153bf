import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatIPv4, formatIPv6 } from "./ip.js";
import {
  type ProxyHeader,
  type ProxyHeaderV2,
  parseProxyHeader,
  serializeProxyHeader,
  V1_MAX_LENGTH,
  V2_SIGNATURE,
} from "./proxy-protocol.js";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A v2 header written byte by byte, independently of serializeProxyHeader. */
function v2Bytes(verCmd: number, fam: number, body: number[]): Uint8Array {
  return concat(V2_SIGNATURE, Uint8Array.of(verCmd, fam, body.length >> 8, body.length & 0xff, ...body));
}

describe("PROXY protocol v1", () => {
  it("reads TCP4 and TCP6 lines and says where the proxied bytes start", () => {
    const line = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n";
    const r = parseProxyHeader(concat(ascii(line), ascii("GET / HTTP/1.1\r\n")));
    assert.deepEqual(r, {
      status: "ok",
      header: {
        version: 1,
        family: "TCP4",
        source: { ip: "192.0.2.10", port: 56324 },
        destination: { ip: "198.51.100.1", port: 443 },
      },
      length: line.length,
    });
    const r6 = parseProxyHeader(ascii("PROXY TCP6 2001:DB8::1 2001:db8:0:0::2 1 2\r\n"));
    assert.equal(r6.status, "ok");
    if (r6.status === "ok" && r6.header.version === 1) {
      assert.deepEqual(r6.header.source, { ip: "2001:db8::1", port: 1 });
      assert.deepEqual(r6.header.destination, { ip: "2001:db8::2", port: 2 });
    }
  });

  it("reads UNKNOWN with or without addresses after it", () => {
    for (const line of ["PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"]) {
      assert.deepEqual(parseProxyHeader(ascii(line)), {
        status: "ok",
        header: { version: 1, family: "UNKNOWN" },
        length: line.length,
      });
    }
  });

  it("waits for more bytes on a prefix and fails on malformed lines", () => {
    for (const partial of ["P", "PROXY", "PROXY TCP4 1.2.3.4", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"]) {
      assert.deepEqual(parseProxyHeader(ascii(partial)), { status: "incomplete" }, partial);
    }
    const bad = [
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX",
      "PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n",
      "PROXY TCP4 ::1 5.6.7.8 1 2\r\n",
      "PROXY TCP6 1.2.3.4 ::1 1 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 70000\r\n",
      "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n",
      `PROXY TCP4 ${"1".repeat(V1_MAX_LENGTH)}`,
    ];
    for (const line of bad) assert.equal(parseProxyHeader(ascii(line)).status, "error", JSON.stringify(line));
  });

  it("leaves plain HTTP alone", () => {
    assert.deepEqual(parseProxyHeader(ascii("GET / HTTP/1.1\r\n")), { status: "none" });
    assert.deepEqual(parseProxyHeader(ascii("PROXZ")), { status: "none" });
  });
});

describe("PROXY protocol v2", () => {
  it("reads a PROXY command over TCP/IPv4 with TLVs", () => {
    const body = [192, 0, 2, 10, 198, 51, 100, 1, 0xdc, 0x04, 0x01, 0xbb, 0x02, 0, 3, 0x61, 0x2e, 0x62];
    const bytes = v2Bytes(0x21, 0x11, body);
    const r = parseProxyHeader(concat(bytes, ascii("GET /")));
    assert.deepEqual(r, {
      status: "ok",
      header: {
        version: 2,
        command: "PROXY",
        family: "INET",
        transport: "STREAM",
        source: { ip: "192.0.2.10", port: 56324 },
        destination: { ip: "198.51.100.1", port: 443 },
        tlvs: [{ type: 2, value: ascii("a.b") }],
      },
      length: bytes.length,
    });
  });

  it("reads IPv6, UNIX and LOCAL", () => {
    const v6 = [
      ...new Array(15).fill(0),
      1,
      0x20,
      0x01,
      0x0d,
      0xb8,
      ...new Array(11).fill(0),
      2,
      0,
      80,
      1,
      0,
    ];
    const r6 = parseProxyHeader(v2Bytes(0x21, 0x21, v6));
    assert.equal(r6.status, "ok");
    if (r6.status === "ok" && r6.header.version === 2) {
      assert.deepEqual(r6.header.source, { ip: "::1", port: 80 });
      assert.deepEqual(r6.header.destination, { ip: "2001:db8::2", port: 256 });
    }
    const unix = new Array(216).fill(0);
    for (const [i, c] of [..."/run/a.sock"].entries()) unix[i] = c.charCodeAt(0);
    unix[108] = 0x2f;
    const ru = parseProxyHeader(v2Bytes(0x21, 0x31, unix));
    assert.equal(ru.status, "ok");
    if (ru.status === "ok" && ru.header.version === 2) {
      assert.deepEqual(ru.header.source, { path: "/run/a.sock" });
      assert.deepEqual(ru.header.destination, { path: "/" });
    }
    const local = parseProxyHeader(v2Bytes(0x20, 0x00, []));
    assert.deepEqual(local, {
      status: "ok",
      header: { version: 2, command: "LOCAL", family: "UNSPEC", transport: "UNSPEC", tlvs: [] },
      length: 16,
    });
  });

  it("fails on bad version, command, family, length or TLV", () => {
    const bad: [string, Uint8Array][] = [
      ["version 1", v2Bytes(0x11, 0x11, new Array(12).fill(0))],
      ["command 2", v2Bytes(0x22, 0x11, new Array(12).fill(0))],
      ["family 4", v2Bytes(0x21, 0x41, [])],
      ["transport 3", v2Bytes(0x21, 0x13, new Array(12).fill(0))],
      ["short address block", v2Bytes(0x21, 0x11, new Array(8).fill(0))],
      ["TLV past the end", v2Bytes(0x21, 0x11, [...new Array(12).fill(0), 1, 0, 9, 1])],
      ["truncated TLV header", v2Bytes(0x21, 0x11, [...new Array(12).fill(0), 1, 0])],
    ];
    for (const [name, b] of bad) assert.equal(parseProxyHeader(b).status, "error", name);
  });

  it("waits for the whole header", () => {
    const full = v2Bytes(0x21, 0x11, new Array(12).fill(7));
    for (let n = 0; n < full.length; n++) {
      assert.deepEqual(parseProxyHeader(full.subarray(0, n)), { status: "incomplete" }, `${n} bytes`);
    }
    assert.equal(parseProxyHeader(full).status, "ok");
  });
});

const port = fc.integer({ min: 0, max: 65535 });
const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIPv4(b));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b));
// Plain objects: fast-check may build records without a prototype, which deepEqual tells apart.
const inet = (ip: fc.Arbitrary<string>) => fc.record({ ip, port }).map((x) => ({ ...x }));
const path = fc.string({
  unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 108,
});
const tlvs = fc.array(
  fc
    .record({ type: fc.integer({ min: 0, max: 255 }), value: fc.uint8Array({ maxLength: 300 }) })
    .map((x) => ({ ...x })),
  { maxLength: 6 },
);
const command = fc.constantFrom("LOCAL" as const, "PROXY" as const);
const transport = fc.constantFrom("UNSPEC" as const, "STREAM" as const, "DGRAM" as const);

const header: fc.Arbitrary<ProxyHeader> = fc.oneof(
  fc.constant<ProxyHeader>({ version: 1, family: "UNKNOWN" }),
  fc
    .record({ source: inet(v4), destination: inet(v4) })
    .map((x) => ({ version: 1, family: "TCP4", ...x }) as const),
  fc
    .record({ source: inet(v6), destination: inet(v6) })
    .map((x) => ({ version: 1, family: "TCP6", ...x }) as const),
  fc.record({ command, transport, tlvs }).map((x): ProxyHeaderV2 => ({ version: 2, family: "UNSPEC", ...x })),
  fc
    .record({ command, transport, tlvs, source: inet(v4), destination: inet(v4) })
    .map((x): ProxyHeaderV2 => ({ version: 2, family: "INET", ...x })),
  fc
    .record({ command, transport, tlvs, source: inet(v6), destination: inet(v6) })
    .map((x): ProxyHeaderV2 => ({ version: 2, family: "INET6", ...x })),
  fc
    .record({
      command,
      transport,
      tlvs,
      source: path.map((p) => ({ path: p })),
      destination: path.map((p) => ({ path: p })),
    })
    .map((x): ProxyHeaderV2 => ({ version: 2, family: "UNIX", ...x })),
);

describe("PROXY protocol properties", () => {
  it("parse(serialize(h)) is h, whatever follows the header", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 40 }), (h, rest) => {
        const bytes = serializeProxyHeader(h);
        assert.deepEqual(parseProxyHeader(concat(bytes, rest)), {
          status: "ok",
          header: h,
          length: bytes.length,
        });
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on random bytes, and a result's length stays inside the input", () => {
    const starts = fc.constantFrom(new Uint8Array(0), V2_SIGNATURE, ascii("PROXY "), ascii("PROXY TCP4 "));
    fc.assert(
      fc.property(starts, fc.uint8Array({ maxLength: 300 }), (start, tail) => {
        const b = concat(start, tail);
        const r = parseProxyHeader(b);
        if (r.status === "ok") assert.ok(r.length > 0 && r.length <= b.length);
      }),
      { numRuns: 2000 },
    );
  });
});
