/**
 * A recorded message as a JSON object (history answers): validated field by
 * field as strictly as a publication's frames.
 */
import { CodecError } from "./errors.js";
import { checkBody, checkId, checkName, checkTime } from "./validate.js";
import { int, str } from "./fields.js";
import type { ChatMessage } from "./types.js";

/** Validates a message object from a history answer (or a property test). */
export function checkMessage(m: Record<string, unknown>): ChatMessage {
  if (typeof m !== "object" || m === null) throw new CodecError("message", "must be an object");
  const kind = m.kind;
  if (kind !== "say" && kind !== "me") throw new CodecError("kind", "must be say or me");
  if (m.account !== undefined && m.account !== true) throw new CodecError("account", "must be true when present");
  return {
    channel: checkName("channel", str(m, "channel")),
    kind,
    epoch: checkId(str(m, "epoch"), "epoch"),
    seq: int(m, "seq", 1, Number.MAX_SAFE_INTEGER),
    gseq: int(m, "gseq", 1, Number.MAX_SAFE_INTEGER),
    id: checkId(str(m, "id")),
    user: checkName("user", str(m, "user")),
    time: checkTime(str(m, "time")),
    body: checkBody(str(m, "body")),
    ...(m.account === true ? { account: true as const } : {}),
  };
}
