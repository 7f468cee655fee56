/**
 * Typed errors. Each carries its context as fields so callers can decide what
 * to print; `sentence` (the message, unless a class says otherwise) is always
 * one sentence a person can act on. Errors of the wire protocol (error codes,
 * CodecError, RejectedError) live with it in shared/protocol/errors.ts.
 */

/**
 * The base of every error this project throws on purpose. Anything else that
 * reaches a command line is a bug and is reported as "unexpected error".
 */
export class ChatError extends Error {
  override name = "ChatError";

  /** The one line a person reads. */
  get sentence(): string {
    return this.message;
  }
}

/** Whether `err` is one of ours, with a sentence for a person. */
export function isChatError(err: unknown): err is ChatError {
  return err instanceof ChatError;
}


/** Bad command-line arguments: the CLI prints usage and exits 2. */
export class UsageError extends ChatError {
  override name = "UsageError";
}

/** No reply from the server within the allowed time. */
export class ServerUnreachableError extends ChatError {
  override name = "ServerUnreachableError";
  constructor(
    readonly endpoint: string,
    readonly waitedMs: number,
    options?: ErrorOptions,
  ) {
    super(
      `no reply from the server at ${endpoint} after ${(waitedMs / 1000).toFixed(1)} s; is it running?`,
      options,
    );
  }
}

/** The durable store is held by another running server. */
export class StoreBusyError extends ChatError {
  override name = "StoreBusyError";
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`cannot open the store '${path}': another server is using it (stop that one, or give this one another file)`, options);
  }
}

/** A socket could not bind its endpoint. */
export class BindError extends ChatError {
  override name = "BindError";
  constructor(
    readonly endpoint: string,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(bindSentence(endpoint, code), options);
  }
}

function bindSentence(endpoint: string, code: string | undefined): string {
  switch (code) {
    case "EADDRINUSE":
      return `cannot listen on ${endpoint}: the port is already in use (is another server running?)`;
    case "EADDRNOTAVAIL":
    case "ENODEV":
      return `cannot listen on ${endpoint}: that address does not belong to this machine`;
    case "EACCES":
      return `cannot listen on ${endpoint}: permission denied (ports below 1024 need privileges)`;
    default:
      return `cannot listen on ${endpoint} (${code ?? "unknown error"})`;
  }
}

/** The operation was abandoned because its requester or client was closed. */
export class ClosedError extends ChatError {
  override name = "ClosedError";
  constructor() {
    super("closed before the server answered");
  }
}

/** Why a connection can never be set up (see shared/transport/handshake-watch.ts). */
export type HandshakeFailure = "needs-key" | "not-encrypted" | "wrong-key" | "not-zmtp" | "wrong-port" | "protocol";

/** The peer is not a chat server this client can talk to, or not with these keys: retrying will not help. */
export class HandshakeError extends ChatError {
  override name = "HandshakeError";
  constructor(
    readonly endpoint: string,
    readonly reason: HandshakeFailure,
    /** libzmq's code for it (e.g. ERR_ZMTP_MECHANISM_MISMATCH, EPIPE); the peer's socket type for wrong-port. */
    readonly detail: string | undefined,
    /** Which of the chat server's ports the client took this endpoint for. */
    readonly port?: "post" | "publish",
  ) {
    super(handshakeSentence(endpoint, reason, detail, port));
  }
}

function handshakeSentence(endpoint: string, reason: HandshakeFailure, detail: string | undefined, port: string | undefined): string {
  switch (reason) {
    case "needs-key":
      return `the server at ${endpoint} only accepts encrypted (CURVE) connections: give its public key with --server-key`;
    case "not-encrypted":
      return `the server at ${endpoint} does not use encryption: leave out --server-key`;
    case "wrong-key":
      return `the server at ${endpoint} refused the encryption handshake: --server-key is not its public key`;
    case "not-zmtp":
      return `the peer at ${endpoint} closed the connection during the handshake: is it this chat server, and are these its ports?`;
    case "wrong-port":
      return `${endpoint} is not the chat server's ${port ?? "post"} port (it is a ZeroMQ ${detail ?? "other"} socket): are the post and pub ports swapped?`;
    case "protocol":
      return `the handshake with ${endpoint} failed (${detail ?? "protocol error"}): is it a chat server?`;
  }
}

/** A zeromq.js error carries the libzmq errno name in `code`. */
export function zmqErrorCode(err: unknown): string | undefined {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}
