/**
 * The files of part 4's server, wired: the blob store in --files (or a
 * temporary directory), the offers (in the store file with --store), the
 * service, and the file port's ROUTER on the post port's address.
 * chat-server.ts starts one of these when it is given file options.
 *
 * With a cluster, the offers are the cluster's (cluster-offers.ts, not the
 * store file's) and the bytes are shared through its object store
 * (cluster-blobs.ts); the local directory is this server's copy.
 */
import type Database from "better-sqlite3";
import { Router } from "zeromq";
import { MAX_FRAME_BYTES } from "../../protocol/limits.js";
import { BindError, zmqErrorCode } from "../../errors.js";
import type { Cluster } from "../../cluster/connection.js";
import { isIpv6Endpoint } from "../../transport/endpoint.js";
import { BlobStore } from "./blob-store.js";
import { FilePort } from "./file-port.js";
import { FileService, type FileDeps, type FileLimits } from "./file-service.js";
import { Offers, type OfferStore } from "./offers.js";

export type { FileEvent, FileLimits } from "./file-service.js";

/** mc_server's file options. */
export interface FileOptions {
  /** The file port; 0: any free port. */
  port: number;
  /** --files: where the bytes live; a temporary directory (removed when the server stops) when absent. */
  dir?: string | undefined;
  /** The store file's connection (--store): offers are kept there. */
  database?: Database.Database | undefined;
  /** --cluster: offers and bytes shared by every server of the cluster (then `database` keeps no offers). */
  cluster?: Cluster | undefined;
  limits: FileLimits;
}

/** The running file port. */
export interface Files {
  /** The endpoint bound (port 0 resolved), and its port. */
  readonly endpoint: string;
  readonly port: number;
  readonly service: FileService;
  close(): Promise<void>;
}

/** The post endpoint with another port: the file port listens on the same address. */
export const beside = (post: string, port: number): string => post.replace(/:[^:\]]+$/, `:${port}`);

/**
 * Opens the store and binds the file port beside `post`; throws BindError
 * when the port is unusable. The sweep runs now and every so often after.
 */
export async function startFiles(
  o: FileOptions,
  post: string,
  socketOptions: object,
  deps: Omit<FileDeps, "blobs" | "offers" | "shared">,
  onRefused?: (op: string, code: string) => void,
): Promise<Files> {
  const onError = deps.onError ?? ((s: string) => process.stderr.write(`${s}\n`));
  /* The cluster's engines are loaded only with a cluster: a single server's start does not grow. */
  const offers: OfferStore = o.cluster ? await (await import("./cluster-offers.js")).ClusterOffers.open(o.cluster, onError) : new Offers(o.database);
  const shared = o.cluster ? await (await import("./cluster-blobs.js")).ClusterBlobs.open(o.cluster).catch(async (err: unknown) => {
    await offers.close?.();
    throw err;
  }) : undefined;
  const blobs = o.dir === undefined ? BlobStore.temporary() : new BlobStore(o.dir);
  const service = new FileService({ ...deps, blobs, offers, shared }, o.limits);
  await service.open();
  const endpoint = beside(post, o.port);
  const router = new Router({ linger: 0, sendTimeout: 0, maxMessageSize: MAX_FRAME_BYTES, ipv6: isIpv6Endpoint(endpoint), ...socketOptions });
  try {
    await router.bind(endpoint);
  } catch (err) {
    router.close();
    await blobs.close();
    await offers.close?.();
    throw new BindError(endpoint, zmqErrorCode(err), { cause: err });
  }
  const port = new FilePort(router, service, onError, onRefused);
  const loop = port.serve().catch((err) => {
    if (!router.closed) onError(`file port loop stopped: ${String(err)}`);
  });
  /* One sweep at a time: in a cluster one may take longer than the interval (NATS slow or failing over). */
  let sweeping: Promise<void> | undefined;
  const sweep = () => (sweeping ??= service.sweep(Date.now())
    .catch((err) => onError(`file sweep failed: ${err instanceof Error ? err.message : String(err)}`))
    .finally(() => (sweeping = undefined)));
  await sweep();
  /* Often enough for a short TTL to be kept to within a quarter of it; at most once a minute. */
  const timer = setInterval(sweep, Math.min(60_000, Math.max(250, o.limits.ttlMs / 4)));
  timer.unref();
  const bound = router.lastEndpoint ?? endpoint;
  return {
    endpoint: bound,
    port: Number(/:(\d+)$/.exec(bound)?.[1] ?? o.port),
    service,
    async close() {
      clearInterval(timer);
      if (!router.closed) router.close();
      await loop;
      await port.drain();
      await sweeping;
      await service.close();
      await blobs.close();
      await offers.close?.();
    },
  };
}
