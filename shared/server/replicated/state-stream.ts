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
 * Where NATS can drop, and what covers it (the same as for the log,
 * log/jetstream.ts, through cluster/stream-writer.ts and stream-reader.ts):
 * - a publish not acknowledged (timeout, node lost, reconnecting) is
 *   published again with the same message id until PUBLISH_PATIENCE_MS:
 *   JetStream stores it once (its duplicate window), and it is applied once;
 * - an operation acknowledged but not yet seen by this server's consumer
 *   is waited for up to APPLY_PATIENCE_MS; a consumer whose node looks gone
 *   (missed heartbeats, consumer or stream not found) or that makes no
 *   progress while an issuer waits is recreated from the last sequence
 *   applied, and a message at or before it is skipped: none is skipped or
 *   applied twice;
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
import type { JsMsg } from "@nats-io/jetstream";
import { NAMES, type Cluster } from "../../cluster/connection.js";
import { startFollowing, StreamFollower } from "../../cluster/stream-reader.js";
import { publishAll } from "../../cluster/stream-writer.js";
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
  private readonly pending = new Map<string, Pending>();
  private readonly follower: StreamFollower<JsMsg>;
  private closed = false;
  private readonly stream: string;
  private readonly subject: string;
  private readonly onError: (sentence: string) => void;

  private constructor(private readonly cluster: Cluster, readonly machine: StateMachine, o: StateStreamOptions) {
    this.stream = o.stream ?? NAMES.stateStream;
    this.subject = o.subject ?? NAMES.stateSubject;
    this.onError = o.onError ?? (() => {});
    this.follower = new StreamFollower(cluster, {
      stream: this.stream, decode: (m) => m, apply: (ms) => ms.forEach((m) => this.receive(m)),
      stallMs: STALL_MS, stopping: "this server stops applying the shared state", onError: this.onError,
    });
  }

  /** Makes the stream if missing, replays it into `machine` and keeps applying what comes; resolves once replayed. */
  static async open(cluster: Cluster, machine: StateMachine, o: StateStreamOptions = {}): Promise<StateStream> {
    const s = new StateStream(cluster, machine, o);
    await startFollowing(cluster, s.follower, {
      subject: s.subject, duplicateWindowMs: DUPLICATE_WINDOW_MS, readyMs: READY_MS, unrebuildable: "the shared state cannot be rebuilt",
    });
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
      const [ack] = await publishAll(this.cluster, this.subject, [{ id, data: encodeOperation(op) }], {
        patienceMs: PUBLISH_PATIENCE_MS, ackMs: 2_000, pauseMs: 100, maxPauseMs: 1_000,
        stopped: () => this.closed ? new Refusal("unavailable", UNAVAILABLE) : undefined,
      });
      /* Stored at `seq` (a duplicate's ack names the first copy's): applied once this server has applied that far. */
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("not applied in time")), APPLY_PATIENCE_MS)));
      return await Promise.race([this.follower.waitFor(ack!.seq).then(() => applied), late]);
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
    await this.follower.waitFor(last);
  }

  /** Stops applying; changes still waiting are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.follower.close(new Refusal("unavailable", UNAVAILABLE));
    for (const p of this.pending.values()) p.reject(new Refusal("unavailable", UNAVAILABLE));
    this.pending.clear();
  }

  /** Applies one operation and settles its issuer's wait (if it is ours). */
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
    const p = op && this.pending.get(op.i);
    if (p) {
      if (failure === undefined) p.resolve(result);
      else p.reject(failure);
    }
  }
}
