/**
 * Files' bytes in a cluster: the cluster's object store (NAMES.filesBucket,
 * as many replicas as the cluster keeps) holds every offered file under
 * its SHA-256, and each server's BlobStore is its local copy of the files
 * it received or served. The file service (file-service.ts) uses it as
 * its SharedBlobs:
 *
 * - an upload completed here (its SHA-256 verified) is put into the object
 *   store before its offer is made and the last put acknowledged;
 * - a download of a file this server lacks fetches it from the object store
 *   into the BlobStore first, a chunk at a time to disk (the object store
 *   checks its digest, adopt() the SHA-256 again);
 * - the sweep of every server deletes the objects no live offer refers to
 *   (whichever server comes first; deleting a deleted one changes nothing),
 *   and its own local copies as before.
 *
 * Where NATS can drop: a put whose chunks or final record were not
 * acknowledged is retried whole (the object store purges the chunks of a
 * put that failed); after ATTEMPTS it rejects and the upload is not
 * acknowledged: the client's next put or offer tries again. A fetch that
 * fails rejects and the download is answered "try again"; nothing partial
 * is kept. A delete that fails is tried again by the next sweep.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { StorageType } from "@nats-io/jetstream";
import { Objm, type ObjectStore } from "@nats-io/obj";
import { ClusterError, NAMES, type Cluster } from "../../cluster/connection.js";
import type { BlobStore } from "./blob-store.js";

/** Puts tried before an upload is answered "try again". */
const ATTEMPTS = 3;

/** What the file service needs of a store of files shared by every server. */
export interface SharedBlobs {
  /** Whether the file is stored (so an offer of it needs no upload). */
  has(sha256: string): Promise<boolean>;
  /** Stores the local blob, unless stored already; resolves once the cluster acknowledged (replicated) it. */
  put(sha256: string, local: BlobStore): Promise<void>;
  /** Copies the file into the local store; false when the cluster does not hold it. */
  fetch(sha256: string, local: BlobStore): Promise<boolean>;
  /**
   * Deletes the files not in `live` and stored at least `graceMs` before
   * `now` (a file is stored before its offer is made: the grace keeps an
   * offer being made from losing its bytes).
   */
  sweep(live: ReadonlySet<string>, now: number, graceMs: number): Promise<void>;
}

export class ClusterBlobs implements SharedBlobs {
  private constructor(private readonly os: ObjectStore) {}

  /** Opens (making it if missing) the object store; rejects with ClusterError when the cluster does not answer. */
  static async open(cluster: Cluster): Promise<ClusterBlobs> {
    try {
      return new ClusterBlobs(await new Objm(cluster.js).create(NAMES.filesBucket, { replicas: cluster.replicas, storage: StorageType.File }));
    } catch (err) {
      throw new ClusterError(`could not open the cluster's file store (${(err as Error).message})`, { cause: err });
    }
  }

  async has(sha256: string): Promise<boolean> {
    const info = await this.os.info(sha256);
    return info !== null && !info.deleted;
  }

  async put(sha256: string, local: BlobStore): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.has(sha256)) return;
        const bytes = Readable.toWeb(createReadStream(local.pathOf(sha256), { highWaterMark: 128 * 1024 })) as ReadableStream<Uint8Array>;
        await this.os.put({ name: sha256 }, bytes);
        return;
      } catch (err) {
        if (attempt >= ATTEMPTS) throw new ClusterError(`could not store file ${sha256.slice(0, 8)} in the cluster (${(err as Error).message})`, { cause: err });
      }
    }
  }

  async fetch(sha256: string, local: BlobStore): Promise<boolean> {
    const got = await this.os.get(sha256);
    if (got === null) return false;
    const kept = await local.adopt(sha256, got.data);
    const error = await got.error;
    if (error) throw error;
    return kept;
  }

  async sweep(live: ReadonlySet<string>, now: number, graceMs: number): Promise<void> {
    for (const info of await this.os.list()) {
      if (info.deleted || live.has(info.name) || Date.parse(info.mtime) + graceMs > now) continue;
      await this.os.delete(info.name);
    }
  }
}
