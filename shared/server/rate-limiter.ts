/**
 * Per-client token buckets: each client may post `rate` messages a second
 * on average and `burst` at once. Buckets of clients that have been idle
 * long enough to be full again are dropped by prune(), so the table only
 * holds clients that posted lately.
 */
interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** `rate` 0 turns limiting off. */
  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  /** Takes `cost` tokens (one by default; bytes for the file port) for `key`: 0 when allowed, else ms until they are due. */
  take(key: string, now: number, cost = 1): number {
    if (this.rate <= 0) return 0;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.rate) / 1000);
      b.at = now;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - b.tokens) * 1000) / this.rate);
  }

  /** Drops buckets that have refilled completely. */
  prune(now: number): void {
    if (this.rate <= 0) return;
    const full = (this.burst * 1000) / this.rate;
    for (const [key, b] of this.buckets) if (now - b.at >= full) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}
