/**
 * Reliable request-reply, the Lazy Pirate way (zguide "lpclient"): one REQ
 * socket, one request in flight, a bounded wait for each reply; on silence
 * the socket is closed and a new one sends the same request again. The
 * server de-duplicates retried posts by id, so a retry is recorded once.
 * Requests queue behind each other, which keeps each sender's posts in order.
 */
import { Request } from "zeromq";
import { ServerUnreachableError, zmqErrorCode } from "../errors.js";
import { LazyPirate, type LazyPirateOptions, type PendingRequest } from "./lazy-pirate.js";

export interface RequestOptions {
  /** Give up (ServerUnreachableError) once this many ms have passed; default never. */
  timeoutMs?: number;
}

interface Job extends PendingRequest {
  deadline: number;
  started: number;
}

export class ReliableRequester extends LazyPirate<Request, Job> {
  private running = false;
  /** The attempt in flight was given up by retryNow(): its silence is no news about the server. */
  private retrying = false;

  /** `attemptMs`: how long one attempt waits for its reply before the socket is replaced. */
  constructor(options: LazyPirateOptions) {
    super(options, Request);
  }

  /** Sends `frames` and resolves with the reply frames, retrying as needed. */
  request(frames: string[], options: RequestOptions = {}): Promise<Buffer[]> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
      this.jobs.push({ frames, deadline, started, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  /**
   * Gives up the attempt in flight and sends its request again at once on a
   * new socket, for a caller who knows its reply will not come (the server
   * restarted, and a REQ socket never resends by itself): it need not wait
   * out the rest of the attempt.
   */
  retryNow(): void {
    if (this.closed || !this.running) return;
    this.retrying = true;
    this.dropSocket();
  }

  /**
   * The endpoint moved: the socket is replaced, and the request in flight
   * (if any) is sent again at once, unchanged, to the new endpoint.
   */
  override reconnect(): void {
    if (this.closed) return;
    if (this.running) this.retrying = true;
    this.dropSocket();
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.jobs.length > 0 && !this.closed) {
      const job = this.jobs[0]!;
      const wait = Math.min(this.attemptMs, job.deadline - Date.now());
      if (wait <= 0) {
        this.jobs.shift();
        /* The time allowed, not the time measured: a busy machine's lateness is no news to the reader. */
        job.reject(new ServerUnreachableError(this.endpoint, job.deadline - job.started));
        continue;
      }
      let reply: Buffer[] | undefined;
      this.retrying = false;
      try {
        reply = await this.attempt(job.frames, wait);
      } catch (err) {
        // Not a lost reply (those are retried) but an error no retry mends: fail this request, never stall the queue.
        this.dropSocket();
        if (this.jobs[0] === job) this.jobs.shift();
        job.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (this.closed || this.failure) break;
      if (reply === undefined) {
        if (!this.retrying) this.setReachable(false);
        continue;
      }
      this.setReachable(true);
      this.jobs.shift();
      job.resolve(reply);
    }
    this.running = false;
  }

  /** One send and one bounded receive; undefined when no reply came in time. */
  private async attempt(frames: string[], waitMs: number): Promise<Buffer[] | undefined> {
    const socket = this.socket ?? this.newSocket();
    socket.receiveTimeout = Math.max(1, Math.ceil(waitMs));
    try {
      await socket.send(frames);
      return await socket.receive();
    } catch (err) {
      if (this.closed || this.failure || this.retrying) return undefined;
      const code = zmqErrorCode(err);
      if (code !== "EAGAIN" && code !== "EFSM") throw err;
      // Lazy Pirate: a REQ socket that lost its reply is stuck; replace it.
      this.dropSocket();
      return undefined;
    }
  }
}
