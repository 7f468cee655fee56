/**
 * Reliable request-reply, the Lazy Pirate way (zguide "lpclient"): one REQ
 * socket, one request in flight, a bounded wait for each reply; on silence
 * the socket is closed and a new one sends the same request again. The
 * server de-duplicates retried posts by id, so a retry is recorded once.
 * Requests queue behind each other, which keeps each sender's posts in order.
 */
import { Request } from "zeromq";
import { ClosedError, ServerUnreachableError, zmqErrorCode, type HandshakeError } from "../errors.js";
import { watchHandshakes } from "./handshake-watch.js";
import { isIpv6Endpoint } from "./endpoint.js";
import { curveClientOptions, type CurveClientKeys } from "./curve.js";
import { endpointOf, onMove, type EndpointLike } from "./moving-endpoint.js";

export interface RequesterOptions {
  /** The server's post endpoint; one that moves (moving-endpoint.ts) makes the requester reconnect there. */
  endpoint: EndpointLike;
  /** How long one attempt waits for its reply before the socket is replaced. */
  attemptMs?: number;
  /** Client-side CURVE keys, when the server encrypts. */
  curve?: CurveClientKeys | undefined;
  /** Hears when the server stops answering (false) and answers again (true). */
  onStatus?: (reachable: boolean) => void;
  /**
   * Hears, once, that the handshake can never succeed (wrong or missing
   * server key). Called before pending requests reject with the error, so a
   * listener that closes the requester makes them reject with ClosedError.
   */
  onFailure?: (err: HandshakeError) => void;
}

export interface RequestOptions {
  /** Give up (ServerUnreachableError) once this many ms have passed; default never. */
  timeoutMs?: number;
}

interface Job {
  frames: string[];
  deadline: number;
  started: number;
  resolve: (reply: Buffer[]) => void;
  reject: (err: Error) => void;
}

export class ReliableRequester {
  private readonly attemptMs: number;
  private readonly stopFollowing: () => void;
  private socket: Request | undefined;
  private readonly jobs: Job[] = [];
  private running = false;
  private closed = false;
  private reachable = true;
  private failure: HandshakeError | undefined;
  /** The attempt in flight was given up by retryNow(): its silence is no news about the server. */
  private retrying = false;

  constructor(private readonly options: RequesterOptions) {
    this.attemptMs = options.attemptMs ?? 2000;
    this.stopFollowing = onMove(options.endpoint, () => this.reconnect());
  }

  /** Where requests go now. */
  get endpoint(): string {
    return endpointOf(this.options.endpoint);
  }

  /** Sends `frames` and resolves with the reply frames, retrying as needed. */
  request(frames: string[], options: RequestOptions = {}): Promise<Buffer[]> {
    if (this.closed) return Promise.reject(new ClosedError());
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
      this.jobs.push({ frames, deadline, started, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  /** Requests not yet answered, the one in flight included. */
  get pending(): number {
    return this.jobs.length;
  }

  /** Whether the last attempt got an answer. */
  get isReachable(): boolean {
    return this.reachable;
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
  reconnect(): void {
    if (this.closed) return;
    if (this.running) this.retrying = true;
    this.dropSocket();
  }

  /** Abandons every pending request (they reject with ClosedError). */
  close(): void {
    this.closed = true;
    this.stopFollowing();
    this.dropSocket();
    for (const job of this.jobs.splice(0)) job.reject(new ClosedError());
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

  private newSocket(): Request {
    const { curve } = this.options;
    const socket = new Request({
      linger: 0,
      ipv6: isIpv6Endpoint(this.endpoint),
      ...curveClientOptions(curve),
    });
    watchHandshakes(socket, this.endpoint, curve !== undefined, (err) => this.fail(err));
    socket.connect(this.endpoint);
    this.socket = socket;
    return socket;
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
  }

  private setReachable(reachable: boolean): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    this.options.onStatus?.(reachable);
  }
}
