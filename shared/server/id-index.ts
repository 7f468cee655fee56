/**
 * Recent post ids, for recognising a retried post. Bounded: the oldest
 * entries go first, and only a retry older than the newest `capacity` posts
 * could be recorded twice. Keys are 53-bit hashes (cyrb53) rather than the
 * id strings, which keeps an entry near 56 bytes; a hash collision can only
 * make the index forget an id early, never confuse two ids, because callers
 * compare the id actually stored.
 */
export class IdIndex {
  private readonly map = new Map<number, number>();
  /*
   * Keys and gseqs in insertion order, as rings: once full, slot `next`
   * holds the oldest. Evicting through the Map's own order (keys().next())
   * would be O(deleted entries) per call in V8, since deletions leave holes
   * at the front of its table until it is rehashed.
   */
  private readonly keys: Float64Array;
  private readonly gseqs: Float64Array;
  private next = 0;
  private full = false;

  constructor(private readonly capacity = 100_000) {
    this.keys = new Float64Array(capacity);
    this.gseqs = new Float64Array(capacity);
  }

  get(id: string): number | undefined {
    return this.map.get(hash53(id));
  }

  set(id: string, gseq: number): void {
    const key = hash53(id);
    if (this.full) {
      const old = this.keys[this.next]!;
      // Unless that key was set again since (a newer slot holds it now).
      if (this.map.get(old) === this.gseqs[this.next]) this.map.delete(old);
    }
    this.map.set(key, gseq);
    this.keys[this.next] = key;
    this.gseqs[this.next] = gseq;
    if (++this.next === this.capacity) {
      this.next = 0;
      this.full = true;
    }
  }

  delete(id: string): void {
    this.map.delete(hash53(id));
  }

  get size(): number {
    return this.map.size;
  }
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
