/**
 * The accounts family: register, login, logout, passwd, whoami, unregister,
 * answered by the server's Accounts (shared/server/accounts/). register,
 * login, passwd and unregister hash a password, so they answer later
 * (`SLOW_OPS`): the pipeline keeps the asking client's replies in order
 * meanwhile and serves every other client.
 */
import type { ControlHandlers, ControlOp } from "./context.js";

/** Operations that hash a password: their handler returns a promise, and they have a rate of their own. */
export const SLOW_OPS: ReadonlySet<ControlOp> = new Set<ControlOp>(["register", "login", "passwd", "unregister"]);

export const handlers: ControlHandlers<"register" | "login" | "logout" | "passwd" | "whoami" | "unregister"> = {
  register: async ({ user, password }, { accounts, now }) => ({ answer: await accounts.register(user, password, now), events: [] }),
  login: async ({ user, password }, { accounts }) => ({ answer: await accounts.login(user, password), events: [] }),
  logout: async ({ token }, { accounts, now }) => ({ answer: await accounts.logout(token, now), events: [] }),
  passwd: async ({ token, password, newPassword }, { accounts, now }) => ({ answer: await accounts.passwd(token, password, newPassword, now), events: [] }),
  whoami: ({ token }, { accounts, now }) => ({ answer: accounts.whoami(token, now), events: [] }),
  unregister: async ({ token, password }, { accounts, now }) => ({ answer: await accounts.unregister(token, password, now), events: [] }),
};
