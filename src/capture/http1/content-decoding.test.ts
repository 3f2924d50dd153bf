import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import type { Anomaly } from "../../model/anomalies.js";
import { decodeContent } from "./content-decoding.js";
import { newHttp1Counters } from "./counters.js";

const plain = Buffer.from("the quick brown fox ".repeat(50));

function dec(body: Uint8Array, enc: string, max = 1 << 20, partial = false) {
  const anomalies: Anomaly[] = [];
  const counters = newHttp1Counters();
  const out = decodeContent(body, enc, max, partial, anomalies, counters);
  return { out: Buffer.from(out), anomalies, counters };
}

describe("decodeContent", () => {
  it("undoes gzip, zlib deflate, raw deflate and br", () => {
    for (const [enc, body] of [
      ["gzip", gzipSync(plain)],
      ["x-gzip", gzipSync(plain)],
      ["deflate", deflateSync(plain)],
      ["deflate", deflateRawSync(plain)],
      ["br", brotliCompressSync(plain)],
      ["GZIP", gzipSync(plain)],
    ] as const) {
      const r = dec(body, enc);
      assert.deepEqual(r.out, plain, enc);
      assert.deepEqual(r.anomalies, []);
      assert.equal(r.counters.decoded, 1);
    }
  });
  it("undoes stacked codings last applied first, identity ignored", () => {
    const r = dec(brotliCompressSync(gzipSync(plain)), "gzip, identity, br");
    assert.deepEqual(r.out, plain);
  });
  it("stops a decompression bomb at the limit and keeps the raw bytes", () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const r = dec(bomb, "gzip", 1024 * 1024);
    assert.deepEqual(r.out, bomb);
    assert.deepEqual(r.anomalies, [
      { code: "decompression_limit", detail: "gzip body decodes past 1048576 bytes" },
    ]);
    assert.equal(r.counters.decodeLimit, 1);
    const brBomb = brotliCompressSync(Buffer.alloc(20 * 1024 * 1024));
    assert.equal(dec(brBomb, "br", 4096).counters.decodeLimit, 1);
  });
  it("keeps corrupt and unsupported bodies raw with an anomaly", () => {
    const bad = Buffer.from("not gzip at all");
    const r = dec(bad, "gzip");
    assert.deepEqual(r.out, bad);
    assert.deepEqual(r.anomalies, [{ code: "decompression_error", detail: "gzip body does not decode" }]);
    const z = dec(bad, "zstd");
    assert.deepEqual(z.anomalies, [
      { code: "decompression_error", detail: "unsupported content coding zstd" },
    ]);
    assert.equal(dec(bad, "gzip, gzip, gzip, gzip, gzip").counters.decodeErrors, 1);
  });
  it("decodes what there is of a cut body when partial", () => {
    let x = 7;
    const words: string[] = [];
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      words.push(x.toString(36));
    }
    const varied = Buffer.from(words.join(" "));
    const whole = gzipSync(varied);
    const cut = whole.subarray(0, whole.length >> 1);
    assert.equal(dec(cut, "gzip").anomalies[0]?.code, "decompression_error");
    const r = dec(cut, "gzip", 1 << 20, true);
    assert.deepEqual(r.anomalies, []);
    assert.ok(r.out.length > 1000 && varied.subarray(0, r.out.length).equals(r.out));
  });
  it("never throws on random bytes (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom("gzip", "deflate", "br", "gzip, br"),
        fc.boolean(),
        (b, enc, partial) => {
          const r = dec(b, enc, 10_000, partial);
          assert.ok(r.out.length <= Math.max(10_000, b.length));
        },
      ),
    );
  });
});
