/**
 * The errors of the wire protocol: the codes an error reply carries (README,
 * "Replies"), a frame or field that fails validation, a refusal from the
 * server, and an answer from the server that breaks the protocol.
 */
import { ChatError } from "../errors.js";

/** Error codes the server puts in an error reply (see README, "Replies"). */
export type ErrorCode =
  | "bad-request" // wrong frame count, unknown op, malformed JSON
  | "bad-field" // a field failed validation
  | "read-only" // a post addressed to ALL
  | "no-channels" // a single-channel server got a post for another channel
  | "slow-down" // the sender's token bucket is empty
  | "unavailable" // the server could not store the message
  | "out-of-order" // a post sent behind one the server refused (its `after`): send it again once that one is recorded
  | "auth-required" // a registered name used without its login (or any name, where accounts are required)
  | "auth-failed" // wrong name or password, or a login token that is unknown, expired or revoked
  | "locked" // too many failed logins in a row: refused until the lock ends (retry-after frame)
  | "name-taken" // /register with a name that already has an account
  | "not-yours" // an edit or deletion of someone else's message (or a free name's)
  | "not-found" // an edit or deletion of a message that does not exist, is not a message, or is deleted;
  //               a private message to a user or group that does not exist (or a group one is not in)
  | "not-member" // a message or request about a group one is not a member (or not the owner) of
  | "too-many" // a limit on counts: group members, groups owned, watches, an inbox full of unread items
  | "bad-chunk" // a file chunk whose bytes do not match its sha256 or its length: send (or fetch) it again
  | "bad-file" // a whole uploaded file whose SHA-256 is not the offer's: the upload starts over
  | "too-big" // a file larger than the server's --max-file-size
  | "quota"; // an offer that would take the account over its --file-quota

/** A frame or field failed validation while decoding. */
export class CodecError extends ChatError {
  override name = "CodecError";
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly code: ErrorCode = "bad-field",
  ) {
    super(`${field} ${reason}`);
  }

  /** The sentence a person reads: `invalid user: is empty`, or the reason alone for read-only. */
  override get sentence(): string {
    return this.code === "read-only" ? this.reason : `invalid ${this.field}: ${this.reason}`;
  }
}

/** The server answered with an error reply. */
export class RejectedError extends ChatError {
  override name = "RejectedError";
  constructor(
    readonly code: ErrorCode | string,
    /** The server's own sentence, control characters masked. */
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(`the server refused: ${reason}`);
  }
}

/**
 * An answer that does not follow the protocol: a wrong shape, a field of the
 * wrong type, a name with control characters. Nothing of it is shown.
 */
export class MalformedAnswerError extends ChatError {
  override name = "MalformedAnswerError";
  constructor(
    /** The request it answered, e.g. "who". */
    readonly op: string,
    readonly problem: CodecError,
  ) {
    super(`the server sent a malformed answer to ${op} (${problem.sentence}); is it a chat server of this version?`, { cause: problem });
  }
}
