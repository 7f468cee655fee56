/**
 * A client process of the bench, driven over IPC by bench/lib/children.ts:
 * each message names a task below and its arguments; the answer carries
 * the task's result. It exits when the bench does.
 */
import { Request } from "zeromq";
import { ClosedLoop } from "./clients/closed-loop.js";
import { PacedLoad } from "./clients/paced.js";
import { postPipelined } from "./clients/pipelined.js";
import { postMaker } from "./clients/post-frames.js";
import { probeLatency, timePosts, timeRequests } from "./clients/probe.js";
import { LoginLoad } from "./clients/logins.js";
import { PrivateLoop, probePrivate, queuePrivate } from "./clients/private.js";
import { CountingSubscriber, idleSubscribers, WARM_CHANNEL } from "./clients/subscribers.js";

type Args = Record<string, any>;

let loop: ClosedLoop | undefined;
let paced: PacedLoad | undefined;
let logins: LoginLoad | undefined;
let privateLoop: PrivateLoop | undefined;
let subscriber: CountingSubscriber | undefined;
let idle: { close(): void } | undefined;
let warm: { endpoint: string; socket: Request; next: () => (string | Buffer)[] } | undefined;

const tasks: Record<string, (a: Args) => unknown> = {
  loopStart: (a) => void (loop = new ClosedLoop(a.endpoint, a.clients, a.channel)),
  loopMark: () => loop!.mark(),
  loopStop: () => loop!.stop(),
  pipelined: (a) => postPipelined(a.endpoint, a.count, {
    sockets: a.sockets,
    window: a.window,
    channel: a.channels ? (n: number) => `c${n % a.channels}` : a.channel,
  }),
  paceStart: (a) => void (paced = new PacedLoad(a.endpoint, a.rate, a.channel)),
  paceStop: () => paced!.stop(),
  subscribe: (a) => (subscriber = new CountingSubscriber(a.pub, a.channel, a.hwm)).ready,
  collect: (a) => subscriber!.collect(a.expect, a.idleMs),
  /** One post to the warm channel, answered. */
  warm: async (a) => {
    if (warm?.endpoint !== a.endpoint) {
      warm?.socket.close();
      const socket = new Request({ linger: 0, receiveTimeout: 5000 });
      socket.connect(a.endpoint);
      warm = { endpoint: a.endpoint, socket, next: postMaker(WARM_CHANNEL) };
    }
    const { socket, next } = warm!;
    await socket.send(next());
    await socket.receive();
  },
  idleOpen: (a) => void (idle = idleSubscribers(a.pub, a.count, a.channel)),
  idleClose: () => idle?.close(),
  probe: (a) => probeLatency(a.post, a.pub, a.count, a.intervalMs, a.channel),
  time: (a) => timeRequests(a.endpoint, a.frames, a.count, a.warmup),
  posts: (a) => timePosts(a.endpoint, a.count, a.intervalMs, a.channel),
  /** Logins as `user` (every attempt a new name `<user>-<n>` with `spray`) on `connections` sockets, until loginsStop. */
  loginsStart: (a) => void (logins = new LoginLoad(a.endpoint, a.connections, a.spray ? (n) => `${a.user}-${n}` : () => a.user, a.password)),
  loginsStop: () => logins!.stop(),
  /** Private messages (bench/private.ts): a timed one at a time, closed-loop pairs, and a fill of offline inboxes. */
  privateProbe: (a) => probePrivate(a.endpoint, a.from, a.to, a.count, a.intervalMs),
  privateLoopStart: (a) => void (privateLoop = new PrivateLoop(a.endpoint, a.pairs)),
  privateLoopMark: () => privateLoop!.mark(),
  privateLoopStop: () => privateLoop!.stop(),
  queuePrivate: (a) => queuePrivate(a.endpoint, a.from, a.to, a.count, a.window),
};

process.on("message", async (m: { id: number; task: string; args: Args }) => {
  try {
    const task = tasks[m.task];
    if (!task) throw new Error(`no task ${m.task}`);
    process.send!({ id: m.id, result: (await task(m.args)) ?? null });
  } catch (err) {
    process.send!({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
process.on("disconnect", () => process.exit(0));
