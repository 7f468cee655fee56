/**
 * Why a transfer stopped, each with the sentence a person reads. A
 * transfer that stops this way leaves what arrived (the server's chunks,
 * the receiver's part file), so the same command continues it later.
 */
import { ChatError } from "../../errors.js";

/** The transfer stopped for a reason its sentence gives. */
export class TransferError extends ChatError {
  override name = "TransferError";
}

/** Nothing moved for too long: the server is away, or too busy. */
export class StalledError extends TransferError {
  override name = "StalledError";
  constructor(readonly waitedMs: number, options?: ErrorOptions) {
    super(`no progress for ${Math.round(waitedMs / 1000)} s; run the same command again to continue where it stopped`, options);
  }
}

/** A chunk whose bytes do not match its SHA-256 (corrupted on the way); fetched or sent again. */
export class CorruptChunkError extends TransferError {
  override name = "CorruptChunkError";
  constructor(readonly index: number) {
    super(`chunk ${index} arrived corrupted`);
  }
}

/** The whole file's SHA-256 is not the one offered: it is not saved. */
export class CorruptFileError extends TransferError {
  override name = "CorruptFileError";
  constructor(readonly fileName: string, readonly expected: string, readonly actual: string) {
    super(`${fileName} arrived with SHA-256 ${actual.slice(0, 8)}, not the ${expected.slice(0, 8)} offered: it was not saved (/get it again)`);
  }
}
