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
import { delay } from "../delay.js";
import { probePeer } from "./zmtp-probe.js";

/*
 * A handshake that fails without detail is the peer hanging up on us: with
 * CURVE, what a server does with a HELLO it cannot decrypt (wrong key); a
 * plain TCP service, or a server that wants CURVE from a plain client, does
 * it too. Once could be a server going down mid-handshake; this many in a
 * row, with the ~100 ms reconnect interval in between, is not. Then a probe
 * of the peer (zmtp-probe.ts) says which it is.
 */
const FAILURES_IN_A_ROW = 3;
/** How long the probe may take before the peer counts as silent (a bound, not a guess at speed). */
const PROBE_MS = 5000;
/**
 * Before a peer that hung up without a greeting is called "not a chat
 * server", it is asked again this much later: a server killed or starting
 * up can look like that for an instant, a plain TCP service every time.
 */
const CONFIRM_MS = 500;

/** The socket types a client socket can talk to, and the chat server port that has one. */
const PEERS: Record<string, { types: string[]; port: "post" | "publish" }> = {
  Request: { types: ["ROUTER", "REP"], port: "post" },
  Dealer: { types: ["ROUTER", "REP"], port: "post" },
  Subscriber: { types: ["XPUB", "PUB"], port: "publish" },
};

/**
 * Calls `onFailure` once, as soon as `socket`'s handshakes with `endpoint`
 * show that no connection will ever succeed: wrong or missing keys, a peer
 * that is not a ZeroMQ server, or the server's other port (a socket type
 * this one cannot talk to, which libzmq answers by hanging up, once, and
 * never retrying). `curve` says whether the socket was given a server key.
 * Lives as long as the socket.
 */
export function watchHandshakes(
  socket: Socket,
  /** Where the socket connects; a function for a socket that may be moved to another server. */
  connectedTo: string | (() => string),
  curve: boolean,
  onFailure: (err: HandshakeError) => void,
): void {
  const where = typeof connectedTo === "string" ? () => connectedTo : connectedTo;
  const peer = PEERS[socket.constructor.name];
  let failures = 0;
  let reported = false;
  let handshook = false;
  let probing = false;
  const fail = (reason: HandshakeError["reason"], detail: string | undefined) => {
    if (reported) return;
    reported = true;
    onFailure(new HandshakeError(where(), reason, detail, peer?.port));
  };
  /* Asks the peer what it is; fails only when the answer says no handshake can ever succeed. */
  const probe = (code: string | undefined) => {
    if (probing || reported) return;
    probing = true;
    const endpoint = where();
    void probePeer(endpoint, PROBE_MS).then(async (kind) => {
      if (!kind.zmtp && kind.connected) {
        await delay(CONFIRM_MS);
        kind = await probePeer(endpoint, PROBE_MS);
      }
      probing = false;
      if (socket.closed) return;
      if (!kind.zmtp && kind.connected) return fail("not-zmtp", code);
      if (!kind.zmtp) {
        failures = 0; // nothing listens: a server down or restarting, which libzmq keeps retrying
        return;
      }
      if (kind.mechanism === "CURVE") return fail(curve ? "wrong-key" : "needs-key", code);
      if (kind.mechanism !== "NULL") return fail("protocol", `mechanism ${kind.mechanism}`);
      if (curve) return fail("not-encrypted", code);
      if (peer && kind.socketType !== undefined && !peer.types.includes(kind.socketType)) return fail("wrong-port", kind.socketType);
      failures = 0; // a plain server of the right kind: that was a hiccup (a server going down, say)
    });
  };
  eachEvent(socket, (event) => {
    switch (event.type) {
      case "connect":
        handshook = false;
        return;
      case "handshake":
        handshook = true;
        failures = 0;
        return;
      // Hung up before any handshake event: what libzmq does with a socket type it cannot talk to.
      case "disconnect":
        if (!handshook) probe(undefined);
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
      case "handshake:error:other":
        if (++failures >= FAILURES_IN_A_ROW) probe(event.error.code);
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
