/**
 * Replies, server -> client, one per request: ok with the answer, or err
 * with a code and a sentence. See shared/codec.ts for the layout.
 */
import { CodecError, RejectedError, type ErrorCode } from "../errors.js";
import { DECIMAL, int, json, num, printable, str, text, type Frames } from "./fields.js";
import { checkMessage } from "./publications.js";
import type { HistoryAnswer } from "./types.js";

/** The reply to a recorded post. */
export function encodePostAck(seq: number, gseq: number): string[] {
  return ["ok", String(seq), String(gseq)];
}

/** The reply to a control request. */
export function encodeControlAnswer(answer: object): string[] {
  return ["ok", JSON.stringify(answer)];
}

/** An error reply; `retryAfterMs` only with slow-down. */
export function encodeError(code: ErrorCode, sentence: string, retryAfterMs?: number): string[] {
  return retryAfterMs === undefined ? ["err", code, sentence] : ["err", code, sentence, String(retryAfterMs)];
}

/** Decodes a post's ack; an error reply throws RejectedError. */
export function decodePostAck(frames: Frames): { seq: number; gseq: number } {
  okFrames(frames, 3);
  return { seq: num(frames[1]!, "seq"), gseq: num(frames[2]!, "gseq") };
}

/** Decodes a control answer's JSON; an error reply throws RejectedError. */
export function decodeControlAnswer<T>(frames: Frames): T {
  okFrames(frames, 2);
  // The request limit is no bound on answers: a history answer holds up to HISTORY_MAX messages.
  return json(frames[1]!, Infinity) as T;
}

/** Decodes a history answer, validating every message in it. */
export function decodeHistoryAnswer(frames: Frames): HistoryAnswer {
  const a = decodeControlAnswer<Record<string, unknown>>(frames);
  const messages = a.messages;
  if (!Array.isArray(messages)) throw new CodecError("messages", "must be a list");
  return {
    epoch: str(a, "epoch"),
    head: int(a, "head", 0, Number.MAX_SAFE_INTEGER),
    messages: messages.map((m) => checkMessage(m as Record<string, unknown>)),
  };
}

function okFrames(frames: Frames, count: number): void {
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
