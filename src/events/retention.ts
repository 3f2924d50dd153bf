import type { Store } from "../store/types.js";

const DAY = 86_400_000;

/** Pruning of old hits (the store deletes in bounded chunks; this decides when and what). */
export interface RetentionOptions {
  readonly store: Pick<Store, "prune">;
  /** Hits older than this are deleted (default 90 days; must be > 0). */
  readonly maxAgeDays?: number;
  /** Time between runs (default one hour). */
  readonly intervalMs?: number;
  /** Delay before the first run, so start-up is not slowed by a large prune (default 10 s). */
  readonly initialDelayMs?: number;
  readonly now?: () => number;
  /** After each run: hits deleted, and the cut-off used. */
  readonly onPrune?: (deleted: number, before: number) => void;
  readonly onError?: (e: unknown) => void;
}

export class Retention {
  readonly maxAgeMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {
    const days = options.maxAgeDays ?? 90;
    if (!(days > 0) || !Number.isFinite(days))
      throw new RangeError("retention maxAgeDays must be a positive number");
    this.maxAgeMs = Math.round(days * DAY);
  }

  /** Prunes once now (a run already going is joined, not repeated). */
  runOnce(): Promise<number> {
    if (this.running === undefined) {
      const before = (this.options.now ?? Date.now)() - this.maxAgeMs;
      this.running = this.options.store
        .prune(before)
        .then((n) => {
          this.options.onPrune?.(n, before);
          return n;
        })
        .finally(() => {
          this.running = undefined;
        });
    }
    return this.running;
  }

  /** Runs after `initialDelayMs`, then every `intervalMs`; timers never keep the process alive. */
  start(): this {
    if (this.timer !== undefined || this.stopped) return this;
    const tick = () => {
      this.runOnce()
        .catch((e: unknown) => this.options.onError?.(e))
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, this.options.intervalMs ?? 3_600_000);
          this.timer.unref();
        });
    };
    this.timer = setTimeout(tick, this.options.initialDelayMs ?? 10_000);
    this.timer.unref();
    return this;
  }

  /** Stops the timer; resolves once a run in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
  }
}

/** `new Retention(options).start()`. */
export function startRetention(options: RetentionOptions): Retention {
  return new Retention(options).start();
}
