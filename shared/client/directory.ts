/**
 * A client of the directory (mc_client --directory ip:port): asks which chat
 * server to use before starting, and again, avoiding the silent one, when
 * that server stops answering (relocation.ts).
 */
import { ChatError, ServerUnreachableError } from "../errors.js";
import { MalformedAnswerError, RejectedError } from "../protocol/errors.js";
import { decodeAssignment, encodeDirectoryRequest, type Assignment } from "../protocol/ops/directory.js";
import { ReliableRequester } from "../transport/requester.js";
import { probePeer } from "../transport/zmtp-probe.js";

/** How long the directory may take to answer (it may be launching a server). */
export const DIRECTORY_MS = 20_000;

/** The directory did not answer, or had no server to give: one sentence. */
export class DirectoryError extends ChatError {
  override name = "DirectoryError";
}

/** Asks the directory at `endpoint` for a server for `user`, not `avoid`; rejects with DirectoryError. */
export async function askDirectory(endpoint: string, user: string, avoid?: string, timeoutMs = DIRECTORY_MS): Promise<Assignment> {
  const requester = new ReliableRequester({ endpoint, attemptMs: timeoutMs });
  /* Nothing listening is known at once: no need to wait out the time a launch may take. */
  const nobody = probePeer(endpoint, 3000).then((kind) => {
    if (!kind.zmtp && !kind.connected) throw new DirectoryError(`the directory at ${endpoint} did not answer: nothing listens there; is it running?`);
    return new Promise<never>(() => {});
  });
  try {
    return decodeAssignment(await Promise.race([requester.request(encodeDirectoryRequest({ op: "assign", user, avoid }), { timeoutMs }), nobody]));
  } catch (err) {
    if (err instanceof ServerUnreachableError) {
      throw new DirectoryError(`the directory at ${endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s; is it running?`, { cause: err });
    }
    if (err instanceof DirectoryError) throw err;
    if (err instanceof RejectedError) throw new DirectoryError(err.reason, { cause: err });
    if (err instanceof MalformedAnswerError) throw new DirectoryError(`the directory at ${endpoint} ${err.message.replace(/^the server /, "")}`, { cause: err });
    throw err;
  } finally {
    requester.close();
  }
}
