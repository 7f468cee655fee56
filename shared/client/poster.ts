/**
 * Posts a user's lines one after another, so that they are recorded in the
 * order typed. The requester underneath retries through outages; a
 * "slow-down" reply is waited out and the same post sent again, ahead of
 * everything queued after it.
 */
import { decodePostAck, encodePost, type Post } from "../protocol/index.js";
import { describeError } from "../cli.js";
import { ClosedError } from "../errors.js";
import { RejectedError } from "../protocol/errors.js";
import type { ReliableRequester } from "../transport/requester.js";
import { waitOutSlowDown } from "./slow-down.js";

/** How a post ended: numbered by the server, or refused (or failed) with a reason. */
export type PostResult =
  | { post: Post; seq: number; gseq: number }
  /** Refused by the server, or (never expected) failed in a way no retry mends; `reason` is for the person. */
  | { post: Post; error: Error; reason: string };

/** A queue of posts, delivered one at a time in the order sent. */
export class Poster {
  private readonly queue: Post[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly requester: ReliableRequester,
    private readonly onResult: (result: PostResult) => void,
    /** The login token each attempt carries, as it is when sent (a retry after /passwd takes the new one). */
    private readonly token: () => string | undefined = () => undefined,
  ) {}

  /** Queues a post behind every post queued before it. */
  send(post: Post): void {
    this.queue.push(post);
    if (!this.running) void this.run();
  }

  /** Posts not yet acknowledged (or refused). */
  get pending(): number {
    return this.queue.length;
  }

  /** The posts not yet acknowledged (or refused), in order. */
  get queued(): readonly Post[] {
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

  private async deliver(post: Post): Promise<PostResult> {
    for (;;) {
      if (this.abort.signal.aborted) throw new ClosedError();
      try {
        const ack = decodePostAck(await this.requester.request(encodePost(post, this.token())));
        return { post, ...ack };
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
