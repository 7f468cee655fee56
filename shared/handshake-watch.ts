/**
 * Notices when a connection can never be set up: the server wants CURVE and
 * the client speaks plain (or the other way round), or --server-key is not
 * the server's key. libzmq gives no error to send() or receive() for these:
 * after a mechanism mismatch it silently stops reconnecting, and after a
 * wrong key it reconnects every ~100 ms for ever. The socket's monitor
 * events (zeromq.js `socket.events`) say what happened within a round trip,
 * so a client can say so in a sentence instead of waiting.
 */
import type { Socket } from "zeromq";
import { HandshakeError } from "./errors.js";

/*
 * A handshake that fails without detail is the server hanging up on us: with
 * CURVE, what a server does with a HELLO it cannot decrypt (wrong key). Once
 * could be a server going down mid-handshake; this many in a row, with the
 * ~100 ms reconnect interval in between, is not.
 */
const FAILURES_IN_A_ROW = 3;

/**
 * Calls `onFailure` once, as soon as `socket`'s handshakes with `endpoint`
 * show that no connection will ever succeed with these keys. `curve` says
 * whether the socket was given a server key. Lives as long as the socket.
 */
export function watchHandshakes(
  socket: Socket,
  endpoint: string,
  curve: boolean,
  onFailure: (err: HandshakeError) => void,
): void {
  let failures = 0;
  let reported = false;
  const fail = (reason: HandshakeError["reason"], detail: string | undefined) => {
    if (reported) return;
    reported = true;
    onFailure(new HandshakeError(endpoint, reason, detail));
  };
  const events = socket.events;
  events.on("handshake", () => {
    failures = 0;
  });
  // A protocol error ends libzmq's reconnecting for good: it is never a hiccup.
  events.on("handshake:error:protocol", ({ error }) => {
    if (error.code === "ERR_ZMTP_MECHANISM_MISMATCH") fail(curve ? "not-encrypted" : "needs-key", error.code);
    else fail(curve && error.code === "ERR_ZMTP_CRYPTOGRAPHIC" ? "wrong-key" : "protocol", error.code);
  });
  events.on("handshake:error:auth", ({ error }) => fail(curve ? "wrong-key" : "protocol", `ZAP ${error.status}`));
  events.on("handshake:error:other", ({ error }) => {
    // Without a key, a server that hangs up mid-handshake is one that wants CURVE (its
    // mismatch error can lose the race with our write: EPIPE instead).
    if (++failures >= FAILURES_IN_A_ROW) fail(curve ? "wrong-key" : "needs-key", error.code);
  });
}
