/**
 * History: committed entries of a channel (by seq) or of ALL (by gseq), in
 * the wire's shape: messages with their current text (edited, deleted),
 * edits and deletions with their target, each with its receive time; with
 * `since`, only those received after it.
 */
import type { ChatMessage, HistoryAnswer } from "../../protocol/index.js";
import { ALL } from "../../protocol/limits.js";
import type { StoredEntry } from "../log/event-log.js";
import type { ControlHandlers } from "./context.js";

/** The history operation. */
export const handlers: ControlHandlers<"history"> = {
  history({ query: { channel, after, limit, since } }, { log }) {
    const head = channel === ALL ? log.gseq : log.head(channel);
    const messages = log.read(channel, after, limit, since === undefined ? undefined : Date.parse(since)).map((e) => toMessage(e, log.epoch));
    const answer: HistoryAnswer = { epoch: log.epoch, head, messages };
    return { answer, events: [] };
  },
};

/** An entry as history answers carry it. */
export function toMessage(e: StoredEntry, epoch: string): ChatMessage {
  const m: ChatMessage = {
    id: e.id, channel: e.channel, user: e.user, time: e.time, kind: e.kind,
    body: e.body.toString("utf8"), epoch, seq: e.seq, gseq: e.gseq,
  };
  if (e.account) m.account = true;
  if (e.type !== "message") m.target = e.target;
  if (e.edited) m.edited = true;
  if (e.deleted) m.deleted = true;
  m.received = new Date(e.received).toISOString();
  return m;
}
