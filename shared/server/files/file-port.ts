/**
 * The file port: a ROUTER of its own, beside the post port, so that a
 * transfer's chunks never queue in front of chat on the post socket. Its
 * receive loop hands each request to the FileService and sends the reply
 * through a SendQueue (one send in flight per socket).
 *
 * A socket's requests are handled one after another and answered in that
 * order (the protocol promises it: a client matches replies to its window
 * of puts by order). Different sockets are served concurrently: one
 * client's disk work (fs/promises, in libuv's thread pool) never holds up
 * another's, nor the post port's event-loop turns.
 *
 * Where ZeroMQ drops, and why nothing is lost: the ROUTER drops a reply to
 * a DEALER that has gone (or whose queue is full, sendTimeout 0): that
 * client has timed out and offers again, which answers what is still
 * missing, or fetches the chunk again. A request that never arrives leaves
 * its reply missing too, with the same remedy. Past BACKLOG_MAX requests
 * waiting for one socket, more are dropped here alike.
 */
import type { Router } from "zeromq";
import { decodeFileRequest, encodeError, type FileRequest } from "../../protocol/index.js";
import { CodecError, type ErrorCode } from "../../protocol/errors.js";
import { printable } from "../../protocol/fields.js";
import { SendQueue } from "../../transport/send-queue.js";
import { Refusal, STALE_LOGIN } from "../accounts/refusal.js";
import type { Message } from "../batch.js";
import type { FileService } from "./file-service.js";

/** Requests one socket may have waiting before more are dropped (a client keeps a window of about 8). */
export const BACKLOG_MAX = 64;

export class FilePort {
  private readonly replies: SendQueue;
  /** Per socket (routing id): the tail of its requests being handled, and how many wait. */
  private readonly clients = new Map<string, { tail: Promise<void>; waiting: number }>();

  constructor(
    private readonly router: Router,
    private readonly service: FileService,
    private readonly onError: (sentence: string) => void,
    private readonly onRefused: (op: string, code: string) => void = () => {},
  ) {
    this.replies = new SendQueue(router, (err) => onError(`could not send a file reply: ${String(err)}`));
  }

  /** The receive loop; ends when the socket is closed. */
  async serve(): Promise<void> {
    for await (const frames of this.router) this.handle(frames);
  }

  /** Waits for the requests being handled (before the store closes). */
  async drain(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.tail));
  }

  /** One request as the ROUTER received it: [identity, "", ...request] (a DEALER may omit the ""). */
  handle(frames: Buffer[]): void {
    const id = frames[0]!.toString("latin1");
    let client = this.clients.get(id);
    if (!client) this.clients.set(id, (client = { tail: Promise.resolve(), waiting: 0 }));
    if (client.waiting >= BACKLOG_MAX) return;
    client.waiting++;
    const split = frames.length > 1 && frames[1]!.length === 0 ? 2 : 1;
    const envelope = frames.slice(0, split);
    const c = client;
    const tail = c.tail.then(async () => {
      const reply = await this.answer(frames.slice(split));
      c.waiting--;
      if (!this.router.closed) this.replies.send([...envelope, ...reply]);
    });
    c.tail = tail;
    void tail.then(() => {
      if (c.tail === tail) this.clients.delete(id);
    });
  }

  private async answer(request: Buffer[]): Promise<Message> {
    let decoded: FileRequest | undefined;
    try {
      decoded = decodeFileRequest(request);
      return await this.service.handle(decoded, Date.now());
    } catch (err) {
      return this.refusal(err, decoded?.op ?? (request[0] ? printable(request[0].toString("latin1")) : ""));
    }
  }

  /** The error reply for a request that failed: a client's mistake, or ours (then reported). */
  private refusal(err: unknown, op: string): Message {
    const refused = (code: ErrorCode, sentence: string, retryAfterMs?: number) => {
      this.onRefused(op, code);
      return encodeError(code, sentence, retryAfterMs);
    };
    /* A token that is not even well formed is one more unknown token, with the same answer. */
    if (err instanceof CodecError && err.field === "token") return refused("auth-failed", STALE_LOGIN);
    if (err instanceof CodecError) return refused(err.code, err.sentence);
    if (err instanceof Refusal) return refused(err.code, err.sentence, err.retryAfterMs);
    this.onError(`a file request failed: ${err instanceof Error ? err.message : String(err)}`);
    return encodeError("unavailable", "the server could not read or write the file; try again");
  }
}
