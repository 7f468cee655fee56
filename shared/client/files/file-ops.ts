/**
 * What the transfer engines (upload.ts, download.ts) need from the file
 * port, one method per request, so that they know nothing of sockets:
 * file-link.ts implements it over a DEALER, the engines' unit tests with
 * a server in memory. Refusals reject with RejectedError (code and the
 * server's sentence); an attempt that got no answer in time rejects with
 * ServerUnreachableError, and the engine sends it again.
 */
import type { Range } from "./chunks.js";

/** The answer to an offer: the upload to put chunks into, and which it still lacks. */
export interface OfferAnswer {
  upload: string;
  missing: Range[];
  /** The offer's number, when the server has the whole file already. */
  offer?: number;
}

/** The answer to one chunk put. */
export interface PutAnswer {
  index: number;
  /** The offer's number once every chunk is in and the whole file verified. */
  offer?: number;
}

/** What an offer is, for one of its recipients. */
export interface OfferInfo {
  offer: number;
  name: string;
  size: number;
  sha256: string;
  /** Bytes per chunk. */
  chunk: number;
  from: string;
  /** When it expires (ISO 8601). */
  expires: string;
}

/** A chunk as it arrived, with the SHA-256 the server says it has. */
export interface ChunkAnswer {
  index: number;
  sha256: string;
  bytes: Buffer;
}

/** The requests of the file port. The login token is the implementation's business. */
export interface FileOps {
  offer(request: { to: string; name: string; size: number; sha256: string }, signal?: AbortSignal): Promise<OfferAnswer>;
  put(request: { upload: string; index: number; sha256: string }, bytes: Buffer, signal?: AbortSignal): Promise<PutAnswer>;
  get(offer: number, signal?: AbortSignal): Promise<OfferInfo>;
  fetch(offer: number, index: number, signal?: AbortSignal): Promise<ChunkAnswer>;
}
