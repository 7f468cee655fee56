/**
 * zeromq.js allows one send in flight per socket ("Socket is busy"
 * otherwise); everything that sends on a shared socket goes through one of
 * these, which keeps order and never has two sends pending.
 */
import type { Socket } from "zeromq";

type Message = (Buffer | string)[];
interface Sendable {
  send(message: Message): Promise<void>;
  readonly closed: boolean;
}

export class SendQueue {
  private queue: Message[] = [];
  private head = 0;
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
