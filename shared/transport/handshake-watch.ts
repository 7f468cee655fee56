/**
 * Notices when a connection can never be set up: the server wants CURVE and
 * the client speaks plain (or the other way round), or --server-key is not
 * the server's key. libzmq gives no error to send() or receive() for these:
 * after a mechanism mismatch it silently stops reconnecting, and after a
 * wrong key it reconnects every ~100 ms for ever. The socket's monitor
 * events (zeromq.js `socket.events`) say what happened within a round trip,
 * so a client can say so in a sentence instead of waiting.
 */
import type { Event, Socket } from "zeromq";
import { HandshakeError } from "../errors.js";
import { isIpv6Endpoint } from "./endpoint.js";

/*
 * A handshake that fails without detail is the server hanging up on us: with
 * CURVE, what a server does with a HELLO it cannot decrypt (wrong key). Once
 * could be a server going down mid-handshake; this many in a row, with the
 * ~100 ms reconnect interval in between, is not.
 */
const FAILURES_IN_A_ROW = 3;
/** How long the plain probe may take before we settle for "wrong key" (a bound, not a guess at speed). */
const PROBE_MS = 5000;

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
  let probing = false;
  eachEvent(socket, (event) => {
    switch (event.type) {
      case "handshake":
        failures = 0;
        return;
      // A protocol error ends libzmq's reconnecting for good: it is never a hiccup.
      case "handshake:error:protocol": {
        const { code } = event.error;
        if (code === "ERR_ZMTP_MECHANISM_MISMATCH") fail(curve ? "not-encrypted" : "needs-key", code);
        else fail(curve && code === "ERR_ZMTP_CRYPTOGRAPHIC" ? "wrong-key" : "protocol", code);
        return;
      }
      case "handshake:error:auth":
        fail(curve ? "wrong-key" : "protocol", `ZAP ${event.error.status}`);
        return;
      case "handshake:error:other": {
        if (++failures < FAILURES_IN_A_ROW || probing) return;
        /*
         * A server that sees the wrong mechanism hangs up too, and its hang-up
         * can beat its greeting to us (EPIPE rather than a mismatch). Without a
         * key that means the server wants CURVE. With one, it is a wrong key or
         * a server without CURVE: a plain probe tells which.
         */
        const { code } = event.error;
        if (!curve) return fail("needs-key", code);
        probing = true;
        void acceptsPlain(socket, endpoint).then((plain) => fail(plain ? "not-encrypted" : "wrong-key", code));
      }
    }
  });
}

/**
 * Hands each of `socket`'s monitor events to `handle` until the socket
 * closes. Our own loop rather than zeromq.js's `events.on()`, whose internal
 * loop has no catch: an observer that fails as its socket closes would there
 * be an unhandled rejection, which ends the process with a stack trace.
 */
function eachEvent(socket: Socket, handle: (event: Event) => void): void {
  const events = socket.events;
  void (async () => {
    try {
      for await (const event of events) handle(event);
    } catch {
      // The socket (and with it the observer) is gone: nothing more to watch.
    }
  })();
}

/**
 * Whether a plain socket of `like`'s type completes a handshake with
 * `endpoint`: a server without CURVE always does, one with CURVE never.
 */
function acceptsPlain(like: Socket, endpoint: string): Promise<boolean> {
  const SocketType = like.constructor as new (options: { linger: number; ipv6: boolean }) => Socket;
  const probe = new SocketType({ linger: 0, ipv6: isIpv6Endpoint(endpoint) });
  return new Promise((resolve) => {
    const done = (plain: boolean) => {
      clearTimeout(timer);
      if (!probe.closed) probe.close();
      resolve(plain);
    };
    const timer = setTimeout(() => done(false), PROBE_MS).unref();
    eachEvent(probe, (event) => {
      if (event.type === "handshake") done(true);
      else if (event.type.startsWith("handshake:error:")) done(false);
    });
    probe.connect(endpoint);
  });
}
