import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { maskJson } from "./json.js";
import { sensitiveNames } from "./names.js";

const sens = sensitiveNames();
const m = (s: string, cards = false) => maskJson(s, sens, "***", cards);

describe("maskJson", () => {
  it("masks values of sensitive keys and keeps the rest byte for byte", () => {
    assert.equal(
      m('{"user": "ann",  "password":"hunter2", "n": 5}'),
      '{"user": "ann",  "password":"***", "n": 5}',
    );
    assert.equal(m('{"pin": 1234, "api_key": "k"}'), '{"pin": "***", "api_key": "***"}');
    assert.equal(m('{"Authorization":"Bearer x"}'), '{"Authorization":"***"}');
  });
  it("masks everything inside a sensitive container, not its keys", () => {
    assert.equal(
      m('{"credentials": {"user": "ann", "n": 1, "ok": true}, "x": "y"}'),
      '{"credentials": {"user": "***", "n": "***", "ok": true}, "x": "y"}',
    );
    assert.equal(
      m('{"tokens": ["a", "b", {"c": "d"}], "e": "f"}'),
      '{"tokens": ["***", "***", {"c": "***"}], "e": "f"}',
    );
  });
  it("follows nesting and arrays", () => {
    assert.equal(
      m('[{"a": {"secret": "s"}}, {"secret": "t", "b": "u"}]'),
      '[{"a": {"secret": "***"}}, {"secret": "***", "b": "u"}]',
    );
  });
  it("decodes escapes in keys, not in values", () => {
    assert.equal(m('{"pass\\u0077ord": "x\\"y"}'), '{"pass\\u0077ord": "***"}');
    assert.equal(m('{"note": "password: \\"x\\""}'), '{"note": "password: \\"x\\""}');
    // A \u escape cut short is kept as written, not decoded past the key's end.
    assert.equal(m('{"pin\\u00": 1}'), '{"pin\\u00": 1}');
  });
  it("masks a value cut by truncation", () => {
    assert.equal(m('{"a": 1, "password": "hunt'), '{"a": 1, "password": "***"');
  });
  it("masks bare card numbers as strings when asked", () => {
    assert.equal(m('{"n": 4111111111111111, "m": 12}', true), '{"n": "***", "m": 12}');
    assert.equal(m('{"n": 4111111111111111}', false), '{"n": 4111111111111111}');
  });
  it("keeps the masked document valid JSON (property)", () => {
    fc.assert(
      fc.property(
        fc.json({ maxDepth: 4 }),
        fc.constantFrom("password", "token", "user", "apiKey", "x"),
        (doc, key) => {
          const text = JSON.stringify({ [key]: JSON.parse(doc), other: JSON.parse(doc) });
          const out = m(text, true);
          JSON.parse(out);
          assert.equal(m(out, true), out);
        },
      ),
      { numRuns: 300 },
    );
  });
  it("never throws on arbitrary text and is idempotent (property)", () => {
    const jsonish = fc.string({
      unit: fc.constantFrom("{", "}", "[", "]", '"', "\\", ":", ",", "p", "password", "1", "-", " ", "e"),
      maxLength: 300,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), jsonish), (s) => {
        const once = m(s, true);
        assert.equal(m(once, true), once);
      }),
      { numRuns: 1000 },
    );
  });
  it("stays linear on deep nesting", () => {
    const deep = `${"[".repeat(100_000)}"x"${"]".repeat(100_000)}`;
    assert.equal(m(deep), deep);
    const deepSecret = `{"secret": ${"[".repeat(1000)}"x"${"]".repeat(1000)}}`;
    assert.ok(m(deepSecret).includes('"***"'));
  });
});
