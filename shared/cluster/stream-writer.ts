/**
 * Publishing to a JetStream stream so that what is acknowledged is stored
 * once: what the cluster's event log (server/log/jetstream.ts) and the
 * shared state (server/replicated/state-stream.ts) do with every write.
 * JetStream acknowledges a publish once a quorum of the stream's nodes has
 * it; a message's id (Nats-Msg-Id) makes a second copy within the stream's
 * duplicate window a no-op whose ack names the first copy's sequence.
 *
 * Messages go out in order on one connection without waiting for each
 * other's acks; the acks are awaited together. A message that names one
 * earlier in the list (`after`: a client's post sent behind its previous
 * one) goes out once that one is acknowledged, so it is stored after it.
 *
 * Where NATS can drop, and what repairs it: a publish can go unanswered (the
 * ack times out, no responders while a node dies or a leader is elected,
 * which takes a few seconds, the connection moving to another node). Only
 * the unacknowledged messages are published again, with the same ids, after
 * a pause that doubles from `pauseMs` up to `maxPauseMs`, until
 * `patienceMs`; then one ClusterError. Whether a message never acked was
 * stored is then unknown: the caller's retry with the same id settles it. A
 * message published again after a later one of its list was stored lands
 * after it: the order within one list can change, except where `after`
 * says, and each is stored once.
 */
import type { PubAck } from "@nats-io/jetstream";
import { delay } from "../delay.js";
import { ClusterError, type Cluster } from "./connection.js";

export interface Publication {
  /** The message id: the same id is stored once within the duplicate window. */
  id: string;
  data: Uint8Array;
  /** The id of a message earlier in the list to be stored before this one: this one is published once that one is acked. */
  after?: string;
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

/** Publishes every message to `subject`, pipelined (each after the one it names); resolves with their acks in order. */
export async function publishAll(cluster: Cluster, subject: string, messages: readonly Publication[], o: PublishOptions): Promise<PubAck[]> {
  const acks: (PubAck | undefined)[] = messages.map(() => undefined);
  const before = predecessors(messages);
  const deadline = Date.now() + o.patienceMs;
  let why: unknown;
  for (let failures = 0; ;) {
    const stop = o.stopped?.();
    if (stop) throw stop;
    /* Unacked messages whose predecessor (if any) is acked go out now; the rest wait for a later round. */
    const sent = messages.map((m, i) => acks[i] || (before[i]! >= 0 && !acks[before[i]!])
      ? undefined
      : cluster.js.publish(subject, m.data, { msgID: m.id, timeout: o.ackMs }));
    let failed = false;
    (await Promise.allSettled(sent)).forEach((r, i) => {
      if (r.status === "fulfilled" && r.value) acks[i] = r.value;
      else if (r.status === "rejected") {
        why = r.reason;
        failed = true;
      }
    });
    const missing = acks.filter((a) => !a).length;
    if (missing === 0) return acks as PubAck[];
    if (!failed) continue; // every publish was acked: the messages waiting for them go out at once
    if (Date.now() >= deadline) {
      throw new ClusterError(`the NATS cluster did not acknowledge ${missing} messages within ${Math.round(o.patienceMs / 1000)} s (${(why as Error)?.message ?? "no answer"})`);
    }
    await delay(Math.min(o.pauseMs * 2 ** failures++, o.maxPauseMs ?? o.pauseMs));
  }
}

/** For each message, the index of the earlier one it names (`after`), or -1. */
function predecessors(messages: readonly Publication[]): number[] {
  const at = new Map<string, number>();
  return messages.map((m, i) => {
    const previous = m.after === undefined ? -1 : at.get(m.after) ?? -1;
    at.set(m.id, i);
    return previous;
  });
}
