/**
 * `mirrorwatch analyze` end to end: the real binary (bin/ → dist/) in a child process,
 * on small inputs written here (the test suite must not need ../shared).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/src/cli/: the binary is at the package root.
const BIN = join(here, "..", "..", "..", "bin", "mirrorwatch.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? "");
  });
}

const record = (id: string, target: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, method: "GET", target, headers: [["Host", "shop.example"]], body: "", ...extra });

function ids(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const o = JSON.parse(l) as { id: string; hits: unknown };
      assert.ok(Array.isArray(o.hits), `no hits array in ${l}`);
      return o.id;
    });
}

let dir = "";
const file = (name: string) => join(dir, name);

describe("mirrorwatch analyze", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mirrorwatch-cli-"));
    const three = [
      record("a", "/"),
      record("b", "/search?q=shoes"),
      record("c", "/item?id=1%27%20or%201=1--"),
    ];
    writeFileSync(file("three.jsonl"), `${three.join("\n")}\n`);
    writeFileSync(file("three.jsonl.gz"), gzipSync(`${three.join("\n")}\n`));
    writeFileSync(
      file("bad-line.jsonl"),
      `${record("a", "/")}\n{"id": "oops", "target": \n${record("c", "/")}\n`,
    );
    writeFileSync(
      file("session.har"),
      JSON.stringify(
        {
          log: {
            version: "1.2",
            creator: { name: "test", version: "1" },
            entries: [
              {
                request: {
                  method: "GET",
                  url: "https://shop.example/?q=1",
                  headers: [{ name: "Accept", value: "*/*" }],
                },
              },
              {
                request: {
                  method: "POST",
                  url: "https://shop.example/api/login",
                  headers: [{ name: "Content-Type", value: "application/json" }],
                  postData: { mimeType: "application/json", text: '{"user":"alice"}' },
                },
              },
            ],
          },
        },
        null,
        2,
      ),
    );
    writeFileSync(file("not.har"), "this is not json");
    // Uneven record sizes (0–6 KiB) across several batches, so workers finish out of order.
    const many: string[] = [];
    for (let i = 0; i < 600; i++) many.push(record(`m${i}`, `/p/${i}?x=${"y".repeat((i * 97) % 6000)}`));
    writeFileSync(file("many.jsonl"), `${many.join("\n")}\n`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one verdict per request, in order, for plain JSONL", async () => {
    const r = await cli(["analyze", file("three.jsonl")]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ids(r.stdout), ["a", "b", "c"]);
    assert.match(r.stderr, /analyzed 3 requests/);
  });

  it("reads gzip JSONL", async () => {
    const r = await cli(["analyze", file("three.jsonl.gz")]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ids(r.stdout), ["a", "b", "c"]);
  });

  it("reads HAR, one verdict per entry", async () => {
    const r = await cli(["analyze", file("session.har"), file("three.jsonl")]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ids(r.stdout), [`${file("session.har")}#1`, `${file("session.har")}#2`, "a", "b", "c"]);
  });

  it("keeps input order with worker threads forced on", async () => {
    const r = await cli(["analyze", file("many.jsonl"), "--workers", "2", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      ids(r.stdout),
      Array.from({ length: 600 }, (_, i) => `m${i}`),
    );
    assert.equal(r.stderr, "");
    const single = await cli(["analyze", file("many.jsonl"), "--workers", "0", "--quiet"]);
    assert.equal(single.stdout, r.stdout);
  });

  it("warns about a malformed line and still writes the others", async () => {
    const r = await cli(["analyze", file("bad-line.jsonl")]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ids(r.stdout), ["a", "c"]);
    assert.match(r.stderr, /warning: .*bad-line\.jsonl:2: not JSON/);
    assert.match(r.stderr, /warnings: 1/);
  });

  it("fails with a clear message for a missing file, before writing anything", async () => {
    const r = await cli(["analyze", file("three.jsonl"), file("missing.jsonl")]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /cannot read .*missing\.jsonl: no such file/);
  });

  it("fails for a HAR file that is not HAR", async () => {
    const r = await cli(["analyze", file("not.har")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not\.har: not a HAR file/);
  });

  it("writes to --output instead of stdout", async () => {
    const out = file("verdicts.jsonl");
    const r = await cli(["analyze", file("three.jsonl.gz"), "--output", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.deepEqual(ids(readFileSync(out, "utf8")), ["a", "b", "c"]);
  });

  it("refuses to overwrite an input with --output", async () => {
    const r = await cli(["analyze", file("three.jsonl"), "-o", file("three.jsonl")]);
    assert.equal(r.code, 2);
    assert.match(readFileSync(file("three.jsonl"), "utf8"), /"id":"a"/);
  });

  it("stops quietly when the reader of stdout goes away (EPIPE)", async () => {
    const child = spawn(process.execPath, [BIN, "analyze", file("many.jsonl"), "--workers", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|internal error/);
  });

  it("exits 2 on usage errors", async () => {
    for (const args of [
      [],
      ["analyze"],
      ["analyze", "--bogus", "x"],
      ["analyze", "x", "--workers", "many"],
      ["nope"],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.notEqual(r.stderr, "");
    }
  });

  it("prints help and version", async () => {
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /analyze/);
    const ah = await cli(["analyze", "--help"]);
    assert.equal(ah.code, 0);
    assert.match(ah.stdout, /--workers/);
    const pkg = JSON.parse(readFileSync(join(here, "..", "..", "..", "package.json"), "utf8")) as {
      version: string;
    };
    const v = await cli(["--version"]);
    assert.equal(v.stdout.trim(), pkg.version);
  });
});
