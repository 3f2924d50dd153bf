/**
 * The clock of the analysis time budget, in milliseconds. The budget is meant to stop a
 * request that costs too much CPU, not one that waited: on a saturated machine wall-clock
 * time also counts the time other threads ran, and a benign 700 KB request would end in
 * `overlimit`. Node 23.9+ exposes the calling thread's own CPU time
 * (`process.threadCpuUsage`); older versions fall back to the wall clock.
 */
type ThreadCpuUsage = () => { user: number; system: number };

export function analysisClock(): () => number {
  const threadCpu = (process as unknown as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage;
  if (typeof threadCpu === "function") {
    return () => {
      const u = threadCpu.call(process);
      return (u.user + u.system) / 1000;
    };
  }
  return () => performance.now();
}
