import type { AttackRecord, AttackType } from "../model/index.js";
import { Lru } from "./lru.js";

/**
 * Hits → attacks. One attack gathers the hits of one type on one point of one page (host
 * and path template); a hit more than `windowMs` after the attack's last hit starts a new
 * attack. Open attacks live in a bounded LRU; on a miss the store is asked
 * (`findOpenAttack`), so an attack continues across restarts and after LRU eviction.
 *
 * Not thread-safe by design: the recorder calls `assign` from one async loop, in order.
 */
export interface GroupingOptions {
  /** Quiet time after which the next hit starts a new attack (default one hour). */
  readonly windowMs?: number;
  /** Open attacks kept in memory (default 10,000). */
  readonly maxOpen?: number;
}

export interface GroupKey {
  readonly type: AttackType;
  readonly point: string;
  readonly host: string;
  readonly pathTemplate: string;
}

export interface GroupedHit extends GroupKey {
  readonly ts: number;
  readonly signature: string;
  readonly clientIp: string;
  /** Stored in full (true) or only counted (sampling). */
  readonly stored: boolean;
}

export type FindOpenAttack = (
  key: GroupKey & { readonly since: number },
) => Promise<AttackRecord | undefined>;

/**
 * Distinct sources are counted with linear counting (Whang et al., 1990) over a 2048-bit
 * map, 256 bytes per attack whatever the flood: exact in practice for a few dozen sources,
 * within a few percent up to several thousand. After a restart the count continues from
 * the stored value; sources seen before the restart and again after it count twice.
 */
const SOURCE_BITS = 2048;

export class AttackState {
  hitCount = 0;
  storedHits = 0;
  lastSignature = "";
  lastClientIp = "";
  private readonly bits = new Uint8Array(SOURCE_BITS / 8);
  private zeros = SOURCE_BITS;
  private sourceBase = 0;
  private storedSources = 0;

  constructor(
    readonly id: string,
    readonly key: GroupKey,
    public firstSeen: number,
    public lastSeen: number,
  ) {}

  static fromRecord(r: AttackRecord): AttackState {
    const s = new AttackState(
      r.id,
      { type: r.type, point: r.point, host: r.host, pathTemplate: r.pathTemplate },
      r.firstSeen,
      r.lastSeen,
    );
    s.hitCount = r.hitCount;
    s.storedHits = r.storedHits;
    s.lastSignature = r.lastSignature;
    s.lastClientIp = r.lastClientIp;
    s.storedSources = r.sourceCount;
    // The stored count includes the last client: mark it so it is not counted again.
    if (r.lastClientIp !== "") s.markSource(r.lastClientIp);
    s.sourceBase = Math.max(0, r.sourceCount - 1);
    return s;
  }

  private markSource(ip: string): void {
    // FNV-1a (32-bit) over the UTF-16 code units, then MurmurHash3's finaliser: FNV alone
    // spreads sequential addresses (10.0.0.1, 10.0.0.2…) poorly over the low bits.
    let h = 0x811c9dc5;
    for (let i = 0; i < ip.length; i++) {
      h ^= ip.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const bit = (h >>> 0) % SOURCE_BITS;
    const byte = bit >> 3;
    const mask = 1 << (bit & 7);
    if ((this.bits[byte]! & mask) === 0) {
      this.bits[byte]! |= mask;
      this.zeros--;
    }
  }

  get sourceCount(): number {
    const z = Math.max(this.zeros, 1);
    const estimate = Math.round(-SOURCE_BITS * Math.log(z / SOURCE_BITS));
    return Math.max(this.storedSources, this.sourceBase + estimate);
  }

  add(h: GroupedHit): void {
    this.hitCount++;
    if (h.stored) this.storedHits++;
    if (h.ts < this.firstSeen) this.firstSeen = h.ts;
    if (h.ts >= this.lastSeen) {
      this.lastSeen = h.ts;
      this.lastSignature = h.signature;
      this.lastClientIp = h.clientIp;
    }
    this.markSource(h.clientIp);
  }

  record(): AttackRecord {
    return {
      id: this.id,
      type: this.key.type,
      point: this.key.point,
      host: this.key.host,
      pathTemplate: this.key.pathTemplate,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      hitCount: this.hitCount,
      storedHits: this.storedHits,
      sourceCount: this.sourceCount,
      lastSignature: this.lastSignature,
      lastClientIp: this.lastClientIp,
    };
  }
}

export class AttackGrouper {
  readonly windowMs: number;
  private readonly open: Lru<string, AttackState>;

  constructor(
    private readonly find: FindOpenAttack,
    private readonly newId: (ts: number) => string,
    options: GroupingOptions = {},
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.windowMs = options.windowMs ?? 3_600_000;
    if (!(this.windowMs > 0)) throw new RangeError("attack window must be positive");
    this.open = new Lru(options.maxOpen ?? 10_000);
  }

  /** The attack this hit belongs to (continued, found in the store, or new), counted. */
  async assign(h: GroupedHit): Promise<AttackState> {
    const k = keyOf(h);
    let st = this.open.get(k);
    if (st !== undefined && !this.fits(st, h.ts)) st = undefined;
    if (st === undefined) {
      let found: AttackRecord | undefined;
      try {
        found = await this.find({
          type: h.type,
          point: h.point,
          host: h.host,
          pathTemplate: h.pathTemplate,
          since: h.ts - this.windowMs,
        });
      } catch (e) {
        // The store is unwell: start a new attack rather than lose the hit.
        this.onError(e);
      }
      st = found !== undefined ? AttackState.fromRecord(found) : undefined;
      if (st === undefined || !this.fits(st, h.ts)) {
        st = new AttackState(
          this.newId(h.ts),
          { type: h.type, point: h.point, host: h.host, pathTemplate: h.pathTemplate },
          h.ts,
          h.ts,
        );
      }
      this.open.set(k, st);
    }
    st.add(h);
    return st;
  }

  /** Open attacks in memory. */
  get size(): number {
    return this.open.size;
  }

  /** A hit fits an attack within the window after its last hit (or before its first). */
  private fits(st: AttackState, ts: number): boolean {
    return ts <= st.lastSeen + this.windowMs && ts >= st.firstSeen - this.windowMs;
  }
}

function keyOf(k: GroupKey): string {
  return `${k.type}\0${k.point}\0${k.host}\0${k.pathTemplate}`;
}
