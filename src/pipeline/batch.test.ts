import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Detector, Engine } from "../analysis/index.js";
import { runBatch } from "./batch.js";
import { verdictLine } from "./verdict.js";

/** A detector that flags the word "EVIL" anywhere, so that tests do not depend on real ones. */
const evil: Detector = {
  type: "sqli",
  prefilter: (v) => v.includes("EVIL"),
  detect: (p) => {
    const i = p.value.indexOf("EVIL");
    return i === -1 ? null : { signature: "sqli.test-evil", start: i, end: i + 4 };
  },
};
const engine = new Engine({ detectors: [evil] });

const rec = (id: string, target: string) =>
  JSON.stringify({ id, method: "GET", target, headers: [["Host", "h"]], body: "" });

describe("runBatch", () => {
  it("writes one verdict per record in order, with the stable hit shape", () => {
    const text = [rec("a", "/?q=fine"), rec("b", "/?q=EVIL"), rec("c", "/")].join("\n");
    const r = runBatch(engine, { kind: "lines", input: 0, file: "f.jsonl", firstLine: 1, text });
    const lines = r.out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.id),
      ["a", "b", "c"],
    );
    assert.deepEqual(lines[0].hits, []);
    assert.deepEqual(lines[1].hits, [
      { type: "sqli", point: "query › q", payload: "EVIL", signature: "sqli.test-evil" },
    ]);
    assert.deepEqual(Object.keys(lines[1]).slice(0, 2), ["id", "hits"]);
    assert.equal(r.requests, 3);
    assert.equal(r.withHits, 1);
    assert.deepEqual(r.hitsByType, [["sqli", 1]]);
  });

  it("turns a malformed line into a warning with its line number and goes on", () => {
    const text = `${rec("a", "/")}\n{"id": "broken"\n\n${rec("c", "/")}\r\n`;
    const r = runBatch(engine, { kind: "lines", input: 0, file: "f.jsonl", firstLine: 10, text });
    assert.equal(r.requests, 2);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0]!.line, 11);
    assert.equal(r.warnings[0]!.file, "f.jsonl");
  });

  it("uses file:line as the id when a record has none, and skips a byte order mark", () => {
    const text = `\ufeff${JSON.stringify({ target: "/" })}\n`;
    const r = runBatch(engine, { kind: "lines", input: 0, file: "f.jsonl", firstLine: 1, text });
    assert.equal(JSON.parse(r.out).id, "f.jsonl:1");
  });

  it("analyses exchange batches", () => {
    const r = runBatch(engine, {
      kind: "exchanges",
      input: 0,
      file: "x.har",
      exchanges: [{ id: "x#1", request: { method: "POST", target: "/", headers: [], body: "EVIL" } }],
    });
    assert.equal(JSON.parse(r.out).hits.length, 1);
  });

  it("puts anomalies after hits", () => {
    const line = verdictLine("id", { hits: [], anomalies: [{ code: "bad_json", point: "body" }], points: 0 });
    assert.equal(line, '{"id":"id","hits":[],"anomalies":[{"code":"bad_json","point":"body"}]}');
  });
});
