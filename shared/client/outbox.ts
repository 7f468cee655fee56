/**
 * A chat client's posts, and its private and group messages, on their way
 * to the server: queued in order on their own requester (poster.ts; several
 * in flight where the server allows, pipelined-requester.ts), an outage reported once (and its end), the lines
 * not yet taken shown as pending from an outage until they are delivered,
 * and at the end of input a bounded wait for the acks (said, when the server
 * is away), given up once the server has been silent for --give-up seconds.
 */
import type { MsgAnswer, Post } from "../protocol/index.js";
import type { CurveClientKeys } from "../transport/curve.js";
import type { HandshakeError } from "../errors.js";
import { RejectedError } from "../protocol/errors.js";
import { PipelinedRequester } from "../transport/pipelined-requester.js";
import type { EndpointLike } from "../transport/moving-endpoint.js";
import { isDirect, Poster, type DirectMessage, type Outgoing, type PostResult } from "./poster.js";
import { plural } from "./ui/format.js";
import { preview } from "./ui/preview.js";
import { PENDING_SHOWN, type Screen } from "./ui/screen-types.js";

/**
 * How many lines may wait for the server's answers before input waits
 * (room()): enough to keep the window of posts in flight full many times
 * over, few enough that a long pipe costs the memory of these, not of the
 * whole input.
 */
export const QUEUE_AHEAD = 1024;

/** Where the posts go and whom to tell about them. */
export interface OutboxOptions {
  /** The server's post endpoint (it may move: moving-endpoint.ts). */
  endpoint: EndpointLike;
  curve?: CurveClientKeys | undefined;
  /** How long the server may stay silent at the end of input before what is queued is given up. */
  giveUpMs: number;
  onFailure: (err: HandshakeError) => void;
  /** Where refusals, the outage and its end, and the lines still pending are told. */
  screen: Pick<Screen, "notice" | "warning" | "pending">;
  /** The login token posts carry, when logged in. */
  token?: () => string | undefined;
  /** Whether posts may take the compact form (the server's hello answer had "posts": 2). */
  compact?: () => boolean;
  /** How many posts may be in flight at once (the server's hello answer's window; 1 without one). */
  window?: () => number;
  /** A refusal the client handles itself (a name it may not use); true when nothing more is to be said. */
  refused?: (err: RejectedError) => boolean;
  /** Hears each post the server numbered. */
  onPosted?: (post: Post, seq: number, gseq: number) => void;
  /** Hears each private or group message the server numbered in its conversation. */
  onSent?: (message: DirectMessage, answer: MsgAnswer) => void;
}

/** The posts typed, delivered one after another. */
export class Outbox {
  private readonly requester: PipelinedRequester;
  private readonly poster: Poster;
  private outage = false;
  /** Whether the screen shows the queued posts: from an outage until the queue is empty. */
  private showing = false;
  /** Posts refused (or failed beyond retrying). */
  private refusedCount = 0;
  /** Ends the wait at the end of input, once it has begun. */
  private giveUp: (() => void) | undefined;
  private giveUpTimer: NodeJS.Timeout | undefined;
  /** Input waiting for room in the queue (room()). */
  private roomWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly o: OutboxOptions) {
    this.requester = new PipelinedRequester({ endpoint: o.endpoint, curve: o.curve, onFailure: o.onFailure, onStatus: (up) => this.status(up) });
    this.poster = new Poster(this.requester, (r: PostResult) => {
      this.showPending();
      this.wakeRoom();
      if ("answer" in r) return o.onSent?.(r.post, r.answer);
      if (!("error" in r)) return o.onPosted?.(r.post, r.seq, r.gseq);
      this.refusedCount++;
      if (r.error instanceof RejectedError && o.refused?.(r.error)) return;
      /* A message's refusal is the server's sentence as it is ("no account or group named bob"). */
      if (isDirect(r.post) && r.error instanceof RejectedError) o.screen.warning(r.reason);
      else o.screen.warning(`not ${isDirect(r.post) ? `sent to ${r.post.to}` : "posted"} (${r.reason}): ${preview(r.post.body)}`);
    }, o.token, o.compact, o.window);
  }

  /** Queues a post or a message behind every one queued before it. */
  send(post: Outgoing): void {
    this.poster.send(post);
    this.showPending();
  }

  /** Posts not yet acknowledged (or refused). */
  get pending(): number {
    return this.poster.pending;
  }

  /** Resolves when nothing is left to post. */
  idle(): Promise<void> {
    return this.poster.idle();
  }

  /**
   * Resolves when the next line may be read: fewer than QUEUE_AHEAD lines
   * wait for the server, or the server is not answering (then every line
   * is kept, as typed lines are, until it is back or --give-up ends the
   * wait at the end of input), or the outbox is stopped. So piped input is
   * read about as fast as the server takes it.
   */
  room(): Promise<void> {
    if (this.poster.pending < QUEUE_AHEAD || this.outage || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** At the end of input: resolves once every post is acknowledged, the server has been silent for giveUpMs, or stop(). */
  async drain(): Promise<void> {
    if (this.poster.pending === 0) return;
    await new Promise<void>((resolve) => {
      this.giveUp = resolve;
      if (!this.requester.isReachable) this.watch(false);
      void this.poster.idle().then(resolve);
    });
  }

  /** Ends drain()'s wait at once: Ctrl-C, or a handshake that can never succeed. */
  stop(): void {
    this.stopped = true;
    this.wakeRoom();
    this.giveUp?.();
  }

  /** Stops posting; what is still queued stays undelivered. */
  close(): void {
    this.stop();
    clearTimeout(this.giveUpTimer);
    this.poster.close();
    this.requester.close();
  }

  /** The sentence for `n` posts left undelivered: stopped by the person, or given up on a silent server. */
  undelivered(n: number, stopped: boolean): string {
    return `${n} message${n === 1 ? " was" : "s were"} not delivered: ${stopped
      ? "stopped before the server acknowledged them"
      : `no reply from the server at ${this.requester.endpoint} for ${(this.o.giveUpMs / 1000).toFixed(0)} s`}`;
  }

  /** Posts refused so far. */
  get notPosted(): number {
    return this.refusedCount;
  }

  /** The sentence for `n` posts the server refused, each told already. */
  refusals(n: number): string {
    return `${n} message${n === 1 ? " was" : "s were"} not posted: refused (the reason${n === 1 ? " is" : "s are"} above)`;
  }

  private status(up: boolean): void {
    if (!up && !this.outage) {
      this.outage = true;
      this.showing = true;
      const n = this.poster.pending;
      this.o.screen.warning(`the server at ${this.requester.endpoint} is not answering; ${plural(n, "message")} ${n === 1 ? "is" : "are"} kept and will be sent when it is back`);
      this.showPending();
    } else if (up && this.outage) {
      this.outage = false;
      const queued = this.poster.pending;
      this.o.screen.notice(`the server is answering again${queued > 1 ? `; sending ${queued} queued messages` : ""}`);
    }
    this.wakeRoom();
    this.watch(up);
  }

  /* Input goes on once half the room is free, so that it is not woken for every answer. */
  private wakeRoom(): void {
    if (this.roomWaiters.length === 0) return;
    if (this.poster.pending > QUEUE_AHEAD / 2 && !this.outage && !this.stopped) return;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** During drain(): give up once the server has been unreachable for giveUpMs, and say so meanwhile. */
  private watch(up: boolean): void {
    clearTimeout(this.giveUpTimer);
    if (up || !this.giveUp) return;
    this.giveUpTimer = setTimeout(this.giveUp, this.o.giveUpMs);
    const n = this.poster.pending;
    this.o.screen.warning(`waiting up to ${(this.o.giveUpMs / 1000).toFixed(0)} s for the server to take ${plural(n, "message")}; Ctrl-C to give up`);
  }

  private showPending(): void {
    if (!this.showing) return;
    const total = this.poster.pending;
    if (total === 0) this.showing = false;
    this.o.screen.pending(this.poster.newest(PENDING_SHOWN), total);
  }
}
