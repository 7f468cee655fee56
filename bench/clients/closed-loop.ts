/**
 * Closed-loop posting clients for the throughput figure: `clients` REQ
 * sockets in this process, each posting the next message as soon as the
 * previous one is answered. The bench reads the count at two marks.
 */
import { Request } from "zeromq";
import { isError, postMaker } from "./post-frames.js";

export class ClosedLoop {
  private count = 0;
  private errors = 0;
  private running = true;
  private readonly loops: Promise<void>[] = [];

  constructor(endpoint: string, clients: number, channel: string) {
    for (let i = 0; i < clients; i++) this.loops.push(this.client(endpoint, channel));
  }

  /** Posts answered and refused so far, and when. */
  mark(): { count: number; errors: number; atMs: number } {
    return { count: this.count, errors: this.errors, atMs: performance.now() };
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async client(endpoint: string, channel: string): Promise<void> {
    const socket = new Request({ linger: 0, receiveTimeout: 5000 });
    socket.connect(endpoint);
    const next = postMaker(channel);
    try {
      while (this.running) {
        await socket.send(next());
        const reply = await socket.receive();
        if (isError(reply)) this.errors++;
        else this.count++;
      }
    } catch {
      this.errors++; // a receive timeout: this client stops, the figure shows it
    } finally {
      socket.close();
    }
  }
}
