/**
 * The accounts family: a name becomes an account with a password; logging
 * in returns a token that later requests carry (a post's eighth frame, a
 * hello's "token"), so the server, not the client, decides who posts.
 * Passwords travel only in these requests (in clear without CURVE).
 *
 *   request  ["register", {"user", "password"}]                  answer ["ok", {"user"}]
 *   request  ["login", {"user", "password"}]                     answer ["ok", {"user", "token", "expires"}]
 *   request  ["logout", {"token"}]                               answer ["ok", {}]
 *   request  ["passwd", {"token", "password", "newPassword"}]    answer ["ok", {"user", "token", "expires"}]
 *   request  ["whoami", {"token"}]                               answer ["ok", {"user", "expires"}]
 *   request  ["unregister", {"token", "password"}]               answer ["ok", {}]
 *
 * `user` in an answer is the account's name as registered; names are one
 * account whatever their case ("Kyle" and "kyle" are the same account).
 * logout, passwd and unregister end every session of the account.
 * Refusals: name-taken, auth-failed (one answer for a wrong name and a wrong
 * password), locked (with the milliseconds left as the retry frame),
 * auth-required, slow-down.
 */
import { checkName, checkPassword, checkTime, checkToken } from "../validate.js";
import { str } from "../fields.js";
import type { ControlOp } from "./control-op.js";

/** Who an account is, as answers name it. */
export interface AccountAnswer {
  /** The account's name as registered. */
  user: string;
}
/** A new login: the token to send with later requests, and when it expires (ISO 8601). */
export interface LoginAnswer extends AccountAnswer {
  token: string;
  expires: string;
}

export type RegisterRequest = { op: "register"; user: string; password: string };
export type LoginRequest = { op: "login"; user: string; password: string };
export type LogoutRequest = { op: "logout"; token: string };
export type PasswdRequest = { op: "passwd"; token: string; password: string; newPassword: string };
export type WhoamiRequest = { op: "whoami"; token: string };
export type UnregisterRequest = { op: "unregister"; token: string; password: string };

const user = (o: Record<string, unknown>) => checkName("user", str(o, "user"));
const password = (o: Record<string, unknown>, field = "password") => checkPassword(str(o, field), field);
const token = (o: Record<string, unknown>) => checkToken(str(o, "token"));
const loginAnswer = (a: Record<string, unknown>): LoginAnswer => ({ user: user(a), token: token(a), expires: checkTime(str(a, "expires")) });

export const register: ControlOp<RegisterRequest, AccountAnswer> = {
  op: "register",
  toJson: (r) => ({ user: r.user, password: r.password }),
  fromJson: (o) => ({ op: "register", user: user(o), password: password(o) }),
  answer: (a) => ({ user: user(a) }),
};

export const login: ControlOp<LoginRequest, LoginAnswer> = {
  op: "login",
  toJson: (r) => ({ user: r.user, password: r.password }),
  // A password of the wrong length is still just a wrong password: the same answer as any other.
  fromJson: (o) => ({ op: "login", user: user(o), password: str(o, "password") }),
  answer: loginAnswer,
};

export const logout: ControlOp<LogoutRequest, Record<string, never>> = {
  op: "logout",
  toJson: (r) => ({ token: r.token }),
  fromJson: (o) => ({ op: "logout", token: token(o) }),
  answer: () => ({}),
};

export const passwd: ControlOp<PasswdRequest, LoginAnswer> = {
  op: "passwd",
  toJson: (r) => ({ token: r.token, password: r.password, newPassword: r.newPassword }),
  fromJson: (o) => ({ op: "passwd", token: token(o), password: str(o, "password"), newPassword: password(o, "newPassword") }),
  answer: loginAnswer,
};

export const whoami: ControlOp<WhoamiRequest, AccountAnswer & { expires: string }> = {
  op: "whoami",
  toJson: (r) => ({ token: r.token }),
  fromJson: (o) => ({ op: "whoami", token: token(o) }),
  answer: (a) => ({ user: user(a), expires: checkTime(str(a, "expires")) }),
};

export const unregister: ControlOp<UnregisterRequest, Record<string, never>> = {
  op: "unregister",
  toJson: (r) => ({ token: r.token, password: r.password }),
  fromJson: (o) => ({ op: "unregister", token: token(o), password: str(o, "password") }),
  answer: () => ({}),
};
