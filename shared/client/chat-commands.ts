/**
 * What each typed line does in the interactive clients: a post or an
 * action goes to the current channel, a command asks the server or changes
 * which channels are followed. Commands run one at a time, in the order
 * typed, and a command that asks the server first lets the posts typed
 * before it be acknowledged, so `/history` shows them. Every wait is
 * bounded, and ends early when the person leaves.
 */
import { type ChannelsAnswer, type ChatMessage, type ControlRequest, type WhoAnswer } from "../codec.js";
import { ALL, HISTORY_MAX } from "../limits.js";
import { displaySince } from "../time.js";
import { checkViewChannel } from "../validate.js";
import { helpLines, parseInput, unknownHint, type CommandInfo } from "./commands.js";
import { channelLabel, lineParts, messageFlags, plural } from "./ui/format.js";
import type { Screen } from "./ui/screen.js";

/** The client as its commands see it. */
export interface ChatState {
  readonly user: string;
  readonly screen: Screen;
  readonly available: readonly CommandInfo[];
  /** The channel posts go to. */
  current: string;
  /** Channels (and ALL) followed, in the order joined. */
  followed(): string[];
  /** Follows a channel; resolves once its history is shown, or after a bounded wait. */
  follow(channel: string): Promise<void>;
  unfollow(channel: string): void;
  /** Posts to the current channel. */
  post(body: string, kind: "say" | "me"): void;
  /** Sends a control request; resolves with its answer, or undefined once the person has been told why not. */
  ask<T>(request: ControlRequest): Promise<T | undefined>;
  /** Resolves once the posts typed so far are acknowledged and the server has heard this client's hello. */
  settled(): Promise<void>;
  /** Tells the server which channels this client follows now. */
  announce(): void;
  /** What Tab completes: names heard and channels seen. */
  known: { names: Set<string>; channels: Set<string> };
}

/** Handles one typed line; resolves false when the person asked to quit. */
export async function handleLine(s: ChatState, line: string): Promise<boolean> {
  const input = parseInput(line, s.available);
  switch (input.type) {
    case "post":
      s.post(input.body, "say");
      return true;
    case "me":
      s.post(input.body, "me");
      return true;
    case "unknown":
      s.screen.warning(unknownHint(input.name, s.available));
      return true;
    case "command":
      return runCommand(s, input.name, input.arg);
    case "empty":
      return true;
  }
}

async function runCommand(s: ChatState, name: string, arg: string): Promise<boolean> {
  switch (name) {
    case "quit":
      return false;
    case "help":
      s.screen.output(helpLines(s.available));
      break;
    case "me":
      s.screen.warning("usage: /me <action>, e.g. /me waves");
      break;
    case "who":
      await who(s);
      break;
    case "channels":
      await channels(s);
      break;
    case "history":
      await history(s, arg);
      break;
    case "join":
      await join(s, arg);
      break;
    case "leave":
      leave(s, arg);
      break;
  }
  return true;
}

async function who(s: ChatState): Promise<void> {
  await s.settled();
  const a = await s.ask<WhoAnswer>({ op: "who", channel: s.current });
  if (!a) return;
  const { style } = s.screen;
  if (a.users.length === 0) {
    s.screen.output([`Nobody is in ${channelLabel(s.current)}.`]);
    return;
  }
  const width = Math.max(...a.users.map((u) => [...u.user].length));
  s.screen.output([
    `${a.users.length === 1 ? "1 person" : `${a.users.length} people`} in ${channelLabel(s.current)}:`,
    ...a.users.map((u) => {
      s.known.names.add(u.user);
      const pad = " ".repeat(width - [...u.user].length);
      return `  ${style.name(u.user)}${pad}  since ${displaySince(u.since)}${u.user === s.user ? style.dim(" (you)") : ""}`;
    }),
  ]);
}

async function channels(s: ChatState): Promise<void> {
  await s.settled();
  const a = await s.ask<ChannelsAnswer>({ op: "channels" });
  if (!a) return;
  if (a.channels.length === 0) {
    s.screen.output(["No channels yet."]);
    return;
  }
  const rows = a.channels.map((c) => {
    s.known.channels.add(c.name);
    const mine = s.followed().includes(c.name) ? (c.name === s.current ? "(following; you post here)" : "(following)") : "";
    return [`#${c.name}`, String(c.messages), c.messages === 1 ? "message" : "messages", String(c.users), c.users === 1 ? "user" : "users", mine];
  });
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  s.screen.output([
    `${plural(a.channels.length, "channel")}:`,
    ...rows.map(([name, messages, m, users, u, mine]) =>
      `  ${name!.padEnd(width(0))}  ${messages!.padStart(width(1))} ${m!.padEnd(width(2))}  ${users!.padStart(width(3))} ${u!.padEnd(width(4))}  ${mine}`.trimEnd()),
  ]);
}

async function history(s: ChatState, arg: string): Promise<void> {
  const n = arg === "" ? 20 : Number(arg);
  if (!/^\d*$/.test(arg) || !Number.isInteger(n) || n < 1 || n > HISTORY_MAX) {
    s.screen.warning(`usage: /history [N], N from 1 to ${HISTORY_MAX} (default 20)`);
    return;
  }
  await s.settled();
  const channel = s.current;
  const a = await s.ask<{ messages: ChatMessage[] }>({ op: "history", query: { channel, limit: n } });
  if (!a) return;
  const count = a.messages.length;
  s.screen.output([count === 0 ? `No messages in ${channelLabel(channel)} yet.` : `Last ${count === 1 ? "message" : `${count} messages`} of ${channelLabel(channel)}:`]);
  for (const m of a.messages) s.screen.message(lineParts(m, channel === ALL), messageFlags(m, s.user, true));
}

async function join(s: ChatState, arg: string): Promise<void> {
  if (arg === "") {
    s.screen.warning("usage: /join <channel>, e.g. /join dev (ALL reads every channel)");
    return;
  }
  const channel = arg.replace(/^#/, "");
  try {
    checkViewChannel(channel);
  } catch (err) {
    s.screen.warning(`cannot join '${arg}': ${(err as Error).message}`);
    return;
  }
  const following = s.followed().includes(channel);
  if (channel === ALL) {
    if (following) s.screen.notice("already following ALL");
    else await s.follow(ALL);
    return;
  }
  s.known.channels.add(channel);
  s.current = channel;
  s.screen.setChannel(channel);
  if (following) s.screen.notice(`now posting to #${channel}`);
  else await s.follow(channel);
}

function leave(s: ChatState, arg: string): void {
  const channel = (arg === "" ? s.current : arg).replace(/^#/, "");
  const followed = s.followed();
  if (!followed.includes(channel)) {
    s.screen.warning(`you are not following ${channelLabel(channel)}`);
    return;
  }
  if (followed.length === 1) {
    s.screen.warning(`${channelLabel(channel)} is your only channel; /join another first, or /quit`);
    return;
  }
  s.unfollow(channel);
  let after = "";
  if (channel === s.current) {
    s.current = s.followed().find((c) => c !== ALL) ?? ALL;
    s.screen.setChannel(s.current);
    after = s.current === ALL ? "; ALL is read-only: /join a channel to post" : `; posting to #${s.current}`;
  }
  s.screen.notice(`left ${channelLabel(channel)}${after}`);
  s.announce();
}
