/**
 * A chat client's posts on their way to the server: queued in order on
 * their own requester, an outage reported once (and its end), and at the
 * end of input a bounded wait for the acks, given up once the server has
 * been silent for --give-up seconds.
 */
import type { Post } from "../protocol/index.js";
import type { CurveClientKeys } from "../transport/curve.js";
import type { HandshakeError } from "../errors.js";
import { ReliableRequester } from "../transport/requester.js";
import { Poster, type PostResult } from "./poster.js";
import { preview } from "./ui/preview.js";
import type { Screen } from "./ui/screen-types.js";

/** Where the posts go and whom to tell about them. */
export interface OutboxOptions {
  endpoint: string;
  curve?: CurveClientKeys | undefined;
  /** How long the server may stay silent at the end of input before what is queued is given up. */
  giveUpMs: number;
  onFailure: (err: HandshakeError) => void;
  /** Where refusals and the outage and its end are told. */
  screen: Pick<Screen, "notice" | "warning">;
  /** Hears each post the server numbered. */
  onPosted?: (post: Post, seq: number, gseq: number) => void;
}

/** The posts typed, delivered one after another. */
export class Outbox {
  private readonly requester: ReliableRequester;
  private readonly poster: Poster;
  private outage = false;
  /** Posts refused (or failed beyond retrying). */
  private refused = 0;
  /** Ends the wait at the end of input, once it has begun. */
  private giveUp: (() => void) | undefined;
  private giveUpTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: OutboxOptions) {
    this.requester = new ReliableRequester({ endpoint: o.endpoint, curve: o.curve, onFailure: o.onFailure, onStatus: (up) => this.status(up) });
    this.poster = new Poster(this.requester, (r: PostResult) => {
      if ("error" in r) {
        this.refused++;
        o.screen.warning(`not posted (${r.reason}): ${preview(r.post.body)}`);
      } else o.onPosted?.(r.post, r.seq, r.gseq);
    });
  }

  /** Queues a post behind every post queued before it. */
  send(post: Post): void {
    this.poster.send(post);
  }

  /** Posts not yet acknowledged (or refused). */
  get pending(): number {
    return this.poster.pending;
  }

  /** Resolves when nothing is left to post. */
  idle(): Promise<void> {
    return this.poster.idle();
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
    this.giveUp?.();
  }

  /** Stops posting; what is still queued stays undelivered. */
  close(): void {
    clearTimeout(this.giveUpTimer);
    this.poster.close();
    this.requester.close();
  }

  /** The sentence for `n` posts left undelivered: stopped by the person, or given up on a silent server. */
  undelivered(n: number, stopped: boolean): string {
    return `${n} message${n === 1 ? " was" : "s were"} not delivered: ${stopped
      ? "stopped before the server acknowledged them"
      : `no reply from the server at ${this.o.endpoint} for ${(this.o.giveUpMs / 1000).toFixed(0)} s`}`;
  }

  /** Posts refused so far. */
  get notPosted(): number {
    return this.refused;
  }

  /** The sentence for `n` posts the server refused, each told already. */
  refusals(n: number): string {
    return `${n} message${n === 1 ? " was" : "s were"} not posted: refused (the reason${n === 1 ? " is" : "s are"} above)`;
  }

  private status(up: boolean): void {
    if (!up && !this.outage) {
      this.outage = true;
      this.o.screen.warning(`the server at ${this.o.endpoint} is not answering; your messages are kept and will be sent when it is back`);
    } else if (up && this.outage) {
      this.outage = false;
      const queued = this.poster.pending;
      this.o.screen.notice(`the server is answering again${queued > 1 ? `; sending ${queued} queued messages` : ""}`);
    }
    this.watch(up);
  }

  /** During drain(): give up once the server has been unreachable for giveUpMs. */
  private watch(up: boolean): void {
    clearTimeout(this.giveUpTimer);
    if (!up && this.giveUp) this.giveUpTimer = setTimeout(this.giveUp, this.o.giveUpMs);
  }
}
