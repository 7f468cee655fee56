/**
 * The interactive chat client of parts 3 and 4: typed lines are posted
 * while messages arrive, concurrently (one event loop; the post queue and
 * the SUB receive loop never wait on each other).
 */
import { randomBytes } from "node:crypto";
import { decodeControlAnswer, encodeControl, type ChannelsAnswer, type ChatMessage, type HelloAnswer, type WhoAnswer } from "../codec.js";
import { ClosedError, RejectedError, ServerUnreachableError } from "../errors.js";
import { ALL } from "../limits.js";
import { ReliableRequester } from "../requester.js";
import { displaySince, displayTime, nowIso } from "../time.js";
import { checkViewChannel } from "../validate.js";
import type { CurveClientKeys } from "../curve.js";
import { COMMANDS, complete, helpLines, parseInput, type CommandInfo } from "./commands.js";
import { Feed, type FeedNotice } from "./feed.js";
import { lineParts } from "./format.js";
import { Poster, type PostResult } from "./poster.js";
import { createScreen, type Screen } from "./screen.js";
import { createStyle } from "./style.js";

export interface ChatClientOptions {
  post: string;
  pub: string;
  user: string;
  channel: string;
  /** Part 4: /join and /leave, channels shown. */
  channels: boolean;
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
  const present = new Set<string>([o.user]);
  const available: CommandInfo[] = COMMANDS.filter((c) => o.channels || !c.channels);
  const screen: Screen = createScreen({
    input: o.input ?? process.stdin,
    output: o.output ?? process.stdout,
    errors: o.errors ?? process.stderr,
    interactive: o.interactive,
    style: createStyle(o.color),
    completer: (line) => complete(line, [...present], available),
  });

  let outage = false;
  const posts = new ReliableRequester({
    endpoint: o.post,
    curve: o.curve,
    onStatus: (up) => {
      if (!up && !outage) {
        outage = true;
        screen.notice(`the server at ${o.post} is not answering; your messages are kept and will be sent when it is back`);
      } else if (up && outage) {
        outage = false;
        const queued = poster.pending;
        screen.notice(`the server is answering again${queued > 1 ? `; sending ${queued} queued messages` : ""}`);
      }
      outageWatch(up);
    },
  });
  const queries = new ReliableRequester({ endpoint: o.post, curve: o.curve });

  const poster = new Poster(posts, (r: PostResult) => {
    if ("error" in r) screen.notice(`not posted (${r.error.sentence}): ${r.post.body}`);
  });

  const showChannel = () => o.channels && (feed.channels.length > 1 || feed.channels.includes(ALL));
  let ready = false;
  const feed: Feed = new Feed({
    pub: o.pub,
    queries,
    history: o.history,
    curve: o.curve,
    onMessage: (m: ChatMessage, history: boolean) => {
      present.add(m.user);
      screen.message(lineParts(m, showChannel()), {
        history,
        own: m.id.startsWith(`${session}-`),
        mention: m.user !== o.user && mentions(m.body, o.user),
      });
    },
    onNotice: (n: FeedNotice) => {
      const text = noticeText(n, o, ready);
      if (n.type === "ready") ready = true;
      if (n.type === "presence") {
        if (n.presence.event === "join") present.add(n.presence.user);
        if (n.presence.user === o.user) return;
      }
      if (text) screen.notice(text);
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

  const follow = (channel: string) => {
    feed.follow(channel).then(() => void hello(), (err) => {
      if (!(err instanceof ClosedError)) screen.notice(`could not load #${channel}: ${String(err)}`);
    });
  };

  screen.setChannel(current);
  follow(current);

  const answer = async <T>(frames: string[]): Promise<T | undefined> => {
    try {
      return decodeControlAnswer<T>(await queries.request(frames, { timeoutMs: 5000 }));
    } catch (err) {
      if (err instanceof RejectedError || err instanceof ServerUnreachableError) screen.notice(err.message);
      else if (!(err instanceof ClosedError)) throw err;
      return undefined;
    }
  };

  const command = async (name: string, arg: string): Promise<boolean> => {
    switch (name) {
      case "quit":
        return false;
      case "help":
        screen.output(["Commands:", ...helpLines(available)]);
        break;
      case "me":
        screen.notice("usage: /me <action>, e.g. /me waves");
        break;
      case "who": {
        await firstHello; // so that this client is among those listed
        const a = await answer<WhoAnswer>(encodeControl({ op: "who", channel: current }));
        if (a) {
          for (const u of a.users) present.add(u.user);
          screen.output([`In #${current}: ${a.users.map((u) => `${u.user} (since ${displaySince(u.since)})`).join(", ") || "nobody"}`]);
        }
        break;
      }
      case "channels": {
        await firstHello;
        const a = await answer<ChannelsAnswer>(encodeControl({ op: "channels" }));
        if (a) {
          screen.output(a.channels.length === 0 ? ["No channels yet."] : a.channels.map((c) =>
            `  #${c.name}  ${c.messages} message${c.messages === 1 ? "" : "s"}, ${c.users} user${c.users === 1 ? "" : "s"} here${feed.channels.includes(c.name) ? " (following)" : ""}`));
        }
        break;
      }
      case "history": {
        const n = arg === "" ? 20 : Number(arg);
        if (!Number.isInteger(n) || n < 1 || n > 1000) {
          screen.notice("usage: /history [N], N from 1 to 1000");
          break;
        }
        const a = await answer<{ messages: ChatMessage[] }>(encodeControl({ op: "history", query: { channel: current, limit: n } }));
        if (a) {
          screen.output([`Last ${a.messages.length} messages of #${current}:`]);
          for (const m of a.messages) screen.message(lineParts(m, current === ALL), { history: true, own: m.id.startsWith(`${session}-`), mention: false });
        }
        break;
      }
      case "join": {
        const channel = arg.replace(/^#/, "");
        try {
          checkViewChannel(channel);
        } catch (err) {
          screen.notice(`cannot join '${arg}': ${(err as Error).message}`);
          break;
        }
        if (channel !== ALL) current = channel;
        screen.setChannel(current);
        if (!feed.channels.includes(channel)) follow(channel);
        else if (channel !== ALL) screen.notice(`now posting to #${channel}`);
        break;
      }
      case "leave": {
        const channel = (arg === "" ? current : arg).replace(/^#/, "");
        if (!feed.channels.includes(channel)) {
          screen.notice(`you are not following #${channel}`);
          break;
        }
        if (feed.channels.length === 1) {
          screen.notice("that is your only channel; /join another first, or /quit");
          break;
        }
        feed.unfollow(channel);
        if (channel === current) current = feed.channels.find((c) => c !== ALL) ?? ALL;
        screen.setChannel(current);
        screen.notice(`left #${channel}${channel !== current ? `; posting to #${current}` : ""}`);
        void hello();
        break;
      }
    }
    return true;
  };

  const send = (body: string, kind: "say" | "me") => {
    if (current === ALL) {
      screen.notice("ALL is read-only: it shows every channel; /join a channel to post there");
      return;
    }
    poster.send({ id: `${session}-${++counter}`, channel: current, user: o.user, time: nowIso(), kind, body });
  };

  let quitting = false;
  const quit = () => {
    quitting = true;
    screen.close();
  };
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);

  for await (const line of screen.lines()) {
    const input = parseInput(line, available);
    if (input.type === "post") send(input.body, "say");
    else if (input.type === "me") send(input.body, "me");
    else if (input.type === "unknown") screen.notice(`unknown command /${input.name}; /help lists the commands (//${input.name} posts it as text)`);
    else if (input.type === "command" && !(await command(input.name, input.arg))) break;
  }

  // End of input: piped lines still queued get delivered, within reason.
  let undelivered = 0;
  if (!quitting && poster.pending > 0) {
    await new Promise<void>((resolve) => {
      giveUp = resolve;
      if (!posts.isReachable) outageWatch(false);
      void poster.idle().then(resolve);
    });
    undelivered = poster.pending;
  }
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
  if (undelivered > 0) {
    (o.errors ?? process.stderr).write(
      `${undelivered} message${undelivered === 1 ? " was" : "s were"} not delivered: no reply from the server at ${o.post} for ${(o.giveUpMs / 1000).toFixed(0)} s\n`,
    );
    return 1;
  }
  if (screen.interactive) (o.output ?? process.stdout).write("bye\n");
  return 0;
}

/** Whether `body` mentions `user` as a word (case-insensitive). */
export function mentions(body: string, user: string): boolean {
  const b = body.toLowerCase();
  const u = user.toLowerCase();
  let i = b.indexOf(u);
  while (i !== -1) {
    const before = i === 0 ? "" : b[i - 1]!;
    const after = b[i + u.length] ?? "";
    if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) return true;
    i = b.indexOf(u, i + 1);
  }
  return false;
}

function noticeText(n: FeedNotice, o: ChatClientOptions, ready: boolean): string | undefined {
  switch (n.type) {
    case "ready":
      if (ready) return n.channel === ALL ? "now following ALL (read-only)" : `now following #${n.channel}; posts go to the channel in the prompt`;
      return `connected to ${o.pub} as ${o.user} in #${n.channel}${n.channel === ALL ? " (read-only: every channel)" : ""}${o.interactive ? "; /help lists the commands" : ""}`;
    case "silent":
      return ready
        ? `no heartbeat from the server since ${displayTime(new Date(n.sinceMs).toISOString())}; messages may be delayed`
        : `waiting for the server at ${o.pub} ...`;
    case "back":
      return ready ? "the server's heartbeat is back" : undefined;
    case "restarted":
      return "the server restarted without a store: numbering starts over";
    case "lost":
      return `${n.count} message${n.count === 1 ? "" : "s"} of #${n.channel} could not be recovered from the server`;
    case "presence":
      return `${n.presence.user} ${n.presence.event === "join" ? "joined" : "left"} #${n.presence.channel}`;
  }
}
