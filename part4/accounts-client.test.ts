import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Request } from "zeromq";
import { decodeAnswer, encodeControl } from "../shared/protocol/index.js";
import { PATIENCE_MS, run, runToExit, startServer, type ServerProc } from "../shared/testing/processes.js";

// The account commands and options of the chat client, against a real server: what a script sees.

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const PASSWORD = "correct horse 1";
const UNTIL = String.raw`until (?:\d{4}-\d{2}-\d{2}|\d{2}:\d{2} today)`;

/** A fresh XDG_CONFIG_HOME, removed after the test. */
function configHome(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-config-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const args = (s: ServerProc, name: string, extra: string[] = []) => ["127.0.0.1", s.postPort, s.pubPort, "dev", name, "--history", "0", ...extra];

/** stderr without the connection's status lines. */
const said = (err: string[]) => err.filter((l) => !/^(connected to |in #|nobody else is in |waiting for the server|no heartbeat|the server's heartbeat)/.test(l));

/** The newest messages of #dev as the server's history answers them, asked over a raw REQ socket. */
async function history(s: ServerProc) {
  const req = new Request({ linger: 0, receiveTimeout: PATIENCE_MS });
  req.connect(s.post);
  try {
    await req.send(encodeControl({ op: "history", query: { channel: "dev", limit: 20 } }));
    return decodeAnswer("history", await req.receive()).messages;
  } finally {
    req.close();
  }
}

test("every account command round trips from piped clients, the password from MCHAT_PASSWORD or --password-file", async (t) => {
  const server = await startServer(t, SERVER);
  const env = { XDG_CONFIG_HOME: configHome(t), MCHAT_PASSWORD: PASSWORD };
  const r = await runToExit(t, CLIENT, args(server, "kyle"), "/whoami\n/register\n/whoami\n/register\n/logout\n/whoami\n/logout\n/login\n", env);
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.deepEqual(r.out.slice(0, 5), [
    "you are kyle, not logged in",
    "registered kyle; you are logged in",
    r.out[2],
    "logged out kyle",
    "you are kyle, not logged in",
  ]);
  assert.match(r.out[2]!, new RegExp(`^logged in as kyle ${UNTIL}$`));
  assert.match(r.out[5]!, new RegExp(`^logged in as kyle ${UNTIL}$`));
  assert.equal(r.out.length, 6, r.out.join("\n"));
  assert.deepEqual(said(r.err), ["you are logged in as kyle already", "you are not logged in (/login first)"]);
  // A wrong password at start-up: the server's sentence, exit 1.
  const wrong = await runToExit(t, CLIENT, args(server, "Kyle", ["--login"]), "", { ...env, MCHAT_PASSWORD: "wrong password" });
  assert.equal(wrong.code, 1);
  assert.deepEqual(said(wrong.err), ["wrong name or password"]);

  // --password-file: the first line is the password, the second the new one for /passwd.
  const file = join(env.XDG_CONFIG_HOME, "pw");
  writeFileSync(file, `${PASSWORD}\nnew password 2\n`, { mode: 0o600 });
  const p = await runToExit(t, CLIENT, args(server, "KYLE", ["--login", "--password-file", file, "--no-save-login"]), "/passwd\n/whoami\n", { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME });
  assert.equal(p.code, 0, p.err.join("\n"));
  assert.match(said(p.err)[0]!, new RegExp(`^logged in as kyle ${UNTIL}$`), "the account's name as registered");
  assert.match(p.out[0]!, new RegExp(`^password changed for kyle; other sessions are logged out; you are logged in ${UNTIL}$`));
  assert.match(p.out[1]!, new RegExp(`^logged in as kyle ${UNTIL}$`));

  // The old password no longer works; the new one does, and /unregister (asking it again) frees the name.
  const old = await runToExit(t, CLIENT, args(server, "kyle", ["--login"]), "", { ...env });
  assert.equal(old.code, 1);
  assert.deepEqual(said(old.err), ["wrong name or password"]);
  const gone = await runToExit(t, CLIENT, args(server, "kyle", ["--login", "--no-save-login"]), "/unregister\n/whoami\nfree again\n", { MCHAT_PASSWORD: "new password 2", XDG_CONFIG_HOME: env.XDG_CONFIG_HOME });
  assert.equal(gone.code, 0, gone.err.join("\n"));
  assert.deepEqual(gone.out.filter((l) => !l.startsWith("kyle: ")), ["unregistered kyle: the account is deleted and the name is free", "you are kyle, not logged in"]);
  assert.match(said(gone.err)[0]!, new RegExp(`^logged in as kyle ${UNTIL}$`));
  const free = await runToExit(t, CLIENT, args(server, "kyle"), "free\n", { XDG_CONFIG_HOME: configHome(t) });
  assert.equal(free.code, 0, free.err.join("\n"));
});

test("--login marks the messages as an account's; the token is saved 0600 and reused with only the name; the password is in no argument, output or file", async (t) => {
  const server = await startServer(t, SERVER);
  const home = configHome(t);
  const file = join(home, "password.txt");
  writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
  const reg = await runToExit(t, CLIENT, args(server, "dana", ["--password-file", file]), "/register\n", { XDG_CONFIG_HOME: home });
  assert.deepEqual(reg.out, ["registered dana; you are logged in"]);

  const dana = run(t, CLIENT, args(server, "dana", ["--login", "--password-file", file]), { XDG_CONFIG_HOME: home });
  await dana.line(new RegExp(`^logged in as dana ${UNTIL}$`), "err");
  const cmdline = readFileSync(`/proc/${dana.child.pid}/cmdline`, "utf8");
  assert.ok(cmdline.includes("--login") && !cmdline.includes(PASSWORD), cmdline);
  dana.write("as an account\n");
  dana.end();
  assert.equal(await dana.exit, 0, dana.err.join("\n"));

  const saved = join(home, "mchat", "logins.json");
  assert.equal(statSync(saved).mode & 0o777, 0o600);
  assert.equal(statSync(join(home, "mchat")).mode & 0o777, 0o700);
  const text = readFileSync(saved, "utf8");
  assert.ok(!text.includes(PASSWORD), "the token file holds no password");
  const { logins } = JSON.parse(text) as { logins: { server: string; user: string; token: string }[] };
  assert.deepEqual(logins.map((l) => [l.server, l.user]), [[server.post, "dana"]]);
  assert.match(logins[0]!.token, /^[0-9a-f]{64}$/);

  // The next start needs only the name: the saved token is used.
  const again = await runToExit(t, CLIENT, args(server, "dana"), "with the saved login\n", { XDG_CONFIG_HOME: home });
  assert.equal(again.code, 0, again.err.join("\n"));
  assert.match(said(again.err)[0]!, new RegExp(`^logged in as dana ${UNTIL} \\(saved login\\)$`));
  const free = await runToExit(t, CLIENT, args(server, "eve"), "under a free name\n", { XDG_CONFIG_HOME: configHome(t) });
  assert.equal(free.code, 0);

  const messages = await history(server);
  assert.deepEqual(messages.map((m) => [m.user, m.body, m.account ?? false]), [
    ["dana", "as an account", true],
    ["dana", "with the saved login", true],
    ["eve", "under a free name", false],
  ]);
  for (const p of [reg, again]) assert.ok(![...p.out, ...p.err].some((l) => l.includes(PASSWORD)), "no password in any output");
  assert.ok(![...dana.out, ...dana.err].some((l) => l.includes(PASSWORD)));
});

test("a registered name without a login exits 2 with the server's sentence; a revoked saved login is dropped with a line; --no-save-login writes nothing", async (t) => {
  const server = await startServer(t, SERVER);
  const home = configHome(t);
  const env = { XDG_CONFIG_HOME: home, MCHAT_PASSWORD: PASSWORD };
  const reg = await runToExit(t, CLIENT, args(server, "kyle", ["--no-save-login"]), "/register\n", env);
  assert.deepEqual(reg.out, ["registered kyle; you are logged in"]);
  assert.ok(!existsSync(join(home, "mchat")), "--no-save-login writes nothing");

  const bare = await runToExit(t, CLIENT, args(server, "kyle"), "hi\n", { XDG_CONFIG_HOME: home });
  assert.equal(bare.code, 2);
  assert.deepEqual(bare.out, []);
  assert.equal(said(bare.err).join("\n"), "kyle is a registered name: log in, or pick another name");

  // A saved login, then the password changed in another session: every session ends, the saved token with them.
  assert.equal((await runToExit(t, CLIENT, args(server, "kyle", ["--login"]), "", env)).code, 0);
  const other = join(home, "other");
  writeFileSync(other, `${PASSWORD}\nanother password\n`);
  const changed = await runToExit(t, CLIENT, args(server, "kyle", ["--login", "--no-save-login", "--password-file", other]), "/passwd\n", { XDG_CONFIG_HOME: home });
  assert.equal(changed.code, 0, changed.err.join("\n"));
  const stale = await runToExit(t, CLIENT, args(server, "kyle"), "hi\n", { XDG_CONFIG_HOME: home });
  assert.equal(stale.code, 2);
  assert.deepEqual(said(stale.err), [
    "the saved login of kyle has expired or was revoked: log in again (--login, or /login)",
    "kyle is a registered name: log in, or pick another name",
  ]);
  assert.deepEqual(JSON.parse(readFileSync(join(home, "mchat", "logins.json"), "utf8")).logins, []);
});

test("where accounts are required a free name exits 2 with the server's sentence; piped passwords are never arguments", async (t) => {
  const server = await startServer(t, SERVER, ["--accounts", "required"]);
  const home = configHome(t);
  const bare = await runToExit(t, CLIENT, args(server, "zed"), "hi\n", { XDG_CONFIG_HOME: home });
  assert.equal(bare.code, 2);
  assert.equal(said(bare.err).at(-1), "this server only takes logged-in users: register zed and log in, or log in to your account");

  const none = await runToExit(t, CLIENT, args(server, "zed", ["--login"]), "", { XDG_CONFIG_HOME: home, MCHAT_PASSWORD: "" });
  assert.equal(none.code, 2);
  assert.match(none.err[0]!, /^--login needs a password: without a terminal the password comes from a file \(--password-file FILE\) or the MCHAT_PASSWORD environment variable/);
  const argument = await runToExit(t, CLIENT, args(server, "zed", ["--password", "hunter2hunter2"]), "", { XDG_CONFIG_HOME: home });
  assert.equal(argument.code, 2);
  assert.match(argument.err[0]!, /^a password is never taken on the command line, where the process list shows it/);
  assert.ok(!argument.err.join("\n").includes("hunter2"), "the password is not repeated");
});

test("a piped /register without a password says how to give one; a word after an account command is never repeated or posted", async (t) => {
  const server = await startServer(t, SERVER);
  const r = await runToExit(t, CLIENT, args(server, "amy"), "/register\n/login hunter2hunter2\n/help\n", { XDG_CONFIG_HOME: configHome(t), MCHAT_PASSWORD: "" });
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.deepEqual(said(r.err), [
    "no password: without a terminal the password comes from a file (--password-file FILE) or the MCHAT_PASSWORD environment variable, never from the command line",
    "the account commands take no arguments: a password is asked for, never typed after the command",
  ]);
  assert.ok(![...r.out, ...r.err].some((l) => l.includes("hunter2")));
  assert.ok(r.out.some((l) => /^ {2}\/unregister +delete your account \(its password is asked again\)$/.test(l)), r.out.join("\n"));
  const messages = await history(server);
  assert.deepEqual(messages, [], "nothing was posted");
});
