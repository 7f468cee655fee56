/**
 * The traffic every benchmark sends: real mchat/1 post requests (see the
 * header of shared/protocol/index.ts) with 100-byte bodies, ids in the interactive
 * client's "<session>-<n>" form and the current time, built per post the
 * way a client would.
 */
import { randomBytes } from "node:crypto";

/** 100 bytes of printable text. */
export const BODY = Buffer.from("The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. 0123456789abcd");
const USER = "bench";

/** Makes the 7 frames of successive posts from one client. */
export function postMaker(channel: string | ((n: number) => string)): () => (string | Buffer)[] {
  const session = randomBytes(4).toString("hex");
  let n = 0;
  return () => {
    n++;
    const c = typeof channel === "string" ? channel : channel(n);
    return ["post", `${session}-${n}`, c, USER, new Date().toISOString(), "say", BODY];
  };
}

/** The same frames behind the empty delimiter a DEALER must send to a REP (and may send to mc_server). */
export function dealerPostMaker(channel: string | ((n: number) => string)): () => (string | Buffer)[] {
  const make = postMaker(channel);
  return () => ["", ...make()];
}

/** Whether a reply is an error (["err", ...]); a bare echo's reply never is. */
export function isError(reply: Buffer[], skip = 0): boolean {
  const status = reply[skip];
  return status !== undefined && status.length === 3 && status[0] === 0x65 && status[1] === 0x72;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
