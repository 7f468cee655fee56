/**
 * The file port's bytes on disk, content-addressed: a complete file is
 * `blobs/<sha256>` (so a file offered twice, by anyone, is stored once),
 * an upload in progress `partial/<upload>.part` with its bookkeeping beside
 * it in `partial/<upload>.json` (uploads.ts). A part file becomes a blob
 * by a rename, once its whole SHA-256 matched.
 *
 *   <dir>/blobs/3f2a9c1e...        complete files, named by their SHA-256
 *   <dir>/partial/<upload>.part    chunks written at their offsets
 *   <dir>/partial/<upload>.json    who, to whom, what, which chunks arrived
 *   <dir>/partial/fetch-<random>.part  a file being fetched from the cluster (adopt)
 *
 * Every read and write is fs/promises (libuv's thread pool), so disk work
 * never stops the event loop that serves chat; hashing is createHash over
 * 64 KiB stream chunks, which yields between them.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { open, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHUNK_BYTES } from "../../protocol/limits.js";

const SHA256 = /^[0-9a-f]{64}$/;
/* A blob being deleted: <sha256>.deleting-<random>, left over only by a crash. */
const DELETING = ".deleting-";
/* A file being fetched from a cluster's object store: partial/fetch-<random>.part. */
const FETCHING = "fetch-";

export class BlobStore {
  private readonly blobs = new Set<string>();
  /** Part files kept open while their upload is active: one open per upload, not per chunk. */
  private readonly parts = new Map<string, Promise<FileHandle>>();

  /**
   * Opens (making it if missing) the store in `dir`, listing its blobs; with
   * `temporary` the directory is removed by close().
   */
  constructor(readonly dir: string, private readonly temporary = false) {
    mkdirSync(join(dir, "blobs"), { recursive: true });
    mkdirSync(join(dir, "partial"), { recursive: true });
    for (const name of readdirSync(join(dir, "blobs"))) {
      if (SHA256.test(name)) this.blobs.add(name);
      else if (name.includes(DELETING)) rmSync(join(dir, "blobs", name), { force: true });
    }
    /* A fetch a crash cut short (adopt): fetched again when needed. */
    for (const name of readdirSync(join(dir, "partial"))) if (name.startsWith(FETCHING)) rmSync(join(dir, "partial", name), { force: true });
  }

  /** A store in a new temporary directory, removed by close() (a server without --store). */
  static temporary(): BlobStore {
    return new BlobStore(mkdtempSync(join(tmpdir(), "mchat-files-")), true);
  }

  /** Whether the file with this SHA-256 is stored. */
  has(sha256: string): boolean {
    return this.blobs.has(sha256);
  }

  /** Every stored file's SHA-256. */
  list(): string[] {
    return [...this.blobs];
  }

  /** Bytes [index * CHUNK_BYTES, + length) of a stored file. */
  async readChunk(sha256: string, index: number, length: number): Promise<Buffer> {
    const file = await open(this.blobPath(sha256), "r");
    try {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(buffer, 0, length, index * CHUNK_BYTES);
      if (bytesRead !== length) throw new Error(`blob ${sha256.slice(0, 8)} is shorter than expected`);
      return buffer;
    } finally {
      await file.close();
    }
  }

  /**
   * Deletes a stored file (no offer refers to it any more). It is renamed
   * away at once, so an upload of the same file that completes meanwhile is
   * never the one deleted.
   */
  remove(sha256: string): Promise<void> {
    this.blobs.delete(sha256);
    const doomed = `${this.blobPath(sha256)}${DELETING}${randomBytes(4).toString("hex")}`;
    try {
      renameSync(this.blobPath(sha256), doomed);
    } catch {
      return Promise.resolve();
    }
    return rm(doomed, { force: true });
  }

  /** Writes one chunk of an upload at its offset. */
  async writeChunk(upload: string, index: number, bytes: Buffer): Promise<void> {
    const file = await this.part(upload);
    await file.write(bytes, 0, bytes.length, index * CHUNK_BYTES);
  }

  /**
   * The SHA-256 of an upload's part file; when it is `sha256`, the part
   * becomes the blob and true is returned, else the part is deleted (the
   * upload starts over).
   */
  async complete(upload: string, sha256: string, size: number): Promise<boolean> {
    await this.closePart(upload);
    const path = this.partPath(upload);
    if (size === 0) await writeFile(path, "", { flag: "a" });
    const hash = createHash("sha256");
    for await (const data of createReadStream(path, { highWaterMark: 64 * 1024 })) hash.update(data as Buffer);
    return this.keepIfMatching(path, hash.digest("hex"), sha256);
  }

  /** Makes the file at `path` the blob `sha256` when its digest matches; removes it (false) when not. */
  private async keepIfMatching(path: string, digest: string, sha256: string): Promise<boolean> {
    if (digest !== sha256) {
      await rm(path, { force: true });
      return false;
    }
    await rename(path, this.blobPath(sha256));
    this.blobs.add(sha256);
    return true;
  }

  /** Where a stored file's bytes are (to stream them elsewhere: a cluster's object store). */
  pathOf(sha256: string): string {
    return this.blobPath(sha256);
  }

  /**
   * Stores a file that arrives as a stream of bytes (fetched from a
   * cluster's object store), written as it comes, never whole in memory;
   * true once it is a blob, false (nothing kept) when the bytes do not
   * match `sha256`.
   */
  async adopt(sha256: string, bytes: AsyncIterable<Uint8Array>): Promise<boolean> {
    if (this.blobs.has(sha256)) return true;
    const path = join(this.dir, "partial", `${FETCHING}${randomBytes(8).toString("hex")}.part`);
    const hash = createHash("sha256");
    const file = await open(path, "w");
    try {
      for await (const data of bytes) {
        hash.update(data);
        await file.write(data);
      }
    } catch (err) {
      await file.close();
      await rm(path, { force: true });
      throw err;
    }
    await file.close();
    return this.keepIfMatching(path, hash.digest("hex"), sha256);
  }

  /** Deletes an upload's part file and bookkeeping. */
  async discard(upload: string): Promise<void> {
    await this.closePart(upload);
    await rm(this.partPath(upload), { force: true });
    await rm(this.metaPath(upload), { force: true });
  }

  /** Writes an upload's bookkeeping (uploads.ts), replacing it whole. */
  async saveMeta(upload: string, json: string): Promise<void> {
    const tmp = `${this.metaPath(upload)}.tmp`;
    await writeFile(tmp, json);
    await rename(tmp, this.metaPath(upload));
  }

  /** The bookkeeping of every upload in progress found on disk, by upload id. */
  async loadMetas(): Promise<Map<string, string>> {
    const metas = new Map<string, string>();
    for (const name of readdirSync(join(this.dir, "partial"))) {
      const m = /^([0-9a-f]{32})\.json$/.exec(name);
      if (m) metas.set(m[1]!, await readFile(join(this.dir, "partial", name), "utf8"));
    }
    return metas;
  }

  /** Closes open part files, and removes the directory when it is temporary. */
  async close(): Promise<void> {
    for (const upload of [...this.parts.keys()]) await this.closePart(upload);
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
  }

  private part(upload: string): Promise<FileHandle> {
    let file = this.parts.get(upload);
    if (!file) {
      /* "a+" would ignore positions on Linux; "r+" needs the file: made first with "a". */
      file = writeFile(this.partPath(upload), "", { flag: "a" }).then(() => open(this.partPath(upload), "r+"));
      this.parts.set(upload, file);
      file.catch(() => this.parts.delete(upload));
    }
    return file;
  }

  /** Closes an upload's part file, if open (a finished, discarded or idle upload). */
  async closePart(upload: string): Promise<void> {
    const file = this.parts.get(upload);
    if (!file) return;
    this.parts.delete(upload);
    await (await file.catch(() => undefined))?.close();
  }

  private blobPath = (sha256: string) => join(this.dir, "blobs", sha256);
  private partPath = (upload: string) => join(this.dir, "partial", `${upload}.part`);
  private metaPath = (upload: string) => join(this.dir, "partial", `${upload}.json`);
}
