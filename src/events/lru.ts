/**
 * A Map bounded by entry count that forgets the least recently used entry first. Map keeps
 * insertion order, so "use" is delete-and-set and the oldest key is the first one.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError("LRU capacity must be a positive integer");
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Sets `key`; returns the entry evicted to make room, if any. */
  set(key: K, value: V): [K, V] | undefined {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size <= this.capacity) return undefined;
    const first = this.map.entries().next();
    if (first.done === true) return undefined;
    this.map.delete(first.value[0]);
    return first.value;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
