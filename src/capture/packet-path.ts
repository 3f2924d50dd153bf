/**
 * The packet path, assembled: captured frames or tunnel datagrams → decoders (link, IP,
 * tunnels) → ignore rules → TCP reassembly → passive HTTP/1.x → exchanges. Every packet
 * source (capture files in `analyze`, UDP tunnel listeners and live capture in `serve`)
 * drives one of these; what comes out is the same HttpExchange the HTTP mirror produces,
 * now with the server's response.
 *
 * Time is the packets' own: timeouts (fragments, idle flows, responses) advance with the
 * capture clock, so a capture file gives the same exchanges however fast it is read. Live
 * sources stamp packets with the wall clock and call `tick` from a timer too, so that a
 * quiet link still expires what waits.
 */
import type { HttpExchange } from "../model/http.js";
import { resolveClient } from "./http-mirror/client-ip.js";
import { TrustedNetworks } from "./http-mirror/trusted.js";
import type { Http1Counters, Http1Options } from "./http1/index.js";
import { HttpStreamTracker } from "./http1/index.js";
import { IgnoreFilter, type IgnoreRule } from "./ignore.js";
import { type DecoderCounters, type DecoderOptions, PacketDecoder } from "./packet/index.js";
import type { PacketSink } from "./packet/types.js";
import { TcpReassembler } from "./tcp/index.js";
import type { TcpCounters, TcpOptions } from "./tcp/options.js";

export interface PacketPathOptions {
  /** `source` of every exchange, e.g. `pcap:capture.pcap`, `vxlan`, `capture:eth0`. */
  readonly source: string;
  readonly nextId?: () => string;
  readonly decoder?: Partial<DecoderOptions>;
  readonly tcp?: Partial<TcpOptions>;
  readonly http?: Partial<Http1Options>;
  readonly ignore?: readonly IgnoreRule[];
  /**
   * Proxies and load balancers in front of the captured servers (IPs, CIDRs, aliases):
   * from these TCP peers the forwarding headers name the client, with the HTTP mirror's
   * rules (src/capture/http-mirror/client-ip.ts). Absent or empty: the TCP peer is the client.
   */
  readonly trustedProxies?: readonly string[];
}

/** Every counter of every stage, for metrics and the `analyze` summary. */
export interface PacketPathCounters {
  readonly decoder: Readonly<DecoderCounters>;
  readonly ignored: number;
  readonly tcp: Readonly<TcpCounters>;
  readonly http: Readonly<Http1Counters>;
  readonly flows: number;
  readonly bufferedBytes: number;
  /** Bytes HTTP/1.x holds now (unfinished heads, bodies, requests awaiting responses). */
  readonly httpHeldBytes: number;
}

/**
 * The exchange with its client taken from the forwarding headers, when the TCP peer is a
 * trusted proxy (a load balancer in front of the captured server adds X-Forwarded-For).
 */
function withForwardedClient(ex: HttpExchange, trusted: TrustedNetworks): HttpExchange {
  const peer = ex.client;
  if (peer === undefined) return ex;
  const r = resolveClient({
    peer: {
      ip: peer.ip,
      family: peer.ip.includes(":") ? 6 : 4,
      ...(peer.port !== undefined ? { port: peer.port } : {}),
    },
    headers: ex.request.headers,
    trusted,
  });
  if (r.via === "peer" && r.anomalies.length === 0) return ex;
  const anomalies = r.anomalies.length > 0 ? [...(ex.anomalies ?? []), ...r.anomalies] : ex.anomalies;
  return anomalies === undefined ? { ...ex, client: r.client } : { ...ex, client: r.client, anomalies };
}

/** How often (ms of packet time) the stages are asked to expire what waits. */
const TICK_EVERY_MS = 250;

export class PacketPath {
  private readonly decoder: PacketDecoder;
  private readonly ignore: IgnoreFilter | undefined;
  private readonly tcpStage: TcpReassembler;
  private readonly http: HttpStreamTracker;
  private nextTick = 0;
  private lastTs = 0;

  constructor(emit: (exchange: HttpExchange) => void, opts: PacketPathOptions) {
    const trusted =
      opts.trustedProxies !== undefined && opts.trustedProxies.length > 0
        ? new TrustedNetworks(opts.trustedProxies)
        : undefined;
    const out = trusted === undefined ? emit : (ex: HttpExchange) => emit(withForwardedClient(ex, trusted));
    this.http = new HttpStreamTracker(out, {
      ...opts.http,
      source: opts.source,
      ...(opts.nextId !== undefined ? { nextId: opts.nextId } : {}),
    });
    this.tcpStage = new TcpReassembler(this.http.factory, opts.tcp);
    let sink: PacketSink = this.tcpStage;
    if (opts.ignore !== undefined && opts.ignore.length > 0) {
      this.ignore = new IgnoreFilter(opts.ignore, sink);
      sink = this.ignore;
    } else this.ignore = undefined;
    this.decoder = new PacketDecoder(sink, opts.decoder);
  }

  /** One captured frame (`linkType` as in pcap). */
  frame(linkType: number, data: Uint8Array, ts: number): void {
    this.decoder.frame(linkType, data, ts);
    this.clock(ts);
  }

  /** One datagram from a VXLAN UDP socket. */
  vxlan(payload: Uint8Array, ts: number): void {
    this.decoder.vxlan(payload, ts);
    this.clock(ts);
  }

  /** One datagram from a GENEVE UDP socket. */
  geneve(payload: Uint8Array, ts: number): void {
    this.decoder.geneve(payload, ts);
    this.clock(ts);
  }

  /** Expires fragments, idle flows and responses that did not come, as of `now`. */
  tick(now: number): void {
    if (now > this.lastTs) this.lastTs = now;
    this.nextTick = now + TICK_EVERY_MS;
    this.decoder.tick(now);
    this.tcpStage.tick(now);
    this.http.tick(now);
  }

  /** End of the input: every flow is closed and every pending request comes out. */
  flush(): void {
    this.tcpStage.flush(this.lastTs);
    this.http.flush();
  }

  counters(): PacketPathCounters {
    return {
      decoder: this.decoder.counters,
      ignored: this.ignore?.ignored ?? 0,
      tcp: this.tcpStage.counters,
      http: this.http.counters,
      flows: this.tcpStage.flows,
      bufferedBytes: this.tcpStage.bufferedBytes,
      httpHeldBytes: this.http.heldBytes,
    };
  }

  private clock(ts: number): void {
    if (ts > this.lastTs) this.lastTs = ts;
    if (ts >= this.nextTick) this.tick(ts);
  }
}
