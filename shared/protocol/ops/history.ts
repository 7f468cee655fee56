/**
 * The history family: the messages of a channel (by seq) or of ALL (by
 * gseq), newest first-served, for joining, /history and gap fill.
 *
 *   request  ["history", {"channel", "limit", "after"?}]
 *   answer   ["ok", {"epoch", "head", "messages": [message...]}]
 */
import { HISTORY_MAX } from "../limits.js";
import { checkId, checkViewChannel } from "../validate.js";
import { int, list, str } from "../fields.js";
import { checkMessage } from "../message.js";
import type { ChatMessage } from "../types.js";
import type { ControlOp } from "./control-op.js";

export interface HistoryQuery {
  /** A channel, or ALL for every channel in global order. */
  channel: string;
  /** Only messages numbered after this (seq, or gseq for ALL); without it, the newest. */
  after?: number;
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
    return { op: "history", query: after === undefined ? { channel, limit } : { channel, after, limit } };
  },
  answer: (a) => ({
    epoch: checkId(str(a, "epoch"), "epoch"),
    head: int(a, "head", 0, Number.MAX_SAFE_INTEGER),
    messages: list(a, "messages", HISTORY_MAX, checkMessage),
  }),
};
