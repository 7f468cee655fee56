/**
 * Edits and deletions: the log entry an edit or delete request writes,
 * once the asker's account is known. Only the account that posted a
 * message may change it; the message must exist, be a message (not an
 * edit or a deletion) and not be deleted, in the log or in a batch still
 * being committed. The pipeline appends the entry like a post's and
 * answers after the commit.
 */
import type { ChangeRequest } from "./context.js";
import type { ChangeEntry, EventLog, LogEntry } from "../log/event-log.js";
import { Refusal } from "../accounts/refusal.js";

const EMPTY = Buffer.alloc(0);

/** The sentence for a change without a login. */
export const CHANGE_NEEDS_LOGIN = "only an account's messages can be edited or deleted: log in";

/**
 * The entry that edits or deletes what `request` names, for account
 * `user`, received at `received`; throws a Refusal (not-found, not-yours)
 * and changes nothing otherwise. `pending` are entries not yet committed.
 */
export function change(request: ChangeRequest, user: string, received: number, log: EventLog, pending: Iterable<LogEntry>): ChangeEntry {
  const { channel, seq } = request;
  const target = seq === undefined ? log.lastMessage(channel, user) : log.read(channel, seq - 1, 1)[0];
  if (target === undefined && seq === undefined) {
    throw new Refusal("not-found", `you have no message in #${channel} to ${request.op}`);
  }
  const number = seq ?? target!.seq;
  if (target === undefined || target.type !== "message" || target.deleted || deletedIn(pending, channel, number)) {
    throw new Refusal("not-found", `no message #${number} in #${channel}`);
  }
  if (!target.account || target.user !== user) {
    throw new Refusal("not-yours", `#${number} in #${channel} is ${target.user}'s message, not yours`);
  }
  return {
    type: request.op, kind: request.op, id: request.id, channel, user, time: new Date(received).toISOString(),
    target: number, body: request.op === "edit" ? Buffer.from(request.body, "utf8") : EMPTY, received, account: true,
  };
}

function deletedIn(pending: Iterable<LogEntry>, channel: string, seq: number): boolean {
  for (const e of pending) if (e.type === "delete" && e.channel === channel && e.target === seq) return true;
  return false;
}
