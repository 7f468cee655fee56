/**
 * The event log: what the server records, as numbered entries of one
 * append-only log. A chat message is one kind of entry; later kinds (edits,
 * deletions, other channel events) take their numbers in the same sequence,
 * the way zguide's clonesrv numbers deletions among updates, so every reader
 * of the log replays the same history in the same order.
 *
 * Edits and deletions are entries of their own (type edit, delete) that
 * name the message they change by its seq (`target`); they take numbers
 * like messages, so numbering stays gap-free. An engine keeps what they
 * imply for reading: a message reads back with its current text (`edited`),
 * or `deleted` with an empty body, and so do the edits of a deleted
 * message. Deleting removes the text (the message's and its edits') from
 * the engine's storage, not only from what it reads back.
 *
 * The engine owns the numbering (`seq` per channel, `gseq` across all), so a
 * durable engine carries it across restarts and a shared one (a stream) can
 * give it to several servers. Writes are batches and asynchronous; readers of
 * what was written subscribe to the committed tail (`onCommitted`).
 */
import type { Kind } from "../../protocol/index.js";

/** How an entry is stored: a message, or an edit or deletion of one. */
export type EntryType = "message" | "edit" | "delete";

/** Fields every entry has. */
interface EntryBase {
  /** What the entry is; `kind` names say/me of a message. */
  type: EntryType;
  /** The id of the request that wrote it: a retried request is recognised by it. */
  id: string;
  /** The channel it belongs to, numbered by `seq` there. */
  channel: string;
  /**
   * When the server received the request, ms since the Unix epoch (the
   * poster's claim is `time`). An engine keeps receive times nondecreasing
   * along the log (an earlier clock reading is stored as the previous
   * entry's), so `since` can find them by bisection.
   */
  received: number;
  /**
   * The id of the post the same client sent before this one, still
   * unanswered then (the request's `after`): if it is in the same batch, an
   * engine records it first. Not stored.
   */
  after?: string;
}

/** A chat message as posted: `time` is the poster's claim; `body` the bytes that arrived. */
export interface MessageEntry extends EntryBase {
  type: "message";
  user: string;
  time: string;
  kind: Kind;
  body: Buffer;
  /** Present (true) when the server checked that an account posted it: `user` is then the account's registered name. */
  account?: true;
}

/**
 * An edit or deletion of message `target` (a seq of the same channel) by
 * its account: `body` is the new text, empty for a deletion; `time` is when
 * the server received it; `kind` repeats `type` so every entry has a kind.
 */
export interface ChangeEntry extends EntryBase {
  type: "edit" | "delete";
  kind: "edit" | "delete";
  user: string;
  time: string;
  target: number;
  body: Buffer;
  account: true;
}

/** Every kind of entry. */
export type LogEntry = MessageEntry | ChangeEntry;

/** An entry's place: `seq` in its channel and `gseq` in the whole log, both from 1. */
export interface Numbers {
  seq: number;
  gseq: number;
}

/**
 * An entry read back from the log, with its numbers and what later entries
 * did to it: a message's `body` is its current text (`edited` when an edit
 * changed it); a deleted message, or an edit of one, reads `deleted` with
 * an empty body.
 */
export type StoredEntry = LogEntry & Numbers & { edited?: true; deleted?: true };

/** One committed batch, as `onCommitted` listeners get it: `numbers[i]` belongs to `entries[i]`. */
export interface CommittedBatch {
  readonly entries: readonly LogEntry[];
  readonly numbers: readonly Numbers[];
}

/** What an engine (memory, SQLite; later a stream) provides. */
export interface EventLog {
  /** Identifies this numbering; constant across restarts for a durable engine. */
  readonly epoch: string;
  /**
   * Whether posts should wait for the end of the event-loop turn to share
   * one commit: true when a commit has a fixed cost (SQLite's WAL commit, a
   * network round trip); false when it is free and immediate (memory),
   * where waiting only delays replies and publications.
   */
  readonly groupCommit: boolean;
  /** Newest committed gseq (0 when empty). */
  readonly gseq: number;
  /** Newest committed seq of a channel (0 when it has none). */
  head(channel: string): number;
  /** Every channel with its number of entries, by name. */
  channels(): { name: string; messages: number }[];
  /** The numbers of a committed entry by request id, for a retried request. */
  lookup(id: string): Numbers | undefined;
  /**
   * Numbers and records a batch in one commit (the caller's group commit),
   * resolving with each entry's numbers once it is durable, after every
   * `onCommitted` listener has been told. On failure it rejects and forgets
   * the whole batch, numbering included. One batch at a time: the caller
   * waits for a batch to settle before appending the next. An entry that
   * names an earlier one of its batch (`after`) is recorded after it,
   * retries or not: a client with several posts in flight (the hello
   * answer's window) relies on it.
   */
  appendBatch(entries: readonly LogEntry[]): Promise<Numbers[]>;
  /** Calls `listener` with every batch committed from now on, in order; returns an unsubscribe. */
  onCommitted(listener: (batch: CommittedBatch) => void): () => void;
  /**
   * Committed entries of a channel (by seq) or of ALL (by gseq): those after
   * `after`, or the newest `limit` when `after` is undefined; oldest first.
   * With `since` (ms since the Unix epoch), only entries received after it,
   * the oldest `limit` of them (after `after` when given).
   */
  read(channel: string, after: number | undefined, limit: number, since?: number): StoredEntry[];
  /**
   * The newest message of a channel that `user`'s account posted (flagged
   * `account`) and that is not deleted: what an edit without a seq changes.
   */
  lastMessage(channel: string, user: string): StoredEntry | undefined;
  close(): Promise<void>;
}

/** The range [from, to] a read covers, given the newest number. */
export function readRange(head: number, after: number | undefined, limit: number): [number, number] {
  if (after === undefined) return [Math.max(1, head - limit + 1), head];
  return [after + 1, Math.min(head, after + limit)];
}

/**
 * The first number in [from, to] whose receive time is after `since`
 * (to + 1 when none), by bisection over nondecreasing receive times.
 */
export function firstReceivedAfter(from: number, to: number, since: number, receivedAt: (n: number) => number): number {
  let lo = from;
  let hi = to + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (receivedAt(mid) > since) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The range [from, to] a `since` read covers: from the first received after `since` (and after `after`), at most `limit`. */
export function sinceRange(head: number, after: number | undefined, limit: number, since: number, receivedAt: (n: number) => number): [number, number] {
  const from = firstReceivedAfter(Math.max(1, (after ?? 0) + 1), head, since, receivedAt);
  return [from, Math.min(head, from + limit - 1)];
}

/** The listeners of one engine's committed tail. */
export class CommitListeners {
  private list: ((batch: CommittedBatch) => void)[] = [];

  /** Adds a listener; returns its removal. */
  add(listener: (batch: CommittedBatch) => void): () => void {
    this.list = [...this.list, listener];
    return () => {
      this.list = this.list.filter((l) => l !== listener);
    };
  }

  /**
   * Tells every listener. The batch is committed whatever a listener does:
   * one that throws (a bug) is reported and does not keep it from the others.
   */
  emit(batch: CommittedBatch): void {
    for (const listener of this.list) {
      try {
        listener(batch);
      } catch (err) {
        process.stderr.write(`a reader of the log failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      }
    }
  }
}
