/**
 * Changing what was said: /edit [#n] <new text> and /delete [#n], on your
 * own messages in the current channel; without a number, your last message
 * there (the server finds it). Only an account's messages can be changed,
 * so without a login the client says so and asks nothing. Everyone
 * following the channel sees the change as a status line (edit-notices.ts);
 * the command confirms with the number changed, or says the server's
 * refusal as it is. It asks through the account's requester, as the
 * other requests that carry the token do.
 */
import { randomBytes } from "node:crypto";
import { checkBody } from "../../protocol/validate.js";
import { CodecError } from "../../protocol/errors.js";
import { ALL } from "../../protocol/limits.js";
import type { Command, CommandContext } from "./types.js";

/** /edit, /delete. */
export const edits: readonly Command[] = [
  { name: "edit", args: "[#n] <text>", help: "change your message #n (default: your last one)", run: edit },
  { name: "delete", args: "[#n]", help: "delete your message #n (default: your last one)", run: remove },
];

/** A message number written `#12` at the start of `arg`, and the rest; `12` too where nothing else can follow. */
export function parseTarget(arg: string, bare = false): { seq?: number; rest: string } | undefined {
  const m = (bare ? /^#?(\d+)(?:\s+|$)(.*)$/s : /^#(\d+)(?:\s+|$)(.*)$/s).exec(arg);
  if (!m) return arg.startsWith("#") ? undefined : { rest: arg };
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) && seq >= 1 ? { seq, rest: m[2]!.trim() } : undefined;
}

async function edit(c: CommandContext, arg: string): Promise<void> {
  const usage = "usage: /edit [#n] <text>, e.g. /edit #12 hello again (without #n: your last message here)";
  const target = parseTarget(arg);
  if (!target || target.rest === "") return c.screen.warning(usage);
  try {
    checkBody(target.rest);
  } catch (err) {
    if (err instanceof CodecError) return c.screen.warning(`cannot edit: the new text ${err.reason}`);
    throw err;
  }
  await change(c, "edit", target.seq, target.rest);
}

async function remove(c: CommandContext, arg: string): Promise<void> {
  const target = parseTarget(arg, true);
  if (!target || target.rest !== "") return c.screen.warning("usage: /delete [#n], e.g. /delete #12 (without #n: your last message here)");
  await change(c, "delete", target.seq);
}

async function change(c: CommandContext, op: "edit" | "delete", seq: number | undefined, body?: string): Promise<void> {
  const channel = c.current;
  if (channel === ALL) return c.screen.warning(`${ALL} is read-only: /join the message's channel to ${op} it there`);
  const token = c.account.token;
  if (token === undefined) return c.screen.warning(`only an account can ${op} its messages: /login (or /register) first`);
  await c.settled(); // "your last message" includes the lines typed before this
  const id = randomBytes(8).toString("hex");
  const where = seq === undefined ? {} : { seq };
  const r = op === "edit"
    ? await c.account.call({ op: "edit", id, channel, ...where, body: body!, token })
    : await c.account.call({ op: "delete", id, channel, ...where, token });
  if (!r) return;
  if (r.ok) return c.screen.output([`${op === "edit" ? "edited" : "deleted"} #${r.answer.target} in #${channel}`]);
  // The server's sentence as it is (not-yours, not-found); a login that ended elsewhere is dropped, with a line saying so.
  if (r.code === "auth-failed") c.account.loginEnded();
  else c.screen.warning(r.sentence);
}
