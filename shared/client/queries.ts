/**
 * Control requests (history, hello, bye, who, channels) over the client's
 * second requester, so that a question never waits behind queued posts.
 * `request` is the one place a ControlRequest becomes frames and a reply
 * becomes its answer; everything else asks through it.
 */
import { decodeAnswer, encodeControl, type AnswerOf, type ControlRequest } from "../protocol/index.js";
import { ClosedError, ServerUnreachableError } from "../errors.js";
import { MalformedAnswerError, RejectedError } from "../protocol/errors.js";
import type { ReliableRequester, RequestOptions } from "../transport/requester.js";
import type { Screen } from "./ui/screen-types.js";

/**
 * Where a person's questions end: `left` resolves when the person leaves
 * (questions still waiting resolve undefined), `warning` tells why a
 * question got no answer. Without it (the feed's own use) neither happens.
 */
export type Asker = Pick<Screen, "left" | "warning">;

/** Control requests and their answers, over one requester. */
export class Queries {
  constructor(
    private readonly requester: ReliableRequester,
    private readonly asker?: Asker,
  ) {}

  /**
   * Sends a control request and resolves with its answer, typed by its op
   * and validated field by field; rejects with RejectedError (refused),
   * MalformedAnswerError (an answer that breaks the protocol),
   * ServerUnreachableError or ClosedError.
   */
  async request<R extends ControlRequest>(request: R, options?: RequestOptions): Promise<AnswerOf<R["op"]>> {
    const reply = await this.requester.request(encodeControl(request), options);
    return decodeAnswer(request.op, reply) as AnswerOf<R["op"]>;
  }

  /**
   * A command's question: resolves with the answer, or undefined once the
   * person has been told why not (unless `quiet`), after at most 6 s, and at
   * once when the person leaves.
   */
  async ask<R extends ControlRequest>(request: R, quiet = false): Promise<AnswerOf<R["op"]> | undefined> {
    try {
      return await this.patience(this.request(request, { timeoutMs: 5000 }), 6000);
    } catch (err) {
      if (!(err instanceof RejectedError || err instanceof MalformedAnswerError || err instanceof ServerUnreachableError || err instanceof ClosedError)) throw err;
      if (!quiet && !(err instanceof ClosedError)) this.asker?.warning(err.message);
      return undefined;
    }
  }

  /** Waits for `promise` at most `ms`, and never once the person has left; resolves undefined then. */
  patience<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms).unref()));
    const left = this.asker?.left.then(() => undefined) ?? timeout;
    return Promise.race([promise, timeout, left]).finally(() => clearTimeout(timer));
  }

  /** Whether the server answered the last attempt. */
  get isReachable(): boolean {
    return this.requester.isReachable;
  }

  /** Abandons every pending request (they reject with ClosedError). */
  close(): void {
    this.requester.close();
  }
}
