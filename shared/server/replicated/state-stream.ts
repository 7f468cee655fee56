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
 *   (the consumer reconnecting) is waited for up to APPLY_PATIENCE_MS; the
 *   ordered consumer resumes after the last sequence it delivered, so none
 *   is skipped or applied twice;
 * - past either patience the request is refused with `unavailable` (the
 *   change may still be applied later: a client's retry of a message is
 *   recognised by its id).
 *
 * Start: the whole stream is replayed before `open` resolves, so a server
 * says it is ready only with the state every other server has.
 */
import { randomUUID } from "node:crypto";
import { DeliverPolicy, StorageType, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { ClusterError, NAMES, type Cluster } from "../../cluster/connection.js";
import { Refusal } from "../accounts/refusal.js";
import { decodeOperation, encodeOperation, type Operation, type StoreName } from "./operation.js";
import type { StateMachine } from "./state-machine.js";

/** How long a publish is retried (same message id) before the request is refused. */
export const PUBLISH_PATIENCE_MS = 15_000;
/** How long an acknowledged operation is waited for before the request is refused. */
export const APPLY_PATIENCE_MS = 15_000;
/** JetStream's duplicate window on the stream: a retried publish within it is stored once. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

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
  /** sync() calls waiting for a sequence to be applied. */
  private waiting: { seq: number; resolve: () => void }[] = [];
  private messages: ConsumerMessages | undefined;
  private closed = false;
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
    await s.ensureStream();
    await s.consume();
    await s.sync();
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
      await this.publish(encodeOperation(op), id);
      return await Promise.race([applied, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("not applied in time")), APPLY_PATIENCE_MS)))]);
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
    } catch (err) {
      throw new Refusal("unavailable", UNAVAILABLE);
    }
    if (this.applied >= last) return;
    await new Promise<void>((resolve) => this.waiting.push({ seq: last, resolve }));
  }

  /** Stops applying; changes still waiting are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.messages?.close();
    for (const p of this.pending.values()) p.reject(new Refusal("unavailable", UNAVAILABLE));
    this.pending.clear();
    for (const w of this.waiting) w.resolve();
    this.waiting = [];
  }

  /* An unacknowledged publish is published again with the same message id: stored once whatever happened to the first. */
  private async publish(data: Uint8Array, id: string): Promise<void> {
    const deadline = Date.now() + PUBLISH_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.cluster.js.publish(this.subject, data, { msgID: id, timeout: 2_000 });
        return;
      } catch (err) {
        if (this.closed || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1_000)));
      }
    }
  }

  private async ensureStream(): Promise<void> {
    const { jsm, replicas } = this.cluster;
    try {
      await jsm.streams.add({
        name: this.stream, subjects: [this.subject], storage: StorageType.File, num_replicas: replicas,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    } catch (err) {
      /* Made already, by another server (maybe with other settings: its own are kept). */
      try {
        await jsm.streams.info(this.stream);
      } catch {
        throw new ClusterError(`could not make the state stream ${this.stream} (${(err as Error).message})`, { cause: err });
      }
    }
  }

  private async consume(): Promise<void> {
    const consumer = await this.cluster.js.consumers.get(this.stream, { filter_subjects: this.subject, deliver_policy: DeliverPolicy.All });
    this.messages = await consumer.consume();
    const messages = this.messages;
    void (async () => {
      for await (const m of messages) this.receive(m);
    })().catch((err) => {
      if (!this.closed) this.onError(`the state stream stopped: ${String(err)}`);
    });
  }

  /** Applies one operation, settles its issuer's wait (if it is ours), and the sync() calls it satisfies. */
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
    if (this.waiting.length > 0 && this.waiting.some((w) => w.seq <= this.applied)) {
      const done = this.waiting.filter((w) => w.seq <= this.applied);
      this.waiting = this.waiting.filter((w) => w.seq > this.applied);
      for (const w of done) w.resolve();
    }
  }
}
