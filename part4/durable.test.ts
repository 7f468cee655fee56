/**
 * The durable store under faults, with real processes: the server killed
 * with SIGKILL mid-burst and restarted on the same file and ports, a
 * server stalled (SIGSTOP) past the clients' retry time, and a second
 * server given a store already in use.
 * Every wait is for an output line or an exit; PATIENCE_MS only bounds hangs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { run, runToExit, startServer } from "../shared/testing/processes.js";
import {
  assertEachOnceInOrder, assertPosted, clientArgs, CLIENT, follow, messages, numberedLines, portsOf, POST, SERVER, tempStore,
} from "../shared/testing/chat.js";

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
  await amy.line(/ is not answering; \d+ messages? (?:is|are) kept and will be sent when it is back$/, "err");
  server.kill("SIGCONT");
  assert.equal(await amy.exit, 0, amy.err.join("\n"));
  const probe = await runToExit(t, POST, ["127.0.0.1", server.postPort, "probe", "last"]);
  assertPosted(probe.out, 5, "each line was recorded once");
  await watcher.line(/^#general probe: last /);
  assert.deepEqual(messages(watcher), ["#general amy: zero", "#general amy: one", "#general amy: two", "#general amy: three", "#general probe: last"]);
});

test("kill -9 mid-burst with --store: after a restart on the same file and ports, a subscriber that stayed up shows every message once, in order, and numbering continues", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store]);
  const watcher = await follow(t, first, "ALL", "watcher", ["--history", "0"]);
  const senders = ["s1", "s2", "s3", "s4"];
  const half = 150;
  const clients = senders.map((s) => run(t, CLIENT, clientArgs(first, "general", s, ["--history", "0"])));
  for (const [i, c] of clients.entries()) c.write(numberedLines(senders[i]!, 1, half));
  // Mid-burst: some lines are shown, the clients still hold the second half of their input.
  await watcher.lines(/^#general s\d: /, 100);
  first.kill("SIGKILL");
  await first.exit;
  for (const [i, c] of clients.entries()) {
    c.write(numberedLines(senders[i]!, half + 1, 2 * half));
    c.end();
  }
  // Posts in flight die with the server unanswered: the clients retry them into the new one (recorded or not before).
  const second = await startServer(t, SERVER, ["--store", store], portsOf(first));
  for (const c of clients) assert.equal(await c.exit, 0, c.err.join("\n"));
  await watcher.lines(/^#general s\d: /, senders.length * 2 * half);
  // A marker after everything: once it shows, nothing else can still arrive.
  const probe = await runToExit(t, POST, ["127.0.0.1", second.postPort, "probe", "last"]);
  assertPosted(probe.out, senders.length * 2 * half + 1, "numbering continues after the restart, nothing counted twice");
  await watcher.line(/^#general probe: last /);
  const shown = messages(watcher);
  assert.equal(shown.at(-1), "#general probe: last");
  assertEachOnceInOrder(shown.slice(0, -1), senders, 2 * half, "watcher");
  second.kill("SIGINT");
  assert.equal(await second.exit, 0);
  assert.equal(second.out.at(-1), `stopped after recording ${senders.length * 2 * half + 1} messages`);
});

test("a second server given the same store refuses to start, in one sentence, exit 1", async (t) => {
  const store = tempStore(t);
  await startServer(t, SERVER, ["--store", store]);
  const second = await runToExit(t, SERVER, ["127.0.0.1", "0", "0", "--store", store]);
  assert.equal(second.code, 1);
  assert.deepEqual(second.err, [`cannot open the store '${store}': another server is using it (stop that one, or give this one another file)`]);
});
