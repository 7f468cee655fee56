/**
 * What the transfer engines (upload.ts, download.ts) need from the file
 * port (shared/protocol/ops/files.ts), one method per request, so that
 * they know nothing of sockets: file-link.ts implements it over a DEALER,
 * the engines' unit tests with a server in memory. The login token is the
 * implementation's business. Refusals reject with RejectedError (code and
 * the server's sentence); an attempt that got no answer in time rejects
 * with ServerUnreachableError, and the engine sends it again.
 */
import type { FetchAnswer, FilesAnswer, GetAnswer, OfferAnswer, OfferRequest, PutAnswer, PutRequest } from "../../protocol/index.js";

/** What an offer is, for one of its recipients: the offer and the server's chunk size. */
export type OfferInfo = GetAnswer;

/** The requests of the file port. */
export interface FileOps {
  offer(request: Omit<OfferRequest, "op" | "token">, signal?: AbortSignal): Promise<OfferAnswer>;
  put(request: Omit<PutRequest, "op" | "token" | "bytes">, bytes: Buffer, signal?: AbortSignal): Promise<PutAnswer>;
  get(offer: number, signal?: AbortSignal): Promise<OfferInfo>;
  fetch(offer: number, index: number, signal?: AbortSignal): Promise<FetchAnswer>;
  files(signal?: AbortSignal): Promise<FilesAnswer>;
}
