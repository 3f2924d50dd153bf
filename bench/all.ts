/**
 * `npm run bench -- [FILE.jsonl[.gz]…] [--seconds N] [--packet-mb N]`: every benchmark in turn, each in its
 * own process so that one's heap and JIT state do not colour the next:
 *   1. analysis (analysis.bench.ts): requests/s on one core, µs per request, memory;
 *   2. the node's HTTP-mirror listener under load (mirror.bench.ts);
 *   3. the packet path (packet.bench.ts): a generated capture of `--packet-mb` MiB (default
 *      256 here, to keep the whole run near two minutes; 1024 with `bench:packet`) read,
 *      decoded, reassembled and parsed on one core, with and without detection, and
 *      memory with 100,000 concurrent flows.
 * Corpus files go to the analysis benchmark; `--seconds` to the first two. `npm run
 * bench:analysis`, `bench:mirror` and `bench:packet` run one of them with all of its own
 * options.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
const files: string[] = [];
const common: string[] = [];
let packetMb = "256";
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === "--seconds") common.push(a, argv[++i] ?? "3");
  else if (a === "--packet-mb") packetMb = argv[++i] ?? packetMb;
  else if (a.startsWith("-")) {
    process.stderr.write(
      `bench: unknown option ${a} (use bench:analysis, bench:mirror or bench:packet for their own options)\n`,
    );
    process.exit(2);
  } else files.push(a);
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const runs: [string, string[]][] = [
  ["analysis", ["--expose-gc", here("./analysis.bench.js"), ...files, ...common]],
  ["mirror listener", [here("./mirror.bench.js"), ...common]],
  ["packet path", ["--expose-gc", here("./packet.bench.js"), "--mb", packetMb]],
];
let failed = 0;
for (const [name, args] of runs) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
