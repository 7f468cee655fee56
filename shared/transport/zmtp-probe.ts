/**
 * Asks a peer what it is, below libzmq: a plain TCP connection that sends a
 * ZMTP 3.0 greeting (NULL mechanism) and reads the
 * peer's greeting (its security mechanism) and, for a plain peer, its READY
 * (its socket type). libzmq reports neither to a socket's owner, yet they
 * tell "this server wants CURVE" from "this is not a ZeroMQ server at all"
 * from "this is the other port of the server".
 *
 *   greeting: 0xFF, 8 bytes, 0x7F | major 3, minor | mechanism, 20 bytes NUL-padded | as-server | 31 bytes
 *   READY:    flags 0x04 (0x06: 8-byte size) | size | 5 "READY" | (name-len name value-len(4, BE) value)*
 */
import { connect, type Socket } from "node:net";

export type PeerKind =
  /**
   * Nothing answered the greeting: `connected` says whether the TCP
   * connection was made at all (a silent or hung-up service) or not
   * (nothing listens, e.g. a server restarting).
   */
  | { zmtp: false; connected: boolean }
  /** A ZeroMQ peer; `socketType` (e.g. ROUTER, XPUB) only when it speaks plain (NULL). */
  | { zmtp: true; mechanism: string; socketType?: string };

const GREETING = 64;

/** Probes `endpoint` (tcp://host:port); never rejects. */
export function probePeer(endpoint: string, timeoutMs = 2000): Promise<PeerKind> {
  const m = /^tcp:\/\/\[?([^\]]+?)\]?:(\d+)$/.exec(endpoint);
  if (!m) return Promise.resolve({ zmtp: false, connected: false });
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    let connected = false;
    const socket: Socket = connect({ host: m[1]!, port: Number(m[2]) });
    const done = (kind: PeerKind) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(kind);
    };
    const timer = setTimeout(() => done(settle(received, connected)), timeoutMs);
    timer.unref();
    /*
     * Only the signature and version first: libzmq then sends its whole
     * greeting (with its mechanism) and waits for the rest of ours. Were the
     * mechanisms to differ, a peer given all of ours would hang up before
     * finishing its own. The rest goes once its greeting is in; a plain
     * peer then sends READY with its socket type. Ours is never sent, so
     * no peer gets far enough to refuse our type before saying its own.
     */
    const ours = greeting();
    socket.on("connect", () => {
      connected = true;
      socket.write(ours.subarray(0, 12));
    });
    let rest = false;
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const kind = parse(received);
      if (kind) return done(kind);
      if (!rest && received.length >= GREETING) {
        rest = true;
        socket.write(ours.subarray(12));
      }
    });
    socket.on("error", () => done(settle(received, connected)));
    socket.on("close", () => done(settle(received, connected)));
  });
}

function greeting(): Buffer {
  const g = Buffer.alloc(GREETING);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g.write("NULL", 12, "latin1");
  return g;
}

/** What `data` says so far; undefined while more may come. */
function parse(data: Buffer): PeerKind | undefined {
  if (data.length > 0 && data[0] !== 0xff) return { zmtp: false, connected: true };
  if (data.length < GREETING) return undefined;
  if (data[9] !== 0x7f || data[10]! < 3) return { zmtp: false, connected: true };
  const mechanism = data.toString("latin1", 12, 32).replace(/\0+$/, "");
  if (mechanism !== "NULL") return { zmtp: true, mechanism };
  const socketType = readyType(data.subarray(GREETING));
  return socketType === undefined ? undefined : { zmtp: true, mechanism, socketType };
}

/** What `data` says once nothing more will come. */
function settle(data: Buffer, connected: boolean): PeerKind {
  const kind = parse(data);
  if (kind) return kind;
  return data.length >= GREETING ? { zmtp: true, mechanism: "NULL" } : { zmtp: false, connected };
}

/** The Socket-Type property of a READY command at the start of `cmd`, once all of it is there. */
function readyType(cmd: Buffer): string | undefined {
  if (cmd.length < 2 || (cmd[0]! & 0x04) === 0) return undefined;
  const long = (cmd[0]! & 0x02) !== 0;
  const start = long ? 9 : 2;
  if (cmd.length < start) return undefined;
  const size = long ? Number(cmd.readBigUInt64BE(1)) : cmd[1]!;
  if (cmd.length < start + size) return undefined;
  const body = cmd.subarray(start, start + size);
  if (body[0] !== 5 || body.toString("latin1", 1, 6) !== "READY") return undefined;
  for (let p = 6; p < body.length; ) {
    const nameLen = body[p]!;
    const name = body.toString("latin1", p + 1, p + 1 + nameLen);
    p += 1 + nameLen;
    if (p + 4 > body.length) return undefined;
    const valueLen = body.readUInt32BE(p);
    p += 4;
    if (name.toLowerCase() === "socket-type") return body.toString("latin1", p, p + valueLen);
    p += valueLen;
  }
  return undefined;
}
