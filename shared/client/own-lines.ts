/**
 * The client's own acknowledged posts on their way back through the feed.
 * Every posted message is shown, the person's own included; piped input
 * ends before its last lines come back, so the client waits for them here.
 */
import type { ChatMessage, Post } from "../protocol/index.js";

/** Where a post's numbers can be checked against what the feed has shown. */
export interface FeedPosition {
  passed(channel: string, seq: number, gseq: number): boolean;
}

/** Acknowledged posts not yet shown by the feed. */
export class OwnLines {
  private readonly waiting = new Map<string, { channel: string; seq: number; gseq: number }>();
  private wake: (() => void) | undefined;

  constructor(private readonly feed: FeedPosition) {}

  /** A post of ours the server numbered. */
  acked(post: Post, seq: number, gseq: number): void {
    if (!this.feed.passed(post.channel, seq, gseq)) this.waiting.set(post.id, { channel: post.channel, seq, gseq });
  }

  /** The feed showed a message (ours or not: the feed moved on). */
  shown(m: ChatMessage): void {
    this.waiting.delete(m.id);
    if (this.wake) this.check();
  }

  /** The feed's numbering started over: the numbers of earlier acks mean nothing now. */
  restarted(): void {
    this.waiting.clear();
    this.check();
  }

  /** Drops what the feed has passed over (history, a loss, a channel left). */
  check(): void {
    for (const [id, w] of this.waiting) if (this.feed.passed(w.channel, w.seq, w.gseq)) this.waiting.delete(id);
    if (this.waiting.size === 0) this.wake?.();
  }

  /** Resolves once every acknowledged post has come through the feed. */
  shownAll(): Promise<void> {
    this.check();
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }
}
