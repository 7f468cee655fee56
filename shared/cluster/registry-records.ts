/**
 * What the servers bucket and the slots bucket hold (NAMES.serversBucket,
 * NAMES.slotsBucket), read and written by the servers (their registry) and
 * by the directory: one place for the key layout and the value shapes, and
 * for opening the buckets the same way on every side.
 *
 *   chat_servers  <serverId>      {id, post, pub, files?, pid, host, started, beat}   re-put every second
 *   chat_slots    <serverId>.<n>  {user, claimed, used?}                              n = 0 .. capacity-1
 *
 * A slot is claimed by the directory with KV create (which fails when the
 * key holds a value), so two directories never give one slot twice; the
 * server marks it `used` when the user's hello arrives and deletes it when
 * the user has no session left; the directory deletes a slot never used
 * within CLAIM_MS, and the slots of a server that stopped beating.
 */
import { Kvm, type KV, type KvEntry } from "@nats-io/kv";
import { ClusterError, NAMES, type Cluster } from "./connection.js";

/** A server as clients reach it. */
export interface ServerRecord {
  id: string;
  post: string;
  pub: string;
  /** The file port's endpoint, when it has one. */
  files?: string | undefined;
  pid: number;
  host: string;
  /** ms since the Unix epoch. */
  started: number;
  /** The last heartbeat, ms since the Unix epoch. */
  beat: number;
}

/** A user's place on a server. */
export interface SlotRecord {
  user: string;
  /** When the directory claimed it (ms since the Unix epoch). */
  claimed: number;
  /** Set by the server once the user has said hello there. */
  used?: boolean;
}

/** How often a server re-puts its record. */
export const BEAT_MS = 1000;
/** A server whose beat is older than this is not given users. */
export const LIVE_MS = 3000;
/** A slot claimed but not used for this long is freed by the directory. */
export const CLAIM_MS = 30_000;

/** The slot key of slot `n` of `server`. */
export const slotKey = (server: string, n: number): string => `${server}.${n}`;

/** The server id and slot number of a slot key. */
export function parseSlotKey(key: string): { server: string; n: number } | undefined {
  const m = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(key);
  return m ? { server: m[1]!, n: Number(m[2]) } : undefined;
}

/** A server record from a KV entry; undefined for a deletion or a value that is not one. */
export function serverRecord(e: KvEntry): ServerRecord | undefined {
  const v = value(e);
  if (!v || typeof v.id !== "string" || typeof v.post !== "string" || typeof v.pub !== "string" || typeof v.beat !== "number") return undefined;
  return v as unknown as ServerRecord;
}

/** A slot record from a KV entry; undefined for a deletion or a value that is not one. */
export function slotRecord(e: KvEntry): SlotRecord | undefined {
  const v = value(e);
  if (!v || typeof v.user !== "string" || typeof v.claimed !== "number") return undefined;
  return v as unknown as SlotRecord;
}

function value(e: KvEntry): Record<string, unknown> | undefined {
  if (e.operation !== "PUT") return undefined;
  try {
    const v: unknown = e.json();
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The two buckets of one cluster, created when missing (replicas as the cluster has them, one value kept per key). */
export async function openRegistryBuckets(cluster: Cluster): Promise<{ servers: KV; slots: KV }> {
  const kvm = new Kvm(cluster.js);
  try {
    const [servers, slots] = await Promise.all([
      kvm.create(NAMES.serversBucket, { replicas: cluster.replicas, history: 1 }),
      kvm.create(NAMES.slotsBucket, { replicas: cluster.replicas, history: 1 }),
    ]);
    return { servers, slots };
  } catch (err) {
    throw new ClusterError(`could not open the cluster's server registry (${(err as Error).message})`, { cause: err });
  }
}

/** The subject a server answers stop requests on. */
export const stopSubject = (server: string): string => `${NAMES.serverSubjectPrefix}.${server}.stop`;
