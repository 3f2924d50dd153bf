import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hit, HttpExchange } from "../model/index.js";
import { createNodeMetrics } from "./metrics.js";
import { type AnalyzerOptions, ExchangeAnalyzer } from "./node-analysis.js";

function exchange(id: string, target: string, body: Uint8Array | string = new Uint8Array()): HttpExchange {
  return {
    id,
    request: { method: body.length > 0 ? "POST" : "GET", target, headers: [["Host", "shop.example"]], body },
    client: { ip: "203.0.113.7" },
    source: "test",
  };
}

const ATTACK = "/items?id=1%27%20UNION%20SELECT%20password%20FROM%20users--";
const BENIGN = "/items?id=42&sort=name";

function analyzer(over: Partial<AnalyzerOptions> = {}) {
  const results: { ex: HttpExchange; hits: readonly Hit[] }[] = [];
  const problems: string[] = [];
  const metrics = createNodeMetrics({ defaultMetrics: false });
  const a = new ExchangeAnalyzer({
    workers: 0,
    queueSize: 100,
    queueBytes: 1024 * 1024,
    batchSize: 8,
    metrics,
    onResult: (ex, hits) => results.push({ ex, hits }),
    onProblem: (m) => problems.push(m),
    ...over,
  });
  return { a, results, problems, metrics };
}

async function metric(
  metrics: ReturnType<typeof createNodeMetrics>,
  name: string,
  labels = "",
): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("ExchangeAnalyzer", () => {
  for (const workers of [0, 1]) {
    it(`analyses exchanges (${workers === 0 ? "inline" : "worker thread"}) and hands over those with hits`, async () => {
      const { a, results, metrics } = analyzer({ workers });
      try {
        const body = new TextEncoder().encode("comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        // A body that is a slice of a larger buffer must arrive intact (bodies are packed).
        const pooled = Buffer.concat([Buffer.from("xxxx"), body]).subarray(4);
        assert.ok(a.offer(exchange("a", ATTACK)));
        assert.ok(a.offer(exchange("b", BENIGN)));
        assert.ok(
          a.offer({
            ...exchange("c", "/comments", pooled),
            request: {
              ...exchange("c", "/comments", pooled).request,
              headers: [["Content-Type", "application/x-www-form-urlencoded"]],
            },
          }),
        );
        assert.deepEqual(await a.drain(10_000), { dropped: 0 });
        const byId = new Map(results.map((r) => [r.ex.id, r]));
        assert.deepEqual([...byId.keys()].sort(), ["a", "c"], "the benign one is counted, not handed over");
        assert.ok(byId.get("a")!.hits.some((h) => h.type === "sqli" && h.point === "query › id"));
        assert.ok(byId.get("c")!.hits.some((h) => h.type === "xss" && h.point.startsWith("body")));
        // The exchange comes back whole: what the listener knew, and the body intact.
        const c = byId.get("c")!.ex;
        assert.deepEqual(c.client, { ip: "203.0.113.7" });
        assert.equal(c.source, "test");
        assert.equal(new TextDecoder().decode(c.request.body as Uint8Array), new TextDecoder().decode(body));
        assert.equal(a.stats().analysed, 3);
        assert.equal(await metric(metrics, "mirrorwatch_exchanges_analysed_total"), 3);
        assert.ok((await metric(metrics, "mirrorwatch_hits_total", '{type="sqli"}')) >= 1);
        assert.equal(await metric(metrics, "mirrorwatch_queue_depth"), 0);
      } finally {
        await a.close();
      }
    });
  }

  it("sheds when the queue is full, never blocking", async () => {
    const { a, results, metrics } = analyzer({ queueSize: 3 });
    const accepted = Array.from({ length: 10 }, (_, i) => a.offer(exchange(`e${i}`, ATTACK)));
    assert.deepEqual(accepted, [true, true, true, false, false, false, false, false, false, false]);
    await a.drain(10_000);
    assert.equal(results.length, 3);
    assert.equal(a.stats().analysed, 3);
    assert.equal(a.stats().shed.queue_full, 7);
    assert.equal(await metric(metrics, "mirrorwatch_exchanges_shed_total", '{reason="queue_full"}'), 7);
    await a.close();
  });

  it("admit() says whether there is room, counting a refusal as received and shed", async () => {
    const { a } = analyzer({ queueSize: 2 });
    assert.equal(a.admit(), true);
    assert.equal(a.stats().received, 0, "an admission is not counted: the offer that follows is");
    assert.ok(a.offer(exchange("1", BENIGN)));
    assert.ok(a.offer(exchange("2", BENIGN)));
    assert.equal(a.admit(), false);
    assert.equal(a.stats().received, 3);
    assert.equal(a.stats().shed.queue_full, 1);
    await a.drain(10_000);
    assert.equal(a.admit(), false, "not after drain");
    assert.equal(a.stats().shed.shutdown, 1);
    assert.equal(a.stats().analysed, 2);
    await a.close();
  });

  it("sheds by bytes, but an oversized exchange still gets into an empty queue", async () => {
    const { a } = analyzer({ queueBytes: 4096 });
    const big = "x".repeat(3000);
    assert.equal(a.offer(exchange("1", "/", big)), true);
    assert.equal(a.offer(exchange("2", "/", big)), false);
    assert.equal(a.stats().shed.queue_bytes, 1);
    await a.drain(10_000);
    assert.equal(a.offer(exchange("3", "/", "y".repeat(100_000))), false, "not accepting after drain");
    assert.equal(a.stats().shed.shutdown, 1);
    await a.close();
  });

  it("accounts for every exchange when the drain deadline passes", async () => {
    const { a, results } = analyzer({ workers: 1, batchSize: 4, queueSize: 1000 });
    try {
      const n = 400;
      for (let i = 0; i < n; i++) assert.ok(a.offer(exchange(`e${i}`, ATTACK)));
      const { dropped } = await a.drain(0);
      const s = a.stats();
      assert.equal(s.shed.shutdown, dropped);
      assert.equal(results.length + dropped, n);
      assert.equal(s.analysed, results.length);
    } finally {
      await a.close();
    }
  });

  it("replaces a pool whose worker died and keeps analysing", async () => {
    const { a, results, problems } = analyzer({
      workers: 1,
      restartDelayMs: 0,
      workerScript: new URL("./testdata/crashing-worker.js", import.meta.url),
    });
    try {
      a.offer(exchange("boom", "/crash"));
      for (let i = 0; i < 50 && a.stats().shed.analysis_failed === 0; i++) await sleep(20);
      assert.equal(a.stats().shed.analysis_failed, 1);
      a.offer(exchange("after", ATTACK));
      assert.deepEqual(await a.drain(10_000), { dropped: 0 });
      assert.equal(results.length, 1);
      assert.equal(results[0]!.ex.id, "after");
      assert.equal(a.stats().poolRestarts, 1);
      assert.ok(problems.some((p) => /worker died/.test(p)));
    } finally {
      await a.close();
    }
  });

  it("adds the analysis's anomalies to the exchange it hands over", async () => {
    const { a, results } = analyzer();
    const ex: HttpExchange = {
      ...exchange("j", ATTACK),
      request: {
        method: "POST",
        target: ATTACK,
        headers: [["Content-Type", "application/json"]],
        body: '{"a":',
      },
      anomalies: [{ code: "body_truncated" }],
    };
    a.offer(ex);
    await a.drain(10_000);
    const codes = results[0]!.ex.anomalies?.map((x) => x.code) ?? [];
    assert.equal(codes[0], "body_truncated");
    assert.ok(codes.includes("bad_json"), codes.join(","));
    await a.close();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
