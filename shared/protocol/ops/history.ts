/**
 * The history family: the messages of a channel (by seq) or of ALL (by
 * gseq), newest first-served, for joining, /history and gap fill.
 *
 *   request  ["history", {"channel", "limit", "after"?, "since"?}]
 *   answer   ["ok", {"epoch", "head", "messages": [message...]}]
 *
 * `since` (ISO 8601) keeps only entries the server received after that
 * instant (its own clock, not the posters' claimed times), oldest first; a
 * client pages on with `after` (and the same `since`). Messages carry their
 * current text (edited, deleted) and `received`; edit and delete entries
 * are answered too, so numbers have no holes (shared/protocol/message.ts).
 */
import { HISTORY_MAX } from "../limits.js";
import { checkId, checkTime, checkViewChannel } from "../validate.js";
import { int, list, str } from "../fields.js";
import { checkMessage } from "../message.js";
import type { ChatMessage } from "../types.js";
import type { ControlOp } from "./control-op.js";

export interface HistoryQuery {
  /** A channel, or ALL for every channel in global order. */
  channel: string;
  /** Only messages numbered after this (seq, or gseq for ALL); without it, the newest. */
  after?: number;
  /** Only entries the server received after this instant (ISO 8601); with or without `after`. */
  since?: string;
  limit: number;
}
export type HistoryRequest = { op: "history"; query: HistoryQuery };
export interface HistoryAnswer {
  epoch: string;
  /** The newest number in that channel (gseq for ALL) when the server answered. */
  head: number;
  messages: ChatMessage[];
}

export const history: ControlOp<HistoryRequest, HistoryAnswer> = {
  op: "history",
  toJson: (r) => r.query,
  fromJson: (q) => {
    const channel = checkViewChannel(str(q, "channel"));
    const limit = q.limit === undefined ? 20 : int(q, "limit", 0, HISTORY_MAX);
    const after = q.after === undefined ? undefined : int(q, "after", 0, Number.MAX_SAFE_INTEGER);
    const since = q.since === undefined ? undefined : checkTime(str(q, "since"));
    return {
      op: "history",
      query: { channel, ...(after === undefined ? {} : { after }), ...(since === undefined ? {} : { since }), limit },
    };
  },
  answer: (a) => ({
    epoch: checkId(str(a, "epoch"), "epoch"),
    head: int(a, "head", 0, Number.MAX_SAFE_INTEGER),
    messages: list(a, "messages", HISTORY_MAX, checkMessage),
  }),
};
