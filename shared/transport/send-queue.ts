/**
 * zeromq.js allows one send in flight per socket ("Socket is busy"
 * otherwise); everything that sends on a shared socket goes through one of
 * these, which keeps order and never has two sends pending.
 */
import type { Socket } from "zeromq";
import { Fifo } from "../fifo.js";

type Message = (Buffer | string)[];
interface Sendable {
  send(message: Message): Promise<void>;
  readonly closed: boolean;
}

export class SendQueue {
  private readonly queue = new Fifo<Message>();
  private busy = false;

  /** `onError` hears about a failed send (the message is then dropped). */
  constructor(
    private readonly socket: Sendable | Socket,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Queues a message; it is sent after every message queued before it. */
  send(message: Message): void {
    this.queue.push(message);
    if (!this.busy) void this.drain();
  }

  /** Messages waiting to be handed to libzmq. */
  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    const socket = this.socket as Sendable;
    for (let message = this.queue.shift(); message !== undefined; message = this.queue.shift()) {
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
