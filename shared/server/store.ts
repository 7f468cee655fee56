/**
 * What the server needs from a message store. Numbering belongs to the
 * store so that a durable store can carry it across restarts.
 */
import type { ChatMessage, PostFrames } from "../protocol/index.js";

/** A post ready to be recorded; the body is the bytes that arrived. */
export type NewMessage = Omit<PostFrames, "op">;

export interface Numbers {
  seq: number;
  gseq: number;
}

export interface Store {
  /** Identifies this numbering; constant across restarts for a durable store. */
  readonly epoch: string;
  /** True when append() is only final after commit(). */
  readonly durable: boolean;
  /** Newest global number (0 when empty). */
  readonly gseq: number;
  /** Newest number in a channel (0 when it has none). */
  head(channel: string): number;
  /** Every channel with its message count, by name. */
  channels(): { name: string; messages: number }[];
  /** The numbers of an already recorded post id, for a retried post. */
  lookup(id: string): Numbers | undefined;
  /** Numbers and records a post (final at once unless durable). */
  append(message: NewMessage): Numbers;
  /**
   * Makes every append since the last commit durable. On failure it throws
   * and forgets those appends, numbering included.
   */
  commit(): void;
  /**
   * Messages of a channel (by seq) or of ALL (by gseq): those after `after`,
   * or the newest `limit` when `after` is undefined, oldest first.
   */
  history(channel: string, after: number | undefined, limit: number): ChatMessage[];
  close(): void;
}

/** The range [from, to] a history query covers, given the newest number. */
export function historyRange(head: number, after: number | undefined, limit: number): [number, number] {
  if (after === undefined) return [Math.max(1, head - limit + 1), head];
  return [after + 1, Math.min(head, after + limit)];
}
