/**
 * The cluster engine (mc_server --cluster): every entry is a message of one
 * JetStream stream (NAMES.logStream) on ONE subject (NAMES.logSubject),
 * replicated on `cluster.replicas` nodes (R3 on three), file storage, a
 * duplicate window of two minutes (JetStream's default, set explicitly).
 * Several servers share it: each writes to the stream and reads all of it.
 *
 * Numbering. Each server keeps a local index, a MemoryLog fed ONLY from an
 * ordered consumer of the stream, in stream order, from message 1: gseq is
 * the stream sequence (checked: the stream is never purged, so it has no
 * gaps; a gap or an unreadable message is reported and this server stops
 * reading rather than number wrongly), and a channel's seq is the entry's
 * place among that channel's entries in stream order. Every server replays
 * the same order, so every server computes the same numbers, with no round
 * trip to agree on them and no contention between servers posting to one
 * channel. The alternative, a subject per channel published with
 * expected-last-subject-sequence, gives per-channel numbers from the stream
 * itself but loses the one order across channels that every reader needs
 * (ALL, gseq, the fan-out's order), and makes concurrent posters to a
 * channel fail and retry.
 *
 * Reads (read, head, channels, lookup, lastMessage, gseq) are the index's,
 * synchronous; onCommitted listeners are the index's, so the fan-out, the
 * record printer and alerts of every server see every server's entries in
 * the same order (grouped as they arrive, not as they were written).
 *
 * Writes. appendBatch publishes each entry with its request id as the
 * message id (Nats-Msg-Id), so a retried post is stored once (the ack says
 * `duplicate` and carries the first copy's sequence). JetStream acknowledges
 * a publish once a quorum of the stream's nodes has it: that is what
 * "acknowledged" means here (in memory on a quorum; nats-server 2.9 writes
 * to disk asynchronously and has no sync_interval option: README, Cluster).
 * A batch's publishes go out in order on one connection without waiting for
 * each ack; the acks are awaited together, except that a post sent behind
 * the same client's previous one (`after`) goes out once that one is
 * acked, so that a client's posts in flight are stored in the order sent. An unanswered publish (timeout,
 * no responders, a node dying, a leader election, which takes a few
 * seconds) is published again, same message id, for up to RETRY_MS; then
 * the batch is refused (the client hears `unavailable` and reports the line
 * not posted; a retry with the same id is stored once). A publish retried
 * after a later one of its batch (another client's) was stored lands after
 * it: the numbers are right (they come from the index), only the order of
 * different authors within that batch changes. Once acked, appendBatch waits until
 * the index has applied the highest sequence acked and answers with
 * index.lookup(id), which is right for duplicates too.
 *
 * An edit or deletion is checked against the index before publishing; two
 * servers changing one message at once can both pass, and then the later
 * one in the stream finds its message deleted: the index keeps it numbered
 * with no effect (MemoryLog.replay).
 *
 * Where NATS can drop and what repairs it: the writing side is
 * cluster/stream-writer.ts (an unacked publish is published again with the
 * same id), the reading side cluster/stream-reader.ts (the ordered consumer
 * is recreated from the last applied sequence when its node is lost or when
 * an append waits for the index without progress; overlaps are skipped; a
 * gap stops this server's reading).
 *
 * Deletions: the index blanks a deleted message's text as memory.ts does,
 * but the stream keeps its bytes: a JetStream message cannot be rewritten,
 * and erasing it would leave a gap that breaks the numbering of a server
 * that starts later. (A limitation the SQLite engine does not have.)
 *
 * Epoch: derived from the stream's name and creation time, so it is the
 * same on every server and across restarts.
 *
 * A stream message, format 1:
 *
 *   payload: JSON meta | 0x0A | body bytes
 *   meta:    {"v":1,"type","id","channel","user","time","kind","received",
 *             "account"?:1,"target"?}
 *
 * (JSON never contains a raw newline, so the first 0x0A ends it.) The
 * receive time is the writer's; the index keeps receive times
 * nondecreasing along the log as every engine does.
 */
import { createHash } from "node:crypto";
import type { JsMsg, StreamInfo } from "@nats-io/jetstream";
import { ClusterError, NAMES, type Cluster } from "../../cluster/connection.js";
import { startFollowing, StreamFollower, type StreamConfig } from "../../cluster/stream-reader.js";
import { publishAll } from "../../cluster/stream-writer.js";
import type { CommittedBatch, EventLog, LogEntry, Numbers, StoredEntry } from "./event-log.js";
import { MemoryLog } from "./memory.js";

/** How long a batch's publishes are retried before the batch is refused. */
const RETRY_MS = 10_000;
/** How long one publish waits for its ack before it is published again. */
const ACK_MS = 2_000;
/** How long startup waits for JetStream (a metadata leader) to answer. */
const READY_MS = 30_000;
/** The stream's duplicate window (JetStream's default, set explicitly). */
const DUPLICATE_WINDOW_MS = 120_000;
/** An append waiting this long for the index without progress recreates the consumer. */
const STALL_MS = 3_000;
/** Entries applied to the index (and told to listeners) at most at once. */
const GROUP_MAX = 256;
const FORMAT = 1;

export interface JetStreamLogOptions {
  /** The stream and its subject (tests use a fresh stream per case). */
  stream?: string;
  subject?: string;
  /** Hears about failures that are not a client's fault. */
  onError?: (sentence: string) => void;
  retryMs?: number;
  readyMs?: number;
}

/**
 * Opens the cluster's log: makes the stream if missing, then replays it into
 * the local index up to its last message as of now before resolving.
 */
export async function openJetStreamLog(cluster: Cluster, o: JetStreamLogOptions = {}): Promise<JetStreamLog> {
  const stream = o.stream ?? NAMES.logStream;
  const subject = o.subject ?? NAMES.logSubject;
  const index = new MemoryLog();
  const follower = new StreamFollower(cluster, {
    stream, decode, expected: `a chat entry (format ${FORMAT})`, apply: (group) => index.replay(group),
    groupMax: GROUP_MAX, stallMs: STALL_MS, stopping: "this server stops reading the log",
    onError: o.onError ?? ((s) => process.stderr.write(`${s}\n`)),
  });
  const config: StreamConfig = { subject, duplicateWindowMs: DUPLICATE_WINDOW_MS, readyMs: o.readyMs ?? READY_MS, unrebuildable: "its numbering cannot be rebuilt" };
  const info = await startFollowing(cluster, follower, config);
  return new JetStreamLog(cluster, stream, subject, info, index, follower, o);
}

/** The event log on a JetStream stream, read through a local index. */
export class JetStreamLog implements EventLog {
  readonly epoch: string;
  readonly groupCommit = true;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    readonly stream: string,
    private readonly subject: string,
    info: StreamInfo,
    /** Fed only by the follower, in stream order. */
    private readonly index: MemoryLog,
    private readonly follower: StreamFollower<LogEntry>,
    private readonly o: JetStreamLogOptions,
  ) {
    this.epoch = createHash("sha256").update(`${stream} ${info.created}`).digest("hex").slice(0, 8);
  }

  get gseq(): number {
    return this.index.gseq;
  }

  head(channel: string): number {
    return this.index.head(channel);
  }

  channels(): { name: string; messages: number }[] {
    return this.index.channels();
  }

  lookup(id: string): Numbers | undefined {
    return this.index.lookup(id);
  }

  read(channel: string, after: number | undefined, limit: number, since?: number): StoredEntry[] {
    return this.index.read(channel, after, limit, since);
  }

  lastMessage(channel: string, user: string): StoredEntry | undefined {
    return this.index.lastMessage(channel, user);
  }

  onCommitted(listener: (batch: CommittedBatch) => void): () => void {
    return this.index.onCommitted(listener);
  }

  async appendBatch(entries: readonly LogEntry[]): Promise<Numbers[]> {
    if (entries.length === 0) return [];
    this.check(entries);
    const acks = await publishAll(this.cluster, this.subject, entries.map((e) => ({ id: e.id, data: encode(e), ...(e.after === undefined ? {} : { after: e.after }) })), {
      patienceMs: this.o.retryMs ?? RETRY_MS, ackMs: ACK_MS, pauseMs: 200,
      stopped: () => this.closed ? new ClusterError("the log is closed") : undefined,
    });
    await this.caughtUp(Math.max(...acks.map((a) => a.seq)));
    return entries.map((e) => {
      const n = this.index.lookup(e.id);
      if (!n) throw new ClusterError(`message ${e.id} was acknowledged but is not in the log`);
      return n;
    });
  }

  /**
   * Throws unless every edit and deletion of a batch changes a message that
   * is not deleted: one in the index, or one earlier in the batch (numbered
   * as if nobody else wrote meanwhile; the stream's order decides in the end).
   */
  private check(entries: readonly LogEntry[]): void {
    const added = new Map<string, number>();
    const inBatch = new Map<string, LogEntry["type"]>();
    const deleted = new Set<string>();
    for (const e of entries) {
      const seq = this.index.head(e.channel) + (added.get(e.channel) ?? 0) + 1;
      added.set(e.channel, (added.get(e.channel) ?? 0) + 1);
      if (e.type !== "message") {
        const key = `${e.channel}\0${e.target}`;
        let ok = inBatch.get(key) === "message";
        if (e.target <= this.index.head(e.channel)) {
          try {
            this.index.checkChanges([e]);
            ok = true;
          } catch {
            ok = false;
          }
        }
        if (!ok || deleted.has(key)) throw new Error(`${e.type} of #${e.target} in ${e.channel}: no such message`);
        if (e.type === "delete") deleted.add(key);
      }
      inBatch.set(`${e.channel}\0${seq}`, e.type);
    }
  }

  /**
   * Resolves once the index has applied stream message `seq`. An append
   * that waits without progress recreates the consumer (its node may be gone).
   */
  caughtUp(seq: number): Promise<void> {
    return this.follower.waitFor(seq);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.follower.close(new ClusterError("the log is closed"));
  }
}

/** An entry as a stream message's payload (format in the header comment). */
export function encode(e: LogEntry): Buffer {
  const meta: Record<string, unknown> = { v: FORMAT, type: e.type, id: e.id, channel: e.channel, user: e.user, time: e.time, kind: e.kind, received: e.received };
  if (e.account) meta.account = 1;
  if (e.type !== "message") meta.target = e.target;
  return Buffer.concat([Buffer.from(JSON.stringify(meta), "utf8"), NEWLINE, e.body]);
}

const NEWLINE = Buffer.from("\n");

/** A stream message's entry; undefined when it is not one (another format, another writer). */
export function decode(m: Pick<JsMsg, "data">): LogEntry | undefined {
  const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  const nl = data.indexOf(0x0a);
  if (nl < 0) return undefined;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(data.toString("utf8", 0, nl)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (meta.v !== FORMAT || typeof meta.id !== "string" || typeof meta.channel !== "string") return undefined;
  const body = Buffer.from(data.subarray(nl + 1));
  const base = { id: meta.id, channel: meta.channel, user: String(meta.user), time: String(meta.time), received: Number(meta.received), body };
  if (meta.type === "message") {
    return { type: "message", ...base, kind: meta.kind === "me" ? "me" : "say", ...(meta.account ? { account: true as const } : {}) };
  }
  if (meta.type === "edit" || meta.type === "delete") {
    return { type: meta.type, kind: meta.type, ...base, target: Number(meta.target), account: true };
  }
  return undefined;
}
