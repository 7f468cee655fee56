/**
 * Where the client is in its inbox, without a socket: what the next
 * `inbox` request asks for (`after`), which items of an answer are new, and
 * what has been shown of each conversation (for the sender's own copies,
 * own-lines.ts). inbox.ts sends the requests; this file decides.
 *
 * A run starts without `after`: the server answers what came while the
 * account was away. Those items are gathered until the answer says there
 * are no more (head reached) and handed over at once, so the screen can
 * say how many there were before showing them. From then on each answer's
 * items are handed over as they come, and `after` is the last one's m:
 * the next request acknowledges them.
 */
import type { InboxAnswer, InboxItem } from "../protocol/index.js";

/** Items to show: `away` for the first batch of a run (what came while the account was away). */
export interface InboxBatch {
  items: InboxItem[];
  away: boolean;
}

/** A conversation's key: the account or group the messages went to (lower case, groups marked). */
export function conversationKey(to: string, group: boolean): string {
  return `${group ? "group:" : ""}${to.toLowerCase()}`;
}

/** One run's position in the inbox. */
export class InboxCursor {
  /** What the next request sends: undefined for the first of a run, else the last m shown. */
  after: number | undefined;
  /** The `after` the server last answered: what it surely holds as acknowledged. */
  acknowledged = 0;
  /** The last m handed over to be shown (in the server's numbering). */
  shown = 0;
  /** Whether the last answer said more items are waiting (head past its last item): ask again at once. */
  more = false;
  private catchingUp = true;
  private backlog: InboxItem[] = [];
  /* The newest seq shown of each conversation, by conversationKey(to, group). */
  private readonly shownSeq = new Map<string, number>();

  /** Takes an answer to the request made with `this.after`; returns what to show now, if anything. */
  take(a: InboxAnswer): InboxBatch | undefined {
    const asked = this.after;
    /*
     * An answer from before what was asked: the server's inbox is behind
     * this client's (a restart without its store); its numbering is the
     * one that counts now, and so are its conversations' numbers.
     */
    if (asked !== undefined && a.after < asked) {
      this.shownSeq.clear();
      this.shown = Math.min(this.shown, a.after);
    }
    this.acknowledged = Math.min(asked ?? a.after, a.after);
    const { items } = a;
    const last = items.at(-1)?.m ?? a.after;
    this.after = last;
    this.more = a.head > last;
    if (this.catchingUp) {
      /*
       * Gathered until head is reached. The request for the next part
       * acknowledges this part before it is shown; it is shown moments later
       * in the same process.
       */
      this.backlog.push(...items);
      if (this.more) return undefined;
      this.catchingUp = false;
      const backlog = this.backlog;
      this.backlog = [];
      return this.handOver(backlog, true);
    }
    return items.length === 0 ? undefined : this.handOver(items, false);
  }

  /** Whether message `seq` of a conversation (as conversationKey names it) has been shown or passed. */
  passed(key: string, seq: number): boolean {
    return (this.shownSeq.get(key) ?? 0) >= seq;
  }

  private handOver(items: InboxItem[], away: boolean): InboxBatch {
    this.shown = items.at(-1)?.m ?? this.shown;
    for (const i of items) {
      if (i.type !== "msg") continue;
      const key = conversationKey(i.to, i.group === true);
      this.shownSeq.set(key, Math.max(i.seq, this.shownSeq.get(key) ?? 0));
    }
    return { items, away };
  }

}
