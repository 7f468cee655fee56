/**
 * The feed's sequencing, without a socket: every message of the channels
 * followed is shown exactly once and in order, whatever order and gaps it
 * arrives in. It is driven by calls (a channel followed with its history
 * answer, a live message, a heartbeat) and reports through callbacks; the
 * one thing it asks of the outside is a range of history to fill a gap.
 *
 * - A channel is tracked by seq; ALL by gseq, since it interleaves channels.
 *   Edits and deletions are entries numbered like messages and pass through
 *   the same way (the client decides how they look).
 * - While a channel's history is loading, or a gap is being filled, live
 *   messages are held; then those the history covered are dropped and the
 *   rest shown in order.
 * - A live message that skips a number, or a heartbeat whose numbers are
 *   ahead, starts a fill from history (in chunks of HISTORY_MAX). A range
 *   the server no longer has is reported as lost, never left as a silent hole.
 * - A new epoch means the server restarted without a store: numbering
 *   starts over, and a post retried into the new server is recognised by
 *   its id (recent-ids.ts).
 *
 * Without `fetch` (part 2's pub_client has only the PUB port) live messages
 * are shown as they come, dropping only duplicates.
 */
import type { ChatMessage, Heartbeat, HistoryAnswer, HistoryQuery } from "../../protocol/index.js";
import { ClosedError } from "../../errors.js";
import { ALL, HISTORY_MAX } from "../../protocol/limits.js";
import { RecentIds } from "./recent-ids.js";

/** What the sequencer tells the person, through the feed. */
export type SequencerNotice =
  /** Following `channel` from now on; the `history` messages just shown were its history. */
  | { type: "ready"; channel: string; history: number }
  | { type: "restarted" }
  | { type: "lost"; channel: string; count: number };

/** Where the sequencer's output goes, and how it asks for missing ranges. */
export interface SequencerOptions {
  onMessage: (message: ChatMessage, fromHistory: boolean) => void;
  onNotice: (notice: SequencerNotice) => void;
  /** Fetches a range of history to fill a gap; without it gaps are not filled. */
  fetch?: ((query: HistoryQuery) => Promise<HistoryAnswer>) | undefined;
}

/** Orders and de-duplicates the messages of the channels (and ALL) followed. */
export class Sequencer {
  private readonly followed = new Set<string>();
  private readonly lastSeq = new Map<string, number>();
  private lastG = 0;
  private epoch: string | undefined;
  /** Live messages held while history is being loaded or fetched. */
  private held: ChatMessage[] = [];
  private busy = 0;
  private readonly recent = new RecentIds();
  private closed = false;

  constructor(private readonly o: SequencerOptions) {}

  /** The channels (and ALL) followed, in the order followed. */
  get channels(): string[] {
    return [...this.followed];
  }

  /** Whether events of `channel` are shown: it, or ALL, is followed. */
  shows(channel: string): boolean {
    return this.followed.has(ALL) || this.followed.has(channel);
  }

  /**
   * Follows a channel, or ALL: live messages are held until `load` resolves
   * with its history (undefined for none), which is shown; then "ready" is
   * reported and the held messages follow. Rejects as `load` does.
   */
  async follow(channel: string, load: () => Promise<HistoryAnswer | undefined>): Promise<void> {
    if (this.followed.has(channel)) return;
    this.followed.add(channel);
    this.busy++;
    try {
      const answer = await load();
      let shown = 0;
      if (answer) {
        this.checkEpoch(answer.epoch);
        // Edits and deletions take numbers too; only messages count as the history shown.
        for (const m of answer.messages) if (this.show(m, true) && (m.kind === "say" || m.kind === "me")) shown++;
        this.advance(channel, answer.head);
      }
      this.o.onNotice({ type: "ready", channel, history: shown });
    } finally {
      this.busy--;
      this.release();
    }
  }

  /**
   * Whether the message numbered `seq` in `channel` (`gseq` overall) is
   * behind the feed: shown, or passed over (before the history shown, or
   * lost); true too when neither it nor ALL is followed, as it never will be.
   */
  passed(channel: string, seq: number, gseq: number): boolean {
    if (this.followed.has(ALL)) return this.lastG >= gseq;
    if (!this.followed.has(channel)) return true;
    return this.lastOf(channel) >= seq;
  }

  /** Stops following a channel, or ALL; returns whether it was followed. */
  unfollow(channel: string): boolean {
    return this.followed.delete(channel);
  }

  /** A message published live. */
  live(m: ChatMessage): void {
    this.checkEpoch(m.epoch);
    if (this.busy > 0) {
      this.held.push(m);
      return;
    }
    const stream = this.streamOf(m);
    const last = this.lastOf(stream);
    const n = stream === ALL ? m.gseq : m.seq;
    if (n <= last) return; // already shown
    if (n === last + 1 || !this.o.fetch) {
      this.show(m, false);
      return;
    }
    this.held.push(m);
    void this.fill(stream, n - 1);
  }

  /** A heartbeat: its numbers reveal a loss at the end of a burst, its epoch a restart. */
  heartbeat(hb: Heartbeat): void {
    this.checkEpoch(hb.epoch);
    if (this.busy > 0 || !this.o.fetch) return;
    if (this.followed.has(ALL)) {
      if (hb.gseq > this.lastG) void this.fill(ALL, hb.gseq);
      return;
    }
    for (const channel of this.followed) {
      const head = hb.heads[channel];
      if (head !== undefined && this.lastSeq.has(channel) && head > this.lastOf(channel)) void this.fill(channel, head);
    }
  }

  /** Nothing more can be fetched: what waits on a fill is dropped. */
  close(): void {
    this.closed = true;
  }

  /** Fetches a stream's messages up to `upTo` from history and shows them. */
  private async fill(stream: string, upTo: number): Promise<void> {
    const fetch = this.o.fetch!;
    this.busy++;
    try {
      while (this.lastOf(stream) < upTo && this.followed.has(stream)) {
        const after = this.lastOf(stream);
        const limit = Math.min(upTo - after, HISTORY_MAX);
        const answer = await fetch({ channel: stream, after, limit });
        if (this.checkEpoch(answer.epoch)) return;
        for (const m of answer.messages) this.show(m, false);
        const reached = this.lastOf(stream);
        if (reached < Math.min(upTo, after + limit)) {
          // The server no longer has them (or never had): say so rather than wait forever.
          const end = Math.min(upTo, answer.head);
          if (end > reached) this.o.onNotice({ type: "lost", channel: stream, count: end - reached });
          this.advance(stream, Math.max(end, reached));
          if (answer.head < upTo) return;
        }
      }
    } catch (err) {
      /*
       * Closed: the client is quitting. Anything else (a refusal, a bad
       * answer) would come back on every retry: count the range as lost and
       * go on, rather than hold live messages for ever or crash.
       */
      if (err instanceof ClosedError || this.closed) {
        // Nothing can be fetched any more: drop what waits on it, or release() would retry for ever (a spin).
        this.held = [];
        return;
      }
      const reached = this.lastOf(stream);
      if (upTo > reached) this.o.onNotice({ type: "lost", channel: stream, count: upTo - reached });
      this.advance(stream, upTo);
    } finally {
      this.busy--;
      this.release();
    }
  }

  /** Shows held messages once no history request is under way. */
  private release(): void {
    if (this.busy > 0 || this.held.length === 0) return;
    const held = this.held.sort((a, b) => a.gseq - b.gseq);
    this.held = [];
    for (const [i, m] of held.entries()) {
      this.live(m);
      if (this.busy > 0) {
        this.held.push(...held.slice(i + 1));
        return;
      }
    }
  }

  /** Shows a message unless it was shown already; returns whether it was. */
  private show(m: ChatMessage, fromHistory: boolean): boolean {
    const stream = this.streamOf(m);
    const n = stream === ALL ? m.gseq : m.seq;
    if (n <= this.lastOf(stream)) return false;
    if (!this.shows(m.channel)) return false;
    this.lastG = Math.max(this.lastG, m.gseq);
    this.lastSeq.set(m.channel, Math.max(this.lastSeq.get(m.channel) ?? 0, m.seq));
    // A post whose ack died with the old server was retried into the new one: shown already.
    if (this.recent.shownBeforeRestart(m.id)) return false;
    this.recent.add(m.id);
    this.o.onMessage(m, fromHistory);
    return true;
  }

  private streamOf(m: ChatMessage): string {
    return this.followed.has(ALL) ? ALL : m.channel;
  }

  private lastOf(stream: string): number {
    return stream === ALL ? this.lastG : (this.lastSeq.get(stream) ?? 0);
  }

  private advance(stream: string, to: number): void {
    if (stream === ALL) this.lastG = Math.max(this.lastG, to);
    else this.lastSeq.set(stream, Math.max(this.lastSeq.get(stream) ?? 0, to));
  }

  /** A new epoch means the server restarted without a store: numbering starts over. Returns true then. */
  private checkEpoch(epoch: string): boolean {
    if (this.epoch === epoch) return false;
    const restarted = this.epoch !== undefined;
    this.epoch = epoch;
    if (!restarted) return false;
    this.lastG = 0;
    for (const c of this.lastSeq.keys()) this.lastSeq.set(c, 0);
    this.recent.restarted();
    this.held = this.held.filter((m) => m.epoch === epoch);
    this.o.onNotice({ type: "restarted" });
    return true;
  }
}
