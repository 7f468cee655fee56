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
import { ClosedError, type HandshakeError } from "../errors.js";
import { curveClientOptions, type CurveClientKeys } from "./curve.js";
import { isIpv6Endpoint } from "./endpoint.js";
import { watchHandshakes } from "./handshake-watch.js";
import { endpointOf, onMove, type EndpointLike } from "./moving-endpoint.js";
import { SendQueue } from "./send-queue.js";

export interface PipelinedRequesterOptions {
  /** The server's post endpoint; one that moves makes the requester resend everything unanswered there. */
  endpoint: EndpointLike;
  /** How long the oldest unanswered request waits with no reply at all before everything unanswered is sent again on a new socket. */
  attemptMs?: number;
  curve?: CurveClientKeys | undefined;
  /** Hears when the server stops answering (false) and answers again (true). */
  onStatus?: (reachable: boolean) => void;
  /** Hears, once, that the handshake can never succeed; then every request rejects with the error. */
  onFailure?: (err: HandshakeError) => void;
}

interface Job {
  frames: string[];
  resolve: (reply: Buffer[]) => void;
  reject: (err: Error) => void;
}

export class PipelinedRequester {
  private readonly attemptMs: number;
  private readonly stopFollowing: () => void;
  private socket: Dealer | undefined;
  private sends: SendQueue | undefined;
  /** Unanswered requests, oldest first; the first `sent` of them are on the current socket. */
  private readonly jobs: Job[] = [];
  private sent = 0;
  /** When the oldest unanswered request last saw progress: its sending, or the reply before it. */
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private reachable = true;
  private failure: HandshakeError | undefined;

  constructor(private readonly options: PipelinedRequesterOptions) {
    this.attemptMs = options.attemptMs ?? 2000;
    this.stopFollowing = onMove(options.endpoint, () => this.reconnect());
  }

  /** Where requests go now. */
  get endpoint(): string {
    return endpointOf(this.options.endpoint);
  }

  /** Whether the last attempt got an answer. */
  get isReachable(): boolean {
    return this.reachable;
  }

  /** Requests sent and not answered yet (or not sent yet). */
  get pending(): number {
    return this.jobs.length;
  }

  /** Sends `frames` behind every request before it and resolves with the reply, sending it again through outages. */
  request(frames: string[]): Promise<Buffer[]> {
    if (this.closed) return Promise.reject(new ClosedError());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.jobs.push({ frames, resolve, reject });
      this.pump();
    });
  }

  /** The endpoint moved (or the caller knows the replies will not come): everything unanswered goes again, at once, on a new socket. */
  reconnect(): void {
    if (this.closed) return;
    this.dropSocket();
    this.pump();
  }

  /** Abandons every request (they reject with ClosedError). */
  close(): void {
    this.closed = true;
    this.stopFollowing();
    this.dropSocket();
    for (const job of this.jobs.splice(0)) job.reject(new ClosedError());
  }

  /** Hands every request not yet on the current socket to it, in order. */
  private pump(): void {
    if (this.closed || this.failure) return;
    while (this.sent < this.jobs.length) {
      if (!this.socket) this.newSocket();
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

  private newSocket(): void {
    const { curve } = this.options;
    const socket = new Dealer({ linger: 0, ipv6: isIpv6Endpoint(this.endpoint), ...curveClientOptions(curve) });
    watchHandshakes(socket, this.endpoint, curve !== undefined, (err) => this.fail(err));
    socket.connect(this.endpoint);
    this.socket = socket;
    this.sends = new SendQueue(socket);
    void this.receive(socket);
  }

  /** No request can ever get through: say so, and reject what is pending. */
  private fail(err: HandshakeError): void {
    if (this.closed || this.failure) return;
    this.failure = err;
    this.options.onFailure?.(err);
    this.dropSocket();
    for (const job of this.jobs.splice(0)) job.reject(err);
  }

  private dropSocket(): void {
    if (this.socket && !this.socket.closed) this.socket.close();
    this.socket = undefined;
    this.sends = undefined;
    this.sent = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setReachable(reachable: boolean): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    this.options.onStatus?.(reachable);
  }
}
