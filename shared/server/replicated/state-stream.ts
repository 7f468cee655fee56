/**
 * The state stream: one JetStream stream (NAMES.stateStream) with one
 * subject (NAMES.stateSubject), so one order, file storage, replicated on
 * the cluster's nodes. Every change to accounts, conversations and watches
 * is published to it as an operation (operation.ts), and every server,
 * the issuer included, reads it from the start with an ordered consumer
 * and applies each operation to its StateMachine in stream order.
 *
 * The issuer awaits its own operation's application and takes the method's
 * result from it (`add` answers false when an earlier operation in the
 * stream took the name): a change is answered only once it is stored by a
 * quorum and applied here, in the order every server applies it.
 *
 * Where NATS can drop, and what covers it:
 * - a publish not acknowledged (timeout, node lost, reconnecting) is
 *   published again with the same message id until PUBLISH_PATIENCE_MS:
 *   JetStream stores it once (its duplicate window), and it is applied once;
 * - an operation acknowledged but not yet seen by this server's consumer
 *   is waited for up to APPLY_PATIENCE_MS; a consumer whose node looks gone
 *   (missed heartbeats, consumer or stream not found) or that makes no
 *   progress while an issuer waits is recreated from the last sequence
 *   applied, and a message at or before it is skipped: none is skipped or
 *   applied twice (the same way as the log's reader, log/jetstream.ts);
 * - a gap in the stream's sequences (a purged stream) cannot be applied
 *   the way other servers did: this server stops applying and says so;
 * - past either patience the request is refused with `unavailable` (the
 *   change may still be applied later: a client's retry of a message is
 *   recognised by its id).
 *
 * Start: the whole stream is replayed before `open` resolves, so a server
 * says it is ready only with the state every other server has.
 */
import { randomUUID } from "node:crypto";
import { DeliverPolicy, StorageType, type ConsumerMessages, type JsMsg, type StreamInfo } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { ClusterError, NAMES, type Cluster } from "../../cluster/connection.js";
import { delay } from "../../delay.js";
import { Refusal } from "../accounts/refusal.js";
import { decodeOperation, encodeOperation, type Operation, type StoreName } from "./operation.js";
import type { StateMachine } from "./state-machine.js";

/** How long a publish is retried (same message id) before the request is refused. */
export const PUBLISH_PATIENCE_MS = 15_000;
/** How long an acknowledged operation is waited for before the request is refused. */
export const APPLY_PATIENCE_MS = 15_000;
/** JetStream's duplicate window on the stream: a retried publish within it is stored once. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** How long startup waits for JetStream (a metadata leader) to answer. */
const READY_MS = 30_000;
/** A wait for an operation without progress this long recreates the consumer. */
const STALL_MS = 3_000;

const UNAVAILABLE = "the cluster could not store the change; try again";

export interface StateStreamOptions {
  /** Another stream and subject than NAMES' (tests: one stream each). */
  stream?: string;
  subject?: string;
  /** Hears of operations that could not be applied (the same on every server), and of the consumer stopping. */
  onError?: (sentence: string) => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

export class StateStream {
  /** The stream sequence of the last operation applied here. */
  private applied = 0;
  private readonly pending = new Map<string, Pending>();
  /** Waits for a sequence to be applied (sync(), open()). */
  private readonly waiting: { seq: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private messages: ConsumerMessages | undefined;
  private following: Promise<void> = Promise.resolve();
  private closed = false;
  /** Set when the stream cannot be applied on (a gap): why. */
  private broken: ClusterError | undefined;
  private readonly stream: string;
  private readonly subject: string;
  private readonly onError: (sentence: string) => void;

  private constructor(private readonly cluster: Cluster, readonly machine: StateMachine, o: StateStreamOptions) {
    this.stream = o.stream ?? NAMES.stateStream;
    this.subject = o.subject ?? NAMES.stateSubject;
    this.onError = o.onError ?? (() => {});
  }

  /** Makes the stream if missing, replays it into `machine` and keeps applying what comes; resolves once replayed. */
  static async open(cluster: Cluster, machine: StateMachine, o: StateStreamOptions = {}): Promise<StateStream> {
    const s = new StateStream(cluster, machine, o);
    const info = await s.ensureStream();
    if (info.state.first_seq > 1) throw new ClusterError(`the stream ${s.stream} starts at message ${info.state.first_seq} (was it purged?): the shared state cannot be rebuilt`);
    s.following = s.follow();
    try {
      await s.caughtUp(info.state.last_seq);
    } catch (err) {
      await s.close();
      throw err;
    }
    return s;
  }

  /**
   * Publishes a change and resolves with its result once applied here;
   * with `onceId`, an operation other servers may issue too (applied once,
   * whoever's copy comes first). Rejects with an `unavailable` Refusal.
   */
  async issue(store: StoreName, method: string, args: unknown[], onceId?: string): Promise<unknown> {
    if (this.closed) throw new Refusal("unavailable", UNAVAILABLE);
    const id = onceId ?? randomUUID();
    if (onceId !== undefined && this.machine.seen(onceId)) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const applied = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    applied.catch(() => {}); // it may be settled before it is awaited (applied before the publish's acknowledgement)
    const op: Operation = { i: id, s: store, m: method, a: args, ...(onceId === undefined ? {} : { o: 1 as const }) };
    try {
      const seq = await this.publish(encodeOperation(op), id);
      /* Stored at `seq` (a duplicate's ack names the first copy's): applied once this server has applied that far. */
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("not applied in time")), APPLY_PATIENCE_MS)));
      return await Promise.race([this.caughtUp(seq).then(() => applied), late]);
    } catch (err) {
      if (err instanceof Refusal) throw err;
      throw new Refusal("unavailable", UNAVAILABLE);
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
  }

  /** Resolves once every operation stored before the call has been applied here. */
  async sync(): Promise<void> {
    let last: number;
    try {
      last = (await this.cluster.jsm.streams.info(this.stream)).state.last_seq;
    } catch {
      throw new Refusal("unavailable", UNAVAILABLE);
    }
    await this.caughtUp(last);
  }

  /** Stops applying; changes still waiting are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.messages?.stop();
    await this.following;
    for (const p of this.pending.values()) p.reject(new Refusal("unavailable", UNAVAILABLE));
    this.pending.clear();
    this.settleWaiters(new Refusal("unavailable", UNAVAILABLE));
  }

  /** Resolves once stream message `seq` is applied here; a wait without progress recreates the consumer (its node may be gone). */
  private caughtUp(seq: number): Promise<void> {
    if (this.applied >= seq) return Promise.resolve();
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<void>((resolve, reject) => {
      let seen = this.applied;
      const timer = setInterval(() => {
        if (this.applied === seen) this.messages?.stop();
        seen = this.applied;
      }, STALL_MS);
      const done = (f: () => void) => () => {
        clearInterval(timer);
        f();
      };
      this.waiting.push({ seq, resolve: done(resolve), reject: (err) => done(() => reject(err))() });
    });
  }

  private settleWaiters(err: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  /* An unacknowledged publish is published again with the same message id: stored once whatever happened to the first. */
  private async publish(data: Uint8Array, id: string): Promise<number> {
    const deadline = Date.now() + PUBLISH_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.cluster.js.publish(this.subject, data, { msgID: id, timeout: 2_000 })).seq;
      } catch (err) {
        if (this.closed || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1_000)));
      }
    }
  }

  /** Adds the stream, or uses the one there; retries while JetStream has no leader yet. */
  private async ensureStream(): Promise<StreamInfo> {
    const { jsm, replicas } = this.cluster;
    const deadline = Date.now() + READY_MS;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        return await jsm.streams.info(this.stream);
      } catch (err) {
        last = err;
        if (/stream not found/i.test(String((err as Error).message))) {
          try {
            return await jsm.streams.add({
              name: this.stream, subjects: [this.subject], storage: StorageType.File, num_replicas: replicas,
              duplicate_window: nanos(DUPLICATE_WINDOW_MS),
            });
          } catch (err2) {
            last = err2; // another server made it meanwhile (then info finds it), or JetStream is not ready
          }
        }
      }
      await delay(250);
    }
    throw new ClusterError(`JetStream of the NATS cluster at ${this.cluster.urls.join(", ")} did not answer for ${READY_MS / 1000} s (${(last as Error)?.message ?? "no answer"}); is a majority of its nodes up?`);
  }

  /** Applies the stream in order for as long as this is open; recreates the consumer from the last applied sequence when it fails. */
  private async follow(): Promise<void> {
    while (!this.closed && !this.broken) {
      let consumer: Awaited<ReturnType<Cluster["js"]["consumers"]["get"]>> | undefined;
      try {
        consumer = await this.cluster.js.consumers.get(this.stream, {
          filter_subjects: this.subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.applied + 1, inactive_threshold: 30_000,
        });
        if (this.closed) break;
        const messages = await consumer.consume({ max_messages: 1000, expires: 5_000 });
        this.messages = messages;
        void this.watch(messages);
        for await (const m of messages) {
          if (m.seq <= this.applied) continue; // applied already (a recreated consumer overlapping)
          if (m.seq > this.applied + 1) {
            this.broken = new ClusterError(`the stream ${this.stream} has no message ${this.applied + 1} (next is ${m.seq}; was it purged?): this server stops applying the shared state`);
            this.onError(this.broken.message);
            this.settleWaiters(this.broken);
            break;
          }
          this.receive(m);
        }
      } catch (err) {
        if (!this.closed) this.onError(`reading the stream ${this.stream} failed, retrying: ${(err as Error).message}`);
      } finally {
        this.messages = undefined;
        consumer?.delete().catch(() => {});
      }
      if (!this.closed && !this.broken) await delay(250);
    }
  }

  /** Stops a consumer whose node looks gone, so follow() recreates it. */
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

  /** Applies one operation, settles its issuer's wait (if it is ours), and the waits it satisfies. */
  private receive(m: JsMsg): void {
    let op: Operation | undefined;
    let result: unknown;
    let failure: unknown;
    try {
      op = decodeOperation(m.data);
      result = this.machine.apply(op);
    } catch (err) {
      failure = err;
      this.onError(`state operation #${m.seq} not applied: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.applied = m.seq;
    const p = op && this.pending.get(op.i);
    if (p) {
      if (failure === undefined) p.resolve(result);
      else p.reject(failure);
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.seq <= this.applied) this.waiting.splice(i, 1)[0]!.resolve();
    }
  }
}
