/**
 * Speed of request → points alone, over a JSONL corpus loaded into memory first:
 *   node dist/bench/extract.bench.js FILE.jsonl.gz [--rounds N]
 * Prints µs/request (best and median round), points/request and anomalies/request.
 * Not a test: `node --test` only picks up `*.test.js`.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { extractPoints } from "../src/analysis/points/index.js";
import { parseJsonlRecord } from "../src/capture/files/index.js";
import type { HttpRequest } from "../src/model/index.js";

function load(file: string): HttpRequest[] {
  let buf = readFileSync(file);
  if (file.endsWith(".gz")) buf = gunzipSync(buf);
  const out: HttpRequest[] = [];
  for (const line of buf.toString("utf8").split("\n")) {
    if (line.trim().length === 0) continue;
    const ex = parseJsonlRecord(line, "?");
    if (typeof ex !== "string") out.push(ex.request);
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  let rounds = 10;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--rounds") rounds = Number(args[++i] ?? 10);
    else files.push(args[i]!);
  }
  const reqs = files.flatMap(load);
  let points = 0;
  let anomalies = 0;
  for (const r of reqs) {
    const e = extractPoints(r);
    points += e.points.length;
    anomalies += e.anomalies.length;
  }
  // CPU time of this process (not wall time): on a shared machine other processes'
  // load would otherwise inflate the figure.
  const times: number[] = [];
  let sink = 0;
  for (let k = 0; k < rounds; k++) {
    const t0 = process.cpuUsage();
    for (const r of reqs) sink += extractPoints(r).points.length;
    const dt = process.cpuUsage(t0);
    times.push((dt.user + dt.system) / reqs.length);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1] ?? 0;
  console.log(
    `${reqs.length} requests, ${rounds} rounds: best ${times[0]?.toFixed(2)} µs/req, median ${median.toFixed(2)} µs/req (CPU), ` +
      `${(points / reqs.length).toFixed(2)} points/req, ${(anomalies / reqs.length).toFixed(3)} anomalies/req (${sink > 0 ? "ok" : "-"})`,
  );
}

main();
