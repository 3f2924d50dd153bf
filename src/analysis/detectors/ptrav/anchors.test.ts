import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Point, PointKind } from "../../../model/index.js";
import { charMask } from "../charmask.js";
import { ptravDetector } from "./index.js";

/** Pieces of paths, names and tricks every ptrav sign is built from, in mixed case. */
const PIECES = [
  "/",
  "\\",
  ".",
  "..",
  "../",
  "%2e",
  "%2F",
  "0x2e",
  "\u0000",
  "．",
  "／",
  ";",
  "#",
  "~",
  ":",
  "::$DATA",
  " ",
  "_",
  "-",
  "etc",
  "passwd",
  "Proc",
  "self",
  "123",
  "WEB-INF",
  "web.xml",
  "win.ini",
  ".env",
  ".git",
  ".#",
  "id_rsa",
  "php.ini",
  "conf",
  "backup",
  "db.",
  "sql",
  "sqlite3",
  "bak",
  "old2",
  "tar.gz",
  "zip",
  "c99",
  "shell",
  "php",
  "PHP5",
  "phtml",
  "asp",
  "jpg",
  "png",
  "php://",
  "compress.zlib://",
  "resource=",
  "convert.base64",
  "${x}",
  "e\\t\\c",
  "error_log",
  "CVS/Entries",
  "a",
  "x",
];

const kinds: PointKind[] = ["value", "path", "filename", "key", "raw"];

describe("ptrav prefilter anchors", () => {
  it("let through every value the detector flags", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 10 }),
        fc.constantFrom(...kinds),
        fc.constantFrom("query", "path", "body", "header"),
        fc.constantFrom("file", "q", "user-agent"),
        (parts, kind, zone, name) => {
          const value = parts.join("");
          const p: Point = {
            steps: [zone, name],
            zone: zone as Point["zone"],
            kind,
            value,
            depth: 0,
            name,
            ...(zone === "header" ? { header: name } : {}),
          };
          if (ptravDetector.detect(p) !== null) {
            assert.ok(ptravDetector.prefilter(value, charMask(value)), JSON.stringify(value));
          }
        },
      ),
      { numRuns: 20000 },
    );
  });

  it("rejects ordinary browser values", () => {
    for (const v of [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0",
      "https://www.example.com/search?q=config&page=2",
      "/static/js/app.3f9a1c.min.js",
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "fIpDB/lrSMnsKtb9iEG/SDqQss6ITxvNJoQjJgXL9hOC1FV7bfJOXlg/by0sogUx41fRvwKG",
      "https://example.com/#/dashboard",
    ]) {
      assert.equal(ptravDetector.prefilter(v, charMask(v)), false, v);
    }
  });
});
