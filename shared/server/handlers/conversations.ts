/**
 * The conversations family: msg, conversation, group and groups, answered
 * from the conversation store (shared/server/conversations/). Every one
 * needs a login: the token decides who is asking, and nothing here ever
 * answers about a conversation the asker is not part of. `inbox` is not
 * here: it may be held, so the pipeline's InboxPolls answers it.
 */
import { Refusal } from "../accounts/refusal.js";
import type { ControlHandlers, HandlerContext } from "./context.js";

/** The sentence for a conversation request without a login. */
export const CONVERSATIONS_NEED_LOGIN = "private messages and groups are for accounts: register and log in";

/** The account asking with `token`; auth-required without one, auth-failed for a stale one. */
export function asker(token: string | undefined, c: Pick<HandlerContext, "accounts" | "now">): string {
  if (token === undefined) throw new Refusal("auth-required", CONVERSATIONS_NEED_LOGIN);
  return c.accounts.userOf(token, c.now);
}

export const handlers: ControlHandlers<"msg" | "conversation" | "group" | "groups"> = {
  msg: async (r, c) => ({ answer: await c.messages.send(asker(r.token, c), r, c.now), events: [] }),
  conversation: (r, c) => ({ answer: c.messages.history(asker(r.token, c), r), events: [] }),
  group: async (r, c) => ({ answer: await c.groups.act(asker(r.token, c), r, c.now), events: [] }),
  groups: (r, c) => ({ answer: c.groups.list(asker(r.token, c)), events: [] }),
};
