import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { NODE_PARTS } from "../pipeline/index.js";
import { hashToken } from "../server/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { tokenCommandWith } from "./commands/token.js";
import type { Io } from "./io.js";
import { main } from "./main.js";

const dir = mkdtempSync(join(tmpdir(), "mw-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { io: Io; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(c: Buffer, _e, cb) {
        f(c.toString());
        cb();
      },
    });
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}

describe("mirrorwatch config", () => {
  it("check: a good file gives exit 0 and a summary", async () => {
    const f = join(dir, "good.yaml");
    writeFileSync(f, "listeners:\n  mirror: 0.0.0.0:9445\nretention:\n  days: 30\n");
    const c = capture();
    assert.equal(await main(["config", "check", f, "--no-env"], c.io), 0);
    assert.match(c.out(), /good\.yaml: OK/);
    assert.match(c.out(), /mirror listener\s+0\.0\.0\.0:9445/);
    assert.match(c.out(), /retention\s+30 days/);
  });

  it("check: a bad file gives exit 1 and every error with its line", async () => {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, "listeners:\n  api: nowhere\nlogging:\n  level: chatty\n");
    const c = capture();
    assert.equal(await main(["config", "check", f, "--no-env"], c.io), 1);
    assert.equal(c.out(), "");
    assert.match(c.err(), /2 problems/);
    assert.match(c.err(), /bad\.yaml:2:3: listeners\.api:/);
    assert.match(c.err(), /bad\.yaml:4:3: logging\.level: expected one of/);
  });

  it("check without a file is a usage error", async () => {
    const c = capture();
    assert.equal(await main(["config", "check", "--no-env"], c.io), 2);
    assert.match(c.err(), /needs a FILE/);
  });

  it("print: the effective configuration with the secret masked", async () => {
    const f = join(dir, "secret.yaml");
    writeFileSync(f, 'mirror:\n  secret: "never-print-this-secret-0123"\n');
    const c = capture();
    assert.equal(await main(["config", "print", "--config", f, "--no-env"], c.io), 0);
    assert.ok(!c.out().includes("never-print-this-secret"));
    assert.match(c.out(), /secret: "\*{8}"/);
    assert.match(c.out(), /mirror: 127\.0\.0\.1:8445/);
    const j = capture();
    assert.equal(await main(["config", "print", "--json", "--config", f, "--no-env"], j.io), 0);
    const parsed = JSON.parse(j.out()) as { mirror: { secret: string }; retention: { days: number } };
    assert.equal(parsed.mirror.secret, "********");
    assert.equal(parsed.retention.days, 90);
  });

  it("--help lists every environment variable", async () => {
    const c = capture();
    assert.equal(await main(["config", "--help"], c.io), 0);
    for (const v of [
      "MIRRORWATCH_DATA_DIR",
      "MIRRORWATCH_MIRROR_LISTEN",
      "MIRRORWATCH_API_LISTEN",
      "MIRRORWATCH_LOG_LEVEL",
    ]) {
      assert.ok(c.out().includes(v), v);
    }
  });
});

describe("mirrorwatch token", () => {
  // The real SQLite store in a temp data dir; the test reads it beside the command.
  const dataDir = join(dir, "data");
  let now = Date.UTC(2025, 0, 1);
  const cmd = tokenCommandWith({
    parts: NODE_PARTS,
    now: () => now++,
    env: { MIRRORWATCH_DATA_DIR: dataDir },
  });
  let store: Store;
  before(async () => {
    // The command creates the data dir itself; the side connection needs the file to exist.
    const c = capture();
    assert.equal(await cmd.run(["list"], c.io), 0);
    assert.match(c.err(), /no tokens yet/);
    store = await openSqliteStore({ file: join(dataDir, "mirrorwatch.db") });
  });
  after(() => store.close());

  it("create prints only the token on stdout, and stores only its hash", async () => {
    const c = capture();
    assert.equal(await cmd.run(["create", "--name", "ci", "--role", "admin"], c.io), 0);
    const token = c.out().trim();
    assert.equal(c.out(), `${token}\n`);
    assert.match(token, /^mw_[A-Za-z0-9_-]{43}$/);
    assert.match(c.err(), /created token \S+ "ci" \(admin\)/);
    const rec = await store.tokenByHash(hashToken(token));
    assert.equal(rec?.name, "ci");
    assert.equal(rec?.role, "admin");
    assert.ok(!JSON.stringify(await store.tokens()).includes(token));
  });

  it("create defaults to the viewer role and refuses bad roles and names", async () => {
    const c = capture();
    assert.equal(await cmd.run(["create", "--name", "dashboard"], c.io), 0);
    assert.equal((await store.tokens()).find((t) => t.name === "dashboard")?.role, "viewer");
    const bad = capture();
    await assert.rejects(cmd.run(["create", "--name", "x", "--role", "root"], bad.io), /--role must be/);
    await assert.rejects(cmd.run(["create", "--name", " padded "], bad.io), /invalid token name/);
    await assert.rejects(cmd.run(["create"], bad.io), /needs --name/);
  });

  it("list shows tokens without secrets or hashes; revoke revokes", async () => {
    const c = capture();
    assert.equal(await cmd.run(["list"], c.io), 0);
    assert.match(c.out(), /^ID\s+NAME\s+ROLE\s+CREATED\s+LAST USED\s+STATUS$/m);
    assert.match(c.out(), /\bci\s+admin\s+2025-01-01T00:00:00Z\s+never\s+active/);
    const ci = (await store.tokens()).find((t) => t.name === "ci")!;
    assert.ok(!c.out().includes(ci.hash));

    const r = capture();
    assert.equal(await cmd.run(["revoke", ci.id], r.io), 0);
    assert.ok((await store.tokens()).find((t) => t.id === ci.id)?.revokedAt !== undefined);
    const again = capture();
    assert.equal(await cmd.run(["revoke", ci.id], again.io), 1);
    assert.match(again.err(), /no active token/);

    const j = capture();
    assert.equal(await cmd.run(["list", "--json"], j.io), 0);
    const list = JSON.parse(j.out()) as Record<string, unknown>[];
    assert.equal(list.length, 2);
    assert.ok(list.every((t) => !("hash" in t)));
  });
});
