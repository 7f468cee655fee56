/**
 * Sending a file: its SHA-256 first (read as a stream), then an offer to
 * the server, which answers with the chunks it still lacks (all of them
 * the first time; after a sender was killed mid-way, only the rest, since
 * the server keeps what arrived under the same upload), then those chunks,
 * each with its own SHA-256, through the credit window (window.ts). The
 * answer to the put that completes the file carries the offer's number.
 */
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { chunkLength, hashFile, indexesOf, readChunk, sha256, CHUNK_BYTES } from "./chunks.js";
import type { FileOps } from "./file-ops.js";
import { Progress, type ProgressReport } from "./progress.js";
import { TransferError } from "./transfer-errors.js";
import { runWindow, type WindowOptions } from "./window.js";

/** What an upload is told and tells. */
export interface UploadOptions extends WindowOptions {
  ops: FileOps;
  /** The file to send. */
  path: string;
  /** The recipient: a user, a group, or a #channel. */
  to: string;
  /** Once the server has answered the offer: how much it has already (a resumed upload). */
  onStart?: (o: { name: string; size: number; sha256: string; resumed: number }) => void;
  onProgress?: (p: ProgressReport) => void;
  /** Bytes per chunk (the protocol's; tests use smaller ones). */
  chunk?: number;
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
  const chunk = o.chunk ?? CHUNK_BYTES;
  const name = basename(o.path);
  const info = await stat(o.path);
  if (info.isDirectory()) throw new TransferError(`${o.path} is a directory: /send sends one file`);
  if (!info.isFile()) throw new TransferError(`${o.path} is not a regular file`);
  const { sha256: fileHash, size } = await hashFile(o.path, o.signal);
  const first = await o.ops.offer({ to: o.to, name, size, sha256: fileHash }, o.signal);
  const missing = indexesOf(first.missing);
  const resumed = size - missing.reduce((n, i) => n + chunkLength(i, size, chunk), 0);
  o.onStart?.({ name, size, sha256: fileHash, resumed });
  let offer = first.offer;
  if (offer === undefined) {
    const progress = new Progress(size, resumed);
    const file = await open(o.path, "r");
    try {
      await runWindow(missing, async (index, signal) => {
        const bytes = await readChunk(file, index, size, chunk);
        const answer = await o.ops.put({ upload: first.upload, index, sha256: sha256(bytes) }, bytes, signal);
        if (answer.offer !== undefined) offer = answer.offer;
        progress.add(bytes.length);
        o.onProgress?.(progress.report());
      }, o);
    } finally {
      await file.close();
    }
  }
  /* Every chunk is in, but the answer naming the offer was lost: the offer again says it. */
  offer ??= (await o.ops.offer({ to: o.to, name, size, sha256: fileHash }, o.signal)).offer;
  if (offer === undefined) throw new TransferError(`the server took every chunk of ${name} but did not offer it; run the same command again`);
  return { offer, name, size, sha256: fileHash, resumed };
}
