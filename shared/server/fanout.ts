/**
 * The fan-out: everything the XPUB socket carries. It reads the log's
 * committed tail (never the write path), so whichever engine commits an
 * entry, and however, it is published once, in log order:
 *
 * - each committed message on its channel's topic, and so each edit and
 *   deletion (kind edit:<target>, delete:<target>);
 * - a heartbeat every heartbeatMs, with the heads of channels changed lately;
 * - a sync event for each "\0sync-<token>" subscription;
 * - presence events (joins and leaves) handed to it by the server.
 *
 * Where ZeroMQ can drop here, and what repairs it: XPUB drops for a
 * subscriber past its high-water mark, and anything published to a
 * subscriber that is reconnecting or whose subscription has not arrived
 * (slow joiner). Clients find the hole by numbering (seq, gseq, and the
 * heads in heartbeats) and fill it from history; the sync event tells a
 * new subscriber when its subscriptions are live.
 */
import type { XPublisher } from "zeromq";
import { channelTopic, encodeHeartbeat, encodeMessage, encodePresence, encodeSync, type Heartbeat, type PresenceEvent } from "../protocol/index.js";
import { SendQueue } from "../transport/send-queue.js";
import { SubscriptionReader } from "./subscriptions.js";
import type { CommittedBatch, EventLog } from "./log/event-log.js";

const SYNC = "\0sync-";
/* A sync token is at most this long; longer subscriptions are not sync requests. */
const SYNC_TOPIC_MAX = 64;

/** Publishes on one XPUB socket what one log commits, and the server's events. */
export class Fanout {
  private readonly pub: SendQueue;
  private readonly topics = new Map<string, Buffer>();
  /** Channels with new entries lately (and when), for the heads in heartbeats. */
  private readonly changed = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly subscriptions: SubscriptionReader;

  /** Publishes on `xpub` what `log` commits from now on. */
  constructor(
    xpub: XPublisher,
    private readonly log: EventLog,
    private readonly heartbeatMs: number,
    onError: (sentence: string) => void,
  ) {
    this.pub = new SendQueue(xpub, (err) => onError(`could not publish: ${String(err)}`));
    this.unsubscribe = log.onCommitted((batch) => this.committed(batch));
    xpub.verbosity = "allSubs";
    this.subscriptions = new SubscriptionReader(xpub, (frame) => this.subscribed(frame));
  }

  /** Publishes the presence events a request or the presence timeout caused. */
  presence(events: readonly PresenceEvent[]): void {
    for (const e of events) this.publish(encodePresence(e));
  }

  /** Publishes a heartbeat (the server's timer calls this every heartbeatMs). */
  beat(): void {
    this.pub.send(encodeHeartbeat(this.heartbeat()));
  }

  /**
   * Answers "\0sync-<token>" subscriptions until the socket closes. A client
   * subscribes to its sync topic after its others: the answer can only reach
   * it through that subscription, and subscriptions arrive in order, so
   * receiving it proves the others are active. The reader (subscriptions.ts)
   * keeps no receive waiting while the server publishes a lot: then a sync
   * is answered within its check interval, not at once.
   */
  serveSubscriptions(): Promise<void> {
    return this.subscriptions.run();
  }

  private subscribed(frame: Buffer): void {
    if (frame[0] !== 1) return; // 1: subscribe, 0: unsubscribe
    const topic = frame.subarray(1);
    if (topic.length > SYNC.length && topic.length <= SYNC_TOPIC_MAX && topic.toString("latin1", 0, SYNC.length) === SYNC) {
      this.pub.send(encodeSync(topic.toString("latin1", SYNC.length), this.heartbeat()));
    }
  }

  /** Stops reading the log. */
  stop(): void {
    this.unsubscribe();
  }

  private committed({ entries, numbers }: CommittedBatch): void {
    const now = Date.now();
    const epoch = this.log.epoch;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const n = numbers[i]!;
      /* Named fields, not { ...entry, epoch, ... }: that spread cost V8 several µs a post. */
      const meta = { kind: e.kind, target: e.type === "message" ? undefined : e.target, epoch, seq: n.seq, gseq: n.gseq, id: e.id, user: e.user, time: e.time, account: e.account };
      this.publish(encodeMessage(this.topicOf(e.channel), meta, e.body));
      this.changed.set(e.channel, now);
    }
  }

  /** Publishes a message or presence event; the subscription reader counts it. */
  private publish(frames: (Buffer | string)[]): void {
    this.pub.send(frames);
    this.subscriptions.published();
  }

  private heartbeat(): Heartbeat {
    const now = Date.now();
    const heads: Record<string, number> = {};
    for (const [channel, at] of this.changed) {
      if (now - at > 10 * this.heartbeatMs) this.changed.delete(channel);
      else heads[channel] = this.log.head(channel);
    }
    return { epoch: this.log.epoch, gseq: this.log.gseq, heads, time: new Date(now).toISOString() };
  }

  private topicOf(channel: string): Buffer {
    let t = this.topics.get(channel);
    if (!t) this.topics.set(channel, (t = channelTopic(channel)));
    return t;
  }
}
