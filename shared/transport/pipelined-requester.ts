/**
 * Several requests in flight at once, in order, on one DEALER socket: a
 * chat client's posts (client/poster.ts keeps at most the window the
 * server's hello answer allows). The server answers each client's requests
 * in the order it sent them (server/pipeline.ts), so the oldest request
 * unanswered takes the next reply.
 *
 * Lazy Pirate, as in requester.ts, for all of them at once: when no reply
 * comes for `attemptMs` while requests are unanswered, the socket is closed
 * (with whatever ZeroMQ still queued on it, in either direction: linger 0),
 * a new one is made, and every unanswered request is sent again, unchanged
 * and in the order first sent. The server recognises a post sent again by
 * its id and records it once; one connection delivers in order, so the
 * first copy of each post to reach the server comes in the order sent, even
 * when copies from the old socket are still arriving.
 *
 * A request goes out as ["", ...frames], the envelope a REQ socket adds,
 * so a REP server and our ROUTER server answer it alike.
 */
import { Dealer } from "zeromq";
import { LazyPirate, type LazyPirateOptions, type PendingRequest } from "./lazy-pirate.js";
import { SendQueue } from "./send-queue.js";

export class PipelinedRequester extends LazyPirate<Dealer, PendingRequest> {
  private sends: SendQueue | undefined;
  /** The first `sent` of the jobs are on the current socket. */
  private sent = 0;
  /** When the oldest unanswered request last saw progress: its sending, or the reply before it. */
  private since = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `attemptMs`: how long the oldest unanswered request waits with no reply at all before everything unanswered is sent again on a new socket. */
  constructor(options: LazyPirateOptions) {
    super(options, Dealer);
  }

  /** Sends `frames` behind every request before it and resolves with the reply, sending it again through outages. */
  request(frames: string[]): Promise<Buffer[]> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      this.jobs.push({ frames, resolve, reject });
      this.pump();
    });
  }

  /** The endpoint moved (or the caller knows the replies will not come): everything unanswered goes again, at once, on a new socket. */
  override reconnect(): void {
    if (this.closed) return;
    this.dropSocket();
    this.pump();
  }

  /** Hands every request not yet on the current socket to it, in order. */
  private pump(): void {
    if (this.closed || this.failure) return;
    while (this.sent < this.jobs.length) {
      if (!this.socket) this.open();
      this.sends!.send(["", ...this.jobs[this.sent++]!.frames]);
      if (this.sent === 1) this.progress();
    }
  }

  private async receive(socket: Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        if (socket !== this.socket) return;
        const job = this.jobs.shift();
        if (!job) continue; // nothing asked: a stray reply is no answer to anything
        this.sent--;
        this.progress();
        this.setReachable(true);
        job.resolve(frames.length > 0 && frames[0]!.length === 0 ? frames.slice(1) : frames);
      }
    } catch {
      /* The socket was closed under the receive; an unexpected error is silence, which the timer repairs. */
    }
  }

  /** Restarts the oldest request's wait, and makes sure a timer watches it. */
  private progress(): void {
    this.since = Date.now();
    if (!this.timer && this.sent > 0) this.timer = setTimeout(this.check, this.attemptMs);
  }

  /* One timer, moved only when it fires: a reply costs a Date.now(), not a clearTimeout and a setTimeout. */
  private readonly check = (): void => {
    this.timer = undefined;
    if (this.closed || this.failure || this.sent === 0) return;
    const left = this.since + this.attemptMs - Date.now();
    if (left > 0) {
      this.timer = setTimeout(this.check, left);
      return;
    }
    this.setReachable(false);
    this.reconnect();
  };

  private open(): void {
    const socket = this.newSocket();
    this.sends = new SendQueue(socket);
    void this.receive(socket);
  }

  protected override dropSocket(): void {
    super.dropSocket();
    this.sends = undefined;
    this.sent = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
