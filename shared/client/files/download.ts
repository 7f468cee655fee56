/**
 * Receiving a file: what the offer is (name, size, SHA-256, chunk size),
 * then its chunks into a part file in the download directory (part-file.ts,
 * which also says which chunks a killed receiver had already), through the
 * credit window (window.ts). Each chunk is checked against the SHA-256 it
 * came with, and one corrupted on the way is fetched again; the whole file
 * is checked before it gets its final name.
 */
import { mkdir } from "node:fs/promises";
import { chunkLength, sha256 } from "./chunks.js";
import type { FileOps, OfferInfo } from "./file-ops.js";
import { PartFile } from "./part-file.js";
import { Progress, type ProgressReport } from "./progress.js";
import { CorruptChunkError } from "./transfer-errors.js";
import { runWindow, type WindowOptions } from "./window.js";

/** What a download is told and tells. */
export interface DownloadOptions extends WindowOptions {
  ops: FileOps;
  offer: number;
  /** The download directory: created (0700) if missing. */
  dir: string;
  /** Once the offer is known and the part file opened: how much was there from an earlier try. */
  onStart?: (o: OfferInfo & { resumed: number }) => void;
  onProgress?: (p: ProgressReport) => void;
}

/** A finished download. */
export interface Downloaded extends OfferInfo {
  /** Where it was saved. */
  path: string;
  /** Bytes that were on disk from an earlier try. */
  resumed: number;
}

/** Fetches offer `o.offer` into `o.dir`; resolves once it is verified and saved under its final name. */
export async function download(o: DownloadOptions): Promise<Downloaded> {
  const info = await o.ops.get(o.offer, o.signal);
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const part = await PartFile.open(o.dir, info);
  const resumed = part.present;
  try {
    o.onStart?.({ ...info, resumed });
    const progress = new Progress(info.size, resumed);
    await runWindow(part.missing, async (index, signal) => {
      const answer = await o.ops.fetch(info.offer, index, signal);
      if (answer.index !== index || answer.bytes.length !== chunkLength(index, info.size, info.chunk) || sha256(answer.bytes) !== answer.sha256) throw new CorruptChunkError(index);
      await part.write(index, answer.bytes, answer.sha256);
      progress.add(answer.bytes.length);
      o.onProgress?.(progress.report());
    }, o);
  } catch (err) {
    await part.close();
    throw err;
  }
  const path = await part.finish(o.dir);
  return { ...info, path, resumed };
}
