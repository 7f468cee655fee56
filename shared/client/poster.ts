/**
 * Sends a user's lines one after another, so that they are recorded in the
 * order typed: channel posts, and private or group messages (a `msg`
 * request, conversations.ts), in one queue. The requester underneath
 * retries through outages with the same id, which the server de-duplicates;
 * a "slow-down" reply is waited out and the same line sent again, ahead of
 * everything queued after it.
 */
import { decodeAnswer, decodePostAck, encodeCompactPost, encodeControl, encodePost, type Kind, type MsgAnswer, type Post } from "../protocol/index.js";
import { describeError } from "../cli.js";
import { ClosedError } from "../errors.js";
import { RejectedError } from "../protocol/errors.js";
import type { ReliableRequester } from "../transport/requester.js";
import { waitOutSlowDown } from "./slow-down.js";

/** A private message (to an account) or a group message, on its way. */
export interface DirectMessage {
  id: string;
  /** An account's name or a group's. */
  to: string;
  /** Who sends it (shown while it is pending). */
  user: string;
  kind: Kind;
  body: string;
}

/** What the queue delivers: a channel post or a direct message. */
export type Outgoing = Post | DirectMessage;

/** Whether `o` is a private or group message rather than a channel post. */
export function isDirect(o: Outgoing): o is DirectMessage {
  return "to" in o;
}

/** How a line ended: numbered by the server, or refused (or failed) with a reason. */
export type PostResult =
  | { post: Post; seq: number; gseq: number }
  /** A direct message, numbered in its conversation. */
  | { post: DirectMessage; answer: MsgAnswer }
  /** Refused by the server, or (never expected) failed in a way no retry mends; `reason` is for the person. */
  | { post: Outgoing; error: Error; reason: string };

/** A queue of lines, delivered one at a time in the order sent. */
export class Poster {
  private readonly queue: Outgoing[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly requester: ReliableRequester,
    private readonly onResult: (result: PostResult) => void,
    /** The login token each attempt carries, as it is when sent (a retry after /passwd takes the new one). */
    private readonly token: () => string | undefined = () => undefined,
    /** Whether the server's last hello answer said it takes the compact post ("posts": 2); else the 7-frame form. */
    private readonly compact: () => boolean = () => false,
  ) {}

  /** Queues a line behind every line queued before it. */
  send(post: Outgoing): void {
    this.queue.push(post);
    if (!this.running) void this.run();
  }

  /** Posts not yet acknowledged (or refused). */
  get pending(): number {
    return this.queue.length;
  }

  /** The lines not yet acknowledged (or refused), in order. */
  get queued(): readonly Outgoing[] {
    return this.queue;
  }

  /** Resolves when nothing is left to post. */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops posting; what is still queued stays undelivered. */
  close(): void {
    this.abort.abort(new ClosedError());
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const post = this.queue[0]!;
        const result = await this.deliver(post);
        this.queue.shift();
        this.onResult(result);
      }
      for (const wake of this.idleWaiters.splice(0)) wake();
    } catch (err) {
      if (!(err instanceof ClosedError)) throw err;
    } finally {
      this.running = false;
    }
  }

  /* One request for the line, carrying the token as it is now; the requester resends it unchanged through an outage. */
  private async attempt(post: Outgoing): Promise<PostResult> {
    const token = this.token();
    if (!isDirect(post)) {
      if (!this.compact()) return { post, ...decodePostAck(await this.requester.request(encodePost(post, token))) };
      try {
        return { post, ...decodePostAck(await this.requester.request(encodeCompactPost(post, token))) };
      } catch (err) {
        /*
         * bad-request to a compact post this client built from checked fields
         * means a server that does not know the form: one the client moved to
         * (relocation.ts) before its hello said otherwise. The same post, same
         * id, in the seven-frame form; the next hello answer sets compact().
         */
        if (!(err instanceof RejectedError && err.code === "bad-request")) throw err;
        return { post, ...decodePostAck(await this.requester.request(encodePost(post, token))) };
      }
    }
    const request = { op: "msg", id: post.id, to: post.to, kind: post.kind, body: post.body, ...(token === undefined ? {} : { token }) } as const;
    return { post, answer: decodeAnswer("msg", await this.requester.request(encodeControl(request))) };
  }

  private async deliver(post: Outgoing): Promise<PostResult> {
    for (;;) {
      if (this.abort.signal.aborted) throw new ClosedError();
      try {
        return await this.attempt(post);
      } catch (err) {
        if (err instanceof ClosedError) throw err;
        // Anything else ends this post, not the client: the queue behind it goes on.
        if (!(err instanceof RejectedError)) return { post, error: asError(err), reason: describeError(err) };
        if (!(await waitOutSlowDown(err, { signal: this.abort.signal }))) return { post, error: err, reason: err.reason };
      }
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
