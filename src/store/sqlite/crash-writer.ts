/**
 * Test helper for crash.test.ts, run as a child process: writes numbered batches (20
 * stored hits and a count of 30 more each) to the store at argv[2] as fast as it can and
 * prints `ack <round> <n>` after each write() resolves. The parent kills it with SIGKILL
 * mid-stream and checks that every acknowledged batch survived, whole. Not part of the
 * product.
 */
import { openSqliteStore } from "./index.js";

const file = process.argv[2];
const round = process.argv[3] ?? "0";
if (file === undefined) {
  process.stderr.write("usage: crash-writer FILE ROUND\n");
  process.exit(2);
}
const store = await openSqliteStore({ file });
const T0 = 1_700_000_000_000;
for (let n = 0; ; n++) {
  const ts = T0 + n;
  const attackId = `A-${round}-${n}`;
  const requestId = `R-${round}-${n}`;
  const hits = [];
  for (let i = 0; i < 20; i++) {
    hits.push({
      id: `H-${round}-${n}-${String(i).padStart(2, "0")}`,
      attackId,
      requestId,
      ts,
      type: "sqli" as const,
      point: "query › id",
      payload: "1 OR 1=1 ".repeat(20),
      signature: "sqli.tautology",
      clientIp: `10.0.${n % 256}.${i}`,
      host: "crash.example",
      method: "GET",
      path: `/items/${n}`,
      pathTemplate: "/items/{id}",
    });
  }
  await store.write({
    requests: [
      {
        id: requestId,
        ts,
        method: "GET",
        target: `/items/${n}?id=1%20OR%201=1`,
        httpVersion: "1.1",
        headers: [["Host", "crash.example"]],
        body: "x".repeat(2000),
        bodyTruncated: false,
        clientIp: "10.0.0.1",
        scheme: "http",
        host: "crash.example",
        source: "crash-writer",
        anomalies: [],
      },
    ],
    attacks: [
      {
        id: attackId,
        type: "sqli",
        point: "query › id",
        host: "crash.example",
        pathTemplate: "/items/{id}",
        firstSeen: ts,
        lastSeen: ts,
        hitCount: 50,
        storedHits: 20,
        sourceCount: 20,
        lastSignature: "sqli.tautology",
        lastClientIp: "10.0.0.1",
      },
    ],
    hits,
    // 30 more hits counted but not stored (sampling): in the same transaction.
    counts: [
      {
        attackId,
        ts: Math.floor(ts / 60_000) * 60_000,
        type: "sqli",
        point: "query › id",
        clientIp: "10.0.0.1",
        host: "crash.example",
        method: "GET",
        path: `/items/${n}`,
        pathTemplate: "/items/{id}",
        count: 30,
      },
    ],
  });
  // stdout to a pipe is synchronous on Linux: once printed, the parent can rely on it.
  process.stdout.write(`ack ${round} ${n}\n`);
}
