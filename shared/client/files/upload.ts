/**
 * Sending a file: its SHA-256 first (read as a stream), then an offer to
 * the server, which answers with the chunks it still lacks (all of them
 * the first time; after a sender was killed mid-way, only the rest, since
 * the server keeps what arrived under the same upload), then those chunks,
 * each with its own SHA-256, through the credit window (window.ts). The
 * answer to the put that completes the file carries the offer's number.
 *
 * When the window ends without that number (the answer was lost, or the
 * offer listed only the first MISSING_RANGES_MAX ranges), or the server
 * forgot the upload (not-found), the file is offered again, which says
 * what is still missing: a few rounds at most.
 */
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { RejectedError } from "../../protocol/errors.js";
import { chunkLength, hashFile, indexesOf, readChunk, sha256 } from "./chunks.js";
import type { FileOps } from "./file-ops.js";
import { Progress, type ProgressReport } from "./progress.js";
import { TransferError } from "./transfer-errors.js";
import { runWindow, type WindowOptions } from "./window.js";

/** Offers of one upload before it gives up (each one after a window that got no offer number). */
const ROUNDS = 5;

/** What an upload is told and tells. */
export interface UploadOptions extends WindowOptions {
  ops: FileOps;
  /** The file to send. */
  path: string;
  /** The recipient: a user, a group, or a #channel. */
  to: string;
  /** Once the file is hashed (before the offer). */
  onHashed?: (o: { name: string; size: number; sha256: string }) => void;
  /** Once the server has answered the offer: how much it has already (a resumed upload). */
  onStart?: (o: { name: string; size: number; sha256: string; resumed: number }) => void;
  onProgress?: (p: ProgressReport) => void;
}

/** A finished upload. */
export interface Uploaded {
  offer: number;
  name: string;
  size: number;
  sha256: string;
  /** Bytes the server had from an earlier try. */
  resumed: number;
}

/** Sends the file at `o.path` to `o.to`; resolves once the server has it whole and verified. */
export async function upload(o: UploadOptions): Promise<Uploaded> {
  const name = basename(o.path);
  const info = await stat(o.path);
  if (info.isDirectory()) throw new TransferError(`${o.path} is a directory: /send sends one file`);
  if (!info.isFile()) throw new TransferError(`${o.path} is not a regular file`);
  const { sha256: fileHash, size } = await hashFile(o.path, o.signal);
  o.onHashed?.({ name, size, sha256: fileHash });
  const request = { to: o.to, name, size, sha256: fileHash };
  const done = (offer: number, resumed: number): Uploaded => ({ offer, name, size, sha256: fileHash, resumed });
  const file = await open(o.path, "r");
  try {
    let progress: Progress | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const answer = await o.ops.offer(request, o.signal);
      const missing = indexesOf(answer.missing);
      if (!progress) {
        const resumed = size - missing.reduce((n, i) => n + chunkLength(i, size, answer.chunk), 0);
        progress = new Progress(size, answer.offer === undefined ? resumed : size);
        o.onStart?.({ name, size, sha256: fileHash, resumed: progress.resumed });
      }
      if (answer.offer !== undefined) return done(answer.offer, progress.resumed);
      let offer: number | undefined;
      const meter = progress;
      try {
        await runWindow(missing, async (index, signal) => {
          const bytes = await readChunk(file, index, size, answer.chunk);
          const put = await o.ops.put({ upload: answer.upload, index, sha256: sha256(bytes) }, bytes, signal);
          if (put.offer !== undefined) offer = put.offer;
          meter.add(bytes.length);
          o.onProgress?.(meter.report());
        }, o);
      } catch (err) {
        /* The server forgot the upload (it expired, or was lost): the next offer starts it again. */
        if (!(err instanceof RejectedError && err.code === "not-found" && offer === undefined)) throw err;
      }
      if (offer !== undefined) return done(offer, progress.resumed);
    }
  } finally {
    await file.close();
  }
  throw new TransferError(`the server took the chunks of ${name} but never offered it; run the same command again`);
}
