/**
 * The event log: what the server records, as numbered entries of one
 * append-only log. A chat message is one kind of entry; later kinds (edits,
 * deletions, other channel events) take their numbers in the same sequence,
 * the way zguide's clonesrv numbers deletions among updates, so every reader
 * of the log replays the same history in the same order.
 *
 * The engine owns the numbering (`seq` per channel, `gseq` across all), so a
 * durable engine carries it across restarts and a shared one (a stream) can
 * give it to several servers. Writes are batches and asynchronous; readers of
 * what was written subscribe to the committed tail (`onCommitted`).
 */
import type { Kind } from "../../protocol/index.js";

/** Fields every entry has. */
interface EntryBase {
  /** What the entry is; `kind` already names say/me of a message. */
  type: string;
  /** The id of the request that wrote it: a retried request is recognised by it. */
  id: string;
  /** The channel it belongs to, numbered by `seq` there. */
  channel: string;
  /** When the server received the request, ms since the Unix epoch (the poster's claim is `time`). */
  received: number;
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

/** Every kind of entry (one so far). */
export type LogEntry = MessageEntry;

/** An entry's place: `seq` in its channel and `gseq` in the whole log, both from 1. */
export interface Numbers {
  seq: number;
  gseq: number;
}

/** An entry read back from the log, with its numbers. */
export type StoredEntry = LogEntry & Numbers;

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
   * waits for a batch to settle before appending the next.
   */
  appendBatch(entries: readonly LogEntry[]): Promise<Numbers[]>;
  /** Calls `listener` with every batch committed from now on, in order; returns an unsubscribe. */
  onCommitted(listener: (batch: CommittedBatch) => void): () => void;
  /**
   * Committed entries of a channel (by seq) or of ALL (by gseq): those after
   * `after`, or the newest `limit` when `after` is undefined; oldest first.
   */
  read(channel: string, after: number | undefined, limit: number): StoredEntry[];
  close(): Promise<void>;
}

/** The range [from, to] a read covers, given the newest number. */
export function readRange(head: number, after: number | undefined, limit: number): [number, number] {
  if (after === undefined) return [Math.max(1, head - limit + 1), head];
  return [after + 1, Math.min(head, after + limit)];
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
