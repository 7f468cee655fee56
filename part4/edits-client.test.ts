/**
 * Editing and deleting messages (issue 13), with real processes: what a
 * client following the channel sees live, what a late joiner's history
 * shows, and the refusals, as a script reading piped output sees them.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Request } from "zeromq";
import { decodeAnswer, encodeControl } from "../shared/protocol/index.js";
import { PATIENCE_MS, run, runToExit, startServer, type ServerProc } from "../shared/testing/processes.js";
import { CLIENT, messages, SERVER } from "../shared/testing/chat.js";

const PASSWORD = "correct horse 1";

/** An environment with a fresh XDG_CONFIG_HOME (removed after the test) and the password for /register. */
function account(t: TestContext): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), "mchat-config-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { XDG_CONFIG_HOME: dir, MCHAT_PASSWORD: PASSWORD };
}

const args = (s: ServerProc, name: string, extra: string[] = []) => ["127.0.0.1", s.postPort, s.pubPort, "dev", name, "--history", "0", "--give-up", "60", ...extra];

/** Registers `name` (the login is saved in env's XDG_CONFIG_HOME, so later clients with env are logged in). */
async function register(t: TestContext, s: ServerProc, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runToExit(t, CLIENT, args(s, name), "/register\n", env);
  assert.deepEqual(r.out, [`registered ${name}; you are logged in`], r.err.join("\n"));
}

/** Every entry of #dev (messages, edits and deletions) as the server's history answers them, over a raw REQ socket. */
async function entries(s: ServerProc) {
  const req = new Request({ linger: 0, receiveTimeout: PATIENCE_MS });
  req.connect(s.post);
  try {
    await req.send(encodeControl({ op: "history", query: { channel: "dev", limit: 100 } }));
    return decodeAnswer("history", await req.receive());
  } finally {
    req.close();
  }
}

/** stderr without the connection's status lines. */
const said = (err: string[]) => err.filter((l) => !/^(connected to |logged in as |in #|nobody else is in |waiting for the server|no heartbeat|the server's heartbeat)/.test(l));

test("/edit and /delete from a logged-in piped client: -!- lines live, (edited) and (deleted) in a late joiner's history, no number skipped", async (t) => {
  const server = await startServer(t, SERVER);
  const env = account(t);
  await register(t, server, "kyle", env);
  const watcher = run(t, CLIENT, args(server, "watcher", ["--numbers"]));
  await watcher.line(/^connected to /, "err");

  const kyle = run(t, CLIENT, args(server, "kyle", ["--numbers"]), env);
  await kyle.line(/^connected to /, "err");
  kyle.write("first\nsecond\nthird\n");
  await watcher.lines(/^#\d+ kyle: /, 3);
  // #1 by number; a bare /delete takes the last message (#3), a bare /edit then the last one left (#2).
  kyle.write("/edit #1 first, better\n/delete\n/edit second, again\nfourth\n");
  await watcher.line(/^#7 kyle: fourth /);
  kyle.end();
  assert.equal(await kyle.exit, 0, kyle.err.join("\n"));
  assert.deepEqual(kyle.out.filter((l) => /^(edited|deleted) /.test(l)), ["edited #1 in #dev", "deleted #3 in #dev", "edited #2 in #dev"], "each change confirmed with its number");
  assert.deepEqual(said(kyle.err), []);

  assert.deepEqual(watcher.out.map((l) => l.replace(/ \([^()]*\)$/, "")), [
    "#1 kyle: first",
    "#2 kyle: second",
    "#3 kyle: third",
    "-!- kyle edited #1: first, better",
    "-!- kyle deleted #3",
    "-!- kyle edited #2: second, again",
    "#7 kyle: fourth",
  ]);

  // A late joiner: messages as they are now; the changes took numbers 4-6 but are not lines, and nothing is reported missing.
  const late = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "late", "--numbers"], "/history 10\n/numbers off\n/history 10\n");
  assert.equal(late.code, 0, late.err.join("\n"));
  assert.deepEqual(messages(late.proc), [
    "#1 kyle: first, better (edited)",
    "#2 kyle: second, again (edited)",
    "#3 kyle: (deleted)",
    "#7 kyle: fourth",
    "#1 kyle: first, better (edited)",
    "#2 kyle: second, again (edited)",
    "#3 kyle: (deleted)",
    "#7 kyle: fourth",
    "kyle: first, better (edited)",
    "kyle: second, again (edited)",
    "kyle: (deleted)",
    "kyle: fourth",
  ]);
  assert.deepEqual(late.out.filter((l) => l.startsWith("Last ")), ["Last 4 messages of #dev:", "Last 4 messages of #dev:"], "the changes are not counted as messages");
  assert.ok(late.err.some((l) => /; the 4 messages above are history$/.test(l)), late.err.join("\n"));
  assert.ok(!late.err.some((l) => /could not be recovered/.test(l)), late.err.join("\n"));
});

test("/edit and /delete of another account's message, of a missing one, or without a login: one sentence each, nothing changed", async (t) => {
  const server = await startServer(t, SERVER);
  const danaEnv = account(t);
  const kyleEnv = account(t);
  await register(t, server, "dana", danaEnv);
  await register(t, server, "kyle", kyleEnv);
  const dana = await runToExit(t, CLIENT, args(server, "dana"), "dana's line\n", danaEnv);
  assert.equal(dana.code, 0, dana.err.join("\n"));

  const kyle = await runToExit(t, CLIENT, args(server, "kyle"), "/delete\n/edit #1 hijacked\n/delete #1\n/edit #9 nothing there\n", kyleEnv);
  assert.equal(kyle.code, 0, kyle.err.join("\n"));
  assert.deepEqual(kyle.out, []);
  assert.deepEqual(said(kyle.err), [
    "you have no message in #dev to delete",
    "#1 in #dev is dana's message, not yours",
    "#1 in #dev is dana's message, not yours",
    "no message #9 in #dev",
  ]);

  // Without a login the client says so itself (the server's sentence would differ) and asks nothing.
  const free = await runToExit(t, CLIENT, args(server, "eve"), "/edit #1 hijacked\n/delete #1\n/delete\n", account(t));
  assert.equal(free.code, 0, free.err.join("\n"));
  assert.deepEqual(free.out, []);
  assert.deepEqual(said(free.err), [
    "only an account can edit its messages: /login (or /register) first",
    "only an account can delete its messages: /login (or /register) first",
    "only an account can delete its messages: /login (or /register) first",
  ]);

  const after = await entries(server);
  assert.equal(after.head, 1, "no entry was added");
  assert.deepEqual(after.messages.map((m) => [m.seq, m.user, m.body, m.edited ?? false, m.deleted ?? false]), [[1, "dana", "dana's line", false, false]]);
});
