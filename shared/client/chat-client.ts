/**
 * The interactive chat client of parts 3 and 4: typed lines are posted
 * while messages arrive, concurrently (one event loop; the post queue and
 * the SUB receive loop never wait on each other).
 */
import { randomBytes } from "node:crypto";
import {
  decodeControlAnswer, encodeControl, type ChannelsAnswer, type ChatMessage, type ControlRequest, type HelloAnswer, type WhoAnswer,
} from "../codec.js";
import { ClosedError, RejectedError, ServerUnreachableError, type HandshakeError } from "../errors.js";
import { ALL } from "../limits.js";
import type { PartFeatures } from "../parts.js";
import { ReliableRequester } from "../requester.js";
import { nowIso } from "../time.js";
import type { CurveClientKeys } from "../curve.js";
import { complete } from "./commands/complete.js";
import { commandsFor, handleLine } from "./commands/index.js";
import type { CommandContext } from "./commands/types.js";
import { Feed, type FeedNotice } from "./feed/feed.js";
import { lineParts, messageFlags } from "./ui/format.js";
import { noticeLine } from "./ui/notices.js";
import { Poster, type PostResult } from "./poster.js";
import { Queries } from "./queries.js";
import { createScreen, type Screen } from "./ui/screen.js";
import { createStyle } from "./ui/style.js";

export interface ChatClientOptions {
  post: string;
  pub: string;
  user: string;
  channel: string;
  /** What the part offers: part 4's multiChannel brings /join and /leave, and channels shown. */
  features: PartFeatures;
  history: number;
  curve?: CurveClientKeys | undefined;
  color: boolean;
  interactive: boolean;
  /** At end of piped input, how long the server may stay silent before undelivered lines are given up. */
  giveUpMs: number;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WriteStream | NodeJS.WritableStream;
  errors?: NodeJS.WritableStream;
}

/** Runs the client until /quit, Ctrl-C, Ctrl-D or end of input; resolves with the exit code. */
export async function runChatClient(o: ChatClientOptions): Promise<number> {
  const session = randomBytes(4).toString("hex");
  let counter = 0;
  let current = o.channel;
  const available = commandsFor(o.features);
  // What Tab completes: names heard and channels seen.
  const known = { names: new Set<string>(), channels: new Set<string>(o.channel === ALL ? [] : [o.channel]) };
  const screen: Screen = createScreen({
    input: o.input ?? process.stdin,
    output: o.output ?? process.stdout,
    errors: o.errors ?? process.stderr,
    interactive: o.interactive,
    style: createStyle(o.color),
    completer: (line) => complete(line, { names: [...known.names].filter((n) => n !== o.user), channels: [...known.channels] }, available),
    onInterrupt: () => quit(),
  });

  // A handshake that can never succeed (wrong or missing --server-key) ends the client with its sentence.
  let failure: HandshakeError | undefined;
  const fail = (err: HandshakeError) => {
    failure ??= err;
    poster.close();
    posts.close();
    queries.close();
    giveUp?.();
    quit();
  };

  let outage = false;
  const posts = new ReliableRequester({
    endpoint: o.post,
    curve: o.curve,
    onFailure: fail,
    onStatus: (up) => {
      if (!up && !outage) {
        outage = true;
        screen.warning(`the server at ${o.post} is not answering; your messages are kept and will be sent when it is back`);
      } else if (up && outage) {
        outage = false;
        const queued = poster.pending;
        screen.notice(`the server is answering again${queued > 1 ? `; sending ${queued} queued messages` : ""}`);
      }
      outageWatch(up);
    },
  });
  const queries = new ReliableRequester({ endpoint: o.post, curve: o.curve, onFailure: fail });

  const poster = new Poster(posts, (r: PostResult) => {
    if ("error" in r) screen.warning(`not posted (${r.reason}): ${r.post.body}`);
  });

  const showChannel = () => o.features.multiChannel && (feed.channels.length > 1 || feed.channels.includes(ALL));
  let ready = false;
  const feed: Feed = new Feed({
    pub: o.pub,
    queries: new Queries(queries),
    history: o.history,
    curve: o.curve,
    onMessage: (m: ChatMessage, history: boolean) => {
      known.names.add(m.user);
      screen.message(lineParts(m, showChannel()), messageFlags(m, o.user, history));
    },
    onFailure: fail,
    onNotice: (n: FeedNotice) => {
      if (n.type === "presence") {
        if (n.presence.event === "join") known.names.add(n.presence.user);
        else known.names.delete(n.presence.user);
      }
      const line = noticeLine(n, { pub: o.pub, user: o.user, interactive: o.interactive, ready, current, style: screen.style });
      if (n.type === "ready") ready = true;
      if (line?.warning) screen.warning(line.text);
      else if (line) screen.notice(line.text);
    },
  });

  // Presence: hello once following, then periodically, so /who can list this client.
  let helloTimer: NodeJS.Timeout | undefined;
  let helloDone: () => void = () => {};
  const firstHello = new Promise<void>((resolve) => (helloDone = resolve));
  const hello = async () => {
    clearTimeout(helloTimer);
    try {
      const a = decodeControlAnswer<HelloAnswer>(await queries.request(
        encodeControl({ op: "hello", hello: { session, user: o.user, channels: feed.channels } }),
        { timeoutMs: 10_000 },
      ));
      helloTimer = setTimeout(hello, Math.max(1000, a.presenceMs)).unref();
      helloDone();
    } catch (err) {
      if (err instanceof ClosedError) return;
      helloTimer = setTimeout(hello, 5000).unref();
    }
  };

  // At end of piped input: give up once the server has been unreachable this long.
  let giveUp: (() => void) | undefined;
  let giveUpTimer: NodeJS.Timeout | undefined;
  const outageWatch = (up: boolean) => {
    clearTimeout(giveUpTimer);
    if (!up && giveUp) giveUpTimer = setTimeout(giveUp, o.giveUpMs);
  };

  /* Settles once the channels followed so far are shown and the server knows this client is in them (so /who lists it). */
  let announced: Promise<void> = Promise.resolve();
  const follow = (channel: string) => {
    const following = feed.follow(channel).then(() => hello(), (err) => {
      if (!(err instanceof ClosedError)) screen.warning(`could not load ${channel}: ${String(err)}`);
    });
    announced = Promise.all([announced, following]).then(() => undefined);
    return following;
  };

  screen.setChannel(current);
  follow(current);

  /* A command waits for the server at most this long, and never once the person has left. */
  const patience = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms).unref()));
    return Promise.race([promise, timeout, screen.left.then(() => undefined)]).finally(() => clearTimeout(timer));
  };
  const ask = async <T>(request: ControlRequest, quiet = false): Promise<T | undefined> => {
    try {
      return await patience(queries.request(encodeControl(request), { timeoutMs: 5000 }).then((r) => decodeControlAnswer<T>(r)), 6000);
    } catch (err) {
      if (!(err instanceof RejectedError || err instanceof ServerUnreachableError || err instanceof ClosedError)) throw err;
      if (!quiet && !(err instanceof ClosedError)) screen.warning(err.message);
      return undefined;
    }
  };

  // Tab completion also knows who was here before this client and which channels exist.
  if (o.interactive) {
    void firstHello.then(async () => {
      const who = await ask<WhoAnswer>({ op: "who", channel: current }, true);
      for (const u of who?.users ?? []) known.names.add(u.user);
      const list = await ask<ChannelsAnswer>({ op: "channels" }, true);
      for (const c of list?.channels ?? []) known.channels.add(c.name);
    });
  }

  const state: CommandContext = {
    user: o.user,
    screen,
    available,
    get current() {
      return current;
    },
    set current(channel) {
      current = channel;
    },
    followed: () => feed.channels,
    follow: async (channel) => void (await patience(follow(channel), 5000)),
    unfollow: (channel) => feed.unfollow(channel),
    post: (body, kind) => send(body, kind),
    ask,
    settled: async () => void (await patience(Promise.all([poster.idle(), announced]), 5000)),
    announce: () => {
      announced = Promise.all([announced, hello()]).then(() => undefined);
    },
    known,
  };

  const send = (body: string, kind: "say" | "me") => {
    if (current === ALL) {
      screen.warning("ALL is read-only: it shows every channel; /join a channel to post there");
      return;
    }
    poster.send({ id: `${session}-${++counter}`, channel: current, user: o.user, time: nowIso(), kind, body });
  };

  let quitting = false;
  const quit = () => {
    quitting = true;
    screen.close();
    giveUp?.(); // Ctrl-C while waiting for acks at end of input stops the wait
  };
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);

  for await (const line of screen.lines()) {
    if (!(await handleLine(state, line))) break;
  }

  // End of input: piped lines still queued get delivered, within reason; Ctrl-C does not wait.
  if (!quitting && poster.pending > 0) {
    await new Promise<void>((resolve) => {
      giveUp = resolve;
      if (!posts.isReachable) outageWatch(false);
      void poster.idle().then(resolve);
    });
  }
  const undelivered = poster.pending;
  clearTimeout(giveUpTimer);
  clearTimeout(helloTimer);
  process.off("SIGINT", quit);
  process.off("SIGTERM", quit);
  screen.close();
  poster.close();
  posts.close();
  // Say goodbye so /who forgets us now, but never wait long for it.
  if (!queries.isReachable || feed.isSilent) queries.close();
  await queries.request(encodeControl({ op: "bye", session }), { timeoutMs: 300 }).catch(() => undefined);
  queries.close();
  feed.close();
  await feed.closed();
  if (failure) {
    (o.errors ?? process.stderr).write(`${failure.message}\n`);
    return 1;
  }
  if (undelivered > 0) {
    (o.errors ?? process.stderr).write(
      `${undelivered} message${undelivered === 1 ? " was" : "s were"} not delivered: ${quitting
        ? "stopped before the server acknowledged them"
        : `no reply from the server at ${o.post} for ${(o.giveUpMs / 1000).toFixed(0)} s`}\n`,
    );
    return 1;
  }
  if (screen.interactive) (o.output ?? process.stdout).write("bye\n");
  return 0;
}
