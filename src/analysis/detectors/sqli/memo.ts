/**
 * Answers of a pure function of a string, remembered for repeated arguments.
 *
 * The same parameter values come back request after request (`from` as a key, a
 * browser's `net::ERR_ABORTED`, a tracking blob), and the SQL reading of a value the gate
 * lets through costs from a few to tens of microseconds (tokenizing it in up to three
 * contexts). The reading is a pure function of the string, so a repeat reuses the first
 * answer. Bounded: two generations, each of at most `entries` keys and `chars` key
 * characters (a cheap LRU, as the engine's point-cache.ts: a hit in the old generation
 * is promoted; when the young one fills, the old one is dropped). A client sending only
 * new values turns lookups into misses: a hash and an insert, against the reading itself.
 */
export class Memo<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private youngChars = 0;

  constructor(
    private readonly entries: number,
    private readonly chars: number,
  ) {}

  /** The remembered answer, or undefined when there is none. */
  get(key: string): V | undefined {
    const y = this.young.get(key);
    if (y !== undefined) return y;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.entries || this.youngChars + key.length > this.chars) {
      this.old = this.young;
      this.young = new Map();
      this.youngChars = 0;
    }
    this.young.set(key, value);
    this.youngChars += key.length;
  }
}
