/**
 * Part 4's channel commands: /join follows another channel (or ALL) and
 * posts go there; /leave stops following one. Part 3's client has one
 * channel, so these are not offered there.
 */
import { ALL } from "../../protocol/limits.js";
import { checkViewChannel } from "../../protocol/validate.js";
import { channelLabel } from "../ui/format.js";
import type { Command, CommandContext } from "./types.js";

/** /join, /leave. */
export const channels: readonly Command[] = [
  { name: "join", args: "<channel>", help: "follow a channel and post there; /join ALL reads all", completes: "channels", multiChannel: true, run: join },
  { name: "leave", args: "[channel]", help: "stop following a channel (default: this one)", completes: "channels", multiChannel: true, run: leave },
];

async function join(c: CommandContext, arg: string): Promise<void> {
  if (arg === "") {
    c.screen.warning(`usage: /join <channel>, e.g. /join dev (${ALL} reads every channel)`);
    return;
  }
  const channel = arg.replace(/^#/, "");
  try {
    checkViewChannel(channel);
  } catch (err) {
    c.screen.warning(`cannot join '${arg}': ${(err as Error).message}`);
    return;
  }
  const following = c.followed().includes(channel);
  if (channel === ALL) {
    if (following) c.screen.notice(`already following ${ALL}`);
    else await c.follow(ALL);
    return;
  }
  c.known.channels.add(channel);
  c.current = channel;
  c.screen.setChannel(channel);
  if (following) c.screen.notice(`now posting to #${channel}`);
  else await c.follow(channel);
}

function leave(c: CommandContext, arg: string): void {
  const channel = (arg === "" ? c.current : arg).replace(/^#/, "");
  const followed = c.followed();
  if (!followed.includes(channel)) {
    c.screen.warning(`you are not following ${channelLabel(channel)}`);
    return;
  }
  if (followed.length === 1) {
    c.screen.warning(`${channelLabel(channel)} is your only channel; /join another first, or /quit`);
    return;
  }
  c.unfollow(channel);
  let after = "";
  if (channel === c.current) {
    c.current = c.followed().find((ch) => ch !== ALL) ?? ALL;
    c.screen.setChannel(c.current);
    after = c.current === ALL ? `; ${ALL} is read-only: /join a channel to post` : `; posting to #${c.current}`;
  }
  c.screen.notice(`left ${channelLabel(channel)}${after}`);
  c.announce();
}
