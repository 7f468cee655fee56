/**
 * A cluster server's entry in the registry (shared/cluster/registry-records.ts):
 * where clients reach it, re-put every second as its heartbeat, so the
 * directory sends users only to servers that are alive; and its slots kept
 * true: a slot the directory claimed is marked used once its user has said
 * hello here, and deleted once that user has no session left here (a bye,
 * or the presence timeout), which frees it for someone else.
 *
 * It also answers the directory's stop request (`chat.server.<id>.stop`):
 * with no user and no claimed slot it answers "stopping" and calls onStop
 * (mc_server closes and exits 0), else "busy". A request over NATS rather
 * than a signal, so that a directory can stop servers on other hosts.
 *
 * Closing deletes its record and its slots: a server that stops cleanly
 * leaves nothing behind; one that is killed leaves a record whose beat ages,
 * which the directory ignores and eventually removes.
 */
import { randomBytes } from "node:crypto";
import { hostname, networkInterfaces } from "node:os";
import type { KvWatchEntry } from "@nats-io/kv";
import type { Subscription } from "@nats-io/transport-node";
import type { Cluster } from "../../cluster/connection.js";
import { BEAT_MS, CLAIM_MS, openRegistryBuckets, parseSlotKey, slotRecord, stopSubject, type ServerRecord, type SlotRecord } from "../../cluster/registry-records.js";

/** What the registry reads of the running server. */
export interface RegisteredServer {
  readonly postEndpoint: string;
  readonly pubEndpoint: string | undefined;
  readonly fileEndpoint: string | undefined;
  /** The users with a session on this server now. */
  presentUsers(): ReadonlySet<string>;
  /** Tells of every hello, so that a user who came and went between two beats frees the slot too. */
  onHello(listener: (user: string) => void): () => void;
}

/** How far this host's clock may be behind the directory's (a claim's time is the directory's). */
const SKEW_MS = 5000;

export interface RegistryOptions {
  cluster: Cluster;
  server: RegisteredServer;
  /** The directory asked this idle server to stop: close it (and end the process). */
  onStop: () => void;
  /** Failures to reach the cluster, which the registry retries on the next beat. */
  onError?: (sentence: string) => void;
  /** The server's id; random by default. */
  id?: string;
}

export interface Registration {
  readonly id: string;
  readonly record: ServerRecord;
  /** Stops beating; deletes the record and the slots. */
  close(): Promise<void>;
}

/** Registers the server in the cluster and keeps its record and slots up to date until closed. */
export async function registerServer(o: RegistryOptions): Promise<Registration> {
  const { servers, slots } = await openRegistryBuckets(o.cluster);
  const id = o.id ?? randomBytes(4).toString("hex");
  const record: ServerRecord = {
    id,
    post: advertised(o.server.postEndpoint),
    pub: advertised(o.server.pubEndpoint ?? o.server.postEndpoint),
    ...(o.server.fileEndpoint === undefined ? {} : { files: advertised(o.server.fileEndpoint) }),
    pid: process.pid,
    host: hostname(),
    started: Date.now(),
    beat: Date.now(),
  };
  await servers.put(id, JSON.stringify(record));

  /* This server's slots as the bucket has them, with the revision each change must name. */
  const mine = new Map<string, { slot: SlotRecord; revision: number }>();
  const watch = await slots.watch({ key: `${id}.>` });
  const watching = (async () => {
    for await (const e of watch as AsyncIterable<KvWatchEntry>) {
      const slot = slotRecord(e);
      if (slot && parseSlotKey(e.key)) mine.set(e.key, { slot, revision: e.revision });
      else mine.delete(e.key);
    }
  })();

  let closed = false;
  let stopping = false;
  const report = (what: string) => (err: unknown) => {
    if (!closed) o.onError?.(`registry: could not ${what} (${(err as Error).message}); trying again`);
  };
  /* When each user last said hello here: a slot claimed before it has been used, even if the user is gone by the next beat. */
  const arrived = new Map<string, number>();
  const stopHearing = o.server.onHello((user) => {
    arrived.delete(user);
    arrived.set(user, Date.now());
  });
  const reconcile = () => {
    const users = o.server.presentUsers();
    for (const [key, { slot, revision }] of mine) {
      const used = slot.used === true || users.has(slot.user) || (arrived.get(slot.user) ?? 0) >= slot.claimed - SKEW_MS;
      if (used && !users.has(slot.user)) {
        slots.delete(key, { previousSeq: revision }).catch(() => {}); // a newer revision: next beat
      } else if (!slot.used && used) {
        slots.update(key, JSON.stringify({ ...slot, used: true }), revision).catch(() => {});
      }
    }
    /* Oldest first: forget arrivals older than any claim could still be waiting for. */
    for (const [user, at] of arrived) {
      if (Date.now() - at <= CLAIM_MS) break;
      arrived.delete(user);
    }
  };
  const timer = setInterval(() => {
    record.beat = Date.now();
    servers.put(id, JSON.stringify(record)).catch(report("renew this server's record"));
    reconcile();
  }, BEAT_MS).unref();

  /*
   * Idle means no user here and no slot claimed: the bucket is asked, not
   * the watch, which may not have seen a claim made a moment ago.
   */
  const idle = async () => {
    if (o.server.presentUsers().size > 0) return false;
    for await (const _ of await slots.keys(`${id}.>`)) return false;
    return o.server.presentUsers().size === 0;
  };
  const stop: Subscription = o.cluster.nc.subscribe(stopSubject(id), {
    callback: (err, msg) => {
      if (err || closed) return;
      void idle().catch(() => false).then((yes) => {
        msg.respond(yes || stopping ? "stopping" : "busy");
        if (yes && !stopping) {
          stopping = true;
          o.onStop();
        }
      });
    },
  });

  return {
    id,
    record,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      stopHearing();
      stop.unsubscribe();
      watch.stop();
      await watching.catch(() => {});
      await Promise.allSettled([servers.delete(id), ...[...mine.keys()].map((k) => slots.delete(k))]);
    },
  };
}

/**
 * The endpoint as a client elsewhere connects to it: a server bound to
 * every interface (`*`, 0.0.0.0, ::) is reached at this host's first
 * external address (loopback when it has none).
 */
export function advertised(endpoint: string): string {
  const m = /^tcp:\/\/(\*|0\.0\.0\.0|\[::\]):(\d+)$/.exec(endpoint);
  if (!m) return endpoint;
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal);
  return `tcp://${external?.address ?? "127.0.0.1"}:${m[2]}`;
}
