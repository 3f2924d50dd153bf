import type { Http1Counters } from "./counters.js";

/** Something that holds bytes against the budget and can give them all back (a flow). */
export interface Holder {
  /** Bytes this holder is charged for now. */
  held: number;
  /** Cut whatever is in progress and release every byte held (emitting what can be). */
  shed(): void;
}

/**
 * Estimated cost of a parsed head kept while its body arrives or its response is awaited:
 * the head's bytes (its text, which the field strings share) plus the objects around it.
 * An estimate, documented as such: what matters is that it grows with what is kept.
 */
export const HEAD_OVERHEAD = 256;
export const FIELD_OVERHEAD = 48;

export function headCost(rawBytes: number, fields: number): number {
  return rawBytes + HEAD_OVERHEAD + FIELD_OVERHEAD * fields;
}

/** Histogram buckets: held bytes by power of two (2^0 … 2^40). */
const BUCKETS = 41;

function bucket(n: number): number {
  return n >= 2 ** 31 ? Math.min(BUCKETS - 1, Math.floor(Math.log2(n))) : 31 - Math.clz32(n);
}

/**
 * The bytes all flows of one tracker hold (unfinished heads and start lines, bodies being
 * collected, finished requests waiting for their responses), against one global budget.
 *
 * New allocations are reserved first: when one would pass `max`, the biggest holders among
 * the other flows are shed (cut, their requests emitted with an anomaly) until the total
 * is down to a low-water mark 1/8 under `max`, so that one O(flows) pass pays for at least
 * max/8 bytes of new allocations. If that is not enough the reservation is refused and the
 * asking reader truncates its own message. Parsed heads cannot be refused (they are already
 * in memory): they are charged, and the flow settles the budget (itself included) after
 * each delivery, so between deliveries `held <= max` always holds.
 */
export class HeldBudget {
  held = 0;
  private readonly low: number;
  private busy = false;
  private readonly hist = new Float64Array(BUCKETS);

  constructor(
    readonly max: number,
    private readonly holders: Iterable<Holder>,
    private readonly counters: Http1Counters,
  ) {
    this.low = max - Math.floor(max / 8);
  }

  /** Charges n bytes to `h` if they fit (shedding other holders to make room); else false. */
  reserve(h: Holder, n: number): boolean {
    if (this.held + n > this.max) {
      if (this.busy) return false;
      this.counters.heldBudgetHits++;
      this.shed(h, Math.max(0, this.low - n));
      if (this.held + n > this.max) return false;
    }
    this.held += n;
    h.held += n;
    return true;
  }

  /** Charges bytes already in memory (a parsed head, a message handed over): never refused. */
  charge(h: Holder, n: number): void {
    this.held += n;
    h.held += n;
  }

  release(h: Holder, n: number): void {
    this.held -= n;
    h.held -= n;
  }

  /** Brings the total back under `max` (every holder a candidate); call between deliveries. */
  settle(): void {
    if (this.held <= this.max || this.busy) return;
    this.counters.heldBudgetHits++;
    this.shed(null, this.low);
  }

  /** A holder leaves (flow closed): whatever it still has charged is a bookkeeping bug. */
  forget(h: Holder): void {
    if (h.held === 0) return;
    this.counters.internalErrors++;
    this.held -= h.held;
    h.held = 0;
  }

  /**
   * Sheds holders other than `except` until `held <= target`: the biggest first (by power
   * of two of what they hold), the oldest first among equals, so the outcome depends only
   * on the traffic. Two passes over the holders, no sort.
   */
  private shed(except: Holder | null, target: number): void {
    const need = this.held - target;
    if (need <= 0) return;
    this.busy = true;
    try {
      const hist = this.hist;
      hist.fill(0);
      for (const h of this.holders) if (h !== except && h.held > 0) hist[bucket(h.held)]! += h.held;
      let threshold = BUCKETS - 1;
      let acc = 0;
      for (; threshold > 0; threshold--) {
        acc += hist[threshold]!;
        if (acc >= need) break;
      }
      const c = this.counters;
      for (const h of this.holders) {
        if (this.held <= target) break;
        if (h === except || h.held <= 0 || bucket(h.held) < threshold) continue;
        const before = h.held;
        h.shed();
        c.heldFlowsShed++;
        c.heldBytesShed += before - h.held;
      }
    } finally {
      this.busy = false;
    }
  }
}
