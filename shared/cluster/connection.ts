/**
 * One connection to the NATS cluster, as `--cluster <url>[,<url>...]` names
 * it: what every cluster module (the JetStream event log, the replicated
 * stores, presence, the server registry, the directory) is given, so that a
 * process holds one NATS connection whatever it shares.
 *
 * The client keeps reconnecting for as long as the process runs (a killed
 * node: it moves to another of the cluster's nodes, learnt from the server's
 * INFO); what was in flight when a node died is repaired by whoever sent it
 * (a publish to a stream is retried with the same message id, so it is
 * stored once).
 *
 * Names are fixed here, one place: streams and buckets every server and
 * directory of one cluster agree on.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { ChatError } from "../errors.js";

/** The streams and buckets of one chat cluster. */
export const NAMES = {
  /** Every channel entry, one subject, so one global order (shared/server/log/jetstream.ts). */
  logStream: "CHAT_LOG",
  logSubject: "chat.log",
  /** Changes to accounts, conversations and watches, applied in order by every server. */
  stateStream: "CHAT_STATE",
  stateSubject: "chat.state",
  /** Hellos and byes, forwarded between servers (core NATS; soft state, refreshed by the next hello). */
  presenceSubject: "chat.presence",
  /** Application servers and their addresses (KV). */
  serversBucket: "chat_servers",
  /** One key per user slot of each server (KV, claimed with create). */
  slotsBucket: "chat_slots",
  /** A server answers a request here to stop when idle (`chat.server.<id>.stop`); the directory asks. */
  serverSubjectPrefix: "chat.server",
  /** File offers by number, and the counter their numbers are claimed from (KV; shared/server/files/cluster-offers.ts). */
  offersBucket: "chat_offers",
  /** Files' bytes by their SHA-256 (object store; shared/server/files/cluster-blobs.ts). */
  filesBucket: "chat_files",
} as const;

/** The cluster could not be reached or used: one sentence. */
export class ClusterError extends ChatError {}

export interface Cluster {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The URLs as given. */
  readonly urls: readonly string[];
  /**
   * How many copies a stream or bucket keeps: 3 when the cluster has three
   * nodes or more (a quorum of 2 acknowledges), else as many as it has.
   */
  readonly replicas: number;
  close(): Promise<void>;
}

/** Splits and checks a `--cluster` value; throws ClusterError on a malformed one. */
export function parseClusterUrls(value: string): string[] {
  const urls = value.split(",").map((u) => u.trim()).filter((u) => u !== "");
  if (urls.length === 0) throw new ClusterError("--cluster needs at least one NATS URL, e.g. nats://127.0.0.1:4222");
  for (const u of urls) {
    if (!/^(nats:\/\/)?[^\s/:]+(:\d{1,5})?$/.test(u) && !/^(nats:\/\/)?\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(u)) {
      throw new ClusterError(`${u} is not a NATS URL (nats://host:port)`);
    }
  }
  return urls;
}

/** Connects to the cluster; rejects with ClusterError when no node answers within `timeoutMs`. */
export async function connectCluster(urls: readonly string[], { name = "chat", timeoutMs = 10_000 } = {}): Promise<Cluster> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: [...urls],
      name,
      timeout: timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 2_000,
      maxPingOut: 2,
    });
  } catch (err) {
    throw new ClusterError(`could not reach the NATS cluster at ${urls.join(", ")} (${(err as Error).message})`, { cause: err });
  }
  const js = jetstream(nc, { timeout: 5_000 });
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc, { timeout: 5_000 });
  } catch (err) {
    await nc.close();
    throw new ClusterError(`the NATS server at ${nc.getServer()} has no JetStream (start it with jetstream enabled)`, { cause: err });
  }
  return {
    nc, js, jsm, urls,
    /* INFO's connect_urls lists the client address of every node of the cluster. */
    replicas: Math.min(3, Math.max(urls.length, nc.info?.connect_urls?.length ?? 1)),
    close: () => nc.close(),
  };
}
