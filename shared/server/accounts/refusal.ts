/**
 * A request the server turns down on purpose (wrong password, a lock, a
 * protected name, too many logins): its error reply's code, sentence and,
 * for slow-down and locked, the milliseconds to wait.
 */
import { ChatError } from "../../errors.js";
import type { ErrorCode } from "../../protocol/errors.js";

export class Refusal extends ChatError {
  override name = "Refusal";
  constructor(
    readonly code: ErrorCode,
    sentence: string,
    readonly retryAfterMs?: number,
  ) {
    super(sentence);
  }
}

/** The one answer for a wrong name and for a wrong password. */
export const WRONG_LOGIN = "wrong name or password";
/** The answer to a token that is malformed, unknown, expired or revoked. */
export const STALE_LOGIN = "your login is unknown, expired or revoked: log in again";
