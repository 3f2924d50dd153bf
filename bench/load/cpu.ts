/**
 * CPU time of this process's threads, from Linux procfs, so that the mirror benchmark can
 * say where the time goes: the main thread (mirror listener, queue, hand-off to workers,
 * results, event recorder) apart from every other thread (analysis workers, SQLite workers,
 * GC helpers). Node 20 has no per-thread CPU clock; /proc/self/task/<tid>/stat does, in
 * clock ticks (USER_HZ, 100 on Linux). Elsewhere the readings are undefined.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime and stime (USER_HZ, fixed at 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuReading {
  /** Main thread, ms (user + system). */
  readonly mainMs: number;
  readonly mainUserMs: number;
  /** The whole process, ms (user + system). */
  readonly processMs: number;
}

/** utime and stime (ms) of a /proc stat line. */
function stat(path: string): { user: number; sys: number } | undefined {
  try {
    const text = readFileSync(path, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ms = 1000 / TICKS_PER_SECOND;
    return { user: Number(f[11]) * ms, sys: Number(f[12]) * ms };
  } catch {
    return undefined;
  }
}

/** This process's CPU times now, or undefined when procfs is not there. */
export function readCpu(): CpuReading | undefined {
  const main = stat(`/proc/self/task/${process.pid}/stat`);
  const all = stat("/proc/self/stat");
  if (main === undefined || all === undefined) return undefined;
  return { mainMs: main.user + main.sys, mainUserMs: main.user, processMs: all.user + all.sys };
}

/** CPU time (ms) of another process (a child such as wrk), or undefined. */
export function readProcessCpuMs(pid: number): number | undefined {
  const s = stat(`/proc/${pid}/stat`);
  return s === undefined ? undefined : s.user + s.sys;
}
