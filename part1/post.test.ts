import { test } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import { run, runToExit, startServer } from "../shared/testing/processes.js";
import { assertPosted } from "../shared/testing/chat.js";

const CLIENT = "part1/post_client.js";
const SERVER = "part1/post_server.js";

test("a posted message is acknowledged and recorded by the server, one line each", async (t) => {
  const server = await startServer(t, SERVER);
  const first = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "kyle", "hello"]);
  assert.equal(first.code, 0);
  assertPosted(first.out, 1);
  const second = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "zoë", "ça va? 👋 مرحبا"]);
  assert.equal(second.code, 0);
  assertPosted(second.out, 2);
  const [l1, l2] = await server.lines(/^\[#\d+\]/, 2);
  assert.match(l1!, /^\[#1\] kyle: hello \(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})\)$/);
  assert.match(l2!, /^\[#2\] zoë: ça va\? 👋 مرحبا \(/);
});

test("the confirmation names the message's number and the time it was posted, in the poster's local time", async (t) => {
  const server = await startServer(t, SERVER);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "kyle", "hello"], "", { TZ: "America/Chicago" });
  assert.equal(r.code, 0, r.err.join("\n"));
  const [recorded] = await server.lines(/^\[#1\] kyle: hello \(/, 1);
  const posted = DateTime.fromISO(/\((.*)\)$/.exec(recorded!)![1]!).setZone("America/Chicago");
  /* Shown without the date when it is still the same day in Chicago as the client printed it. */
  const shown = posted.hasSame(DateTime.now().setZone("America/Chicago"), "day") ? posted.toFormat("HH:mm:ss") : posted.toFormat("yyyy-MM-dd HH:mm:ss");
  assert.deepEqual(r.out, [`message #1 posted at ${shown}`]);
});

test("unquoted words after the name are posted as one message; -h and --version answer like --help", async (t) => {
  const server = await startServer(t, SERVER);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "kyle", "hello", "big", "world"]);
  assert.equal(r.code, 0, r.err.join("\n"));
  const [line] = await server.lines(/^\[#1\]/, 1);
  assert.match(line!, /^\[#1\] kyle: hello big world \(/);
  const help = await runToExit(t, CLIENT, ["-h"]);
  assert.equal(help.code, 0);
  assert.equal(help.out[0], 'Usage: node part1/post_client.js <ip> <port> <username> "message"');
  const version = await runToExit(t, CLIENT, ["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.out[0]!, /^\d+\.\d+\.\d+ \(protocol mchat\/1\)$/);
});

test("a 4 KiB message with emoji and accents arrives intact", async (t) => {
  const server = await startServer(t, SERVER);
  const body = "é🎉".repeat(700); // 4,200 bytes of UTF-8
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "kyle", body]);
  assert.equal(r.code, 0);
  const [line] = await server.lines(/^\[#1\]/, 1);
  assert.ok(line!.includes(`kyle: ${body} (`));
});

test("bad arguments print the usage line and exit 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["127.0.0.1", "7777", "kyle"], /Not enough non-option arguments/],
    [["127.0.0.1", "port", "kyle", "hi"], /port 'port' is not a port number/],
    [["127.0.0.1", "0", "kyle", "hi"], /port '0' is not a port number \(1 to 65535\)/],
    [["127.0.0.1", "70000", "kyle", "hi"], /port '70000' is not a port number/],
    [["300.1.2.3", "7777", "kyle", "hi"], /'300\.1\.2\.3' is not an IP address/],
    [["127.0.0.1", "7777", "", "hi"], /invalid user: is empty/],
    [["127.0.0.1", "7777", "two words", "hi"], /invalid user: contains whitespace/],
    [["127.0.0.1", "7777", "kyle", ""], /invalid message: it is empty/],
  ];
  for (const [args, message] of cases) {
    const r = await runToExit(t, CLIENT, args);
    assert.equal(r.code, 2, `exit code for ${JSON.stringify(args)}`);
    assert.match(r.err.join("\n"), message);
    assert.match(r.err.join("\n"), /^Usage: node part1\/post_client\.js <ip> <port> <username> "message"$/m);
    assert.doesNotMatch(r.err.join("\n"), /\n\s+at /, "no stack trace");
  }
});

test("a client whose server is down says so and exits 1 instead of hanging", async (t) => {
  // Take a free port from a server, then stop it: nothing listens there any more.
  const server = await startServer(t, SERVER);
  server.kill("SIGINT");
  assert.equal(await server.exit, 0);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "kyle", "anyone?"]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [`no reply from the server at tcp://127.0.0.1:${server.postPort} after 4.0 s; is it running?`]);
});

test("a server whose port is taken says so in one sentence and exits 1", async (t) => {
  const server = await startServer(t, SERVER);
  const second = run(t, SERVER, ["127.0.0.1", server.postPort]);
  assert.equal(await second.exit, 1);
  assert.deepEqual(second.err, [`cannot listen on tcp://127.0.0.1:${server.postPort}: the port is already in use (is another server running?)`]);
});

test("SIGINT and SIGTERM stop the server with exit 0 even with a client connected", async (t) => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const server = await startServer(t, SERVER);
    // A connected client that is mid-request when the server stops.
    const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, "kyle", "hi"]);
    assert.equal(r.code, 0);
    server.kill(signal);
    assert.equal(await server.exit, 0);
    assert.equal(server.out.at(-1), "stopped after recording 1 messages");
  }
});

test("a server given bad arguments prints usage and exits 2", async (t) => {
  for (const args of [["127.0.0.1"], ["127.0.0.1", "x"], ["nowhere", "7777"], ["127.0.0.1", "7777", "extra"]]) {
    const r = await runToExit(t, SERVER, args);
    assert.equal(r.code, 2, JSON.stringify(args));
    assert.match(r.err.join("\n"), /^Usage: node part1\/post_server\.js <ip> <port> \[--curve server\.key\]$/m);
  }
});
