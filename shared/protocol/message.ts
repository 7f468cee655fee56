/**
 * A recorded entry as a JSON object (history answers): validated field by
 * field as strictly as a publication's frames.
 *
 *   {"id", "channel", "user", "time", "kind", "body", "epoch", "seq", "gseq",
 *    "account"?, "target"?, "edited"?, "deleted"?, "received"?}
 *
 * kind is say, me, edit or delete; edit and delete carry `target` (an
 * earlier seq of the channel), messages never do. The body is empty for a
 * delete and for anything `deleted`, and 1..16 KiB otherwise. Only a message
 * can be `edited`; a message or an edit can be `deleted`.
 */
import { CodecError } from "./errors.js";
import { checkBody, checkId, checkName, checkTime } from "./validate.js";
import { int, str } from "./fields.js";
import type { ChatMessage, MessageKind } from "./types.js";

const KINDS: ReadonlySet<unknown> = new Set<MessageKind>(["say", "me", "edit", "delete"]);

/** Validates a message object from a history answer (or a property test). */
export function checkMessage(m: Record<string, unknown>): ChatMessage {
  if (typeof m !== "object" || m === null) throw new CodecError("message", "must be an object");
  const kind = m.kind as MessageKind;
  if (!KINDS.has(kind)) throw new CodecError("kind", "must be say, me, edit or delete");
  for (const flag of ["account", "edited", "deleted"] as const) {
    if (m[flag] !== undefined && m[flag] !== true) throw new CodecError(flag, "must be true when present");
  }
  const change = kind === "edit" || kind === "delete";
  if (m.edited === true && change) throw new CodecError("edited", "only a message can be edited");
  if (m.deleted === true && kind === "delete") throw new CodecError("deleted", "a deletion cannot be deleted");
  const seq = int(m, "seq", 1, Number.MAX_SAFE_INTEGER);
  let target: number | undefined;
  if (change) target = int(m, "target", 1, seq - 1);
  else if (m.target !== undefined) throw new CodecError("target", "only an edit or a deletion has one");
  const body = str(m, "body");
  if (kind === "delete" || m.deleted === true) {
    if (body !== "") throw new CodecError("body", "must be empty for a deletion or a deleted message");
  } else {
    checkBody(body);
  }
  return {
    channel: checkName("channel", str(m, "channel")),
    kind,
    epoch: checkId(str(m, "epoch"), "epoch"),
    seq,
    gseq: int(m, "gseq", 1, Number.MAX_SAFE_INTEGER),
    id: checkId(str(m, "id")),
    user: checkName("user", str(m, "user")),
    time: checkTime(str(m, "time")),
    body,
    ...(m.account === true ? { account: true as const } : {}),
    ...(target === undefined ? {} : { target }),
    ...(m.edited === true ? { edited: true as const } : {}),
    ...(m.deleted === true ? { deleted: true as const } : {}),
    ...(m.received === undefined ? {} : { received: checkTime(str(m, "received")) }),
  };
}
