/**
 * Replies, server -> client, one per request: ok with the answer, or err
 * with a code and a sentence. See shared/protocol/index.ts for the layout;
 * each operation's answer is decoded by its family in ops/.
 */
import { CodecError, RejectedError, type ErrorCode } from "./errors.js";
import { DECIMAL, printable, text, type Frames } from "./fields.js";

/** The reply to a control request. */
export function encodeControlAnswer(answer: object): string[] {
  return ["ok", JSON.stringify(answer)];
}

/** An error reply; `retryAfterMs` only with slow-down. */
export function encodeError(code: ErrorCode, sentence: string, retryAfterMs?: number): string[] {
  return retryAfterMs === undefined ? ["err", code, sentence] : ["err", code, sentence, String(retryAfterMs)];
}

/** Checks that a reply is ["ok", ...] of `count` frames; an error reply throws RejectedError. */
export function okFrames(frames: Frames, count: number): void {
  const status = frames.length > 0 ? text(frames[0]!) : "";
  if (status === "err" && frames.length >= 3) {
    const retry = frames.length >= 4 ? text(frames[3]!) : "";
    // The sentence is UTF-8 shown to a person: control characters (terminal escapes) never get through.
    const sentence = Buffer.from(frames[2]!).toString("utf8").replace(/[\x00-\x1f\x7f-\x9f]/g, "?");
    throw new RejectedError(printable(text(frames[1]!)), sentence, DECIMAL.test(retry) ? Number(retry) : undefined);
  }
  if (status !== "ok" || frames.length !== count) {
    throw new CodecError("reply", `is not a valid reply (${frames.length} frames)`, "bad-request");
  }
}
