/**
 * A group commit in the making: the posts of one event-loop turn, appended
 * to the log together, and every reply that has to wait for them.
 */
import type { LogEntry, Numbers } from "./log/event-log.js";

/** Frames to send on the ROUTER (a reply, or its part after the envelope). */
export type Message = (Buffer | string)[];

/**
 * A post's (or an edit's, a deletion's) place among the replies:
 * acknowledged with the numbers of `batch.entries[index]` (a retry may
 * point into an earlier batch), or refused if that batch failed.
 */
export class PostSlot {
  constructor(
    readonly envelope: Buffer[],
    readonly batch: Batch,
    readonly index: number,
    /** For an entry the server wrote itself (Pipeline.record): told the numbers instead of a reply being sent. */
    readonly done?: (numbers: Numbers | undefined) => void,
  ) {}
}

/**
 * The posts of one commit, and every reply that waits for it in arrival
 * order: post acks (a retry shares its original's index), replies already
 * made, and control requests to answer once the batch is in the log.
 */
export class Batch {
  readonly entries: LogEntry[] = [];
  /** Index in `entries` by request id: a retry of a post of this batch is answered with it. */
  readonly byId = new Map<string, number>();
  readonly replies: (PostSlot | Message | (() => Message))[] = [];
  /** Set once the batch is committed. */
  numbers: Numbers[] | undefined;
}
