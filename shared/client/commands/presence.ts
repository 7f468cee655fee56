/**
 * Who is where: /who lists the people in the current channel (in ALL, of
 * every channel), since when they are there and how long they have been
 * idle (since their last post: the answer's `active`), /channels
 * every channel with its message and user counts. Both ask the server once
 * the lines typed before them are in.
 */
import { ALL } from "../../protocol/limits.js";
import { displaySince } from "../../time.js";
import { displayIdle } from "../ui/idle.js";
import { channelLabel, plural } from "../ui/format.js";
import type { Command, CommandContext } from "./types.js";

/** /who, /channels. */
export const presence: readonly Command[] = [
  { name: "who", args: "", help: "who is in this channel, since when, idle for how long", run: who },
  { name: "channels", args: "", help: "every channel, with its messages and users", run: channels },
];

async function who(c: CommandContext): Promise<void> {
  await c.settled();
  const a = await c.ask({ op: "who", channel: c.current });
  if (!a) return;
  const { style } = c.screen;
  if (a.users.length === 0) {
    c.screen.output([`Nobody is in ${channelLabel(c.current)}.`]);
    return;
  }
  /* Columns of the terminal: an emoji or a CJK character takes two (string-width, loaded when /who first needs it). */
  const { default: stringWidth } = await import("string-width");
  const width = Math.max(...a.users.map((u) => stringWidth(u.user)));
  const since = a.users.map((u) => `since ${displaySince(u.since)}`);
  const sinceWidth = Math.max(...since.map((s) => s.length));
  c.screen.output([
    `${a.users.length === 1 ? "1 person" : `${a.users.length} people`} in ${channelLabel(c.current)}${c.current === ALL ? " (every channel)" : ""}:`,
    ...a.users.map((u, i) => {
      c.known.names.add(u.user);
      const pad = " ".repeat(width - stringWidth(u.user));
      /* An older server sends no active time: no idle column then. */
      const idle = u.active === undefined ? "" : `  ${since[i]!.padEnd(sinceWidth)}  ${displayIdle(u.active)}`;
      return `  ${style.name(u.user)}${pad}${idle || `  ${since[i]}`}${u.user === c.user ? style.dim(" (you)") : ""}`;
    }),
  ]);
}

async function channels(c: CommandContext): Promise<void> {
  await c.settled();
  const a = await c.ask({ op: "channels" });
  if (!a) return;
  if (a.channels.length === 0) {
    c.screen.output(["No channels yet."]);
    return;
  }
  const rows = a.channels.map((ch) => {
    c.known.channels.add(ch.name);
    const mine = c.followed().includes(ch.name) ? (ch.name === c.current ? "(following; you post here)" : "(following)") : "";
    return [`#${ch.name}`, String(ch.messages), ch.messages === 1 ? "message" : "messages", String(ch.users), ch.users === 1 ? "user" : "users", mine];
  });
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  c.screen.output([
    `${plural(a.channels.length, "channel")}:`,
    ...rows.map(([name, messages, m, users, u, mine]) =>
      `  ${name!.padEnd(width(0))}  ${messages!.padStart(width(1))} ${m!.padEnd(width(2))}  ${users!.padStart(width(3))} ${u!.padEnd(width(4))}  ${mine}`.trimEnd()),
  ]);
}
