/**
 * Alert delivery from the committed tail, into a sink that records what it
 * is given (the conversations' Inboxes stand here): first on a memory log
 * alone, then in a whole server on loopback, where watches are made over
 * the wire and an account's unregistration ends them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer } from "zeromq";
import { encodeControl, encodePost, type Alert, type InboxItem } from "../../protocol/index.js";
import { PARTS } from "../../parts.js";
import { accountKey } from "../accounts/names.js";
import type { LogEntry } from "../log/event-log.js";
import { MemoryLog } from "../log/memory.js";
import { startChatServer } from "../chat-server.js";
import { Alerts } from "./alerts.js";
import { alertDelivery, type AlertSink } from "./delivery.js";

const TIME = "2026-01-31T22:00:00.000-06:00";

/** A sink that keeps every delivery as [account, item]; full for the keys in `full`. */
function recorder(full: string[] = []) {
  const got: [string, Omit<InboxItem, "m">][] = [];
  const sink: AlertSink = { deliver: (key, item) => (got.push([key, item]), !full.includes(key)) };
  return { got, sink };
}

let n = 0;
const message = (user: string, body: string, channel = "dev"): LogEntry =>
  ({ type: "message", id: `m${++n}`, channel, received: Date.now(), user, time: TIME, kind: "say", body: Buffer.from(body), account: true });

test("each committed message alerts its watchers once, with the message's numbers; edits and deletions alert nobody", async () => {
  const log = new MemoryLog();
  const alerts = new Alerts();
  const { got, sink } = recorder(["amy"]);
  log.onCommitted(alertDelivery(alerts, sink));
  alerts.watch("zoë", { keyword: "Deploy" });
  alerts.watch("amy", { keyword: "deploy", channel: "dev" });
  alerts.follow("otto", "kyle");

  await log.appendBatch([message("otto", "nothing to see"), message("Kyle", "deploy at 10 ✅"), message("kyle", "deploy", "ops")]);
  await log.appendBatch([
    { type: "edit", kind: "edit", id: "e1", channel: "dev", received: Date.now(), user: "Kyle", time: TIME, target: 2, body: Buffer.from("deploy at 11"), account: true },
    { type: "delete", kind: "delete", id: "d1", channel: "dev", received: Date.now(), user: "Kyle", time: TIME, target: 2, body: Buffer.alloc(0), account: true },
  ]);
  const alert = (over: Partial<Alert>): Alert => ({ type: "alert", channel: "dev", seq: 2, gseq: 2, from: "Kyle", kind: "say", time: TIME, body: "deploy at 10 ✅", ...over });
  assert.deepEqual(got, [
    ["otto", alert({ author: "Kyle" })],
    ["zoë", alert({ keyword: "Deploy" })],
    ["amy", alert({ keyword: "deploy" })], // delivered to a full inbox: dropped there, the others unaffected
    ["otto", alert({ author: "kyle", from: "kyle", channel: "ops", seq: 1, gseq: 3, body: "deploy" })],
    ["zoë", alert({ keyword: "Deploy", from: "kyle", channel: "ops", seq: 1, gseq: 3, body: "deploy" })],
  ]);
});

test("with nothing watched (any more) the listener returns before reading a message", () => {
  const alerts = new Alerts();
  const { got, sink } = recorder();
  const unread = { ...message("kyle", "deploy"), get body(): Buffer { throw new Error("the body was read"); } } as LogEntry;
  alerts.watch("zoe", { keyword: "deploy" });
  alerts.unwatch("zoe", "deploy");
  assert.equal(alerts.empty, true);
  const listener = alertDelivery(alerts, sink);
  listener({ entries: [unread], numbers: [{ seq: 2, gseq: 2 }] });
  assert.deepEqual(got, []);
});

test("Alerts indexes a store it is given: watches made before a restart alert after it", () => {
  const first = new Alerts();
  first.watch("zoe", { keyword: "node.js", channel: "dev" });
  first.follow("amy", "kyle");
  const second = new Alerts(first.store);
  assert.deepEqual(second.match({ channel: "dev", user: "Kyle", body: "Node.js!" }), [{ key: "amy", author: "Kyle" }, { key: "zoe", keyword: "node.js" }]);
});

test("in a server: watches made over the wire alert on posts through the pipeline; unregistering ends an account's watches and follows of it", async (t) => {
  const { got, sink } = recorder();
  const server = await startChatServer({
    post: "tcp://127.0.0.1:0", features: PARTS[4], pub: "tcp://127.0.0.1:0", alertSink: sink, print: () => {},
    hashing: { params: { N: 1024, r: 8, p: 1, keylen: 32 } },
  });
  t.after(() => server.close());
  const d = new Dealer({ linger: 0, receiveTimeout: 10_000 });
  d.connect(server.postEndpoint);
  t.after(() => d.close());
  const ask = async (frames: string[]) => {
    await d.send(["", ...frames]);
    const [, ...reply] = await d.receive();
    return reply.map(String);
  };
  const json = async (op: "register" | "login" | "alerts" | "unregister", body: object) => {
    const reply = await ask(encodeControl({ op, ...body } as never));
    assert.equal(reply[0], "ok", reply.join(" | "));
    return JSON.parse(reply[1]!) as Record<string, unknown>;
  };
  const token: Record<string, string> = {};
  for (const user of ["kyle", "zoe"]) {
    await json("register", { user, password: "correct horse battery" });
    token[user] = (await json("login", { user, password: "correct horse battery" })).token as string;
  }
  assert.deepEqual(await json("alerts", { token: token.zoe, action: "watch", keyword: "deploy" }), { watches: [{ keyword: "deploy" }], follows: [] });
  await json("alerts", { token: token.zoe, action: "follow", user: "kyle" });
  await json("alerts", { token: token.kyle, action: "follow", user: "zoe" });
  await json("alerts", { token: token.kyle, action: "watch", keyword: "lunch" });

  const post = (id: string, user: string, body: string) => ask(encodePost({ id, channel: "dev", user, time: TIME, kind: "say", body }, token[user]));
  assert.equal((await post("p1", "kyle", "deploy done"))[0], "ok");
  assert.equal((await post("p2", "zoe", "lunch? deploy first"))[0], "ok");
  assert.deepEqual(got.map(([key, item]) => `${key}:${(item as Alert).author ?? (item as Alert).keyword}:${(item as Alert).body}`), [
    "zoe:kyle:deploy done", "kyle:zoe:lunch? deploy first",
  ]);

  await json("unregister", { token: token.kyle, password: "correct horse battery" });
  assert.deepEqual(server.alerts.list(accountKey("kyle")), { watches: [], follows: [] });
  assert.deepEqual(server.alerts.list("zoe"), { watches: [{ keyword: "deploy" }], follows: [] }, "zoe's follow of kyle ended with kyle's account");
  assert.equal((await post("p3", "zoe", "lunch")).join(" "), "ok 3 3");
  assert.equal(got.length, 2, "kyle's watch of lunch is gone");
});
