import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openSqliteStore } from "./index.js";

const writer = fileURLToPath(new URL("./crash-writer.js", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "mw-crash-"));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs the writer until it has acknowledged `acks` batches, then kills it with SIGKILL
 * (it is mid-write almost surely: it writes in a tight loop). Resolves to the batch numbers
 * acknowledged before the kill.
 */
function writeAndKill(file: string, round: number, acks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file, String(round)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acked: number[] = [];
    let buf = "";
    let err = "";
    let killed = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`writer produced ${acked.length} acks in 60 s; stderr: ${err.slice(0, 500)}`));
    }, 60_000);
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf("\n");
      while (nl !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /^ack (\d+) (\d+)$/.exec(line);
        if (m !== null && !killed) acked.push(Number(m[2]));
        nl = buf.indexOf("\n");
      }
      if (!killed && acked.length >= acks) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`writer ended without being killed: ${err.slice(0, 500)}`));
      else resolve(acked);
    });
  });
}

describe("SQLite store after kill -9", () => {
  it("reopens cleanly with every acknowledged batch present and no partial batch", async () => {
    const file = join(root, "crash.db");
    for (let round = 0; round < 3; round++) {
      const acked = await writeAndKill(file, round, 40 + round * 25);
      assert.ok(acked.length >= 40);
      const store = await openSqliteStore({ file });
      try {
        assert.deepEqual(await store.integrityCheck(), ["ok"]);
        for (const n of acked) {
          const a = await store.attack(`A-${round}-${n}`);
          assert.ok(a, `batch ${round}/${n} was acknowledged but is missing`);
          const hits = await store.hits({ attackId: a.id }, { limit: 500 });
          assert.equal(hits.items.length, 20);
          assert.equal((await store.stats({ attackId: a.id })).total, 50, "the batch's hit count too");
          assert.ok(await store.request(`R-${round}-${n}`));
        }
        // Batches are atomic: any batch the kill interrupted is either whole or absent.
        let cursor: string | undefined;
        do {
          const page = await store.attacks(
            {},
            cursor === undefined ? { limit: 500 } : { limit: 500, cursor },
          );
          for (const a of page.items) {
            assert.equal((await store.hits({ attackId: a.id }, { limit: 500 })).items.length, 20, a.id);
            assert.equal((await store.stats({ attackId: a.id })).total, 50, a.id);
          }
          cursor = page.next;
        } while (cursor !== undefined);
        // The store takes writes again.
        await store.write({ requests: [], attacks: [], hits: [] });
      } finally {
        await store.close();
      }
    }
  });
});
