import type { Progress } from "../pipeline/index.js";
import type { Io } from "./io.js";

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never into
 * a log file or a pipe). Redraws at most every 100 ms.
 */
export class ProgressBar {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stderr: Io["stderr"],
    private readonly enabled: boolean,
  ) {}

  update(p: Progress): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < REDRAW_MS) return;
    this.last = now;
    const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0;
    const filled = Math.round(frac * BAR_WIDTH);
    const rate = p.elapsedMs > 0 ? (p.requests * 1000) / p.elapsedMs : 0;
    let line = `${(frac * 100).toFixed(0).padStart(3)}% [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${fmtInt(p.requests)} requests  ${fmtInt(rate)} req/s`;
    const cols = this.stderr.columns;
    if (cols !== undefined && cols > 10 && line.length >= cols) line = line.slice(0, cols - 1);
    this.stderr.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  /** Erases the bar (before a warning or the summary is printed). */
  clear(): void {
    if (!this.shown) return;
    this.stderr.write("\r\x1b[K");
    this.shown = false;
    this.last = 0;
  }
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
