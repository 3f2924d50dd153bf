/**
 * The mirror benchmark's C load generator (bench/load/loadgen.c) against a small server:
 * it counts answers and refusals, paces an open loop at its rate, and reports the fields
 * the benchmark reads. Skipped where there is no C compiler.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildLoadgen, runLoadgen, writeRequestFile } from "../../bench/load/loadgen.js";

function hasCc(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v cc"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Answers every request head with 204, but a request for /deny with 403 and a body. */
function startServer(): Promise<Server> {
  const server = createServer((socket) => {
    let tail = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      tail += d;
      for (let i = tail.indexOf("\r\n\r\n"); i !== -1; i = tail.indexOf("\r\n\r\n")) {
        const head = tail.slice(0, i);
        tail = tail.slice(i + 4);
        socket.write(
          head.startsWith("GET /deny ")
            ? "HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\n\r\nnope\n"
            : "HTTP/1.1 204 No Content\r\n\r\n",
        );
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("bench C load generator", { skip: hasCc() ? false : "no C compiler" }, () => {
  let dir = "";
  let bin = "";
  let server: Server;
  let port = 0;
  const requests = () => join(dir, "requests.bin");

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-loadgen-"));
    bin = buildLoadgen(dir, true)!;
    writeRequestFile(requests(), [
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nx=1",
      "GET /deny HTTP/1.1\r\nHost: a\r\n\r\n",
    ]);
    server = await startServer();
    const addr = server.address();
    port = typeof addr === "object" && addr !== null ? addr.port : 0;
  });

  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("closed loop: every answer counted, non-2xx ones as refused, bodies skipped", async () => {
    const r = await runLoadgen(bin, requests(), {
      host: "127.0.0.1",
      port,
      connections: 2,
      seconds: 0.5,
      mode: "closed",
      attackShare: 0,
    });
    assert.equal(r.errors, 0);
    assert.ok(r.answered > 30, `answered ${r.answered}`);
    // One request in three is refused (403 with a body that must not be read as a head).
    assert.ok(Math.abs(r.refused / r.answered - 1 / 3) < 0.08, `refused ${r.refused} of ${r.answered}`);
    assert.ok(r.p50 > 0 && r.p50 <= r.p99 && r.p99 <= r.max + 0.01);
    assert.ok(r.cpuMs >= 0 && r.seconds >= 0.5);
  });

  it("open loop: sends at its rate, stamps latency from when each request was due", async () => {
    const r = await runLoadgen(bin, requests(), {
      host: "127.0.0.1",
      port,
      connections: 16,
      seconds: 1,
      mode: "open",
      rate: 400,
      attackShare: 0,
    });
    assert.equal(r.errors, 0);
    // Every request due in the second is accounted for: sent, or late (due while every
    // connection was busy: on a loaded machine a stall can cause a few).
    assert.ok(r.sent + r.late >= 360 && r.sent + r.late <= 410, `sent ${r.sent}, late ${r.late}`);
    assert.ok(r.late <= 40, `late ${r.late}`);
    assert.ok(r.answered >= r.sent - 16, `answered ${r.answered} of ${r.sent}`);
  });
});
