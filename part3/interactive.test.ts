import { test } from "node:test";
import assert from "node:assert/strict";
import { deadServer, run, runToExit, startServer, TIME } from "../shared/testing/processes.js";

const SERVER = "part3/interactive_server.js";
const CLIENT = "part3/interactive_client.js";

const line = (user: string, body: string) => new RegExp(`^${user}: ${body} \\(${TIME}\\)$`);

test("two clients chat: each line typed is posted, and both see every message, their own included", async (t) => {
  const server = await startServer(t, SERVER);
  const args = (name: string) => ["127.0.0.1", server.postPort, server.pubPort, name, "--history", "0"];
  const amy = run(t, CLIENT, args("amy"));
  const bob = run(t, CLIENT, args("bob"));
  await amy.line(/^connected to tcp:\/\/127\.0\.0\.1:\d+ as amy in #general$/, "err");
  await bob.line(/^connected to .* as bob in #general$/, "err");
  amy.write("hi bob\n");
  await bob.line(/^amy: hi bob/);
  bob.write("hi amy\n");
  for (const c of [amy, bob]) {
    const [first, second] = await c.lines(/^(amy|bob): /, 2);
    assert.match(first!, line("amy", "hi bob"));
    assert.match(second!, line("bob", "hi amy"));
  }
  amy.end();
  bob.end();
  assert.equal(await amy.exit, 0);
  assert.equal(await bob.exit, 0);
});

test("piped input: every line is posted in order and acknowledged, then exit 0", async (t) => {
  const server = await startServer(t, SERVER);
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "pipe", "--history", "0"], lines.join("\n") + "\n");
  assert.equal(r.code, 0);
  const recorded = await server.lines(/^\[#\d+\] pipe: /, 30);
  assert.deepEqual(recorded.map((l) => l.replace(/ \(.*\)$/, "")), lines.map((l, i) => `[#${i + 1}] pipe: ${l}`));
});

test("piped input to a server that never answers: exit 1 with a count of undelivered lines", async (t) => {
  const server = await deadServer(t, SERVER);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "pipe", "--give-up", "1"], "one\ntwo\nthree\n");
  assert.equal(r.code, 1);
  assert.match(r.err.join("\n"), /^the server at tcp:\/\/127\.0\.0\.1:\d+ is not answering; \d+ messages? (?:is|are) kept and will be sent when it is back$/m);
  // The wait at the end of input is said (on stderr), not silent.
  assert.ok(r.err.includes("waiting up to 1 s for the server to take 3 messages; Ctrl-C to give up"), r.err.join("\n"));
  assert.equal(r.err.at(-1), `3 messages were not delivered: no reply from the server at tcp://127.0.0.1:${server.postPort} for 1 s`);
});

test("many clients posting at once: nothing lost, each sender's messages in order, for every subscriber", async (t) => {
  const server = await startServer(t, SERVER);
  const watchers = ["w1", "w2"].map((name) => run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, name, "--history", "0"]));
  for (const w of watchers) await w.line(/^connected to /, "err");
  const senders = ["s1", "s2", "s3", "s4"];
  const per = 50;
  const results = await Promise.all(senders.map((s) =>
    runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, s, "--history", "0"],
      Array.from({ length: per }, (_, i) => `${s} says ${i}`).join("\n") + "\n")));
  for (const r of results) assert.equal(r.code, 0);
  for (const w of watchers) {
    const got = await w.lines(/^s\d: /, senders.length * per);
    assert.equal(got.length, senders.length * per);
    for (const s of senders) {
      const mine = got.filter((l) => l.startsWith(`${s}: `)).map((l) => Number(/says (\d+)/.exec(l)![1]));
      assert.deepEqual(mine, Array.from({ length: per }, (_, i) => i), `order of ${s} as seen by a watcher`);
    }
  }
});

test("bad arguments print usage and exit 2", async (t) => {
  for (const args of [["127.0.0.1", "1", "2"], ["127.0.0.1", "1", "x", "amy"], ["127.0.0.1", "1", "2", "a b"], ["127.0.0.1", "1", "2", "amy", "--history", "-3"]]) {
    const r = await runToExit(t, CLIENT, args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.err.join("\n"), /^Usage: node part3\/interactive_client\.js <ip> <post_port> <pub_port> <name>$/m);
  }
});
