/**
 * A client with several posts in flight (a window, ops/presence.ts) names,
 * in each post, the post before it while that one is unanswered (`after`).
 * Once this server refuses one of a client's posts for now (slow-down), the
 * posts already sent behind it must not be recorded before it is: each is
 * refused `out-of-order` until the client sends the refused one again,
 * which it does without `after` (its predecessor is answered by then), and
 * that ends the refusals. One connection delivers a client's posts in
 * order, so "behind it" is "arrived after it, naming a predecessor".
 *
 * Keyed by the ROUTER identity, like the rate limiter: a client that makes
 * a new socket after a silence starts clean, and sends everything
 * unanswered again in order from its oldest. At most `capacity` clients
 * are remembered (the oldest note goes first); losing a note can only let
 * a post through ahead of one refused, never lose or repeat one.
 */
export class PostOrder {
  private readonly refusing = new Set<string>();

  constructor(private readonly capacity = 65_536) {}

  /**
   * Whether a post from `client` (its ROUTER identity) naming `after` must
   * be refused out-of-order; a post naming none ends the refusals. Costs
   * nothing while no client is being refused.
   */
  blocks(client: Buffer, after: string | undefined): boolean {
    if (this.refusing.size === 0) return false;
    const key = client.toString("latin1");
    if (after !== undefined) return this.refusing.has(key);
    this.refusing.delete(key);
    return false;
  }

  /** A post of `client` was refused for now: refuse what it sent behind it. */
  refused(client: Buffer): void {
    this.refusing.add(client.toString("latin1"));
    if (this.refusing.size > this.capacity) this.refusing.delete(this.refusing.values().next().value!);
  }
}
