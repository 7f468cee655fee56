import { test } from "node:test";
import assert from "node:assert/strict";
import { deadServer, run, runToExit, startServer, TIME } from "../shared/testing/processes.js";

const SERVER = "part2/pub_server.js";
const SUBSCRIBER = "part2/pub_client.js";
const POSTER = "part1/post_client.js";

test("part 1's post_client posts to pub_server, and pub_client prints `username: message (time)`", async (t) => {
  const server = await startServer(t, SERVER);
  const sub = run(t, SUBSCRIBER, ["127.0.0.1", server.pubPort]);
  await sub.line(/^listening to tcp:\/\/127\.0\.0\.1:\d+ \(Ctrl-C to stop\)$/, "err");
  for (const [user, body] of [["kyle", "hello"], ["ana", "¿qué tal? 😀"], ["kyle", "bye now"]]) {
    const r = await runToExit(t, POSTER, ["127.0.0.1", server.postPort, user!, body!]);
    assert.equal(r.code, 0);
  }
  const lines = await sub.lines(/: /, 3);
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, new RegExp(`^kyle: hello \\(${TIME}\\)$`));
  assert.match(lines[1]!, new RegExp(`^ana: ¿qué tal\\? 😀 \\(${TIME}\\)$`));
  assert.match(lines[2]!, new RegExp(`^kyle: bye now \\(${TIME}\\)$`));
  // The server still records, one line per message.
  await server.lines(/^\[#\d+\] /, 3);
});

test("every subscriber gets every message", async (t) => {
  const server = await startServer(t, SERVER);
  const subs = [0, 1, 2].map(() => run(t, SUBSCRIBER, ["127.0.0.1", server.pubPort]));
  for (const s of subs) await s.line(/^listening to /, "err");
  await runToExit(t, POSTER, ["127.0.0.1", server.postPort, "kyle", "to everyone"]);
  for (const s of subs) assert.match((await s.lines(/^kyle: /, 1))[0]!, /^kyle: to everyone \(/);
});

test("pub_client stops on Ctrl-C with exit 0, and so does the server", async (t) => {
  const server = await startServer(t, SERVER);
  const sub = run(t, SUBSCRIBER, ["127.0.0.1", server.pubPort]);
  await sub.line(/^listening to /, "err");
  sub.kill("SIGINT");
  assert.equal(await sub.exit, 0);
  server.kill("SIGINT");
  assert.equal(await server.exit, 0);
});

test("pub_client with no server says it is waiting rather than hanging silently", async (t) => {
  const server = await deadServer(t, SERVER);
  const sub = run(t, SUBSCRIBER, ["127.0.0.1", server.pubPort]);
  await sub.line(/^waiting for the server at tcp:\/\/127\.0\.0\.1:\d+ \.\.\.$/, "err");
  // Ctrl-C before any server answered: it stops without claiming it was listening.
  sub.kill("SIGINT");
  assert.equal(await sub.exit, 0);
  assert.ok(!sub.err.some((l) => l.startsWith("listening to")), sub.err.join("\n"));
});

test("bad arguments print usage and exit 2", async (t) => {
  for (const [script, args, usage] of [
    [SUBSCRIBER, ["127.0.0.1"], /^Usage: node part2\/pub_client\.js <ip> <pub_port>$/m],
    [SUBSCRIBER, ["127.0.0.1", "abc"], /pub_port 'abc' is not a port number/],
    [SERVER, ["127.0.0.1", "5555"], /^Usage: node part2\/pub_server\.js <ip> <post_port> <pub_port> \[--curve server\.key\]$/m],
    [SERVER, ["127.0.0.1", "5555", "99999"], /pub_port '99999' is not a port number/],
  ] as const) {
    const r = await runToExit(t, script, [...args]);
    assert.equal(r.code, 2, `${script} ${args.join(" ")}`);
    assert.match(r.err.join("\n"), usage);
  }
});

test("pub_server reports a pub port that is in use", async (t) => {
  const first = await startServer(t, SERVER);
  const second = run(t, SERVER, ["127.0.0.1", "0", first.pubPort]);
  assert.equal(await second.exit, 1);
  assert.deepEqual(second.err, [`cannot listen on tcp://127.0.0.1:${first.pubPort}: the port is already in use (is another server running?)`]);
});
