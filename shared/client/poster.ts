/**
 * Sends a user's lines so that they are recorded in the order typed:
 * channel posts, and private or group messages (a `msg` request,
 * conversations.ts), in one queue. The requester underneath retries
 * through outages with the same id, which the server de-duplicates; a
 * "slow-down" reply is waited out and the same line sent again, ahead of
 * everything queued after it.
 *
 * With a server whose hello answer has a window over 1, up to that many
 * posts are in flight at once (a piped client does not wait a round trip
 * per line); each names the post before it when that one is unanswered
 * (`after`). The server refuses a post sent behind one it refused
 * (`out-of-order`), so when the oldest comes back refused, those behind it
 * come back refused too: once all are back, the refused ones are sent
 * again in their order. A private or group message travels alone: sent
 * when nothing is in flight, and nothing after it until it is answered.
 */
import { decodeAnswer, decodePostAck, encodeCompactPost, encodeControl, encodePost, type Kind, type MsgAnswer, type Post } from "../protocol/index.js";
import { describeError } from "../cli.js";
import { ClosedError } from "../errors.js";
import { RejectedError } from "../protocol/errors.js";
import { Fifo } from "../fifo.js";
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

/** What the queue sends requests with: a Lazy Pirate requester (one at a time) or a pipelined one. */
export interface PostRequester {
  request(frames: string[]): Promise<Buffer[]>;
}

/** An attempt's outcome: the line's result, or a refusal that asks for the same line again (`slow-down`, `out-of-order`). */
type Outcome = PostResult | { again: RejectedError };

/** A queue of lines, delivered in the order sent. */
export class Poster {
  private readonly queue = new Fifo<Outgoing>();
  /** The attempts in flight, for the queue's oldest, the next, ... in order. */
  private readonly flights: Promise<Outcome>[] = [];
  private running = false;
  /** While refused lines wait to be sent again: nothing new is sent. */
  private holding = false;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly requester: PostRequester,
    private readonly onResult: (result: PostResult) => void,
    /** The login token each attempt carries, as it is when sent (a retry after /passwd takes the new one). */
    private readonly token: () => string | undefined = () => undefined,
    /** Whether the server's last hello answer said it takes the compact post ("posts": 2); else the 7-frame form. */
    private readonly compact: () => boolean = () => false,
    /** How many posts may be in flight at once (the server's last hello answer's window; 1 for older servers). */
    private readonly window: () => number = () => 1,
  ) {}

  /** Queues a line behind every line queued before it. */
  send(post: Outgoing): void {
    this.queue.push(post);
    if (!this.running) void this.run();
    else this.fill();
  }

  /** Posts not yet acknowledged (or refused). */
  get pending(): number {
    return this.queue.length;
  }

  /** The newest `n` lines not yet acknowledged (or refused), oldest first. */
  newest(n: number): Outgoing[] {
    return this.queue.newest(n);
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
        if (this.abort.signal.aborted) throw new ClosedError();
        this.fill();
        const outcome = await this.flights[0]!;
        if (this.abort.signal.aborted) throw new ClosedError();
        if ("again" in outcome) {
          await this.again(outcome.again);
          continue;
        }
        this.flights.shift();
        this.queue.shift();
        this.onResult(outcome);
      }
      for (const wake of this.idleWaiters.splice(0)) wake();
    } catch (err) {
      if (!(err instanceof ClosedError)) throw err;
    } finally {
      this.running = false;
    }
  }

  /** Sends queued lines while the window has room; a private or group message goes alone. */
  private fill(): void {
    if (this.abort.signal.aborted || this.holding) return;
    const window = Math.max(1, this.window());
    while (this.flights.length < this.queue.length && this.flights.length < window) {
      const i = this.flights.length;
      const next = this.queue.at(i)!;
      const before = this.queue.at(i - 1);
      if (before && (isDirect(next) || isDirect(before))) break;
      this.flights.push(this.launch(next, before?.id));
    }
  }

  /*
   * An attempt whose outcome is read later, in order: closing rejects every
   * attempt in flight with ClosedError, and only the oldest is awaited
   * then; the rest must not end the process as unhandled rejections.
   */
  private launch(post: Outgoing, after: string | undefined): Promise<Outcome> {
    const flight = this.attempt(post, after);
    flight.catch(() => {});
    return flight;
  }

  /**
   * The oldest line came back refused for now: every line in flight behind
   * it comes back too (refused out-of-order, or taken if the server kept no
   * note), then the wait the refusal asks for, then each refused line again,
   * in order, behind its predecessor. Nothing new goes out meanwhile.
   */
  private async again(refusal: RejectedError): Promise<void> {
    this.holding = true;
    try {
      const outcomes: Outcome[] = [{ again: refusal }, ...(await Promise.all(this.flights.slice(1)))];
      if (refusal.code === "slow-down") await waitOutSlowDown(refusal, { signal: this.abort.signal });
      this.flights.length = 0;
      for (const [i, o] of outcomes.entries()) {
        this.flights.push("again" in o ? this.launch(this.queue.at(i)!, this.queue.at(i - 1)?.id) : Promise.resolve(o));
      }
    } finally {
      this.holding = false;
    }
  }

  /** One request for the line, carrying the token as it is now; the requester resends it unchanged through an outage. */
  private async attempt(post: Outgoing, after: string | undefined): Promise<Outcome> {
    try {
      return await this.request(post, after);
    } catch (err) {
      if (err instanceof ClosedError) throw err;
      // Anything else ends this post, not the client: the queue behind it goes on.
      if (!(err instanceof RejectedError)) return { post, error: asError(err), reason: describeError(err) };
      if (err.code === "slow-down" || err.code === "out-of-order") return { again: err };
      return { post, error: err, reason: err.reason };
    }
  }

  private async request(post: Outgoing, after: string | undefined): Promise<PostResult> {
    const token = this.token();
    if (!isDirect(post)) {
      if (!this.compact()) return { post, ...decodePostAck(await this.requester.request(encodePost(post, token))) };
      try {
        return { post, ...decodePostAck(await this.requester.request(encodeCompactPost(post, token, after))) };
      } catch (err) {
        /*
         * bad-request to a compact post this client built from checked fields
         * means a server that does not know the form: one the client moved to
         * (relocation.ts) before its hello said otherwise. The same post, same
         * id, in the seven-frame form; the next hello answer sets compact().
         * (Such a server has no window, so nothing is in flight behind it.)
         */
        if (!(err instanceof RejectedError && err.code === "bad-request") || after !== undefined) throw err;
        return { post, ...decodePostAck(await this.requester.request(encodePost(post, token))) };
      }
    }
    const request = { op: "msg", id: post.id, to: post.to, kind: post.kind, body: post.body, ...(token === undefined ? {} : { token }) } as const;
    return { post, answer: decodeAnswer("msg", await this.requester.request(encodeControl(request))) };
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
