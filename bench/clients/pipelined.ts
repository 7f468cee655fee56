/**
 * Posting as fast as the server answers: DEALER sockets that keep up to
 * `window` posts in flight each. Used to fill a server for the memory and
 * history figures and as the one poster of the fan-out figure.
 */
import { Dealer } from "zeromq";
import { dealerPostMaker, isError, wallMs } from "./post-frames.js";

export interface PipelinedResult {
  /** Wall-clock ms of the first send and of the last answer. */
  startMs: number;
  endMs: number;
  acked: number;
  errors: number;
}

/** Posts `count` messages over `sockets` DEALERs; channel `n` of each socket's posts is `channel(n)`. */
export async function postPipelined(
  endpoint: string,
  count: number,
  options: { sockets?: number; window?: number; channel: string | ((n: number) => string) },
): Promise<PipelinedResult> {
  const sockets = options.sockets ?? 1;
  const startMs = wallMs();
  const results = await Promise.all(
    Array.from({ length: sockets }, (_, i) => {
      const share = Math.floor(count / sockets) + (i < count % sockets ? 1 : 0);
      return oneSocket(endpoint, share, options.window ?? 100, options.channel);
    }),
  );
  return {
    startMs,
    endMs: wallMs(),
    acked: results.reduce((a, r) => a + r.acked, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
  };
}

async function oneSocket(endpoint: string, count: number, window: number, channel: string | ((n: number) => string)) {
  const socket = new Dealer({ linger: 0, receiveTimeout: 10_000, sendHighWaterMark: 10 * window });
  socket.connect(endpoint);
  const next = dealerPostMaker(channel);
  let inFlight = 0;
  let acked = 0;
  let errors = 0;
  let wake: (() => void) | undefined;
  const send = async () => {
    for (let i = 0; i < count; i++) {
      if (inFlight >= window) await new Promise<void>((r) => (wake = r));
      inFlight++;
      await socket.send(next());
    }
  };
  const receive = async () => {
    try {
      while (acked + errors < count) {
        const reply = await socket.receive();
        if (isError(reply, 1)) errors++;
        else acked++;
        inFlight--;
        wake?.();
        wake = undefined;
      }
    } catch {
      /* A receive timeout: the missing answers show as a short count. */
    }
  };
  const sending = send();
  await receive();
  socket.close();
  await sending.catch(() => {});
  return { acked, errors };
}
