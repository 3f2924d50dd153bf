import { randomBytes } from "node:crypto";
import type { FlowInfo, FlowSink, FlowSinkFactory } from "../tcp/types.js";
import { type Http1Counters, newHttp1Counters } from "./counters.js";
import { type FlowHost, HttpFlow } from "./flow.js";
import { HeldBudget } from "./held-budget.js";
import { DEFAULT_HTTP1_OPTIONS, type ExchangeSink, type Http1Options } from "./types.js";

export interface HttpStreamTrackerOptions extends Partial<Http1Options> {
  /** `source` of every exchange (default "packet"). */
  readonly source?: string;
  /** Id of each exchange (default: a random per-tracker prefix and a counter). */
  readonly nextId?: () => string;
}

/**
 * The passive HTTP/1.x layer: give `factory` to TCP reassembly, and every request seen on
 * a flow comes out of `emit` as an HttpExchange, with its response when there was one, in
 * request order per flow. Call `tick` with the current time now and then (responses that
 * never come), and `flush` at the end of the input.
 */
export class HttpStreamTracker {
  readonly counters: Http1Counters = newHttp1Counters();
  readonly factory: FlowSinkFactory;
  private readonly flows = new Set<HttpFlow>();
  private readonly pending = new Set<HttpFlow>();
  private readonly host: FlowHost;
  private readonly budget: HeldBudget;

  constructor(emit: ExchangeSink, opts: HttpStreamTrackerOptions = {}) {
    const o: Http1Options = {
      maxHeadBytes: positive(opts.maxHeadBytes, DEFAULT_HTTP1_OPTIONS.maxHeadBytes),
      maxHeaders: positive(opts.maxHeaders, DEFAULT_HTTP1_OPTIONS.maxHeaders),
      maxBodyBytes: positive(opts.maxBodyBytes, DEFAULT_HTTP1_OPTIONS.maxBodyBytes, 0),
      maxDecodedBytes: positive(opts.maxDecodedBytes, DEFAULT_HTTP1_OPTIONS.maxDecodedBytes),
      decodeResponses: opts.decodeResponses ?? DEFAULT_HTTP1_OPTIONS.decodeResponses,
      responseTimeoutMs: positive(opts.responseTimeoutMs, DEFAULT_HTTP1_OPTIONS.responseTimeoutMs, 0),
      maxPending: positive(opts.maxPending, DEFAULT_HTTP1_OPTIONS.maxPending),
      maxHeldBytes: positive(opts.maxHeldBytes, DEFAULT_HTTP1_OPTIONS.maxHeldBytes),
    };
    let nextId = opts.nextId;
    if (nextId === undefined) {
      const prefix = randomBytes(4).toString("hex");
      let seq = 0;
      nextId = () => `${prefix}.${(++seq).toString(36)}`;
    }
    const flows = this.flows;
    const pending = this.pending;
    const budget = new HeldBudget(o.maxHeldBytes, flows, this.counters);
    this.budget = budget;
    this.host = {
      opts: o,
      counters: this.counters,
      budget,
      source: opts.source ?? "packet",
      nextId,
      emit,
      waiting(flow, yes) {
        if (yes) pending.add(flow);
        else pending.delete(flow);
      },
      closed(flow) {
        flows.delete(flow);
        pending.delete(flow);
        budget.forget(flow);
      },
    };
    this.factory = (info: FlowInfo): FlowSink => {
      const flow = new HttpFlow(this.host, info);
      this.flows.add(flow);
      this.counters.flows++;
      return flow;
    };
  }

  /** Emits the requests whose response has not come within responseTimeoutMs of `now`. */
  tick(now: number): void {
    for (const flow of [...this.pending]) flow.tick(now);
  }

  /** End of the input: every flow is closed and every pending request emitted. */
  flush(): void {
    for (const flow of [...this.flows]) flow.close("end", flow.lastTs());
  }

  /**
   * Bytes all flows hold now (unfinished heads and lines, bodies being collected, messages
   * waiting to be paired; heads by estimate): at most maxHeldBytes between deliveries.
   */
  get heldBytes(): number {
    return this.budget.held;
  }

  /** Flows open now (for memory accounting). */
  get openFlows(): number {
    return this.flows.size;
  }
}

function positive(v: number | undefined, dflt: number, min = 1): number {
  return v !== undefined && Number.isFinite(v) && v >= min ? Math.floor(v) : dflt;
}
