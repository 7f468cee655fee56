/**
 * Presence with real processes: who is listed, since when, and what joins
 * and leaves the others are told about, when clients come and go by pipe
 * and when the server restarts under them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Subscriber } from "zeromq";
import { request } from "../shared/testing/raw-client.js";
import { runToExit, startServer, type ServerProc } from "../shared/testing/processes.js";
import { clientArgs, CLIENT, follow, portsOf, SERVER, tempStore } from "../shared/testing/chat.js";


const ask = async (s: ServerProc, op: string, body: object) => {
  const [status, json] = await request(s.post, [op, JSON.stringify(body)]);
  assert.equal(status, "ok", json);
  return JSON.parse(json!) as { users?: { user: string; since: string }[] };
};

test("piped clients leave no ghosts: each joins before its message and leaves /who as it exits", async (t) => {
  const server = await startServer(t, SERVER);
  const viewer = await follow(t, server, "ALL", "viewer", ["--history", "0"]);
  // What the server publishes, in its order (stdout and stderr of a viewer are separate pipes).
  const sub = new Subscriber({ linger: 0 });
  t.after(() => sub.close());
  sub.subscribe("");
  sub.connect(server.pub!);
  const published: string[] = [];
  let subscribed = () => {};
  const live = new Promise<void>((resolve) => (subscribed = resolve));
  const heard = (async () => {
    for await (const [topic, meta] of sub) {
      const text = topic!.toString();
      if (text === "\0hb") subscribed(); // the subscription is active from here on
      else if (text === "\0presence") {
        const p = JSON.parse(meta!.toString()) as { event: string; user: string };
        published.push(`${p.user} ${p.event}`);
      } else if (!text.startsWith("\0")) published.push(`${meta!.toString().split(" ")[5]} message`);
      if (published.includes("ghost3 leave")) return;
    }
  })();
  await live;

  for (const name of ["ghost1", "ghost2", "ghost3"]) {
    const r = await runToExit(t, CLIENT, clientArgs(server, "dev", name), "x\n");
    assert.equal(r.code, 0, r.err.join("\n"));
  }
  const who = await runToExit(t, CLIENT, clientArgs(server, "dev", "checker", ["--history", "0"]), "/who\n");
  assert.deepEqual(who.out.filter((l) => l.startsWith("  ")).map((l) => l.trim().split(/\s+/)[0]), ["checker"], who.out.join("\n"));
  await viewer.line(/^ghost3 left #dev$/, "err");
  await heard;
  for (const name of ["ghost1", "ghost2", "ghost3"]) {
    assert.deepEqual(published.filter((l) => l.startsWith(`${name} `)), [`${name} join`, `${name} message`, `${name} leave`]);
    assert.deepEqual(viewer.err.filter((l) => l.startsWith(`${name} `)), [`${name} joined #dev`, `${name} left #dev`]);
  }
});

test("a hello that reaches the server after its session's bye changes nothing: the session stays gone", async (t) => {
  const server = await startServer(t, SERVER);
  const hello = { session: "late1", user: "ghost", channels: ["dev"] };
  await ask(server, "hello", hello);
  assert.deepEqual((await ask(server, "who", { channel: "dev" })).users!.map((u) => u.user), ["ghost"]);
  await ask(server, "bye", { session: "late1" });
  await ask(server, "hello", hello); // sent before the bye, arriving after it
  assert.deepEqual((await ask(server, "who", { channel: "dev" })).users, []);
});

test("/who's since is when the user joined that channel, not when the session began", async (t) => {
  const server = await startServer(t, SERVER);
  await ask(server, "hello", { session: "s1", user: "amy", channels: ["general"] });
  const [began] = (await ask(server, "who", { channel: "general" })).users!;
  // The clock moves on before the join (no sleep: a wait for the next millisecond).
  while (Date.now() <= Date.parse(began!.since)) await new Promise((r) => setImmediate(r));
  await ask(server, "hello", { session: "s1", user: "amy", channels: ["general", "dev"] });
  const [joined] = (await ask(server, "who", { channel: "dev" })).users!;
  assert.ok(Date.parse(joined!.since) > Date.parse(began!.since), `joined #dev at ${joined!.since}, the session began at ${began!.since}`);
  assert.equal((await ask(server, "who", { channel: "general" })).users![0]!.since, began!.since, "#general keeps its own time");
});

test("on connecting, a client says who is in the channel already (stderr when piped)", async (t) => {
  const server = await startServer(t, SERVER);
  await follow(t, server, "dev", "amy", ["--history", "0"]);
  await follow(t, server, "dev", "bob", ["--history", "0"]);
  const r = await runToExit(t, CLIENT, clientArgs(server, "dev", "kyle", ["--history", "0"]), "");
  assert.equal(r.code, 0);
  assert.ok(r.err.includes("in #dev: amy, bob"), r.err.join("\n"));
  assert.deepEqual(r.out, []);
  const alone = await runToExit(t, CLIENT, clientArgs(server, "ops", "otto", ["--history", "0"]), "");
  assert.ok(alone.err.includes("nobody else is in #ops"), alone.err.join("\n"));
});

test("after a server restart (in memory, then with --store): the notice says the numbering started over, and nobody is announced joining again", async (t) => {
  const first = await startServer(t, SERVER);
  const viewer = await follow(t, first, "ALL", "viewer", ["--history", "0"]);
  const bob = await follow(t, first, "dev", "bob", ["--history", "0"]);
  await viewer.line(/^bob joined #dev$/, "err");
  await bob.line(/^nobody else is in #dev$/, "err"); // said after the server answered bob's hello
  first.kill("SIGKILL");
  await first.exit;
  const second = await startServer(t, SERVER, ["--store", tempStore(t)], portsOf(first));
  await viewer.line(/^the server's message numbering started over \(a new epoch\)$/, "err");
  // bob's next hello (here: /join's) is his first to the new server; only the channel he joins is news.
  bob.write("/join ops\n");
  await viewer.line(/^bob joined #ops$/, "err");
  assert.deepEqual(viewer.err.filter((l) => l.startsWith("bob ")), ["bob joined #dev", "bob joined #ops"]);
  assert.ok(!viewer.err.some((l) => l.includes("without a store")), viewer.err.join("\n"));
  const who = await runToExit(t, CLIENT, clientArgs(second, "dev", "checker", ["--history", "0"]), "/who\n");
  assert.ok(who.out.some((l) => /^  bob +since /.test(l)), who.out.join("\n"));
});
