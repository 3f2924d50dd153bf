/**
 * What the HTTP/1.x layer saw and what it had to give up on. Every drop has a counter:
 * passive parsing never rejects, so these are the only trace of what was lost.
 */
export interface Http1Counters {
  /** Flows handed to the tracker by TCP reassembly. */
  flows: number;
  /** Flows given up because nothing in them ever looked like HTTP/1.x (TLS, other protocols). */
  nonHttpFlows: number;
  /** Flows whose directions the bytes showed to be the other way round from FlowInfo's guess. */
  roleSwaps: number;
  /** Request heads read. */
  requests: number;
  /** Final responses read (interim 1xx not included). */
  responses: number;
  /** Interim 1xx responses skipped (100 Continue, 102, 103). */
  interim: number;
  /** Exchanges emitted with their response. */
  paired: number;
  /** Exchanges emitted without a response, whatever the cause (the three below, close, flush, gap). */
  unpaired: number;
  /** …of which: no response within responseTimeoutMs. */
  timedOut: number;
  /** …of which: pushed out because more than maxPending requests were waiting. */
  evicted: number;
  /** …of which: the response fell in a capture gap. */
  lostInGap: number;
  /** Responses with no request to pair with (request not seen, or emitted already). */
  orphanResponses: number;
  /** Start lines or framing that could not be read (the direction then resynchronised). */
  parseErrors: number;
  /** Times a direction lost its place (gap, garbage) and looked for the next message start. */
  resyncs: number;
  /** Bytes skipped while looking for a message start. */
  bytesSkipped: number;
  /** 101 Switching Protocols and 2xx to CONNECT: the rest of the flow is not HTTP/1.x. */
  upgrades: number;
  /** Messages whose body was longer than maxBodyBytes (the rest was skipped, not kept). */
  bodiesTruncated: number;
  /** Body bytes skipped beyond maxBodyBytes. */
  bodyBytesDropped: number;
  /** Bodies whose Content-Encoding was undone. */
  decoded: number;
  /** Bodies whose Content-Encoding could not be undone (corrupt, unsupported): kept raw. */
  decodeErrors: number;
  /** Bodies that would have decoded past maxDecodedBytes: kept raw. */
  decodeLimit: number;
  /** Times the held-bytes budget (maxHeldBytes) was reached: a shedding pass or a refused allocation. */
  heldBudgetHits: number;
  /** Flows whose messages in progress were cut to bring held bytes under the budget. */
  heldFlowsShed: number;
  /** Bytes released by those cuts. */
  heldBytesShed: number;
  /** Exceptions inside the parser or the exchange sink (a bug, not an input): the flow stops. */
  internalErrors: number;
}

export function newHttp1Counters(): Http1Counters {
  return {
    flows: 0,
    nonHttpFlows: 0,
    roleSwaps: 0,
    requests: 0,
    responses: 0,
    interim: 0,
    paired: 0,
    unpaired: 0,
    timedOut: 0,
    evicted: 0,
    lostInGap: 0,
    orphanResponses: 0,
    parseErrors: 0,
    resyncs: 0,
    bytesSkipped: 0,
    upgrades: 0,
    bodiesTruncated: 0,
    bodyBytesDropped: 0,
    decoded: 0,
    decodeErrors: 0,
    decodeLimit: 0,
    heldBudgetHits: 0,
    heldFlowsShed: 0,
    heldBytesShed: 0,
    internalErrors: 0,
  };
}
