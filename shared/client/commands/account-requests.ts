/**
 * What the commands that act as an account share: the sentence for a
 * command tried without a login, and requests carrying the token through
 * the account's requester, answered or refused with the server's sentence;
 * auth-failed there means the login has ended (login.ts drops it and says so).
 */
import type { AnswerOf, ControlRequest } from "../../protocol/index.js";
import type { Outcome } from "../login.js";
import type { CommandContext } from "./types.js";

/** The login token, or undefined after saying in one sentence that `/command` needs an account. */
export function accountToken(c: CommandContext, command: string): string | undefined {
  if (c.account.token === undefined) c.screen.warning(`/${command} needs an account: /login (or /register) first`);
  return c.account.token;
}

/** The answer, or undefined after showing why not (the server's sentence). */
export function answer<T>(c: CommandContext, r: Outcome<T> | undefined): T | undefined {
  if (r && !r.ok) c.screen.warning(r.sentence);
  return r?.ok ? r.answer : undefined;
}

/** A request carrying the token: its answer, or undefined once the person has been told why not. */
export async function tokenAnswer<R extends ControlRequest & { token: string }>(c: CommandContext, request: R): Promise<AnswerOf<R["op"]> | undefined> {
  const r = await c.account.call(request);
  if (r && !r.ok && r.code === "auth-failed") {
    c.account.loginEnded();
    return undefined;
  }
  return answer(c, r);
}
