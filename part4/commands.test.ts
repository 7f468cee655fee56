import { test } from "node:test";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { run, runToExit, startServer, TIME, type ServerProc } from "../shared/testing/processes.js";

// The chat commands, typed into piped clients: what a script sees on stdout and stderr.

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const PART3_SERVER = "part3/interactive_server.js";
const PART3_CLIENT = "part3/interactive_client.js";
const SINCE = String.raw`\d{2}:\d{2}`;
/** How long idle, as /who shows it (seconds or minutes here: nobody waits long). */
const IDLE = String.raw`idle \d+[sm]`;

function client(t: TestContext, server: ServerProc, channel: string, name: string, script = CLIENT) {
  const args = script === CLIENT ? [channel, name] : [name];
  return run(t, script, ["127.0.0.1", server.postPort, server.pubPort, ...args, "--history", "0"]);
}

/** stderr without the connection's status lines, which come whenever the connection is made. */
const said = (err: string[]) => err.filter((l) => !/^(connected to |in #|nobody else is in |waiting for the server|no heartbeat|the server's heartbeat)/.test(l));

/** The lines of stdout from `header` on, `count` of them. */
function block(out: string[], header: string, count: number): string[] {
  const at = out.indexOf(header);
  assert.ok(at >= 0, `no line '${header}' in:\n${out.join("\n")}`);
  return out.slice(at, at + count);
}

test("/who lists the people in the channel with since when, and marks the reader; joins and leaves are announced", async (t) => {
  const server = await startServer(t, SERVER);
  const amy = client(t, server, "dev", "amy");
  await amy.line(/^connected to /, "err");
  amy.write("/who\n");
  // Answered only once amy's own hello is in: the server knows her from then on.
  await amy.line(/^  amy /);
  const own = block(amy.out, "1 person in #dev:", 2);
  assert.match(own[1]!, new RegExp(`^  amy  since ${SINCE}  ${IDLE} \\(you\\)$`));

  const bob = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "bob", "--history", "0"], "/who\n");
  assert.equal(bob.code, 0);
  const who = block(bob.out, "2 people in #dev:", 3);
  assert.match(who[1]!, new RegExp(`^  amy  since ${SINCE}  ${IDLE}$`));
  assert.match(who[2]!, new RegExp(`^  bob  since ${SINCE}  ${IDLE} \\(you\\)$`));
  // Someone in another channel is not listed.
  const otto = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "ops", "otto", "--history", "0"], "/who\n");
  assert.match(block(otto.out, "1 person in #ops:", 2)[1]!, new RegExp(`^  otto  since ${SINCE}  ${IDLE} \\(you\\)$`));
  assert.ok(!otto.out.some((l) => /amy|bob/.test(l)), otto.out.join("\n"));

  // bob said hello, then goodbye on exit: amy heard both, and never about otto.
  await amy.line(/^bob left #dev$/, "err");
  assert.ok(amy.err.includes("bob joined #dev"), amy.err.join("\n"));
  assert.ok(!amy.err.some((l) => l.includes("otto")));
  amy.end();
  assert.equal(await amy.exit, 0);
});

test("/channels counts each channel's messages and users; /history N shows the last N of the current channel", async (t) => {
  const server = await startServer(t, SERVER);
  // Commands that ask the server first wait for the posts typed before them, so the counts include them.
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "kyle", "--history", "0"],
    "one\ntwo\nthree\n/join ops\nfour\n/channels\n/history 2\n/history\n/leave ops\n/history 1\n/history 0\n/history x\n");
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.deepEqual(block(r.out, "2 channels:", 3), [
    "2 channels:",
    "  #dev  3 messages  1 user  (following)",
    "  #ops  1 message   1 user  (following; you post here)",
  ]);
  const last2 = block(r.out, "Last message of #ops:", 2);
  assert.match(last2[1]!, new RegExp(`^kyle: four \\(${TIME}\\)$`));
  assert.equal(r.out.filter((l) => l === "Last message of #ops:").length, 2, "/history 2 and /history both find the one message");
  const dev = block(r.out, "Last message of #dev:", 2);
  assert.match(dev[1]!, new RegExp(`^kyle: three \\(${TIME}\\)$`));
  assert.deepEqual(said(r.err).filter((l) => l.startsWith("usage")), [
    "usage: /history [N], N from 1 to 1000 (default 20)",
    "usage: /history [N], N from 1 to 1000 (default 20)",
  ]);
});

test("/join follows another channel and posts go there; /leave goes back; ALL reads every channel but never posts", async (t) => {
  const server = await startServer(t, SERVER);
  const watcher = client(t, server, "ALL", "watcher");
  await watcher.line(/^connected to .* as watcher in ALL \(read-only: every channel\)$/, "err");
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "kyle", "--history", "0"],
    "in dev\n/join #ops\nin ops\n/join dev\nin dev again\n/leave dev\nin ops again\n/join ALL\n/leave ops\ninto the void\n/leave ALL\n/leave nowhere\n/join bad name\n/join all\n");
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.deepEqual(said(r.err), [
    "now following #ops; your posts go there",
    "now posting to #dev",
    "left #dev; posting to #ops",
    "now following ALL (read-only: every channel's messages)",
    "left #ops; ALL is read-only: /join a channel to post",
    "ALL is read-only: it shows every channel; /join a channel to post there",
    "ALL is your only channel; /join another first, or /quit",
    "you are not following #nowhere",
    "cannot join 'bad name': channel contains whitespace, control or invisible characters",
    "cannot join 'all': channel 'all' is reserved; use ALL to read every channel",
  ]);
  const seen = await watcher.lines(/^#\w+ kyle: /, 4);
  assert.deepEqual(seen.map((l) => l.replace(/ \(.*\)$/, "")), ["#dev kyle: in dev", "#ops kyle: in ops", "#dev kyle: in dev again", "#ops kyle: in ops again"]);
  // Nothing went to ALL: the next message anywhere is the fifth.
  const probe = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "probe", "--history", "0"], "last\n");
  assert.equal(probe.code, 0);
  assert.deepEqual((await watcher.lines(/^#\w+ \w+: /, 5)).map((l) => l.replace(/ \(.*\)$/, "")).at(-1), "#dev probe: last");
});

test("unknown commands get a one-line hint and are never posted; //text posts /text; /me posts an action; /quit stops", async (t) => {
  const server = await startServer(t, SERVER);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "kyle", "--history", "0"],
    "/frobnicate now\n/\n/me\n//slash and burn\n/me waves\n/quit\nnever sent\n");
  assert.equal(r.code, 0);
  assert.deepEqual(said(r.err), [
    "unknown command /frobnicate; /help lists the commands (//frobnicate posts it as text)",
    "a line starting with / is a command; /help lists them (//text posts /text)",
    "usage: /me <action>, e.g. /me waves",
  ]);
  const recorded = await server.lines(/^\[dev #\d+\]/, 2);
  assert.deepEqual(recorded.map((l) => l.replace(/ \(.*\)$/, "")), ["[dev #1] kyle: /slash and burn", "[dev #2] * kyle waves"]);
  // A later post is number 3: nothing else was recorded.
  await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "probe", "--history", "0"], "probe\n");
  assert.match((await server.lines(/^\[dev #\d+\]/, 3))[2]!, /^\[dev #3\] probe: probe /);
});

test("/help lists each command on its own line; part 3's client has no channels to join and says so", async (t) => {
  const server = await startServer(t, PART3_SERVER);
  const r = await runToExit(t, PART3_CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "kyle", "--history", "0"], "/help\n/join ops\n/leave general\n");
  assert.equal(r.code, 0);
  assert.deepEqual(r.out, [
    "Commands:",
    "  /help              this list",
    "  /me <action>       post an action: /me waves shows * kyle waves",
    "  /who               who is in this channel, since when, idle for how long",
    "  /channels          every channel, with its messages and users",
    "  /history [N]       the last N messages here, or of the /query (default 20)",
    "  /since <time>      messages since 14:00, an ISO date-time, or 2h / 30m ago",
    "  /edit [#n] <text>  change your message #n (default: your last one)",
    "  /delete [#n]       delete your message #n (default: your last one)",
    "  /numbers on|off    show message numbers (#12), for /edit and /delete",
    "  /register          make your name an account, with a password, and log in",
    "  /login             log in to your name's account",
    "  /logout            log out (every session of the account)",
    "  /passwd            change your account's password",
    "  /whoami            whom the server takes you for, and until when",
    "  /unregister        delete your account (its password is asked again)",
    "  /msg <to> <text>   send privately to a user or group (/msg zoe /me waves)",
    "  /query [to]        what you type goes to them; /query alone: the channel",
    "  /group <what> ...  create, add, remove, leave, list, members (/group: usage)",
    "  /watch <word>      alert me when a message says it (/watch deploy #dev)",
    "  /unwatch <word>    stop that alert (with its #channel, if it has one)",
    "  /follow <user>     alert me on every message of a user",
    "  /unfollow <user>   stop following a user",
    "  /alerts            the words you watch and the users you follow",
    "  /quit              leave the chat (so do Ctrl-D and Ctrl-C)",
    "  //text             post text that starts with /",
    "Tab completes commands and names; Up and Down recall earlier lines.",
  ]);
  assert.deepEqual(said(r.err), [
    "/join needs channels: this client has one channel (part 4's mc_client has /join and /leave)",
    "/leave needs channels: this client has one channel (part 4's mc_client has /join and /leave)",
  ]);
  const p4 = await startServer(t, SERVER);
  const help = await runToExit(t, CLIENT, ["127.0.0.1", p4.postPort, p4.pubPort, "dev", "kyle", "--history", "0"], "/help\n");
  assert.ok(help.out.some((l) => /^ {2}\/join <channel> +follow a channel and post there; \/join ALL reads all$/.test(l)), help.out.join("\n"));
  assert.ok(help.out.some((l) => /^ {2}\/leave \[channel\] +stop following a channel \(default: this one\)$/.test(l)));
});
