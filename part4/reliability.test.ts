/**
 * Nothing lost, with real processes and real faults: a server that is not
 * there yet, Ctrl-C with lines unacknowledged, a late joiner, a join in
 * mid-stream, a burst from many clients, an in-memory restart. The
 * durable store's faults are in durable.test.ts.
 * Every wait is for an output line or an exit; PATIENCE_MS only bounds hangs.
 */
import { test } from "node:test";
import { POST_WINDOW } from "../shared/protocol/limits.js";
import assert from "node:assert/strict";
import { deadServer, run, runToExit, startServer, TIME } from "../shared/testing/processes.js";
import { assertEachOnceInOrder, assertPosted, clientArgs, CLIENT, follow, messages, numberedLines, portsOf, POST, SERVER } from "../shared/testing/chat.js";

test("a client started while the server is down says so once, keeps the lines, and delivers them in order once it starts", async (t) => {
  const first = await deadServer(t, SERVER);
  const amy = run(t, CLIENT, clientArgs(first, "general", "amy"));
  amy.write("one\ntwo\n");
  await amy.line(/^the server at tcp:\/\/127\.0\.0\.1:\d+ is not answering; \d+ messages? (?:is|are) kept and will be sent when it is back$/, "err");
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

test("Ctrl-C while piped lines wait for a server that is down: exit 1 at once, counting the lines not acknowledged", async (t) => {
  const gone = await deadServer(t, SERVER);
  const amy = run(t, CLIENT, clientArgs(gone, "general", "amy"));
  amy.write("one\ntwo\nthree\n");
  amy.end();
  await amy.line(/ is not answering; \d+ messages? (?:is|are) kept and will be sent when it is back$/, "err");
  amy.kill("SIGINT");
  assert.equal(await amy.exit, 1);
  assert.equal(amy.err.at(-1), "3 messages were not delivered: stopped before the server acknowledged them", amy.err.join("\n"));
});

test("Ctrl-C with posts in flight to a stalled server: exit 1 at once with the count, and no stack trace", async (t) => {
  const server = await startServer(t, SERVER);
  const amy = await follow(t, server, "general", "amy", ["--history", "0"]);
  amy.write(numberedLines("amy", 1, 20));
  await amy.line(/^amy: amy 20 \(/);
  server.kill("SIGSTOP"); // killed (SIGKILL) when the test ends, stopped or not
  amy.write(numberedLines("amy", 21, 40));
  // Said only while posts are on the wire unanswered: lines 21 to 40, and any of the last 8 whose ack the server had not sent yet (it publishes first).
  const notice = await amy.line(/ is not answering; (\d+) messages are kept and will be sent when it is back$/, "err");
  const kept = Number(notice[1]);
  assert.ok(kept >= 20 && kept <= 20 + POST_WINDOW, notice[0]);
  amy.kill("SIGINT");
  assert.equal(await amy.exit, 1);
  assert.equal(amy.err.at(-1), `${kept} messages were not delivered: stopped before the server acknowledged them`, amy.err.join("\n"));
  assert.deepEqual(amy.err.filter((l) => /Error|^\s+at /.test(l)), []);
});

test("a late joiner shows the last 20 messages as history, then live ones, with no gap or duplicate", async (t) => {
  const server = await startServer(t, SERVER);
  assert.equal((await runToExit(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]), numberedLines("amy", 1, 30))).code, 0);
  const bob = run(t, CLIENT, clientArgs(server, "general", "bob"));
  await bob.line(/^connected to tcp:\/\/127\.0\.0\.1:\d+ as bob in #general; the 20 messages above are history$/, "err");
  assert.deepEqual(messages(bob), Array.from({ length: 20 }, (_, i) => `amy: amy ${11 + i}`));
  assert.equal((await runToExit(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]), numberedLines("amy", 31, 35))).code, 0);
  await bob.lines(/^amy: amy \d+ \(/, 25);
  assert.deepEqual(messages(bob), Array.from({ length: 25 }, (_, i) => `amy: amy ${11 + i}`));
});

test("a client joining while another posts merges history and live messages: a contiguous run, each line once", async (t) => {
  // --rate 200 --burst 1 spreads amy's lines over about 1.5 s, so bob most likely joins mid-stream; the assertions hold either way.
  const server = await startServer(t, SERVER, ["--rate", "200", "--burst", "1"]);
  const total = 300;
  const amy = run(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]));
  amy.write(numberedLines("amy", 1, 50));
  await amy.line(/^amy: amy 50 \(/);
  amy.write(numberedLines("amy", 51, total));
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
  // The full 8 x 2,000 runs in the benchmark; 250 each keeps this test to seconds. Default rate limits.
  const server = await startServer(t, SERVER);
  const watcher = await follow(t, server, "ALL", "watcher", ["--history", "0"]);
  const senders = Array.from({ length: 8 }, (_, i) => `p${i + 1}`);
  const per = 250;
  const results = await Promise.all(senders.map((s, i) => runToExit(t, CLIENT, clientArgs(server, `c${i % 3}`, s, ["--history", "0"]),
    numberedLines(s, 1, per))));
  for (const r of results) assert.equal(r.code, 0, r.err.join("\n"));
  await watcher.lines(/^#c\d p\d: /, senders.length * per);
  const probe = await runToExit(t, POST, ["127.0.0.1", server.postPort, "probe", "last"]);
  assert.equal(probe.code, 0);
  await watcher.line(/^#general probe: last /);
  const shown = messages(watcher);
  assert.equal(shown.pop(), "#general probe: last");
  assertEachOnceInOrder(shown, senders, per, "ALL");
});

test("a piped client held back by the rate limit: its posts in flight are refused behind the first, sent again, and recorded once each in the order sent", async (t) => {
  // --burst 10 --rate 100: 150 lines take about 1.4 s, with a window of 8 posts in flight refused and sent again many times over.
  const server = await startServer(t, SERVER, ["--rate", "100", "--burst", "10"]);
  const amy = await runToExit(t, CLIENT, clientArgs(server, "general", "amy", ["--history", "0"]), numberedLines("amy", 1, 150));
  assert.equal(amy.code, 0, amy.err.join("\n"));
  const recorded = await server.lines(/^\[general #\d+\] amy: /, 150);
  assert.deepEqual(recorded.map((l) => l.replace(/ \(.*\)$/, "")), Array.from({ length: 150 }, (_, i) => `[general #${i + 1}] amy: amy ${i + 1}`));
  assert.deepEqual(amy.err.filter((l) => /not posted|refused|slow/.test(l)), [], "nothing refused reaches the person");
});

test("in-memory restart: silence and return are shown, numbering starts over, a line typed meanwhile is delivered once", async (t) => {
  const first = await startServer(t, SERVER);
  const watcher = await follow(t, first, "ALL", "watcher", ["--history", "0"]);
  const amy = await follow(t, first, "general", "amy", ["--history", "0"]);
  // Posted by post_client, whose exit proves the ack arrived: nothing of it can be retried into the new server.
  assertPosted((await runToExit(t, POST, ["127.0.0.1", first.postPort, "kyle", "before"])).out, 1);
  await watcher.line(/^#general kyle: before /);
  await amy.line(/^kyle: before /);
  first.kill("SIGKILL");
  await first.exit;
  amy.write("during\n");
  await watcher.line(new RegExp(`^no heartbeat from the server since ${TIME}; messages may be delayed$`), "err");
  await amy.line(/ is not answering; \d+ messages? (?:is|are) kept and will be sent when it is back$/, "err");
  const second = await startServer(t, SERVER, [], portsOf(first));
  await watcher.line(/^the server's heartbeat is back$/, "err");
  await watcher.line(/^the server's message numbering started over \(a new epoch\)$/, "err");
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
