/**
 * The traffic every benchmark sends: real mchat/1 post requests (see the
 * header of shared/protocol/index.ts) in the compact form the interactive
 * client sends to a server that takes it (["post2", meta, body]), with
 * 100-byte bodies, ids in the client's "<session>-<n>" form and the current
 * time, built per post the way a client would. The baselines parse the same
 * frames.
 */
import { randomBytes } from "node:crypto";
import { encodeCompactPost } from "../../shared/protocol/index.js";

/** 100 bytes of printable text. */
export const BODY = Buffer.from("The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. 0123456789abcd");
const USER = "bench";

/** Makes the 3 frames of successive posts from one client. */
export function postMaker(channel: string | ((n: number) => string)): () => (string | Buffer)[] {
  const session = randomBytes(4).toString("hex");
  let n = 0;
  return () => {
    n++;
    const c = typeof channel === "string" ? channel : channel(n);
    const [op, meta] = encodeCompactPost({ id: `${session}-${n}`, channel: c, user: USER, time: new Date().toISOString(), kind: "say", body: "" });
    return [op!, meta!, BODY];
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
