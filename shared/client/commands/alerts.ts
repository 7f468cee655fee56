/**
 * Alerts (the bulletin board's subscriptions): /watch <word> [#channel]
 * and /unwatch, /follow <user> and /unfollow, /alerts lists them. A channel
 * message that matches (the server decides: whole words, any case) comes
 * through the inbox as `-!- alert "deploy": #dev kyle: deploy at 10`, kept
 * while you are away. Each command answers with one line, or the server's
 * sentence; what you watch is yours alone.
 */
import { CodecError } from "../../protocol/errors.js";
import type { AlertsAnswer, AlertsRequest } from "../../protocol/index.js";
import { checkKeyword, checkName, checkPostChannel } from "../../protocol/validate.js";
import { accountToken, tokenAnswer } from "./account-requests.js";
import type { Command, CommandContext } from "./types.js";

/** /watch, /unwatch, /follow, /unfollow, /alerts. */
export const alerts: readonly Command[] = [
  { name: "watch", args: "<word>", help: "alert me when a message says it (/watch deploy #dev)", run: (c, arg) => watch(c, "watch", arg) },
  { name: "unwatch", args: "<word>", help: "stop that alert (with its #channel, if it has one)", run: (c, arg) => watch(c, "unwatch", arg) },
  { name: "follow", args: "<user>", help: "alert me on every message of a user", completes: "names", run: (c, arg) => follow(c, "follow", arg) },
  { name: "unfollow", args: "<user>", help: "stop following a user", completes: "names", run: (c, arg) => follow(c, "unfollow", arg) },
  { name: "alerts", args: "", help: "the words you watch and the users you follow", run: (c) => list(c) },
];

/** One line: what the account watches and follows. */
export function alertsLine(a: AlertsAnswer): string {
  if (a.watches.length + a.follows.length === 0) return "no alerts: /watch <word> or /follow <user> to get some";
  const watches = a.watches.map((w) => `"${w.keyword}" (${w.channel === undefined ? "every channel" : `#${w.channel}`})`);
  return [
    ...(watches.length > 0 ? [`watching ${watches.join(", ")}`] : []),
    ...(a.follows.length > 0 ? [`following ${a.follows.join(", ")}`] : []),
  ].join("; ");
}

/** Sends an alerts request; says `done`, or (for the list) what it answers with, or why not. */
async function ask(c: CommandContext, command: string, request: Omit<AlertsRequest, "op" | "token">, done: string): Promise<void> {
  const token = accountToken(c, command);
  if (token === undefined) return;
  const a = await tokenAnswer(c, { op: "alerts", token, ...request });
  if (a) c.screen.output([done === "" ? alertsLine(a) : done]);
}

async function watch(c: CommandContext, action: "watch" | "unwatch", arg: string): Promise<void> {
  if (accountToken(c, action) === undefined) return;
  const m = /^(\S+)(?:\s+#?(\S+))?$/.exec(arg);
  if (!m) return c.screen.warning(`usage: /${action} <word> [#channel], e.g. /${action} deploy #dev`);
  const [, keyword, channel] = m;
  try {
    checkKeyword(keyword!);
    if (channel !== undefined) checkPostChannel(channel);
  } catch (err) {
    if (err instanceof CodecError) return c.screen.warning(`cannot ${action} '${arg}': ${err.sentence}`);
    throw err;
  }
  const where = channel === undefined ? "" : ` in #${channel}`;
  await ask(c, action, { action, keyword: keyword!, ...(channel === undefined ? {} : { channel }) }, `${action === "watch" ? "watching" : "no longer watching"} "${keyword}"${where}`);
}

async function follow(c: CommandContext, action: "follow" | "unfollow", arg: string): Promise<void> {
  if (accountToken(c, action) === undefined) return;
  if (!/^\S+$/.test(arg)) return c.screen.warning(`usage: /${action} <user>, e.g. /${action} kyle`);
  try {
    checkName("user", arg);
  } catch (err) {
    if (err instanceof CodecError) return c.screen.warning(`cannot ${action} '${arg}': ${err.sentence}`);
    throw err;
  }
  await ask(c, action, { action, user: arg }, `${action === "follow" ? "following" : "no longer following"} ${arg}`);
}

function list(c: CommandContext): Promise<void> {
  return ask(c, "alerts", { action: "list" }, "");
}
