/**
 * The C load generator (loadgen.c) from Node.js: build it with the machine's C compiler,
 * write the request mix for it, run one job. Same job and result as generator.ts, so the
 * mirror benchmark takes either.
 */
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GeneratorJob, GeneratorResult } from "./generator.js";
import { requestMix } from "./requests.js";

/** The source, next to this module's TypeScript (this runs compiled, from dist/bench/load/). */
const SOURCE = fileURLToPath(new URL("../../../bench/load/loadgen.c", import.meta.url));

/**
 * Compiles loadgen.c into `dir` with `cc`; undefined when there is no compiler or it
 * fails, unless `required` (then it throws).
 */
export function buildLoadgen(dir: string, required: boolean): string | undefined {
  const bin = join(dir, "loadgen");
  try {
    execFileSync("cc", ["-O2", "-std=c11", "-o", bin, SOURCE], { stdio: ["ignore", "ignore", "pipe"] });
    return bin;
  } catch (e) {
    if (required) throw new Error(`cannot build the C load generator: ${String(e)}`);
    return undefined;
  }
}

/** Raw requests framed for loadgen.c: each one's length (uint32, little-endian), then its bytes. */
export function writeRequestFile(file: string, requests: readonly string[]): void {
  const parts: Buffer[] = [];
  for (const r of requests) {
    const b = Buffer.from(r, "latin1");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(len, b);
  }
  writeFileSync(file, Buffer.concat(parts));
}

/** The Node.js generator's request mix (requests.ts), for loadgen.c. */
export function writeRequests(file: string, attackShare: number): void {
  writeRequestFile(file, requestMix(2000, attackShare));
}

export function runLoadgen(bin: string, requests: string, job: GeneratorJob): Promise<GeneratorResult> {
  return new Promise((resolve, reject) => {
    const args = [
      job.host,
      String(job.port),
      String(job.connections),
      String(job.seconds),
      job.mode,
      String(job.rate ?? 10_000),
      String(job.pipeline ?? 1),
      requests,
    ];
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), (job.seconds + 30) * 1000);
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`loadgen exited with ${code}`));
      try {
        resolve(JSON.parse(out) as GeneratorResult);
      } catch {
        reject(new Error(`unexpected loadgen output: ${out.slice(0, 200)}`));
      }
    });
  });
}
