/**
 * Private and group conversations: /msg sends one message to an account or
 * a group (`/msg zoe /me waves` sends an action, shown `<<<kyle->zoe: * kyle
 * waves>>>`); /query makes typed lines (and /me) go to one until /query
 * alone; /history inside a query shows that conversation's. Messages are
 * queued with the posts (outbox.ts), so they wait out an outage and are
 * sent again with the same id; each shows when it comes back through the
 * inbox (inbox.ts), the sender's copy too, and its confirmation names its
 * number in the conversation and the server's time (a status line).
 */
import { CodecError } from "../../protocol/errors.js";
import { checkBody, checkGroup } from "../../protocol/validate.js";
import { channelLabel } from "../ui/format.js";
import { conversationFlags, conversationParts } from "../ui/inbox-lines.js";
import { accountToken, tokenAnswer } from "./account-requests.js";
import type { Command, CommandContext } from "./types.js";

/** /msg, /query. */
export const conversations: readonly Command[] = [
  { name: "msg", args: "<to> <text>", help: "send privately to a user or group (/msg zoe /me waves)", completes: "conversations", run: msg },
  { name: "query", args: "[to]", help: "what you type goes to them; /query alone: the channel", completes: "conversations", run: query },
];

/** The name of an account or group as typed, or undefined after saying why it cannot be one. */
function target(c: CommandContext, name: string): string | undefined {
  try {
    return checkGroup(name, "to");
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    c.screen.warning(`cannot talk to '${name}': it ${err.reason}`);
    return undefined;
  }
}

/** Whether `body` can be sent; says why not. */
function sendable(c: CommandContext, body: string): boolean {
  try {
    checkBody(body);
    return true;
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    c.screen.warning(`cannot send: the text ${err.reason}`);
    return false;
  }
}

function msg(c: CommandContext, arg: string): void {
  if (accountToken(c, "msg") === undefined) return;
  const m = /^(\S+)\s+(.+)$/s.exec(arg);
  if (!m) return c.screen.warning("usage: /msg <user|group> <text>, e.g. /msg zoe hi (/msg zoe /me waves: an action)");
  const to = target(c, m[1]!);
  if (to === undefined) return;
  const action = /^\/me\s+(.+)$/is.exec(m[2]!);
  const body = action ? action[1]! : m[2]!;
  if (sendable(c, body)) c.send(to, body, action ? "me" : "say");
}

function query(c: CommandContext, arg: string): void {
  if (arg === "") {
    if (c.query === undefined) return c.screen.warning(`usage: /query <user|group>: what you type then goes to them only; /query alone: back to ${channelLabel(c.current)}`);
    c.query = undefined;
    c.screen.setQuery(undefined);
    return c.screen.notice(`back to ${channelLabel(c.current)}`);
  }
  if (accountToken(c, "query") === undefined) return;
  const to = target(c, arg);
  if (to === undefined) return;
  c.query = to;
  c.screen.setQuery(to);
  c.screen.notice(`talking to ${to}: what you type goes to ${to} only; /query alone: back to ${channelLabel(c.current)}`);
}

/** Sends a typed line of a query (the conversation's `to`); says why not without a login. */
export function sendToQuery(c: CommandContext, to: string, body: string, kind: "say" | "me"): void {
  if (c.account.token === undefined) return c.screen.warning("private messages need an account: /login (or /register) first");
  c.send(to, body, kind);
}

/** /history inside a query: the last `n` messages of the conversation with `to`. */
export async function conversationHistory(c: CommandContext, to: string, n: number): Promise<void> {
  const token = accountToken(c, "history");
  if (token === undefined) return;
  await c.settled();
  const a = await tokenAnswer(c, { op: "conversation", token, with: to, limit: n });
  if (!a) return;
  const where = a.group ? `of GROUP<${a.with}>` : `with ${a.with}`;
  const count = a.messages.length;
  c.screen.output([count === 0 ? `No messages ${where} yet.` : `Last ${count === 1 ? "message" : `${count} messages`} ${where}:`]);
  for (const m of a.messages) c.screen.message(conversationParts(m), conversationFlags(m, c.user, true));
}
