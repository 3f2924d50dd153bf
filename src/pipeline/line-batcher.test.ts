import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LineBatcher, type TextBatch } from "./line-batcher.js";

/** Feeds `text` cut at `cuts` and returns the batches and the over-long lines reported. */
function feed(text: string, cuts: number[], target: number, maxLine: number) {
  const long: number[] = [];
  const b = new LineBatcher(target, maxLine, (l) => long.push(l));
  const buf = Buffer.from(text, "utf8");
  const out: TextBatch[] = [];
  let from = 0;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    if (c <= from || c >= buf.length) continue;
    out.push(...b.push(buf.subarray(from, c)));
    from = c;
  }
  if (from < buf.length) out.push(...b.push(buf.subarray(from)));
  out.push(...b.end());
  return { out, long };
}

/** Line number → text, as the batches number them. */
function numbered(batches: TextBatch[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const b of batches) {
    const lines = b.text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    for (const [i, l] of lines.entries()) m.set(b.firstLine + i, l);
  }
  return m;
}

describe("LineBatcher", () => {
  it("keeps every byte and numbers lines right, however the stream is cut", () => {
    const line = fc.string({ unit: fc.constantFrom("a", "é", "€", "😀", "\r", " ", "{"), maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.boolean(),
        fc.array(fc.nat(4000), { maxLength: 30 }),
        fc.integer({ min: 1, max: 300 }),
        (lines, lastNl, cuts, target) => {
          const text = lines.join("\n") + (lastNl && lines.length > 0 ? "\n" : "");
          const { out, long } = feed(text, cuts, target, 1 << 20);
          assert.equal(out.map((b) => b.text).join(""), text);
          assert.deepEqual(long, []);
          const m = numbered(out);
          lines.forEach((l, i) => {
            if (i < lines.length - 1 || lastNl || l !== "") assert.equal(m.get(i + 1), l);
          });
        },
      ),
    );
  });

  it("drops an over-long line, reports its number and keeps counting after it", () => {
    const text = `one\ntwo\n${"x".repeat(500)}\nfour\nfive`;
    // Chunks smaller than the line: the batcher sees it grow. (A long line inside one chunk
    // passes through; chunks are far smaller than the limit, and `runBatch` checks too.)
    for (const step of [1, 7, 64]) {
      const cuts = Array.from({ length: Math.ceil(text.length / step) }, (_, i) => i * step);
      const { out, long } = feed(text, cuts, 16, 100);
      assert.deepEqual(long, [3], `step ${step}`);
      const m = numbered(out);
      assert.equal(m.get(1), "one");
      assert.equal(m.get(2), "two");
      assert.equal(m.get(4), "four");
      assert.equal(m.get(5), "five");
      assert.ok(![...m.values()].some((l) => l.includes("xxx")));
    }
  });

  it("emits batches of about the target size", () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join("\n");
    const { out } = feed(text, [], 1024, 1 << 20);
    assert.equal(out.length, 2); // one chunk in: its complete lines, then the last open line
    const cuts = Array.from({ length: 100 }, (_, i) => i * 100);
    const many = feed(text, cuts, 1024, 1 << 20).out;
    assert.ok(many.length >= 5, `got ${many.length} batches`);
    for (const b of many.slice(0, -1)) assert.ok(b.text.endsWith("\n"));
  });
});
