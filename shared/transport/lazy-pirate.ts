/**
 * What both reliable requesters share (zguide "lpclient"): a client socket
 * to the server's post endpoint that is thrown away and made again when the
 * server falls silent, that follows the endpoint when it moves, that gives
 * up for good when the handshake can never succeed, and that tells when the
 * server stops answering and answers again. requester.ts keeps one request
 * in flight on a REQ; pipelined-requester.ts several on a DEALER.
 */
import type { Dealer, Request } from "zeromq";
import { ClosedError, type HandshakeError } from "../errors.js";
import { curveClientOptions, type CurveClientKeys } from "./curve.js";
import { isIpv6Endpoint } from "./endpoint.js";
import { watchHandshakes } from "./handshake-watch.js";
import { endpointOf, onMove, type EndpointLike } from "./moving-endpoint.js";

export interface LazyPirateOptions {
  /** The server's post endpoint; one that moves (moving-endpoint.ts) makes the requester reconnect there. */
  endpoint: EndpointLike;
  /** How long the server may stay silent before the socket is replaced and what is unanswered sent again. */
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

/** A request waiting for its reply. */
export interface PendingRequest {
  frames: string[];
  resolve: (reply: Buffer[]) => void;
  reject: (err: Error) => void;
}

type ClientSocket = Request | Dealer;

export abstract class LazyPirate<S extends ClientSocket, J extends PendingRequest> {
  protected readonly attemptMs: number;
  protected socket: S | undefined;
  /** Requests not answered yet, oldest first. */
  protected readonly jobs: J[] = [];
  protected closed = false;
  protected failure: HandshakeError | undefined;
  private reachable = true;
  private readonly stopFollowing: () => void;

  constructor(
    protected readonly options: LazyPirateOptions,
    private readonly Socket: new (options: ConstructorParameters<typeof Request>[0]) => S,
  ) {
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

  /** Requests not answered yet, the ones in flight included. */
  get pending(): number {
    return this.jobs.length;
  }

  /** The endpoint moved (or the caller knows the reply will not come): what is unanswered goes again, at once, on a new socket. */
  abstract reconnect(): void;

  /** Abandons every pending request (they reject with ClosedError). */
  close(): void {
    this.closed = true;
    this.stopFollowing();
    this.dropSocket();
    for (const job of this.jobs.splice(0)) job.reject(new ClosedError());
  }

  /** Why a new request cannot be taken, if it cannot. */
  protected refusal(): Error | undefined {
    return this.closed ? new ClosedError() : this.failure;
  }

  /** A new socket to the endpoint, watched for handshakes that can never succeed. */
  protected newSocket(): S {
    const { curve } = this.options;
    const socket = new this.Socket({ linger: 0, ipv6: isIpv6Endpoint(this.endpoint), ...curveClientOptions(curve) });
    watchHandshakes(socket, this.endpoint, curve !== undefined, (err) => this.fail(err));
    socket.connect(this.endpoint);
    this.socket = socket;
    return socket;
  }

  /** Closes the socket, with whatever ZeroMQ still queued on it (linger 0). */
  protected dropSocket(): void {
    if (this.socket && !this.socket.closed) this.socket.close();
    this.socket = undefined;
  }

  protected setReachable(reachable: boolean): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    this.options.onStatus?.(reachable);
  }

  /** No request can ever get through: say so, and reject what is pending. */
  private fail(err: HandshakeError): void {
    if (this.closed || this.failure) return;
    this.failure = err;
    this.options.onFailure?.(err);
    this.dropSocket();
    for (const job of this.jobs.splice(0)) job.reject(err);
  }
}
