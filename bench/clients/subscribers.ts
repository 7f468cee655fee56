/**
 * Subscribers for the fan-out and memory figures. The same code listens to
 * mc_server and to the bare baseline: both publish [topic, meta, body] with
 * the meta frame "kind epoch seq gseq id user time".
 */
import { Subscriber } from "zeromq";
import { channelTopic, EVENTS_TOPIC } from "../../shared/protocol/index.js";
import { wallMs } from "./post-frames.js";

/** The channel posted to until every subscriber has heard it: proof its subscriptions are active. */
export const WARM_CHANNEL = "warm";
const WARM_TOPIC = channelTopic(WARM_CHANNEL);

export interface Delivery {
  received: number;
  /** Times a seq was not the previous one plus 1 (a loss or a reorder). */
  gaps: number;
  firstSeq: number;
  lastSeq: number;
  firstAtMs: number;
  lastAtMs: number;
}

/** Field `k` (from 0) of a meta frame, read as a decimal number without making a string. */
export function metaNumber(meta: Buffer, k: number): number {
  let field = 0;
  let n = 0;
  for (let i = 0; i < meta.length; i++) {
    const b = meta[i]!;
    if (b === 0x20) {
      if (field === k) return n;
      field++;
    } else if (field === k) {
      n = n * 10 + b - 0x30;
    }
  }
  return field === k ? n : -1;
}

/**
 * Counts one channel's messages and checks their seq numbers follow each
 * other. `ready` resolves at the first message of the warm channel.
 */
export class CountingSubscriber {
  readonly ready: Promise<void>;
  private readonly sub: Subscriber;
  private readonly d: Delivery = { received: 0, gaps: 0, firstSeq: -1, lastSeq: -1, firstAtMs: 0, lastAtMs: 0 };
  private expect = Infinity;
  private onDone: (() => void) | undefined;

  constructor(pub: string, channel: string, receiveHighWaterMark: number) {
    this.sub = new Subscriber({ linger: 0, receiveHighWaterMark });
    this.sub.subscribe(channelTopic(channel));
    this.sub.subscribe(WARM_TOPIC); // after the channel's, so hearing it proves both are active
    this.sub.connect(pub);
    let heard!: () => void;
    this.ready = new Promise((r) => (heard = r));
    void this.receive(heard);
  }

  /** Resolves after `expect` messages, or once none has come for `idleMs`. */
  collect(expect: number, idleMs: number): Promise<Delivery> {
    this.expect = expect;
    return new Promise((resolve) => {
      const finish = () => {
        clearInterval(timer);
        this.sub.close();
        resolve(this.d);
      };
      const started = wallMs();
      const timer = setInterval(() => {
        if (wallMs() - Math.max(started, this.d.lastAtMs) > idleMs) finish();
      }, 100);
      this.onDone = finish;
      if (this.d.received >= expect) finish();
    });
  }

  private async receive(heard: () => void): Promise<void> {
    try {
      for await (const [topic, meta] of this.sub) {
        if (topic!.equals(WARM_TOPIC)) {
          heard();
          continue;
        }
        const d = this.d;
        const seq = metaNumber(meta!, 2);
        d.lastAtMs = wallMs();
        if (d.received === 0) {
          d.firstSeq = seq;
          d.firstAtMs = d.lastAtMs;
        } else if (seq !== d.lastSeq + 1) {
          d.gaps++;
        }
        d.lastSeq = seq;
        if (++d.received >= this.expect) this.onDone?.();
      }
    } catch {
      /* closed */
    }
  }
}

/** `count` connected SUB sockets that never read, each following one channel and the events, like an idle client. */
export function idleSubscribers(pub: string, count: number, channel: string): { close(): void } {
  const subs: Subscriber[] = [];
  for (let i = 0; i < count; i++) {
    const sub = new Subscriber({ linger: 0 });
    sub.subscribe(channelTopic(channel));
    sub.subscribe(EVENTS_TOPIC);
    sub.connect(pub);
    subs.push(sub);
  }
  return { close: () => subs.forEach((s) => s.close()) };
}
