/**
 * Recent post ids, for recognising a retried post. Bounded: the oldest
 * entries go first, and only a retry older than the newest `capacity` posts
 * could be recorded twice. Keys are 53-bit hashes (cyrb53) rather than the
 * id strings; a hash collision can only make the index forget an id early,
 * never confuse two ids, because callers compare the id actually stored.
 *
 * The table is open addressing with linear probing in typed arrays, sized
 * once: about 36 bytes an entry at capacity (a Map of numbers took about
 * 70, in the V8 heap, and left its old table as garbage at each doubling).
 *
 *   slots:  key (hash + 1; 0 = empty) | gseq       Float64Array x 2, a power of two
 *   ring:   key | gseq in insertion order          Float64Array x 2, `capacity`
 */
export class IdIndex {
  private readonly mask: number;
  private readonly keys: Float64Array;
  private readonly values: Float64Array;
  /* Once full, ring slot `next` holds the oldest entry. */
  private readonly ringKeys: Float64Array;
  private readonly ringValues: Float64Array;
  private next = 0;
  private full = false;
  private count = 0;

  constructor(private readonly capacity = 100_000) {
    let slots = 16;
    while (slots < capacity * 1.25) slots *= 2;
    this.mask = slots - 1;
    this.keys = new Float64Array(slots);
    this.values = new Float64Array(slots);
    this.ringKeys = new Float64Array(capacity);
    this.ringValues = new Float64Array(capacity);
  }

  get(id: string): number | undefined {
    const i = this.find(hash53(id) + 1);
    return i < 0 ? undefined : this.values[i];
  }

  set(id: string, gseq: number): void {
    const key = hash53(id) + 1;
    if (this.full) {
      // Evict the oldest, unless its key was set again since (a newer ring slot holds it then).
      const old = this.find(this.ringKeys[this.next]!);
      if (old >= 0 && this.values[old] === this.ringValues[this.next]) this.remove(old);
    }
    let i = this.home(key);
    while (this.keys[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (this.keys[i] === 0) {
      this.keys[i] = key;
      this.count++;
    }
    this.values[i] = gseq;
    this.ringKeys[this.next] = key;
    this.ringValues[this.next] = gseq;
    if (++this.next === this.capacity) {
      this.next = 0;
      this.full = true;
    }
  }

  delete(id: string): void {
    const i = this.find(hash53(id) + 1);
    if (i >= 0) this.remove(i);
  }

  get size(): number {
    return this.count;
  }

  /* The slot a key's probe starts at: its low bits (ToInt32 keeps the low 32). */
  private home(key: number): number {
    return key & this.mask;
  }

  /** The slot holding `key`, or -1. */
  private find(key: number): number {
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i]!;
      if (k === key) return i;
      if (k === 0) return -1;
    }
  }

  /** Empties slot `i`, moving later entries of its probe run back so that none is cut off from its home. */
  private remove(i: number): void {
    const { keys, values, mask } = this;
    keys[i] = 0;
    this.count--;
    for (let j = (i + 1) & mask; keys[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(keys[j]!);
      // The entry at j may stay if its home lies cyclically in (i, j].
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      values[i] = values[j]!;
      keys[j] = 0;
      i = j;
    }
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
