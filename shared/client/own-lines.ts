/**
 * The client's own acknowledged lines on their way back to its screen.
 * Everything sent is shown when it comes back, the person's own lines
 * included: channel posts through the feed, private and group messages
 * through the inbox (inbox.ts). Piped input ends before its last lines come
 * back, so the client waits for them here. `W` is where a line was
 * numbered (its channel and numbers, or its conversation and number), and
 * `passed` says whether what shows them has got that far.
 */

/** Acknowledged lines not yet shown. */
export class OwnLines<W> {
  private readonly waiting = new Map<string, W>();
  private wake: (() => void) | undefined;

  constructor(private readonly passed: (where: W) => boolean) {}

  /** A line of ours (by its id) the server numbered at `where`. */
  acked(id: string, where: W): void {
    if (!this.passed(where)) this.waiting.set(id, where);
  }

  /** A line was shown (ours or not: what shows them moved on). */
  shown(id?: string): void {
    if (id !== undefined) this.waiting.delete(id);
    if (this.wake) this.check();
  }

  /** The numbering started over, or nothing will show them any more: earlier acks mean nothing now. */
  restarted(): void {
    this.waiting.clear();
    this.check();
  }

  /** Drops what has been passed over (history, a loss, a channel left). */
  check(): void {
    for (const [id, w] of this.waiting) if (this.passed(w)) this.waiting.delete(id);
    if (this.waiting.size === 0) this.wake?.();
  }

  /** Resolves once every acknowledged line has been shown. */
  shownAll(): Promise<void> {
    this.check();
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }
}
