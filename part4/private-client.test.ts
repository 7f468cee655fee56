/**
 * Private and group messages (issue 12) from the chat client, with real
 * processes: what a script reading piped output sees, exactly, and the exit
 * codes. Logins come from /register, saved in a fresh XDG_CONFIG_HOME per
 * account, so a later client with the same environment is logged in.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runToExit, startServer, TIME, type Proc, type ServerProc } from "../shared/testing/processes.js";
import { CLIENT, portsOf, SERVER, tempStore } from "../shared/testing/chat.js";

const PASSWORD = "correct horse 1";

/** An environment with a fresh XDG_CONFIG_HOME (removed after the test) and the password for /register. */
function account(t: TestContext): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "mchat-config-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { XDG_CONFIG_HOME: dir, MCHAT_PASSWORD: PASSWORD };
}

const args = (s: ServerProc, name: string) => ["127.0.0.1", s.postPort, s.pubPort, "dev", name, "--history", "0", "--give-up", "60"];

/** Registers `name`; the login is saved in env's XDG_CONFIG_HOME. */
async function register(t: TestContext, s: ServerProc, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runToExit(t, CLIENT, args(s, name), "/register\n", env);
  assert.deepEqual(r.out, [`registered ${name}; you are logged in`], r.err.join("\n"));
}

/**
 * Starts a logged-in client and waits until it reads its input: piped lines
 * wait until the channel is shown and what came while away is shown, so
 * /whoami's answer says the inbox is being followed.
 */
async function start(t: TestContext, s: ServerProc, name: string, env: NodeJS.ProcessEnv): Promise<Proc> {
  const p = run(t, CLIENT, args(s, name), env);
  p.write("/whoami\n");
  await p.line(new RegExp(`^logged in as ${name} until `));
  return p;
}

/** stdout without /whoami's answer and with channel lines' times dropped. */
const shown = (p: Proc) => p.out.filter((l) => !l.startsWith("logged in as ")).map((l) => l.replace(new RegExp(` \\(${TIME}\\)$`), ""));
/** stderr without the connection's status lines. */
const said = (err: string[]) => err.filter((l) => !/^(connected to |logged in as |in #|nobody else is in |waiting for the server|no heartbeat|the server's heartbeat)|^\S+ (joined|left) #dev$/.test(l));

test("/msg, a group and /query between two piped clients: <<<kyle->zoe: hi>>> on both, the sender's copy from its inbox; a query's lines never reach the channel", async (t) => {
  const server = await startServer(t, SERVER);
  const kyleEnv = account(t);
  const zoeEnv = account(t);
  await register(t, server, "kyle", kyleEnv);
  await register(t, server, "zoe", zoeEnv);
  const reader = run(t, CLIENT, args(server, "reader"));
  await reader.line(/^connected to /, "err");
  const zoe = await start(t, server, "zoe", zoeEnv);
  const kyle = await start(t, server, "kyle", kyleEnv);

  kyle.write("/msg zoe hi\n");
  await zoe.line(/^<<<kyle->zoe: hi>>>$/);
  await kyle.line(/^<<<kyle->zoe: hi>>>$/);
  // The confirmation: the conversation's number and the server's time, a status line (stderr).
  await kyle.line(new RegExp(`^to zoe #1 at ${TIME}$`), "err");

  kyle.write("/group create ops zoe\n/msg ops hi\n/msg zoe /me waves\n");
  await zoe.line(/^<<<kyle->GROUP<ops>: hi>>>$/);
  await kyle.line(/^<<<kyle->GROUP<ops>: hi>>>$/);
  await zoe.line(/^<<<kyle->zoe: \* kyle waves>>>$/);
  await kyle.line(new RegExp(`^to zoe #2 at ${TIME}$`), "err");

  // A query: plain lines (and /me) go to zoe only; /query alone returns to the channel.
  kyle.write("/query zoe\nsecret plan\n/query\npublic line\n");
  await zoe.line(/^<<<kyle->zoe: secret plan>>>$/);
  await reader.line(/^kyle: public line /);
  await zoe.line(/^kyle: public line /);
  kyle.end();
  zoe.end();
  reader.end();
  assert.equal(await kyle.exit, 0, kyle.err.join("\n"));
  assert.equal(await zoe.exit, 0, zoe.err.join("\n"));
  assert.equal(await reader.exit, 0, reader.err.join("\n"));

  assert.deepEqual(shown(zoe), [
    "<<<kyle->zoe: hi>>>",
    "-!- kyle created ops with you in it",
    "<<<kyle->GROUP<ops>: hi>>>",
    "<<<kyle->zoe: * kyle waves>>>",
    "<<<kyle->zoe: secret plan>>>",
    "kyle: public line",
  ]);
  // The command's answer and the inbox's notice come on two sockets: either may be first.
  assert.ok(kyle.out.includes("created ops: kyle (owner), zoe"), kyle.out.join("\n"));
  assert.deepEqual(shown(kyle).filter((l) => !l.startsWith("created ops")), [
    "<<<kyle->zoe: hi>>>",
    "-!- you created ops",
    "<<<kyle->GROUP<ops>: hi>>>",
    "<<<kyle->zoe: * kyle waves>>>",
    "<<<kyle->zoe: secret plan>>>",
    "kyle: public line",
  ]);
  const status = said(kyle.err).map((l) => l.replace(new RegExp(`at ${TIME}$`), "at T"));
  assert.deepEqual(status.slice(0, 4), [
    "to zoe #1 at T",
    "to GROUP<ops> #1 at T",
    "to zoe #2 at T",
    "talking to zoe: what you type goes to zoe only; /query alone: back to #dev",
  ]);
  // The confirmation comes when the server answers; /query's line at once.
  assert.deepEqual(status.slice(4).sort(), ["back to #dev", "to zoe #3 at T"]);
  assert.deepEqual(shown(reader), ["kyle: public line"], "the channel saw only the channel's line");
  assert.deepEqual(said(zoe.err), []);
});

test("messages sent while the recipient is away arrive at its next start after one line saying how many, in order, once; /history in a query shows them again", async (t) => {
  const server = await startServer(t, SERVER);
  const kyleEnv = account(t);
  const zoeEnv = account(t);
  await register(t, server, "kyle", kyleEnv);
  await register(t, server, "zoe", zoeEnv);

  // kyle's piped client waits until its own copies are shown before it exits.
  const kyle = await runToExit(t, CLIENT, args(server, "kyle"), "/msg zoe one\n/msg zoe two\n/msg zoe three\n", kyleEnv);
  assert.equal(kyle.code, 0, kyle.err.join("\n"));
  assert.deepEqual(kyle.out, ["<<<kyle->zoe: one>>>", "<<<kyle->zoe: two>>>", "<<<kyle->zoe: three>>>"]);

  const zoe = await runToExit(t, CLIENT, args(server, "zoe"), "", zoeEnv);
  assert.equal(zoe.code, 0, zoe.err.join("\n"));
  assert.deepEqual(zoe.out, ["3 private messages while you were away", "<<<kyle->zoe: one>>>", "<<<kyle->zoe: two>>>", "<<<kyle->zoe: three>>>"]);
  const again = await runToExit(t, CLIENT, args(server, "zoe"), "/query kyle\n/history 2\n", zoeEnv);
  assert.equal(again.code, 0, again.err.join("\n"));
  assert.deepEqual(again.out, ["Last 2 messages with kyle:", "<<<kyle->zoe: two>>>", "<<<kyle->zoe: three>>>"], "shown once: nothing new at the next start");
});

test("without a login each command says it needs an account; an unknown recipient gets the server's sentence and exit 1", async (t) => {
  const server = await startServer(t, SERVER);
  const free = await runToExit(t, CLIENT, args(server, "eve"), "/msg zoe hi\n/query zoe\n/group list\n/watch deploy\n/follow kyle\n/alerts\n", account(t));
  assert.equal(free.code, 0, free.err.join("\n"));
  assert.deepEqual(free.out, []);
  assert.deepEqual(said(free.err), ["msg", "query", "group", "watch", "follow", "alerts"].map((c) => `/${c} needs an account: /login (or /register) first`));

  const kyleEnv = account(t);
  await register(t, server, "kyle", kyleEnv);
  const kyle = await runToExit(t, CLIENT, args(server, "kyle"), "/msg nobody hi\n/msg\n", kyleEnv);
  assert.equal(kyle.code, 1, kyle.err.join("\n"));
  assert.deepEqual(kyle.out, []);
  assert.deepEqual(said(kyle.err), [
    "usage: /msg <user|group> <text>, e.g. /msg zoe hi (/msg zoe /me waves: an action)",
    "no account or group named nobody",
    "1 message was not posted: refused (the reason is above)",
  ]);
});

test("alerts: a watched keyword reaches its watcher (kept while away), a followed author its follower, and nobody else", async (t) => {
  const server = await startServer(t, SERVER);
  const env = { kyle: account(t), zoe: account(t), dana: account(t), amy: account(t) };
  for (const [name, e] of Object.entries(env)) await register(t, server, name, e);

  const watch = await runToExit(t, CLIENT, args(server, "zoe"), "/watch deploy\n/alerts\n", env.zoe);
  assert.equal(watch.code, 0, watch.err.join("\n"));
  assert.deepEqual(watch.out, ['watching "deploy"', 'watching "deploy" (every channel)']);
  const dana = await start(t, server, "dana", env.dana);
  dana.write("/follow kyle\n");
  await dana.line(/^following kyle$/);
  const amy = await start(t, server, "amy", env.amy);

  const kyle = await runToExit(t, CLIENT, args(server, "kyle"), "Deploy at 10\n", env.kyle);
  assert.equal(kyle.code, 0, kyle.err.join("\n"));
  await dana.line(/^-!- alert kyle: #dev kyle: Deploy at 10$/);
  await amy.line(/^kyle: Deploy at 10 /);
  // zoe was away: the alert was kept for her.
  const zoe = await runToExit(t, CLIENT, args(server, "zoe"), "", env.zoe);
  assert.equal(zoe.code, 0, zoe.err.join("\n"));
  assert.deepEqual(zoe.out, ["1 alert while you were away", '-!- alert "deploy": #dev kyle: Deploy at 10']);
  dana.end();
  amy.end();
  assert.equal(await dana.exit, 0, dana.err.join("\n"));
  assert.equal(await amy.exit, 0, amy.err.join("\n"));
  // The channel line (the feed) and the alert (the inbox) may come in either order.
  assert.deepEqual(shown(dana).sort(), ["-!- alert kyle: #dev kyle: Deploy at 10", "following kyle", "kyle: Deploy at 10"]);
  assert.deepEqual(shown(amy), ["kyle: Deploy at 10"], "no alert for an account that watches nothing");
});

test("a running client's inbox survives a --store server restart: a message sent while the server is down is delivered once it is back, once", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store]);
  const kyleEnv = account(t);
  const zoeEnv = account(t);
  await register(t, first, "kyle", kyleEnv);
  await register(t, first, "zoe", zoeEnv);
  const zoe = await start(t, first, "zoe", zoeEnv);
  const kyle = await start(t, first, "kyle", kyleEnv);
  kyle.write("/msg zoe before\n");
  await zoe.line(/^<<<kyle->zoe: before>>>$/);

  first.kill("SIGKILL");
  await first.exit;
  // Queued while the server is down, sent with the same id once it is back.
  kyle.write("/msg zoe during\n");
  await kyle.line(/is not answering/, "err");
  const second = await startServer(t, SERVER, ["--store", store], portsOf(first));
  await zoe.line(/^<<<kyle->zoe: during>>>$/);
  kyle.write("/msg zoe after\n");
  await zoe.line(/^<<<kyle->zoe: after>>>$/);
  kyle.end();
  zoe.end();
  assert.equal(await kyle.exit, 0, kyle.err.join("\n"));
  assert.equal(await zoe.exit, 0, zoe.err.join("\n"));
  assert.deepEqual(shown(zoe), ["<<<kyle->zoe: before>>>", "<<<kyle->zoe: during>>>", "<<<kyle->zoe: after>>>"]);
  assert.deepEqual(shown(kyle), ["<<<kyle->zoe: before>>>", "<<<kyle->zoe: during>>>", "<<<kyle->zoe: after>>>"]);
  second.kill();
});
