/**
 * Nothing lost, with real processes and real faults: a server that is not
 * there yet, a server killed with SIGKILL mid-burst and restarted on the
 * same store and ports, a late joiner, and a burst from many clients.
 * Every wait is for an output line or an exit; PATIENCE_MS only bounds hangs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { run, runToExit, startServer, TIME, type Proc, type ServerProc } from "../shared/testing/processes.js";

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";
const POST = "part1/post_client.js";

/** A chat client's args; --give-up is generous because waiting out an outage is what is under test. */
const clientArgs = (s: { postPort: string; pubPort: string }, channel: string, name: string, extra: string[] = []) =>
  ["127.0.0.1", s.postPort, s.pubPort, channel, name, "--give-up", "120", ...extra];

/** Starts a client and waits until it follows its channel. */
async function follow(t: TestContext, s: ServerProc, channel: string, name: string, extra: string[] = []): Promise<Proc> {
  const c = run(t, CLIENT, clientArgs(s, channel, name, extra));
  await c.line(/^connected to /, "err");
  return c;
}

/** A server's ports, free again once it is stopped: for a restart on the same ports. */
const portsOf = (s: ServerProc): [string, string] => [s.postPort, s.pubPort];

/** Message lines (`[#channel ]user: body (time)`) without the time. */
const messages = (p: Proc) => p.out.filter((l) => new RegExp(` \\(${TIME}\\)$`).test(l)).map((l) => l.replace(/ \([^()]*\)$/, ""));

function tempStore(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "mchat-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "chat.db");
}

/** Asserts that `lines` hold each sender's `count` numbered lines exactly once and in order. */
function assertEachOnceInOrder(lines: string[], senders: string[], count: number, label: string): void {
  assert.equal(lines.length, senders.length * count, `${label}: number of lines`);
  for (const s of senders) {
    const mine = lines.filter((l) => l.includes(`${s}: `)).map((l) => Number(/ (\d+)$/.exec(l)?.[1]));
    assert.deepEqual(mine, Array.from({ length: count }, (_, i) => i + 1), `${label}: ${s}'s lines, each once and in order`);
  }
}

test("a client started while the server is down says so once, keeps the lines, and delivers them in order once it starts", async (t) => {
  const first = await startServer(t, SERVER);
  first.kill("SIGKILL");
  await first.exit;
  const amy = run(t, CLIENT, clientArgs(first, "general", "amy"));
  amy.write("one\ntwo\n");
  await amy.line(/^the server at tcp:\/\/127\.0\.0\.1:\d+ is not answering; your messages are kept and will be sent when it is back$/, "err");
  amy.write("three\n");
  amy.end();
  const server = await startServer(t, SERVER, [], portsOf(first));
  assert.equal(await amy.exit, 0, amy.err.join("\n"));
  assert.equal(amy.err.filter((l) => /is not answering/.test(l)).length, 1, "the outage is reported once");
  assert.ok(amy.err.some((l) => /^the server is answering again; sending [23] queued messages$/.test(l)), amy.err.join("\n"));
  const recorded = await server.lines(/^\[general #\d+\]/, 3);
  assert.deepEqual(recorded.map((l) => l.replace(/ \(.*\)$/, "")), ["[general #1] amy: one", "[general #2] amy: two", "[general #3] amy: three"]);
  // A client joining now has them once each, as history.
  const late = await follow(t, server, "general", "late");
  assert.deepEqual(messages(late), ["amy: one", "amy: two", "amy: three"]);
});

test("a server that stalls past the retry time (SIGSTOP) gets the same post twice and records it once", async (t) => {
  const server = await startServer(t, SERVER, ["--store", tempStore(t)]);
  const watcher = await follow(t, server, "ALL", "watcher", ["--history", "0"]);
  const amy = await follow(t, server, "general", "amy", ["--history", "0"]);
  // A first post connects amy's post socket, so that "one" reaches the stalled server's kernel buffer.
  amy.write("zero\n");
  await watcher.line(/^#general amy: zero /);
  server.kill("SIGSTOP");
  amy.write("one\ntwo\nthree\n");
  amy.end();
  // The notice comes after the first attempt timed out; the retry on a new socket follows at once.
  await amy.line(/ is not answering; your messages are kept and will be sent when it is back$/, "err");
  server.kill("SIGCONT");
  assert.equal(await amy.exit, 0, amy.err.join("\n"));
  const probe = await runToExit(t, POST, ["127.0.0.1", server.postPort, "probe", "last"]);
  assert.deepEqual(probe.out, ["posted as message #5"], "each line was recorded once");
  await watcher.line(/^#general probe: last /);
  assert.deepEqual(messages(watcher), ["#general amy: zero", "#general amy: one", "#general amy: two", "#general amy: three", "#general probe: last"]);
});

test("Ctrl-C while piped lines wait for a server that is down: exit 1 at once, counting the lines not acknowledged", async (t) => {
  const gone = await startServer(t, SERVER);
  gone.kill("SIGKILL");
  await gone.exit;
  const amy = run(t, CLIENT, clientArgs(gone, "general", "amy"));
  amy.write("one\ntwo\nthree\n");
  amy.end();
  await amy.line(/ is not answering; your messages are kept and will be sent when it is back$/, "err");
  amy.kill("SIGINT");
  assert.equal(await amy.exit, 1);
  assert.equal(amy.err.at(-1), "3 messages were not delivered: stopped before the server acknowledged them");
});

test("kill -9 mid-burst with --store: after a restart on the same file and ports, a subscriber that stayed up shows every message once, in order, and numbering continues", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store]);
  const watcher = await follow(t, first, "ALL", "watcher", ["--history", "0"]);
  const senders = ["s1", "s2", "s3", "s4"];
  const half = 150;
  const lines = (s: string, from: number) => Array.from({ length: half }, (_, i) => `${s} ${from + i}`).join("\n") + "\n";
  const clients = senders.map((s) => run(t, CLIENT, clientArgs(first, "general", s, ["--history", "0"])));
  for (const [i, c] of clients.entries()) c.write(lines(senders[i]!, 1));
  // Mid-burst: some lines are shown, the clients still hold the second half of their input.
  await watcher.lines(/^#general s\d: /, 100);
  first.kill("SIGKILL");
  await first.exit;
  for (const [i, c] of clients.entries()) {
    c.write(lines(senders[i]!, half + 1));
    c.end();
  }
  await watcher.line(new RegExp(`^no heartbeat from the server since ${TIME}; messages may be delayed$`), "err");
  const second = await startServer(t, SERVER, ["--store", store], portsOf(first));
  for (const c of clients) assert.equal(await c.exit, 0, c.err.join("\n"));
  await watcher.line(/^the server's heartbeat is back$/, "err");
  await watcher.lines(/^#general s\d: /, senders.length * 2 * half);
  // A marker after everything: once it shows, nothing else can still arrive.
  const probe = await runToExit(t, POST, ["127.0.0.1", second.postPort, "probe", "last"]);
  assert.deepEqual(probe.out, [`posted as message #${senders.length * 2 * half + 1}`], "numbering continues after the restart, nothing counted twice");
  await watcher.line(/^#general probe: last /);
  const shown = messages(watcher);
  assert.equal(shown.at(-1), "#general probe: last");
  assertEachOnceInOrder(shown.slice(0, -1), senders, 2 * half, "watcher");
  second.kill("SIGINT");
  assert.equal(await second.exit, 0);
  assert.equal(second.out.at(-1), `stopped after recording ${senders.length * 2 * half + 1} messages`);
});

test("a late joiner shows the last 20 messages as history, then live ones, with no gap or duplicate", async (t) => {
  const server = await startServer(t, SERVER);
  const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `amy ${from + i}`).join("\n") + "\n";
  assert.equal((await runToExit(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]), numbered(1, 30))).code, 0);
  const bob = run(t, CLIENT, clientArgs(server, "general", "bob"));
  await bob.line(/^connected to tcp:\/\/127\.0\.0\.1:\d+ as bob in #general; the 20 messages above are history$/, "err");
  assert.deepEqual(messages(bob), Array.from({ length: 20 }, (_, i) => `amy: amy ${11 + i}`));
  assert.equal((await runToExit(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]), numbered(31, 35))).code, 0);
  await bob.lines(/^amy: amy \d+ \(/, 25);
  assert.deepEqual(messages(bob), Array.from({ length: 25 }, (_, i) => `amy: amy ${11 + i}`));
});

test("a client joining while another posts merges history and live messages: a contiguous run, each line once", async (t) => {
  // --rate 200 --burst 1 spreads amy's lines over about 1.5 s, so bob most likely joins mid-stream; the assertions hold either way.
  const server = await startServer(t, SERVER, ["--rate", "200", "--burst", "1"]);
  const total = 300;
  const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `amy ${from + i}`).join("\n") + "\n";
  const amy = run(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]));
  amy.write(numbered(1, 50));
  await amy.line(/^amy: amy 50 \(/);
  amy.write(numbered(51, total));
  amy.end();
  const bob = run(t, CLIENT, clientArgs(server, "general", "bob"));
  const [, count] = await bob.line(/^connected to .* as bob in #general; the (\d+) messages above are history$/, "err");
  assert.equal(count, "20");
  assert.equal(await amy.exit, 0);
  await bob.line(new RegExp(`^amy: amy ${total} \\(`));
  const shown = messages(bob).map((l) => Number(/ (\d+)$/.exec(l)![1]));
  const first = shown[0]!;
  assert.ok(first >= 31, `history is the newest 20 of at least 50 (first shown: ${first})`);
  assert.deepEqual(shown, Array.from({ length: total - first + 1 }, (_, i) => first + i), "no gap, no duplicate");
});

test("8 clients piping at once: an ALL subscriber started first shows every message once, each sender's in order", async (t) => {
  // 500 lines each is past the default burst of 400, so the slow-down replies are waited out too.
  const server = await startServer(t, SERVER);
  const watcher = await follow(t, server, "ALL", "watcher", ["--history", "0"]);
  const senders = Array.from({ length: 8 }, (_, i) => `p${i + 1}`);
  const per = 500;
  const results = await Promise.all(senders.map((s, i) => runToExit(t, CLIENT, clientArgs(server, `c${i % 3}`, s, ["--history", "0"]),
    Array.from({ length: per }, (_, n) => `${s} ${n + 1}`).join("\n") + "\n")));
  for (const r of results) assert.equal(r.code, 0, r.err.join("\n"));
  await watcher.lines(/^#c\d p\d: /, senders.length * per);
  const probe = await runToExit(t, POST, ["127.0.0.1", server.postPort, "probe", "last"]);
  assert.equal(probe.code, 0);
  await watcher.line(/^#general probe: last /);
  const shown = messages(watcher);
  assert.equal(shown.pop(), "#general probe: last");
  assertEachOnceInOrder(shown, senders, per, "ALL");
});

test("in-memory restart: silence and return are shown, numbering starts over, a line typed meanwhile is delivered once", async (t) => {
  const first = await startServer(t, SERVER);
  const watcher = await follow(t, first, "ALL", "watcher", ["--history", "0"]);
  const amy = await follow(t, first, "general", "amy", ["--history", "0"]);
  // Posted by post_client, whose exit proves the ack arrived: nothing of it can be retried into the new server.
  assert.deepEqual((await runToExit(t, POST, ["127.0.0.1", first.postPort, "kyle", "before"])).out, ["posted as message #1"]);
  await watcher.line(/^#general kyle: before /);
  await amy.line(/^kyle: before /);
  first.kill("SIGKILL");
  await first.exit;
  await watcher.line(new RegExp(`^no heartbeat from the server since ${TIME}; messages may be delayed$`), "err");
  amy.write("during\n");
  await amy.line(/ is not answering; your messages are kept and will be sent when it is back$/, "err");
  const second = await startServer(t, SERVER, [], portsOf(first));
  await watcher.line(/^the server's heartbeat is back$/, "err");
  await watcher.line(/^the server restarted without a store: numbering starts over$/, "err");
  await watcher.line(/^#general amy: during /);
  amy.write("after\n");
  await watcher.line(/^#general amy: after /);
  await amy.line(/^amy: after /);
  assert.deepEqual(messages(watcher), ["#general kyle: before", "#general amy: during", "#general amy: after"]);
  assert.deepEqual(messages(amy), ["kyle: before", "amy: during", "amy: after"]);
  const recorded = await second.lines(/^\[general #\d+\]/, 2);
  assert.deepEqual(recorded.map((l) => l.replace(/ \(.*\)$/, "")), ["[general #1] amy: during", "[general #2] amy: after"]);
  amy.end();
  assert.equal(await amy.exit, 0);
});
