/**
 * Reads the XPUB socket's subscription messages without keeping a receive
 * waiting on it while the server publishes a lot.
 *
 * Why: zeromq.js asks libzmq for a socket's events (ZMQ_EVENTS, a poll()
 * and a getpid() system call) after every send on a socket that has a
 * receive waiting, to see whether that receive can now complete. With a
 * receive always waiting on the XPUB, every publication paid for that
 * check. Measured with strace (README, Performance): the main thread's
 * poll() calls per message fell from 3.2 to 2.0 with one poster feeding one
 * subscriber, and from 3.6 to 2.8 per post with 16 closed-loop clients,
 * whose server CPU per post fell about 4%.
 *
 * So the reader has two modes:
 * - quiet: a receive waits, for at most `waitMs`; a subscription is read
 *   the moment it arrives. When at least `busyAfter` publications went out
 *   during one wait, the reader turns busy.
 * - busy: no receive waits; every `checkMs` the reader asks once whether a
 *   subscription has arrived and reads those that have. A check that finds
 *   nothing published since the one before turns it quiet again.
 * A subscription therefore waits at most `checkMs` for its answer (a sync
 * event) while the server is busy, and not at all while it is quiet.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { XPublisher } from "zeromq";

export interface SubscriptionReaderOptions {
  /** A quiet wait's limit, after which the reader decides again (ms). */
  waitMs: number;
  /** Publications during one quiet wait that make the reader busy. */
  busyAfter: number;
  /** How often a busy reader looks for subscriptions (ms). */
  checkMs: number;
  /** Waits `ms` (a timer; a test passes its own). */
  pause?: (ms: number) => Promise<unknown>;
}

export const SUBSCRIPTION_READER: SubscriptionReaderOptions = { waitMs: 100, busyAfter: 8, checkMs: 5 };

/** What the reader uses of the XPUB socket. */
export type SubscriptionSocket = Pick<XPublisher, "closed" | "readable" | "receive" | "receiveTimeout">;

export class SubscriptionReader {
  private publications = 0;

  /** `take` gets each message the XPUB receives: 1 or 0 (subscribe, unsubscribe), then the topic. */
  constructor(
    private readonly xpub: SubscriptionSocket,
    private readonly take: (frame: Buffer) => void,
    private readonly o: SubscriptionReaderOptions = SUBSCRIPTION_READER,
  ) {
    xpub.receiveTimeout = o.waitMs;
  }

  /** Counts one publication (the fan-out tells each message, not its heartbeats). */
  published(): void {
    this.publications++;
  }

  /** Reads subscriptions until the socket closes. */
  async run(): Promise<void> {
    while (!this.xpub.closed) {
      const before = this.publications;
      try {
        const [frame] = await this.xpub.receive();
        if (frame) this.take(frame);
      } catch (err) {
        if (this.xpub.closed) return;
        if ((err as { code?: string }).code !== "EAGAIN") throw err;
      }
      if (this.publications - before >= this.o.busyAfter) await this.busy();
    }
  }

  /** Looks for subscriptions every checkMs, with no receive waiting, until a check finds nothing published since the last. */
  private async busy(): Promise<void> {
    let seen: number;
    do {
      seen = this.publications;
      await (this.o.pause ?? delay)(this.o.checkMs);
      /* readable asks libzmq once; a receive on a readable socket completes at once. */
      while (!this.xpub.closed && this.xpub.readable) {
        const [frame] = await this.xpub.receive();
        if (frame) this.take(frame);
      }
    } while (!this.xpub.closed && this.publications !== seen);
  }
}
