/**
 * The file port's requests over one DEALER (FileOps for the transfer
 * engines). Several requests are in flight at once, the credit window's;
 * the server answers one socket's requests in order (ops/files.ts), so
 * each reply is the oldest outstanding request's. Sends go through a
 * SendQueue (one send in flight per socket); replies come to one
 * `for await` loop.
 *
 * When the oldest request has waited ATTEMPT_MS, replies may have been
 * lost (the server restarted, a reconnect dropped a request), and order
 * can no longer be trusted: the socket is closed and every outstanding
 * request rejects with ServerUnreachableError, for the engine to send
 * again on a new socket (the Lazy Pirate way). So does a reply to a put or
 * a fetch that names another chunk than its request: one was lost on the
 * way. A request whose caller gave up keeps its place, so that its reply
 * is still taken for it.
 */
import { Dealer } from "zeromq";
import { ClosedError, ServerUnreachableError, type HandshakeError } from "../../errors.js";
import { decodeFileAnswer, encodeFileRequest, type FileAnswerOf, type FileOp, type FileRequest } from "../../protocol/index.js";
import type { CurveClientKeys } from "../../transport/curve.js";
import { curveClientOptions } from "../../transport/curve.js";
import { isIpv6Endpoint } from "../../transport/endpoint.js";
import { watchHandshakes } from "../../transport/handshake-watch.js";
import { SendQueue } from "../../transport/send-queue.js";
import type { FileOps } from "./file-ops.js";
import { TransferError } from "./transfer-errors.js";

/** How long the oldest request may wait for its reply before the socket is replaced. */
export const ATTEMPT_MS = 10_000;

export interface FileLinkOptions {
  /** The file port's endpoint. */
  endpoint: string;
  curve?: CurveClientKeys | undefined;
  /** The login token now (every request carries it). */
  token: () => string | undefined;
  /** Hears, once, that the handshake can never succeed. */
  onFailure?: (err: HandshakeError) => void;
  attemptMs?: number;
}

interface Outstanding {
  op: FileOp;
  /** The chunk a put or fetch is about, which its ok answer names. */
  index: number | undefined;
  sent: number;
  /** Settled already (the caller gave up): the reply is taken and dropped. */
  done: boolean;
  resolve: (frames: Buffer[]) => void;
  reject: (err: Error) => void;
}

/** FileOps over a DEALER on the file port. */
export class FileLink implements FileOps {
  private socket: Dealer | undefined;
  private queue: SendQueue | undefined;
  private outstanding: Outstanding[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failure: HandshakeError | undefined;
  private readonly attemptMs: number;

  constructor(private readonly o: FileLinkOptions) {
    this.attemptMs = o.attemptMs ?? ATTEMPT_MS;
  }

  offer(r: Parameters<FileOps["offer"]>[0], signal?: AbortSignal) {
    return this.request("offer", { op: "offer", ...r }, signal);
  }

  put(r: Parameters<FileOps["put"]>[0], bytes: Buffer, signal?: AbortSignal) {
    return this.request("put", { op: "put", ...r, bytes }, signal);
  }

  get(offer: number, signal?: AbortSignal) {
    return this.request("get", { op: "get", offer }, signal);
  }

  fetch(offer: number, index: number, signal?: AbortSignal) {
    return this.request("fetch", { op: "fetch", offer, index }, signal);
  }

  files(signal?: AbortSignal) {
    return this.request("files", { op: "files" }, signal);
  }

  /** Abandons every outstanding request (ClosedError) and closes the socket. */
  close(): void {
    this.closed = true;
    this.reset(new ClosedError());
  }

  /** Sends one request with the current token; resolves with its validated answer. */
  async request<K extends FileOp>(op: K, r: FileRequest, signal?: AbortSignal): Promise<FileAnswerOf<K>> {
    if (this.closed) throw new ClosedError();
    if (this.failure) throw this.failure;
    signal?.throwIfAborted();
    const token = this.o.token();
    if (token === undefined) throw new TransferError("files are for accounts: /login (or /register) first");
    const frames = await new Promise<Buffer[]>((resolve, reject) => {
      const index = r.op === "put" || r.op === "fetch" ? r.index : undefined;
      const entry: Outstanding = { op, index, sent: Date.now(), done: false, resolve, reject };
      const abandon = () => {
        if (entry.done) return;
        entry.done = true;
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", abandon, { once: true });
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        signal?.removeEventListener("abort", abandon);
        if (entry.done) return;
        entry.done = true;
        f(v);
      };
      entry.resolve = settle(resolve);
      entry.reject = settle(reject);
      this.outstanding.push(entry);
      this.connection().send(["", ...encodeFileRequest({ ...r, token })]);
      this.watch();
    });
    return decodeFileAnswer(op, frames);
  }

  private connection(): SendQueue {
    if (this.socket && this.queue) return this.queue;
    const socket = new Dealer({ linger: 0, ipv6: isIpv6Endpoint(this.o.endpoint), ...curveClientOptions(this.o.curve) });
    watchHandshakes(socket, this.o.endpoint, this.o.curve !== undefined, (err) => this.fail(err));
    socket.connect(this.o.endpoint);
    this.socket = socket;
    this.queue = new SendQueue(socket);
    void this.receive(socket);
    return this.queue;
  }

  private async receive(socket: Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        if (socket !== this.socket) return;
        /* The empty delimiter the server puts back first. */
        const reply = frames[0]?.length === 0 ? frames.slice(1) : frames;
        const entry = this.outstanding[0];
        if (entry?.index !== undefined && reply[0]?.toString() === "ok" && namedIndex(reply) !== entry.index) {
          this.reset(new ServerUnreachableError(this.o.endpoint, Date.now() - entry.sent));
          return;
        }
        this.outstanding.shift();
        entry?.resolve(reply);
        this.watch();
      }
    } catch {
      /* Closed while receiving: whoever closed it settled what was outstanding. */
    }
  }

  /** Replaces the socket when the oldest request has waited too long. */
  private watch(): void {
    clearTimeout(this.timer);
    const oldest = this.outstanding[0];
    if (!oldest) return;
    const wait = oldest.sent + this.attemptMs - Date.now();
    this.timer = setTimeout(() => this.reset(new ServerUnreachableError(this.o.endpoint, this.attemptMs)), Math.max(0, wait));
    this.timer.unref();
  }

  private reset(err: Error): void {
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = this.queue = undefined;
    if (socket && !socket.closed) socket.close();
    for (const entry of this.outstanding.splice(0)) entry.reject(err);
  }

  private fail(err: HandshakeError): void {
    if (this.closed || this.failure) return;
    this.failure = err;
    this.o.onFailure?.(err);
    this.reset(err);
  }
}

/** The chunk index an ok reply's JSON names, if any. */
function namedIndex(reply: Buffer[]): number | undefined {
  try {
    const index = (JSON.parse(reply[1]?.toString("utf8") ?? "") as { index?: unknown }).index;
    return typeof index === "number" ? index : undefined;
  } catch {
    return undefined;
  }
}
