/**
 * Walks every detector's `testdata/`:
 *  - `attacks.txt`: one payload per line; sent as a query parameter and as a JSON body
 *    value, each must produce a hit of the folder's type;
 *  - `benign.txt`: look-alikes; sent the same ways, must produce no hit of that type;
 *  - `requests.jsonl`: whole requests `{method,target,headers,body,expect:[types]}`;
 *    every expected type must be reported, and none when `expect` is empty.
 * Lines starting with `#` are comments; a line starting with `json:` is a JSON string
 * literal (for payloads with control characters).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { HttpRequest } from "../../model/index.js";
import { Engine } from "../engine.js";

const here = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/src/analysis/detectors: the testdata stays in the source tree.
const srcDir = join(here, "..", "..", "..", "..", "src", "analysis", "detectors");
const engine = new Engine();

function lines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0 && !l.startsWith("#"))
    .map((l) => (l.startsWith("json:") ? (JSON.parse(l.slice(5)) as string) : l));
}

function placements(payload: string): Array<[string, HttpRequest]> {
  return [
    [
      "query",
      {
        method: "GET",
        target: `/search?q=${encodeURIComponent(payload)}`,
        headers: [["Host", "example.com"]],
        body: "",
      },
    ],
    [
      "json body",
      {
        method: "POST",
        target: "/api/items",
        headers: [
          ["Host", "example.com"],
          ["Content-Type", "application/json"],
        ],
        body: JSON.stringify({ comment: payload }),
      },
    ],
  ];
}

const folders = readdirSync(srcDir, { withFileTypes: true }).filter((d) => d.isDirectory());
for (const folder of folders) {
  const td = join(srcDir, folder.name, "testdata");
  if (!existsSync(td)) continue;
  const type = folder.name.replace(/-/g, "_");
  describe(`detector testdata: ${type}`, () => {
    for (const payload of lines(join(td, "attacks.txt"))) {
      it(`flags ${JSON.stringify(payload.slice(0, 80))}`, () => {
        for (const [where, req] of placements(payload)) {
          const types = engine.analyze(req).hits.map((h) => h.type);
          assert.ok(types.includes(type as never), `${where}: expected ${type}, got [${types.join(",")}]`);
        }
      });
    }
    for (const payload of lines(join(td, "benign.txt"))) {
      it(`ignores ${JSON.stringify(payload.slice(0, 80))}`, () => {
        for (const [where, req] of placements(payload)) {
          const hits = engine.analyze(req).hits.filter((h) => h.type === type);
          assert.deepEqual(hits, [], `${where}: unexpected ${type} hit`);
        }
      });
    }
    for (const line of lines(join(td, "requests.jsonl"))) {
      const r = JSON.parse(line) as HttpRequest & { expect: string[]; name?: string };
      it(`request ${r.name ?? `${r.method} ${r.target.slice(0, 60)}`}`, () => {
        const types = new Set(engine.analyze(r).hits.map((h) => h.type));
        if (r.expect.length === 0) assert.equal(types.has(type as never), false, `unexpected ${type}`);
        for (const t of r.expect)
          assert.ok(types.has(t as never), `expected ${t}, got [${[...types].join(",")}]`);
      });
    }
  });
}
