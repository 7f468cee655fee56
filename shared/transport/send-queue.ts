/**
 * zeromq.js allows one send in flight per socket ("Socket is busy"
 * otherwise); everything that sends on a shared socket goes through one of
 * these, which keeps order and never has two sends pending.
 *
 * On a socket with `sendTimeout: 0` (the server's ROUTER and XPUB) zeromq.js
 * hands the message to libzmq before send() returns, so no send is ever
 * pending: each message is sent at once, with no queue and no await (an
 * await per message was most of the server's time per post). libzmq never
 * blocks such a send: a ROUTER drops a reply to a client that has gone, an
 * XPUB drops for a subscriber past its high-water mark; what repairs either
 * is said where they are used (pipeline.ts, fanout.ts).
 */
import type { Socket } from "zeromq";

type Message = (Buffer | string)[];
interface Sendable {
  send(message: Message): Promise<void>;
  readonly closed: boolean;
  readonly sendTimeout?: number;
}

export class SendQueue {
  private queue: Message[] = [];
  private head = 0;
  private busy = false;
  /** Whether send() completes before it returns (sendTimeout 0). */
  private readonly direct: boolean;
  private readonly failed = (err: unknown) => {
    if (!this.socket.closed) this.onError(err);
  };

  /** `onError` hears about a failed send (the message is then dropped). */
  constructor(
    private readonly socket: Sendable | Socket,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.direct = (socket as Sendable).sendTimeout === 0;
  }

  /** Queues a message; it is sent after every message queued before it. */
  send(message: Message): void {
    if (this.direct) {
      if (this.socket.closed) return;
      try {
        (this.socket as Sendable).send(message).catch(this.failed);
      } catch (err) {
        this.failed(err);
      }
      return;
    }
    this.queue.push(message);
    if (!this.busy) void this.drain();
  }

  /** Messages waiting to be handed to libzmq. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    const socket = this.socket as Sendable;
    while (this.head < this.queue.length) {
      const message = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Message;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (socket.closed) break;
      try {
        await socket.send(message);
      } catch (err) {
        if (!socket.closed) this.onError(err);
      }
    }
    this.busy = false;
  }
}
