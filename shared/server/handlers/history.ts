/**
 * History: committed messages of a channel (by seq) or of ALL (by gseq), in
 * the wire's shape (the log's receive time stays on the server).
 */
import type { ChatMessage, HistoryAnswer } from "../../protocol/index.js";
import { ALL } from "../../protocol/limits.js";
import type { StoredEntry } from "../log/event-log.js";
import type { ControlHandlers } from "./context.js";

/** The history operation. */
export const handlers: ControlHandlers<"history"> = {
  history({ query: { channel, after, limit } }, { log }) {
    const head = channel === ALL ? log.gseq : log.head(channel);
    const messages = log.read(channel, after, limit).map((e) => toMessage(e, log.epoch));
    const answer: HistoryAnswer = { epoch: log.epoch, head, messages };
    return { answer, events: [] };
  },
};

/** A message entry as history answers carry it. */
export function toMessage(e: StoredEntry, epoch: string): ChatMessage {
  const m: ChatMessage = {
    id: e.id, channel: e.channel, user: e.user, time: e.time, kind: e.kind,
    body: e.body.toString("utf8"), epoch, seq: e.seq, gseq: e.gseq,
  };
  if (e.account) m.account = true;
  return m;
}
