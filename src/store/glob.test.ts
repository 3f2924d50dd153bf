import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GLOB_MAX_LENGTH, GLOB_MAX_STARS, toSqliteGlob } from "./glob.js";

describe("toSqliteGlob", () => {
  it("keeps * and ? and escapes [ as a class", () => {
    assert.equal(toSqliteGlob("/api/*"), "/api/*");
    assert.equal(toSqliteGlob("/a?c"), "/a?c");
    assert.equal(toSqliteGlob("/[x]"), "/[[]x]");
    assert.equal(toSqliteGlob("/100%_off\\"), "/100%_off\\");
  });
  it("folds runs of stars", () => {
    assert.equal(toSqliteGlob("/a/**/b***"), "/a/*/b*");
  });
  it("refuses globs past the limits", () => {
    assert.equal(toSqliteGlob("a".repeat(GLOB_MAX_LENGTH + 1)), undefined);
    assert.equal(toSqliteGlob("*a".repeat(GLOB_MAX_STARS + 1)), undefined);
    assert.equal(toSqliteGlob("*a".repeat(GLOB_MAX_STARS)), "*a".repeat(GLOB_MAX_STARS));
  });
});
