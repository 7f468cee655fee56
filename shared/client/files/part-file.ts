/**
 * A download in progress, on disk, so that a receiver killed mid-way
 * continues where it stopped: the bytes go into `.<name>.<hash8>.mchat-part`
 * in the download directory, each at its chunk's place, and a sidecar
 * `.<name>.<hash8>.mchat-part.chunks` records each chunk written, after it
 * was written:
 *
 *   mchat-part 1 <file sha256> <size> <chunk bytes>     header
 *   <index> <chunk sha256>                              one line per chunk, appended
 *
 * Reopening keeps a chunk only if the sidecar lists it and its bytes in
 * the part file still have its SHA-256 (a torn last line, or bytes that
 * never reached the disk, are fetched again); a sidecar of another file
 * (the header differs) starts the download over. Both names start with a
 * dot, which no saved file's name does (safe-name.ts), and carry the
 * file's hash, so two offers of one name never share a part file and a
 * new offer of the same bytes resumes.
 *
 * finish() checks the whole file's SHA-256 and only then gives it its
 * final name, atomically and never over an existing file (a hard link,
 * safe-name.ts's placeUnique), and removes the part and the sidecar.
 */
import { constants, copyFile, link, open, readFile, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { chunkCount, chunkLength, hashFile, readChunk, sha256 } from "./chunks.js";
import { FILE_MODE, fitBytes, NAME_MAX_BYTES, placeUnique, safeName } from "./safe-name.js";
import { CorruptFileError } from "./transfer-errors.js";

/** What a part file holds. */
export interface PartInfo {
  name: string;
  size: number;
  sha256: string;
  chunk: number;
}

const SUFFIX = ".mchat-part";
const SIDECAR = ".chunks";
/* O_NOFOLLOW: a symbolic link planted under a part file's name is never written through. */
const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW;

/** The part file's path for `info` in `dir`; the sidecar's is this and ".chunks". */
export function partPath(dir: string, info: Pick<PartInfo, "name" | "sha256">): string {
  const tail = `.${info.sha256.slice(0, 8)}${SUFFIX}${SIDECAR}`;
  return join(dir, `.${fitBytes(safeName(info.name), NAME_MAX_BYTES - 1 - Buffer.byteLength(tail))}.${info.sha256.slice(0, 8)}${SUFFIX}`);
}

/** A download's part file and its sidecar. */
export class PartFile {
  private constructor(
    readonly path: string,
    private readonly info: PartInfo,
    private readonly data: FileHandle,
    private readonly sidecar: FileHandle,
    /** Chunks that were not on disk when it was opened, ascending. */
    readonly missing: number[],
    /** Where the sidecar's next line goes. */
    private end: number,
  ) {}

  /** Opens (or creates) the part file of `info` in `dir`, keeping every chunk that is there and verified. */
  static async open(dir: string, info: PartInfo): Promise<PartFile> {
    const path = partPath(dir, info);
    const header = `mchat-part 1 ${info.sha256} ${info.size} ${info.chunk}`;
    const data = await open(path, OPEN_FLAGS, FILE_MODE);
    let sidecar: FileHandle | undefined;
    try {
      const have = await verified(data, `${path}${SIDECAR}`, header, info);
      sidecar = await open(`${path}${SIDECAR}`, OPEN_FLAGS, 0o600);
      /* A new download, or one whose record is of another file, starts over; else the record keeps only what was verified. */
      if (have.size === 0) await data.truncate(0);
      const text = `${header}\n${[...have.entries()].map(([i, h]) => `${i} ${h}\n`).join("")}`;
      await sidecar.truncate(0);
      await sidecar.write(text, 0);
      const missing = Array.from({ length: chunkCount(info.size, info.chunk) }, (_, i) => i).filter((i) => !have.has(i));
      return new PartFile(path, info, data, sidecar, missing, Buffer.byteLength(text));
    } catch (err) {
      await data.close();
      await sidecar?.close();
      throw err;
    }
  }

  /** Bytes that were on disk, verified, when it was opened: what a resumed download need not fetch. */
  get present(): number {
    const missingBytes = this.missing.reduce((n, i) => n + chunkLength(i, this.info.size, this.info.chunk), 0);
    return this.info.size - missingBytes;
  }

  /** Writes chunk `index` (its bytes already checked against `hash`), then records it in the sidecar. */
  async write(index: number, bytes: Buffer, hash: string): Promise<void> {
    await this.data.write(bytes, 0, bytes.length, index * this.info.chunk);
    const line = `${index} ${hash}\n`;
    /* The place is taken before the write, so that chunks written at once never share one. */
    const at = this.end;
    this.end += line.length;
    await this.sidecar.write(line, at);
  }

  /**
   * Checks the whole file's SHA-256 and gives it its final (safe, unused)
   * name in `dir`; resolves with that path. A file that does not match is
   * removed with its sidecar (CorruptFileError): a new try starts over.
   */
  async finish(dir: string): Promise<string> {
    await this.data.truncate(this.info.size);
    await this.close();
    const { sha256: actual } = await hashFile(this.path);
    if (actual !== this.info.sha256) {
      await this.remove();
      throw new CorruptFileError(safeName(this.info.name), this.info.sha256, actual);
    }
    const { path } = await placeUnique(dir, safeName(this.info.name), (p) => linkOrCopy(this.path, p));
    await this.remove();
    return path;
  }

  /** Closes both files (what is there stays, for the next try). */
  async close(): Promise<void> {
    await Promise.allSettled([this.data.close(), this.sidecar.close()]);
  }

  private async remove(): Promise<void> {
    await rm(this.path, { force: true });
    await rm(`${this.path}${SIDECAR}`, { force: true });
  }
}

/** The chunks the sidecar lists whose bytes in `data` have their SHA-256; none if the sidecar is of another file. */
async function verified(data: FileHandle, sidecarPath: string, header: string, info: PartInfo): Promise<Map<number, string>> {
  const have = new Map<number, string>();
  let text: string;
  try {
    text = await readFile(sidecarPath, { encoding: "utf8", flag: constants.O_RDONLY | constants.O_NOFOLLOW });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return have;
    throw err;
  }
  const lines = text.split("\n");
  if (lines[0] !== header) return have;
  const count = chunkCount(info.size, info.chunk);
  /* The last element follows the last newline: empty, or a line torn by a kill. */
  for (const line of lines.slice(1, -1)) {
    const m = /^(\d+) ([0-9a-f]{64})$/.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    if (index >= count || have.has(index)) continue;
    const bytes = await readChunk(data, index, info.size, info.chunk);
    if (bytes.length === chunkLength(index, info.size, info.chunk) && sha256(bytes) === m[2]) have.set(index, m[2]!);
  }
  return have;
}

/** Gives `from` the name `to` without replacing anything there: a hard link, or an exclusive copy where links are not allowed. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV" && code !== "ENOSYS") throw err;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}
