/**
 * Credit-based flow control, as in the ZeroMQ Guide's file transfer
 * example (fileio3): at most `width` chunk requests are outstanding; each
 * answer frees a credit for the next. A chunk that failed in a way another
 * try mends (no answer in time, corrupted on the way, a bad-chunk refusal)
 * goes back in the queue; a slow-down pauses every request of the window
 * for the time the server asks; anything else stops the transfer. So does
 * a window in which nothing succeeded for `stallMs`.
 */
import { delay } from "../../delay.js";
import { ServerUnreachableError } from "../../errors.js";
import { RejectedError } from "../../protocol/errors.js";
import { CorruptChunkError, StalledError, TransferError } from "./transfer-errors.js";

/** Chunk requests outstanding at once. */
export const WINDOW = 8;
/** How long a transfer may make no progress before it stops. */
export const STALL_MS = 60_000;
/** How often one chunk may arrive corrupted before the transfer stops. */
const CORRUPT_MAX = 5;

export interface WindowOptions {
  width?: number;
  stallMs?: number;
  signal?: AbortSignal;
}

/** Runs `task` once for each of `indexes`, `width` at a time, retrying what another try mends. */
export async function runWindow(indexes: readonly number[], task: (index: number, signal: AbortSignal) => Promise<void>, o: WindowOptions = {}): Promise<void> {
  const queue = [...indexes];
  const stallMs = o.stallMs ?? STALL_MS;
  const corrupt = new Map<number, number>();
  const abort = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, abort.signal]) : abort.signal;
  let lastProgress = Date.now();
  let pausedUntil = 0;
  let failure: unknown;

  const worker = async () => {
    while (queue.length > 0 && failure === undefined) {
      signal.throwIfAborted();
      const wait = pausedUntil - Date.now();
      if (wait > 0) await delay(wait, signal);
      const index = queue.shift();
      if (index === undefined) return;
      try {
        await task(index, signal);
        lastProgress = Date.now();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (!mendable(err, index)) throw err;
        if (Date.now() - lastProgress > stallMs) throw new StalledError(Date.now() - lastProgress, { cause: err });
        queue.unshift(index);
      }
    }
  };
  /* A retryable failure: slow-down pauses the window; a chunk corrupted too often is not mendable. */
  const mendable = (err: unknown, index: number): boolean => {
    if (err instanceof RejectedError && err.code === "slow-down") {
      pausedUntil = Math.max(pausedUntil, Date.now() + (err.retryAfterMs ?? 100));
      return true;
    }
    if (err instanceof CorruptChunkError || (err instanceof RejectedError && err.code === "bad-chunk")) {
      const times = (corrupt.get(index) ?? 0) + 1;
      corrupt.set(index, times);
      if (times >= CORRUPT_MAX) throw new TransferError(`chunk ${index} arrived corrupted ${times} times in a row; run the same command again to continue`, { cause: err });
      return true;
    }
    return err instanceof ServerUnreachableError;
  };
  const width = Math.max(1, Math.min(o.width ?? WINDOW, queue.length));
  const workers = Array.from({ length: width }, () =>
    worker().catch((err) => {
      failure ??= err;
      abort.abort(err);
    }));
  await Promise.all(workers);
  if (failure !== undefined) throw failure;
  o.signal?.throwIfAborted();
}
