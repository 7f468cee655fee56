/**
 * Publishing to a JetStream stream so that what is acknowledged is stored
 * once: what the cluster's event log (server/log/jetstream.ts) and the
 * shared state (server/replicated/state-stream.ts) do with every write.
 * JetStream acknowledges a publish once a quorum of the stream's nodes has
 * it; a message's id (Nats-Msg-Id) makes a second copy within the stream's
 * duplicate window a no-op whose ack names the first copy's sequence.
 *
 * Messages go out in order on one connection without waiting for each
 * other's acks; the acks are awaited together.
 *
 * Where NATS can drop, and what repairs it: a publish can go unanswered (the
 * ack times out, no responders while a node dies or a leader is elected,
 * which takes a few seconds, the connection moving to another node). Only
 * the unacknowledged messages are published again, with the same ids, after
 * a pause that doubles from `pauseMs` up to `maxPauseMs`, until
 * `patienceMs`; then one ClusterError. Whether a message never acked was
 * stored is then unknown: the caller's retry with the same id settles it. A
 * message published again after a later one of its list was stored lands
 * after it (the order within one list can change; each is stored once).
 */
import type { PubAck } from "@nats-io/jetstream";
import { delay } from "../delay.js";
import { ClusterError, type Cluster } from "./connection.js";

export interface Publication {
  /** The message id: the same id is stored once within the duplicate window. */
  id: string;
  data: Uint8Array;
}

export interface PublishOptions {
  /** How long unacknowledged messages are published again before giving up. */
  patienceMs: number;
  /** How long one publish waits for its ack. */
  ackMs: number;
  /** The pause before the second round; it doubles each round up to `maxPauseMs` (default: no growth). */
  pauseMs: number;
  maxPauseMs?: number;
  /** Asked before each round: an error to stop with instead (the caller closed). */
  stopped?: () => Error | undefined;
}

/** Publishes every message to `subject`, pipelined; resolves with their acks in order. */
export async function publishAll(cluster: Cluster, subject: string, messages: readonly Publication[], o: PublishOptions): Promise<PubAck[]> {
  const acks: (PubAck | undefined)[] = messages.map(() => undefined);
  const deadline = Date.now() + o.patienceMs;
  let why: unknown;
  for (let round = 0; ; round++) {
    const stop = o.stopped?.();
    if (stop) throw stop;
    const sent = messages.map((m, i) => acks[i] ? undefined : cluster.js.publish(subject, m.data, { msgID: m.id, timeout: o.ackMs }));
    (await Promise.allSettled(sent)).forEach((r, i) => {
      if (r.status === "fulfilled" && r.value) acks[i] = r.value;
      else if (r.status === "rejected") why = r.reason;
    });
    const missing = acks.filter((a) => !a).length;
    if (missing === 0) return acks as PubAck[];
    if (Date.now() >= deadline) {
      throw new ClusterError(`the NATS cluster did not acknowledge ${missing} messages within ${Math.round(o.patienceMs / 1000)} s (${(why as Error)?.message ?? "no answer"})`);
    }
    await delay(Math.min(o.pauseMs * 2 ** round, o.maxPauseMs ?? o.pauseMs));
  }
}
