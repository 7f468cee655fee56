/**
 * The account commands: /register makes the name you chat under an account
 * (and logs in), /login and /logout, /passwd, /whoami, /unregister (deletes
 * the account, once its password is given again). Passwords are asked on a
 * prompt that does not echo (password.ts), never taken as an argument; each
 * answer is one line, each refusal the server's sentence.
 */
import { until } from "../login.js";
import { answer, tokenAnswer } from "./account-requests.js";
import type { Command, CommandContext } from "./types.js";

/** /register, /login, /logout, /passwd, /whoami, /unregister. */
export const accounts: readonly Command[] = [
  { name: "register", args: "", help: "make your name an account, with a password, and log in", run: noArgs(register) },
  { name: "login", args: "", help: "log in to your name's account", run: noArgs(login) },
  { name: "logout", args: "", help: "log out (every session of the account)", run: noArgs((c) => c.account.changing(() => logout(c))) },
  { name: "passwd", args: "", help: "change your account's password", run: noArgs((c) => c.account.changing(() => passwd(c))) },
  { name: "whoami", args: "", help: "whom the server takes you for, and until when", run: noArgs(whoami) },
  { name: "unregister", args: "", help: "delete your account (its password is asked again)", run: noArgs((c) => c.account.changing(() => unregister(c))) },
];

/* A word after an account command may be a password typed there by mistake: it is refused and never repeated. */
function noArgs(run: (c: CommandContext) => Promise<void>): Command["run"] {
  return (c, arg) => {
    if (arg === "") return run(c);
    c.screen.warning("the account commands take no arguments: a password is asked for, never typed after the command");
  };
}

async function register(c: CommandContext): Promise<void> {
  const { account } = c;
  if (account.token !== undefined) return c.screen.warning(`you are logged in as ${account.user} already`);
  const password = await account.passwords.fresh(`new password for ${account.user}: `);
  if (password === undefined) return;
  account.warnCleartext();
  const made = answer(c, await account.call({ op: "register", user: account.user, password }));
  if (!made) return;
  const login = await account.call({ op: "login", user: made.user, password });
  if (login && !login.ok) return c.screen.warning(`registered ${made.user}, but the login failed: ${login.sentence}`);
  if (!login) return;
  account.loggedIn(login.answer);
  c.announce();
  c.screen.output([`registered ${account.user}; you are logged in`]);
}

async function login(c: CommandContext): Promise<void> {
  const { account } = c;
  if (account.token !== undefined) return c.screen.warning(`you are logged in as ${account.user} already`);
  const password = await account.passwords.current(`password for ${account.user}: `);
  if (password === undefined) return;
  account.warnCleartext();
  const a = answer(c, await account.call({ op: "login", user: account.user, password }));
  if (!a) return;
  account.loggedIn(a);
  c.announce();
  c.screen.output([`logged in as ${a.user} until ${until(a.expires)}`]);
}

async function logout(c: CommandContext): Promise<void> {
  const token = loggedIn(c);
  if (token === undefined) return;
  await c.settled(); // the lines typed before it are posted as the account
  if (!(await tokenAnswer(c, { op: "logout", token }))) return;
  c.account.loggedOut();
  c.announce();
  c.screen.output([`logged out ${c.account.user}`]);
}

async function passwd(c: CommandContext): Promise<void> {
  const { account } = c;
  const token = loggedIn(c);
  if (token === undefined) return;
  const password = await account.passwords.current(`current password for ${account.user}: `);
  if (password === undefined) return;
  const newPassword = await account.passwords.fresh(`new password for ${account.user}: `, "next");
  if (newPassword === undefined) return;
  account.warnCleartext();
  const a = answer(c, await account.call({ op: "passwd", token, password, newPassword }));
  if (!a) return;
  account.loggedIn(a);
  c.announce();
  c.screen.output([`password changed for ${a.user}; other sessions are logged out; you are logged in until ${until(a.expires)}`]);
}

async function whoami(c: CommandContext): Promise<void> {
  const { account } = c;
  if (account.token === undefined) {
    c.screen.output([`you are ${account.user}, not logged in`]);
    return;
  }
  const a = await tokenAnswer(c, { op: "whoami", token: account.token });
  if (a) c.screen.output([`logged in as ${a.user} until ${until(a.expires)}`]);
}

async function unregister(c: CommandContext): Promise<void> {
  const { account } = c;
  const token = loggedIn(c);
  if (token === undefined) return;
  const password = await account.passwords.current(`password for ${account.user}, to delete the account: `);
  if (password === undefined) return;
  account.warnCleartext();
  await c.settled();
  if (!(answer(c, await account.call({ op: "unregister", token, password })))) return;
  account.loggedOut();
  c.announce();
  c.screen.output([`unregistered ${account.user}: the account is deleted and the name is free`]);
}

/** The token, or undefined after telling the person to log in first. */
function loggedIn(c: CommandContext): string | undefined {
  if (c.account.token === undefined) c.screen.warning(`you are not logged in (/login first)`);
  return c.account.token;
}
