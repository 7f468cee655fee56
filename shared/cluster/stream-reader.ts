/**
 * Following a JetStream stream in order, from its first message, for as long
 * as a process runs: what every server does with the cluster's event log
 * (server/log/jetstream.ts) and with the shared state's operations
 * (server/replicated/state-stream.ts). Each applies the stream's messages to
 * something local, in stream order, and must apply every one exactly once,
 * since every server computes the same result only by applying the same
 * sequence. `waitFor(seq)` resolves once message `seq` is applied here (a
 * writer waits for its own message that way).
 *
 * The reader is an ordered consumer (ephemeral, R1, flow-controlled, with
 * idle heartbeats) started at the sequence after the last one applied.
 *
 * Where NATS can drop, and what repairs it:
 * - at start JetStream may not answer yet (no metadata leader while a
 *   majority of nodes starts): ensureStream asks again every 250 ms for
 *   `readyMs`, then gives up with one sentence;
 * - the consumer's node is lost (killed, partitioned, a leader election):
 *   its heartbeats stop (two missed) or the client hears consumer not
 *   found / deleted / no responders; the consumer is stopped and a new one
 *   made from the last applied sequence + 1, 250 ms later;
 * - a consumer that stalls without saying so: when the connection's node
 *   was killed, the client stops the consumer's heartbeat check on the
 *   disconnect and may never restart it, and a consumer whose stream lost
 *   its leader can go quiet (both seen in the leader-kill test). So a
 *   watchdog looks every `stallMs`: a follower that applied nothing while
 *   something is waiting, or while the stream's last sequence is ahead of
 *   it, stops its consumer the same way. An idle follower costs one stream
 *   info request per `stallMs`;
 * - a new consumer overlapping what was applied: a message at or before the
 *   last applied sequence is skipped, so none is applied twice;
 * - a gap in the sequences (a purged stream), or a message `decode` refuses:
 *   the stream cannot be applied the way other servers applied it, so the
 *   follower stops, says so (onError) and rejects every wait, rather than
 *   apply wrongly.
 */
import { DeliverPolicy, StorageType, type ConsumerMessages, type JsMsg, type StreamInfo } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { delay } from "../delay.js";
import { ClusterError, type Cluster } from "./connection.js";

export interface StreamConfig {
  /** The stream's only subject. */
  subject: string;
  /** JetStream's duplicate window: a message republished with the same id within it is stored once. */
  duplicateWindowMs: number;
  /** How long startup waits for JetStream (a metadata leader) to answer. */
  readyMs: number;
  /** Why a stream that does not start at message 1 is refused, e.g. "its numbering cannot be rebuilt". */
  unrebuildable: string;
}

export interface FollowOptions<T> {
  stream: string;
  /** A message as `apply` takes it; undefined when it is not one (the follower stops). */
  decode(m: JsMsg): T | undefined;
  /** What `decode` expects, for the sentence when it refuses one: "a chat entry (format 1)". */
  expected?: string;
  /** Applies consecutive messages in stream order (one at a time unless `groupMax` says more). */
  apply(items: T[]): void;
  /** Messages applied at most at once (a group ends early when the consumer has no more pending). */
  groupMax?: number;
  /** A wait without progress this long recreates the consumer. */
  stallMs: number;
  /** What this server stops doing when the stream cannot be applied: "this server stops reading the log". */
  stopping: string;
  /** Hears of a consumer failing (then recreated) and of the follower stopping. */
  onError(sentence: string): void;
}

/** Adds the stream, or uses the one there; asks again while JetStream has no leader yet. */
export async function ensureStream(cluster: Cluster, stream: string, c: StreamConfig): Promise<StreamInfo> {
  const deadline = Date.now() + c.readyMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await cluster.jsm.streams.info(stream);
    } catch (err) {
      last = err;
      if (/stream not found/i.test(String((err as Error).message))) {
        try {
          return await cluster.jsm.streams.add({
            name: stream, subjects: [c.subject], num_replicas: cluster.replicas, storage: StorageType.File,
            duplicate_window: nanos(c.duplicateWindowMs),
          });
        } catch (err2) {
          last = err2; // another server made it meanwhile (then info finds it), or JetStream is not ready
        }
      }
    }
    await delay(250);
  }
  throw new ClusterError(`JetStream of the NATS cluster at ${cluster.urls.join(", ")} did not answer for ${Math.round(c.readyMs / 1000)} s (${(last as Error)?.message ?? "no answer"}); is a majority of its nodes up?`);
}

/**
 * Makes the follower's stream if missing, starts following it from message 1
 * and resolves once it has applied the stream's last message as of now;
 * rejects (the follower closed) when it cannot.
 */
export async function startFollowing(cluster: Cluster, follower: StreamFollower<unknown>, c: StreamConfig): Promise<StreamInfo> {
  const info = await ensureStream(cluster, follower.stream, c);
  if (info.state.first_seq > 1) {
    throw new ClusterError(`the stream ${follower.stream} starts at message ${info.state.first_seq} (was it purged?): ${c.unrebuildable}`);
  }
  follower.start();
  try {
    await follower.waitFor(info.state.last_seq);
  } catch (err) {
    await follower.close(err as Error);
    throw err;
  }
  return info;
}

/** Applies a stream in order through an ordered consumer that is recreated whenever it fails. */
export class StreamFollower<T> {
  readonly stream: string;
  /** The stream sequence of the last message applied. */
  private applied = 0;
  private readonly waiters: { seq: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private messages: ConsumerMessages | undefined;
  private following: Promise<void> = Promise.resolve();
  /** Set by close(): what a wait is rejected with from then on. */
  private closed: Error | undefined;
  /** Set when the stream cannot be applied on (a gap, a message decode refuses): why. */
  private broken: ClusterError | undefined;
  /** Every `stallMs`: restarts a consumer that applied nothing while there is more to apply. */
  private watchdog: NodeJS.Timeout | undefined;
  /** `applied` at the watchdog's last look, and whether a look is still asking JetStream. */
  private seen = 0;
  private looking = false;

  constructor(private readonly cluster: Cluster, private readonly o: FollowOptions<T>) {
    this.stream = o.stream;
  }

  /** Starts applying from message 1 (startFollowing calls it). */
  start(): void {
    this.following = this.follow();
    this.watchdog = setInterval(() => void this.look(), this.o.stallMs);
    this.watchdog.unref();
  }

  /** Resolves once stream message `seq` is applied (the watchdog restarts a consumer that stalls meanwhile). */
  waitFor(seq: number): Promise<void> {
    if (this.applied >= seq) return Promise.resolve();
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise<void>((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Stops following; every wait still open is rejected with `err`. */
  async close(err: Error): Promise<void> {
    if (this.closed) return;
    this.closed = err;
    clearInterval(this.watchdog);
    this.messages?.stop();
    await this.following;
    this.settleWaiters(err);
  }

  private async follow(): Promise<void> {
    while (!this.closed && !this.broken) {
      let consumer: Awaited<ReturnType<Cluster["js"]["consumers"]["get"]>> | undefined;
      try {
        consumer = await this.cluster.js.consumers.get(this.stream, {
          deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.applied + 1, inactive_threshold: 30_000,
        });
        if (this.closed) break;
        const messages = await consumer.consume({ max_messages: 1000, expires: 5_000 });
        this.messages = messages;
        void this.watch(messages);
        let group: T[] = [];
        for await (const m of messages) {
          const expected = this.applied + group.length + 1;
          if (m.seq < expected) continue; // applied already (a recreated consumer overlapping)
          if (m.seq > expected) {
            this.fail(`the stream ${this.stream} has no message ${expected} (next is ${m.seq}; was it purged?)`);
            break;
          }
          const item = this.o.decode(m);
          if (item === undefined) {
            this.fail(`message ${m.seq} of the stream ${this.stream} is not ${this.o.expected ?? "readable"}`);
            break;
          }
          group.push(item);
          if (m.info.pending === 0 || group.length >= (this.o.groupMax ?? 1)) {
            this.applyGroup(group);
            group = [];
          }
        }
        this.applyGroup(group);
      } catch (err) {
        if (!this.closed) this.o.onError(`reading the stream ${this.stream} failed, retrying: ${(err as Error).message}`);
      } finally {
        this.messages = undefined;
        /* An ordered consumer is ephemeral (gone 30 s after it stops anyway): deleting it is tidiness. */
        consumer?.delete().catch(() => {});
      }
      if (!this.closed && !this.broken) await delay(250);
    }
  }

  /**
   * The watchdog's look: nothing applied since the last one, and a wait
   * open or the stream ahead of this follower, means the consumer stalled;
   * stopping it makes follow() recreate it. A stream info that fails (no
   * leader yet) decides nothing: the next look asks again.
   */
  private async look(): Promise<void> {
    if (this.looking || this.closed || this.broken) return;
    if (this.applied !== this.seen) {
      this.seen = this.applied;
      return;
    }
    this.looking = true;
    try {
      const behind = this.waiters.length > 0 || (await this.cluster.jsm.streams.info(this.stream)).state.last_seq > this.applied;
      if (behind && this.applied === this.seen) this.messages?.stop();
    } catch {
      /* JetStream did not answer: the next look asks again */
    } finally {
      this.looking = false;
    }
  }

  /** Stops a consumer whose node looks gone, so follow() recreates it from the last applied sequence. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const s of messages.status()) {
        if ((s.type === "heartbeats_missed" && s.count >= 2) || s.type === "consumer_not_found" || s.type === "consumer_deleted" || s.type === "no_responders") {
          messages.stop();
        }
      }
    } catch {
      /* the iterator ended with the consumer */
    }
  }

  private applyGroup(group: T[]): void {
    if (group.length === 0) return;
    this.o.apply(group);
    this.applied += group.length;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.seq <= this.applied) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  private fail(sentence: string): void {
    this.broken = new ClusterError(`${sentence}: ${this.o.stopping}`);
    this.o.onError(this.broken.message);
    this.settleWaiters(this.broken);
  }

  private settleWaiters(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
