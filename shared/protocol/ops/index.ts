/**
 * Every request the post port takes, by operation: the typed map from an
 * op's name to its request and answer, and the one dispatch from frames to
 * a decoded request. Adding an operation is a ControlOp in its family's
 * file and one line in CONTROL_OPS.
 */
import { CodecError, MalformedAnswerError } from "../errors.js";
import { ANSWER_MAX_BYTES, CONTROL_MAX_BYTES } from "../limits.js";
import { json, printable, text, type Frames } from "../fields.js";
import { okFrames } from "../replies.js";
import type { PostFrames } from "../types.js";
import { channels, decodeCompactPost, decodePost } from "./chat.js";
import { history } from "./history.js";
import { bye, hello, who } from "./presence.js";
import { login, logout, passwd, register, unregister, whoami } from "./accounts.js";
import { edit, remove } from "./edits.js";
import { conversation, group, groups, inbox, msg } from "./conversations.js";
import { alerts } from "./alerts.js";
import type { ControlOp } from "./control-op.js";

export * from "./chat.js";
export * from "./history.js";
export * from "./presence.js";
export * from "./accounts.js";
export * from "./edits.js";
export * from "./conversations.js";
export * from "./alerts.js";
export * from "./files.js";
export * from "./directory.js";
export type { ControlOp } from "./control-op.js";

/** The control operations, by the name in their first frame. */
export const CONTROL_OPS = {
  history, hello, bye, who, channels, register, login, logout, passwd, whoami, unregister, edit, delete: remove,
  msg, inbox, conversation, group, groups, alerts,
} as const;

type Ops = typeof CONTROL_OPS;
/** The name of a control operation. */
export type Op = keyof Ops;
/** The decoded request of operation K. */
export type RequestOf<K extends Op> = Ops[K] extends ControlOp<infer R, unknown> ? R : never;
/** The validated answer of operation K. */
export type AnswerOf<K extends Op> = ReturnType<Ops[K]["answer"]>;
export type ControlRequest = { [K in Op]: RequestOf<K> }[Op];
export type Request = PostFrames | ControlRequest;

function opOf<K extends Op>(name: K): ControlOp<RequestOf<K>, AnswerOf<K>> {
  return CONTROL_OPS[name] as unknown as ControlOp<RequestOf<K>, AnswerOf<K>>;
}

/** Frames of a control request. */
export function encodeControl(request: ControlRequest): string[] {
  return [request.op, JSON.stringify(opOf(request.op).toJson(request as never))];
}

/**
 * Validates and decodes a request (without the REQ envelope). Throws
 * CodecError naming the first bad field; posts to ALL throw with code read-only.
 */
export function decodeRequest(frames: Frames): Request {
  if (frames.length === 0) throw new CodecError("request", "has no frames", "bad-request");
  const name = text(frames[0]!);
  if (name === "post") return decodePost(frames);
  if (name === "post2") return decodeCompactPost(frames);
  if (frames.length !== 2) {
    throw new CodecError("request", `'${printable(name)}' needs 2 frames, got ${frames.length}`, "bad-request");
  }
  if (!Object.hasOwn(CONTROL_OPS, name)) {
    throw new CodecError("op", `'${printable(name)}' is not a known request`, "bad-request");
  }
  const op = opOf(name as Op);
  return op.fromJson(json(frames[1]!, op.maxBytes ?? CONTROL_MAX_BYTES));
}

/**
 * Decodes and validates the answer to a control request. An error reply
 * throws RejectedError; an answer that breaks the protocol throws
 * MalformedAnswerError, and none of it reaches the caller.
 */
export function decodeAnswer<K extends Op>(op: K, frames: Frames): AnswerOf<K> {
  try {
    okFrames(frames, 2);
    return opOf(op).answer(json(frames[1]!, ANSWER_MAX_BYTES));
  } catch (err) {
    if (err instanceof CodecError) throw new MalformedAnswerError(op, err);
    throw err;
  }
}
