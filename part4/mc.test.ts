import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "../shared/testing/raw-client.js";
import { encodePost } from "../shared/protocol/index.js";
import { run, runToExit, startServer, TIME, type ServerProc } from "../shared/testing/processes.js";
import { assertPosted } from "../shared/testing/chat.js";
import type { TestContext } from "node:test";

const SERVER = "part4/mc_server.js";
const CLIENT = "part4/mc_client.js";

async function client(t: TestContext, server: ServerProc, channel: string, name: string) {
  const c = run(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, channel, name, "--history", "0"]);
  await c.line(/^connected to /, "err");
  return c;
}


test("a client sees only its own channel, by exact name: dev never gets devops, nor the reverse", async (t) => {
  const server = await startServer(t, SERVER);
  const dev = await client(t, server, "dev", "dana");
  const devops = await client(t, server, "devops", "otto");
  const de = await client(t, server, "de", "dieter");
  dev.write("in dev\n");
  devops.write("in devops\n");
  de.write("in de\n");
  // Each sees its own line; a later marker proves nothing else arrived before it.
  await dev.lines(/in dev/, 1);
  await devops.lines(/in devops/, 1);
  await de.lines(/in de/, 1);
  dev.write("dev done\n");
  devops.write("devops done\n");
  de.write("de done\n");
  assert.deepEqual((await dev.lines(/done/, 1)).length, 1);
  await devops.lines(/done/, 1);
  await de.lines(/done/, 1);
  const messages = (c: typeof dev) => c.out.filter((l) => / \(\d{2}:/.test(l)).map((l) => l.replace(/ \(.*\)$/, ""));
  assert.deepEqual(messages(dev), ["dana: in dev", "dana: dev done"]);
  assert.deepEqual(messages(devops), ["otto: in devops", "otto: devops done"]);
  assert.deepEqual(messages(de), ["dieter: in de", "dieter: de done"]);
});

test("ALL receives every channel's messages, each line showing its channel", async (t) => {
  const server = await startServer(t, SERVER);
  const all = await client(t, server, "ALL", "watcher");
  const dev = await client(t, server, "dev", "dana");
  const ops = await client(t, server, "ops", "otto");
  dev.write("first\n");
  await all.lines(/first/, 1);
  ops.write("second\n");
  await all.lines(/second/, 1);
  dev.write("/me waves\n");
  const got = await all.lines(/^#/, 3);
  assert.match(got[0]!, new RegExp(`^#dev dana: first \\(${TIME}\\)$`));
  assert.match(got[1]!, new RegExp(`^#ops otto: second \\(${TIME}\\)$`));
  assert.match(got[2]!, new RegExp(`^#dev \\* dana waves \\(${TIME}\\)$`));
});

test("ALL is read-only: the client says so and sends nothing", async (t) => {
  const server = await startServer(t, SERVER);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "ALL", "watcher"], "let me post\n");
  assert.equal(r.code, 0);
  assert.ok(r.err.includes("ALL is read-only: it shows every channel; /join a channel to post there"), r.err.join("\n"));
  const ack = await runToExit(t, "part1/post_client.js", ["127.0.0.1", server.postPort, "kyle", "probe"]);
  assertPosted(ack.out, 1, "nothing was recorded before the probe");
});

test("the server rejects a post addressed to ALL or to an invalid channel, and publishes nothing", async (t) => {
  const server = await startServer(t, SERVER);
  const all = await client(t, server, "ALL", "watcher");
  const post = (channel: string) => encodePost({ id: `t-${channel.length}-${Math.random().toString(36).slice(2)}`, channel, user: "mallory", time: "2026-01-31T22:00:00.000-06:00", kind: "say", body: "sneaky" });
  assert.deepEqual(await request(server.post, post("ALL")),
    ["err", "read-only", "ALL is read-only: it shows every channel but cannot be posted to"]);
  assert.deepEqual(await request(server.post, post("all")),
    ["err", "read-only", "ALL is read-only: it shows every channel but cannot be posted to"], "every spelling of ALL is refused the same way");
  assert.deepEqual(await request(server.post, post("two words")),
    ["err", "bad-field", "invalid channel: contains whitespace, control or invisible characters"]);
  assert.deepEqual(await request(server.post, post("x".repeat(33))),
    ["err", "bad-field", "invalid channel: is longer than 32 characters"]);
  // A valid post after them is the first thing ALL shows, numbered 1: nothing else was recorded or published.
  assert.deepEqual(await request(server.post, post("dev")), ["ok", "1", "1"]);
  const [first] = await all.lines(/^#/, 1);
  assert.match(first!, /^#dev mallory: sneaky \(/);
  assert.deepEqual(all.out.filter((l) => l.startsWith("#")), [first]);
});

test("invalid channel or user names are refused at start-up with a sentence and exit 2", async (t) => {
  const cases: [string, string, string][] = [
    ["dev ops", "kyle", "invalid channel: contains whitespace, control or invisible characters"],
    ["all", "kyle", "invalid channel: 'all' is reserved; use ALL to read every channel"],
    ["x".repeat(40), "kyle", "invalid channel: is longer than 32 characters"],
    ["dev", "", "invalid user: is empty"],
    ["dev", "tab\tname", "invalid user: contains whitespace, control or invisible characters"],
    ["dev", "ALL", "invalid user: 'ALL' is reserved for the view of every channel"],
    ["dev", "\ufeffkyle", "invalid user: contains whitespace, control or invisible characters"],
  ];
  for (const [channel, name, sentence] of cases) {
    const r = await runToExit(t, CLIENT, ["127.0.0.1", "5555", "5556", channel, name]);
    assert.equal(r.code, 2, `${channel} / ${name}`);
    assert.equal(r.err[0], sentence);
    assert.equal(r.err[1], "Usage: node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>");
  }
});

test("a channel name may be any script or emoji, and #dev means dev", async (t) => {
  const server = await startServer(t, SERVER);
  const a = await client(t, server, "#café☕", "zoë");
  a.write("bonjour\n");
  assert.match((await a.lines(/bonjour/, 1))[0]!, /^zoë: bonjour \(/);
  assert.match((await server.lines(/bonjour/, 1))[0]!, /^\[café☕ #1\] zoë: bonjour \(/);
});

test("piped input prints the client's own lines, as every posted message is printed, before it exits 0", async (t) => {
  const server = await startServer(t, SERVER);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "devops", "echoer", "--history", "0"], "one\ntwo\n");
  assert.equal(r.code, 0, r.err.join("\n"));
  assert.deepEqual(r.out.map((l) => l.replace(/ \(.*\)$/, "")), ["echoer: one", "echoer: two"]);
});

test("a piped line the client cannot post exits 1 with a count, quoting the line short and harmless", async (t) => {
  const server = await startServer(t, SERVER);
  const long = "a".repeat(17_000);
  const r = await runToExit(t, CLIENT, ["127.0.0.1", server.postPort, server.pubPort, "dev", "kyle", "--history", "0"], `${long}\nbell\x07here\nfine\n`);
  assert.equal(r.code, 1, r.err.join("\n"));
  assert.ok(r.err.includes(`not posted (invalid body: is longer than 16384 bytes): ${"a".repeat(60)}…`), r.err.join("\n").slice(0, 2000));
  assert.ok(r.err.includes("not posted (invalid body: contains control characters): bell?here"), r.err.join("\n").slice(0, 2000));
  assert.equal(r.err.at(-1), "2 messages were not posted: refused (the reasons are above)");
  assert.deepEqual(r.out.map((l) => l.replace(/ \(.*\)$/, "")), ["kyle: fine"]);
});
