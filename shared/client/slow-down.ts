/**
 * A `slow-down` refusal says when to try again: the one wait every poster
 * does before sending the same post once more.
 */
import { delay } from "../delay.js";
import { RejectedError } from "../protocol/errors.js";

/** When the wait may not end after a deadline, or may be cut short. */
export interface SlowDownOptions {
  /** Give up at once (false) when the retry-after would pass this time (ms since the epoch). */
  deadline?: number;
  /** Ends the wait early: the returned promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Waits out `err`'s retry-after if it is a `slow-down` refusal and resolves
 * true: the caller sends the same request again. Resolves false at once for
 * any other error, or when the wait would pass the deadline.
 */
export async function waitOutSlowDown(err: unknown, o: SlowDownOptions = {}): Promise<boolean> {
  if (!(err instanceof RejectedError) || err.code !== "slow-down") return false;
  if (o.deadline !== undefined && Date.now() + (err.retryAfterMs ?? 0) > o.deadline) return false;
  await delay(err.retryAfterMs ?? 100, o.signal);
  return true;
}
