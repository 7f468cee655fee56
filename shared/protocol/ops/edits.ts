/**
 * The edits family: the account that posted a message may change its text
 * or delete it. Each change is an entry of the log with its own numbers
 * (seq in the channel, gseq), published on the channel like a message
 * (shared/protocol/publications.ts), so live clients, history and gap fill
 * all see it.
 *
 *   request  ["edit", {"id", "channel", "seq"?, "body", "token"}]   answer ["ok", {"seq", "gseq", "target"}]
 *   request  ["delete", {"id", "channel", "seq"?, "token"}]         answer ["ok", {"seq", "gseq", "target"}]
 *
 * `id` is new for each request, like a post's: a retry with the same id is
 * answered with the original numbers and changes nothing again. `seq` is
 * the message to change; without it, the caller's own last message in the
 * channel that is not deleted. `target` in the answer is the seq changed;
 * `seq` and `gseq` are the change's own numbers. Refusals: auth-required
 * (no token: only an account can prove a message is its own), auth-failed
 * (a stale token), not-yours, not-found (no such message, an edit or a
 * deletion entry, or a message already deleted), read-only (ALL),
 * slow-down (changes count as posts).
 */
import { EDIT_MAX_BYTES } from "../limits.js";
import { checkBody, checkId, checkPostChannel, checkToken } from "../validate.js";
import { int, str } from "../fields.js";
import type { ControlOp } from "./control-op.js";

/** What both changes name: the request id, the channel, the message (own last one when absent), the login. */
interface ChangeFields {
  id: string;
  channel: string;
  seq?: number;
  /** Required by the server (auth-required without it); optional on the wire so that it can say so. */
  token?: string;
}
export type EditRequest = ChangeFields & { op: "edit"; body: string };
export type DeleteRequest = ChangeFields & { op: "delete" };
/** The change's own numbers, and the seq of the message it changed. */
export interface ChangeAnswer {
  seq: number;
  gseq: number;
  target: number;
}

const fields = (o: Record<string, unknown>): ChangeFields => ({
  id: checkId(str(o, "id")),
  channel: checkPostChannel(str(o, "channel")),
  ...(o.seq === undefined ? {} : { seq: int(o, "seq", 1, Number.MAX_SAFE_INTEGER) }),
  ...(o.token === undefined ? {} : { token: checkToken(str(o, "token")) }),
});
const toJson = (r: EditRequest | DeleteRequest) => ({
  id: r.id, channel: r.channel,
  ...(r.seq === undefined ? {} : { seq: r.seq }),
  ...(r.op === "edit" ? { body: r.body } : {}),
  ...(r.token === undefined ? {} : { token: r.token }),
});
const answer = (a: Record<string, unknown>): ChangeAnswer => {
  const seq = int(a, "seq", 2, Number.MAX_SAFE_INTEGER);
  return { seq, gseq: int(a, "gseq", 2, Number.MAX_SAFE_INTEGER), target: int(a, "target", 1, seq - 1) };
};

export const edit: ControlOp<EditRequest, ChangeAnswer> = {
  op: "edit",
  maxBytes: EDIT_MAX_BYTES,
  toJson,
  fromJson: (o) => ({ op: "edit", ...fields(o), body: checkBody(str(o, "body")) }),
  answer,
};

/** `delete` (a reserved word in JavaScript, so named `remove` here). */
export const remove: ControlOp<DeleteRequest, ChangeAnswer> = {
  op: "delete",
  toJson,
  fromJson: (o) => ({ op: "delete", ...fields(o) }),
  answer,
};
