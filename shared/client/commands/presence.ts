/**
 * Who is where: /who lists the people in the current channel, /channels
 * every channel with its message and user counts. Both ask the server once
 * the lines typed before them are in.
 */
import stringWidth from "string-width";
import { displaySince } from "../../time.js";
import { channelLabel, plural } from "../ui/format.js";
import type { Command, CommandContext } from "./types.js";

/** /who, /channels. */
export const presence: readonly Command[] = [
  { name: "who", args: "", help: "who is in this channel, and since when", run: who },
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
  /* Columns of the terminal: an emoji or a CJK character takes two. */
  const width = Math.max(...a.users.map((u) => stringWidth(u.user)));
  c.screen.output([
    `${a.users.length === 1 ? "1 person" : `${a.users.length} people`} in ${channelLabel(c.current)}:`,
    ...a.users.map((u) => {
      c.known.names.add(u.user);
      const pad = " ".repeat(width - stringWidth(u.user));
      return `  ${style.name(u.user)}${pad}  since ${displaySince(u.since)}${u.user === c.user ? style.dim(" (you)") : ""}`;
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
