/**
 * Accuracy and speed on labelled corpora:
 *   npm run eval -- ../shared/corpus/*.jsonl.gz [--misses SOURCE[:CLASS]] [--fps [TYPE]] [--limit N] [--json]
 * True-positive rate per source and class (CRS split by paranoia level), false-positive
 * rate on benign items (weak ones apart), requests/s of the analysis alone.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { Engine } from "../src/analysis/index.js";
import { parseJsonlRecord } from "../src/capture/files/index.js";
import type { Hit, HttpExchange } from "../src/model/index.js";

interface Labelled {
  ex: HttpExchange;
  source: string;
  label: string;
  weak: boolean;
  cls: string;
  pl: number | undefined;
}

async function* load(file: string): AsyncGenerator<Labelled> {
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    const ex = parseJsonlRecord(line, "?");
    if (typeof ex === "string") continue;
    const meta = (o.meta ?? {}) as Record<string, unknown>;
    yield {
      ex,
      source: String(o.source ?? file),
      label: String(o.label ?? "attack"),
      weak: o.weak === true,
      cls: String(o.cls ?? "-"),
      pl: typeof meta.paranoia_level === "number" ? meta.paranoia_level : undefined,
    };
  }
}

interface Tally {
  n: number;
  hit: number;
}
const bump = (m: Map<string, Tally>, k: string, hit: boolean) => {
  const t = m.get(k) ?? { n: 0, hit: 0 };
  t.n++;
  if (hit) t.hit++;
  m.set(k, t);
};

async function main() {
  const args = process.argv.slice(2);
  const files: string[] = [];
  let misses: string | undefined;
  let fps: string | undefined;
  let limit = 50;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--misses") misses = args[++i] ?? "";
    else if (a === "--fps")
      fps = args[i + 1] && !args[i + 1]!.startsWith("-") && !args[i + 1]!.includes("/") ? args[++i]! : "*";
    else if (a === "--limit") limit = Number(args[++i] ?? 50);
    else if (a === "--json") json = true;
    else files.push(a);
  }
  if (files.length === 0) {
    console.error(
      "usage: npm run eval -- FILE… [--misses SOURCE[:CLASS]] [--fps [TYPE]] [--limit N] [--json]",
    );
    process.exit(2);
  }
  const engine = new Engine();
  const attacks = new Map<string, Tally>();
  const benign = new Map<string, Tally>();
  const speed = new Map<string, { n: number; ns: bigint }>();
  const fpTypes = new Map<string, number>();
  let shownMiss = 0;
  let shownFp = 0;
  for (const f of files) {
    for await (const it of load(f)) {
      const t0 = process.hrtime.bigint();
      const r = engine.analyze(it.ex.request);
      const dt = process.hrtime.bigint() - t0;
      const sp = speed.get(it.source) ?? { n: 0, ns: 0n };
      sp.n++;
      sp.ns += dt;
      speed.set(it.source, sp);
      const any = r.hits.length > 0;
      if (it.label === "attack") {
        const plTag = it.pl === undefined ? "" : it.pl <= 2 ? " [PL1-2]" : " [PL3-4]";
        bump(attacks, `${it.source}${plTag}`, any);
        bump(attacks, `${it.source}${plTag} ${it.cls}`, any);
        if (!any && misses !== undefined && shownMiss < limit) {
          const [src, cls] = misses.split(":");
          if ((!src || src === it.source) && (!cls || cls === it.cls)) {
            shownMiss++;
            const r0 = it.ex.request;
            console.log(
              `MISS ${it.ex.id} ${r0.method} ${r0.target.slice(0, 300)} ${hdrs(it)} ${String(r0.body).slice(0, 300)}`,
            );
          }
        }
      } else {
        bump(benign, `${it.source}${it.weak ? " (weak)" : ""}`, any);
        for (const h of r.hits)
          fpTypes.set(`${h.type} ${h.signature}`, (fpTypes.get(`${h.type} ${h.signature}`) ?? 0) + 1);
        if (
          any &&
          fps !== undefined &&
          shownFp < limit &&
          (fps === "*" || r.hits.some((h) => h.type === fps))
        ) {
          shownFp++;
          console.log(`FP ${it.ex.id} ${fmtHits(r.hits)}`);
        }
      }
    }
  }
  const pct = (t: Tally) => ((100 * t.hit) / t.n).toFixed(2);
  if (json) {
    console.log(JSON.stringify({ attacks: Object.fromEntries(attacks), benign: Object.fromEntries(benign) }));
    return;
  }
  console.log("\nDetection (true-positive rate)");
  for (const [k, t] of [...attacks].sort())
    console.log(`  ${k.padEnd(44)} ${pct(t).padStart(7)}%  ${t.hit}/${t.n}`);
  console.log("\nFalse positives (benign requests with any hit)");
  for (const [k, t] of [...benign].sort())
    console.log(`  ${k.padEnd(44)} ${pct(t).padStart(7)}%  ${t.hit}/${t.n}`);
  if (fpTypes.size > 0) {
    console.log("\nSignatures firing on benign");
    for (const [k, n] of [...fpTypes].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`  ${String(n).padStart(6)}  ${k}`);
  }
  console.log("\nSpeed (analysis only, one core)");
  for (const [k, s] of [...speed].sort()) {
    const us = Number(s.ns) / 1000 / s.n;
    console.log(
      `  ${k.padEnd(44)} ${Math.round(1e6 / us)
        .toString()
        .padStart(8)} req/s  ${us.toFixed(1)} µs/req`,
    );
  }
}

function hdrs(it: Labelled): string {
  return it.ex.request.headers
    .filter(([n]) => !/^(host|accept|accept-encoding|accept-language|connection|content-length)$/i.test(n))
    .map(([n, v]) => `${n}: ${v.slice(0, 200)}`)
    .join(" | ");
}

function fmtHits(hits: readonly Hit[]): string {
  return hits
    .map((h) => `[${h.signature} @ ${h.point}: ${JSON.stringify(h.payload.slice(0, 120))}]`)
    .join(" ");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
