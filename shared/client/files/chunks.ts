/**
 * How a file is cut for the wire (shared/protocol/ops/files.ts): chunks of
 * the server's chunk size (CHUNK_BYTES; the last one shorter), each with its
 * SHA-256, the whole file with its own. The chunk size is a parameter here
 * so that unit tests can cut small files into many chunks. Which
 * chunks the server is missing travels as index ranges [first, last]
 * (both included), which a list of indexes is turned into and back.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { CHUNK_BYTES } from "../../protocol/limits.js";

/** An inclusive range of chunk indexes. */
export type Range = [first: number, last: number];

/** How many chunks a file of `size` bytes has (an empty file has none). */
export function chunkCount(size: number, chunk = CHUNK_BYTES): number {
  return Math.ceil(size / chunk);
}

/** The length of chunk `index` of a file of `size` bytes. */
export function chunkLength(index: number, size: number, chunk = CHUNK_BYTES): number {
  return Math.min(chunk, size - index * chunk);
}

/** The indexes in `ranges`, ascending, each once. */
export function indexesOf(ranges: readonly Range[]): number[] {
  const all = new Set<number>();
  for (const [first, last] of ranges) for (let i = first; i <= last; i++) all.add(i);
  return [...all].sort((a, b) => a - b);
}

/** `indexes` as the fewest ranges. */
export function rangesOf(indexes: Iterable<number>): Range[] {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const ranges: Range[] = [];
  for (const i of sorted) {
    const last = ranges.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else ranges.push([i, i]);
  }
  return ranges;
}

/** The SHA-256 of `bytes`, in hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The SHA-256 of a whole file, in hex, read as a stream (never all in memory); resolves with its size too. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

/** Reads chunk `index` of an open file of `size` bytes. */
export async function readChunk(file: FileHandle, index: number, size: number, chunk = CHUNK_BYTES): Promise<Buffer> {
  const length = chunkLength(index, size, chunk);
  const bytes = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(bytes, done, length - done, index * chunk + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? bytes : bytes.subarray(0, done);
}
