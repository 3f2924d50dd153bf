/**
 * Interned tunnel strings (`vxlan:42 vlan:10`): a trie keyed by (layer kind, value), so the
 * string of a path already seen is found with one Map lookup per layer and no allocation.
 * The trie is bounded: an attacker choosing GRE keys or VNIs at random would otherwise grow
 * it forever; when full it starts over (the strings still compare equal by value, only the
 * per-packet allocation comes back until the working set is learnt again).
 */

export const L_VLAN = 1;
export const L_VXLAN = 2;
export const L_GENEVE = 3;
export const L_GRE = 4;
export const L_GRE_KEY = 5;
export const L_ERSPAN = 6;
export const L_ERSPAN1 = 7;

export interface TunnelNode {
  readonly s: string;
  kids: Map<number, TunnelNode> | null;
  /** The child found last, checked before the Map: a path usually repeats. */
  lastKey: number;
  last: TunnelNode | null;
}

function node(s: string): TunnelNode {
  return { s, kids: null, lastKey: -1, last: null };
}

function label(kind: number, value: number): string {
  switch (kind) {
    case L_VLAN:
      return `vlan:${value}`;
    case L_VXLAN:
      return `vxlan:${value}`;
    case L_GENEVE:
      return `geneve:${value}`;
    case L_GRE:
      return "gre";
    case L_GRE_KEY:
      return `gre:key=${value}`;
    case L_ERSPAN:
      return `erspan:${value}`;
    default:
      return "erspan";
  }
}

export class TunnelInterner {
  root: TunnelNode = node("");
  private size = 0;
  resets = 0;

  constructor(private readonly max: number) {}

  /** The node for `from` followed by one more layer; `value` is an unsigned 32-bit number. */
  child(from: TunnelNode, kind: number, value: number): TunnelNode {
    // Values below 2^24 (VNI, VLAN, ERSPAN session) give a small-integer key, which V8
    // hashes fastest; a GRE key (32 bits) gives a larger exact integer, above them all.
    const key = value < 0x1000000 ? (kind << 24) | value : kind * 0x100000000 + value;
    if (from.lastKey === key && from.last !== null) return from.last;
    let kids = from.kids;
    if (kids !== null) {
      const hit = kids.get(key);
      if (hit !== undefined) {
        from.lastKey = key;
        from.last = hit;
        return hit;
      }
    }
    if (this.size >= this.max) {
      // Start over. `from` may belong to the old trie: the new node hangs off it and is
      // garbage once the packet is done; the next packets build the new trie from its root.
      this.root = node("");
      this.size = 0;
      this.resets++;
    }
    const l = label(kind, value);
    const n = node(from.s === "" ? l : `${from.s} ${l}`);
    if (kids === null) {
      kids = new Map();
      from.kids = kids;
    }
    kids.set(key, n);
    from.lastKey = key;
    from.last = n;
    this.size++;
    return n;
  }
}
