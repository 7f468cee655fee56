/**
 * Background load at a steady rate, for the loaded latency figure: one
 * DEALER posting `rate` messages a second, catching up each millisecond
 * tick, never more than `maxInFlight` unanswered.
 */
import { Dealer } from "zeromq";
import { dealerPostMaker, isError } from "./post-frames.js";
import { sleep } from "../lib/stats.js";

export class PacedLoad {
  private sent = 0;
  private acked = 0;
  private errors = 0;
  private skipped = 0;
  private running = true;
  private readonly socket = new Dealer({ linger: 0 });
  private readonly sending: Promise<void>;
  private readonly receiving: Promise<void>;

  constructor(endpoint: string, private readonly rate: number, channel: string, private readonly maxInFlight = 1000) {
    this.socket.connect(endpoint);
    this.receiving = this.receive();
    this.sending = this.send(dealerPostMaker(channel));
  }

  /** Stops sending, waits up to 2 s for the answers, and reports what was offered and answered. */
  async stop(): Promise<{ sent: number; acked: number; errors: number; skipped: number }> {
    this.running = false;
    await this.sending;
    for (let i = 0; i < 200 && this.acked + this.errors < this.sent; i++) await sleep(10);
    this.socket.close();
    await this.receiving;
    return { sent: this.sent, acked: this.acked, errors: this.errors, skipped: this.skipped };
  }

  private async send(next: () => (string | Buffer)[]): Promise<void> {
    const start = performance.now();
    while (this.running) {
      const due = Math.floor(((performance.now() - start) / 1000) * this.rate);
      while (this.sent + this.skipped < due) {
        if (this.sent - this.acked - this.errors >= this.maxInFlight) {
          this.skipped++; // the server is behind: offer less rather than queue without end
          continue;
        }
        this.sent++;
        await this.socket.send(next());
      }
      await sleep(1);
    }
  }

  private async receive(): Promise<void> {
    try {
      for (;;) {
        const reply = await this.socket.receive();
        if (isError(reply, 1)) this.errors++;
        else this.acked++;
      }
    } catch {
      /* closed by stop() */
    }
  }
}
