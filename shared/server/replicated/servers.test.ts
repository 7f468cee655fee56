/**
 * Two chat servers (in this process) sharing accounts, conversations and
 * watches through one 3-node NATS cluster, each with its own connection
 * as separate processes have: what a user sees through either server is
 * the same, whichever server made the change.
 */
import { after, before, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dealer } from "zeromq";
import { connectCluster, type Cluster } from "../../cluster/connection.js";
import { startNatsCluster, type NatsCluster } from "../../cluster/nats-nodes.js";
import { PARTS } from "../../parts.js";
import type { ServerProc } from "../../testing/processes.js";
import { inbox, msg, PASSWORD, poll, shown } from "../../testing/private-client.js";
import { answer, control, dealer } from "../../testing/raw-client.js";
import { startChatServer, type ChatServer } from "../chat-server.js";
import { openReplicatedState } from "./index.js";

let nodes: NatsCluster;
const dir = mkdtempSync(join(tmpdir(), "chat-servers-"));
before(async () => {
  nodes = await startNatsCluster(dir, 3);
});
after(async () => {
  await Promise.all(nodes?.nodes.map((n) => n.kill("SIGKILL")) ?? []);
  rmSync(dir, { recursive: true, force: true });
});

let streams = 0;

/** Servers A and B on one state stream of the test's own, each with its own NATS connection; all closed after the test. */
async function pair(t: TestContext): Promise<[ChatServer, ChatServer]> {
  const stream = `STATE_SERVERS_${++streams}`;
  const one = async () => {
    const cluster: Cluster = await connectCluster(nodes.urls.split(","));
    const state = await openReplicatedState(cluster, { stream, subject: `test.servers.${stream}` });
    const server = await startChatServer({
      post: "tcp://127.0.0.1:0", pub: "tcp://127.0.0.1:0", features: PARTS[4], print: () => {},
      accountStore: state.accountStore, conversationStore: state.conversationStore, watchStore: state.watchStore, sync: state.sync,
      hashing: { params: { N: 1024, r: 8, p: 1, keylen: 32 } }, loginAttempts: 3, lockoutMs: 60_000,
    });
    t.after(async () => {
      await server.close();
      await state.close();
      await cluster.close();
    });
    return server;
  };
  return [await one(), await one()];
}

const on = (t: TestContext, s: ChatServer): Dealer => dealer(t, { post: s.postEndpoint } as ServerProc);
const login = async (d: Dealer, user: string, password = PASSWORD) => answer(await control(d, "login", { user, password })).token as string;

test("registered through A, logged in through B; a login from A is accepted by B; a name taken through B is taken through A", async (t) => {
  const [a, b] = await pair(t);
  const [da, db] = [on(t, a), on(t, b)];
  answer(await control(da, "register", { user: "Kyle", password: PASSWORD }));
  const token = await login(db, "kyle");
  assert.deepEqual({ ...answer(await control(da, "whoami", { token })), expires: "" }, { user: "Kyle", expires: "" }, "B's login, on A");
  const fromA = await login(da, "Kyle");
  assert.equal(answer(await control(db, "whoami", { token: fromA })).user, "Kyle", "A's login, on B");
  assert.deepEqual(await control(db, "register", { user: "KYLE", password: PASSWORD }), ["err", "name-taken", "KYLE is already registered: log in, or pick another name"]);
  /* At the same moment through both: the stream's order decides, the same on both. */
  const both = await Promise.all([control(da, "register", { user: "zoe", password: PASSWORD }), control(db, "register", { user: "Zoe", password: PASSWORD })]);
  assert.deepEqual(both.map((r) => r[0]).sort(), ["err", "ok"], both.join(" / "));
});

test("three wrong passwords spread over A and B lock the name on both", async (t) => {
  const [a, b] = await pair(t);
  const [da, db] = [on(t, a), on(t, b)];
  answer(await control(da, "register", { user: "kyle", password: PASSWORD }));
  const wrong = ["err", "auth-failed", "wrong name or password"];
  assert.deepEqual(await control(da, "login", { user: "kyle", password: "guess 1" }), wrong);
  assert.deepEqual(await control(db, "login", { user: "kyle", password: "guess 2" }), wrong);
  assert.deepEqual(await control(da, "login", { user: "kyle", password: "guess 3" }), wrong);
  for (const d of [db, da]) {
    const [ok, code, sentence] = await control(d, "login", { user: "kyle", password: PASSWORD });
    assert.deepEqual([ok, code], ["err", "locked"]);
    assert.match(sentence!, /^kyle is locked after 3 failed logins: try again in \d+ s$/);
  }
});

test("a private message sent through A reaches a poll held on B; a group made on A is posted to through B; inboxes number alike on both", async (t) => {
  const [a, b] = await pair(t);
  const [da, db, boxA, boxB] = [on(t, a), on(t, b), on(t, a), on(t, b)];
  for (const u of ["kyle", "zoe", "amy"]) answer(await control(da, "register", { user: u, password: PASSWORD }));
  const kyle = await login(da, "kyle");
  const zoe = await login(db, "zoe");
  const amy = await login(db, "amy");
  const held = await poll(boxB, zoe, 0, 20_000);
  answer(await msg(da, kyle, "zoe", "hello from A"));
  assert.deepEqual(shown(await held.answer()), ["1 kyle->zoe #1: hello from A"], "woken on B");
  answer(await control(da, "group", { action: "create", name: "ops", users: ["zoe", "amy"], token: kyle }));
  const sent = answer(await msg(db, zoe, "ops", "hi ops, from B"));
  assert.deepEqual({ ...sent, time: "" }, { to: "ops", group: true, seq: 1, time: "" });
  const expected = ["1 kyle->zoe #1: hello from A", "2 ops created kyle by kyle", "3 zoe->GROUP<ops> #1: hi ops, from B"];
  /* B answered once B applied it; A applies it from the stream a moment later: waited for as a client's held poll waits. */
  assert.deepEqual(shown(await (await poll(boxA, zoe, 2, 20_000)).answer()), expected.slice(2), "woken on A");
  assert.deepEqual(shown(await inbox(da, zoe, 0)), expected, "zoe's inbox read through A");
  assert.deepEqual(shown(await inbox(db, zoe, 0)), expected, "the same through B");
  assert.deepEqual(shown(await inbox(da, amy, 0)), ["1 ops created kyle by kyle", "2 zoe->GROUP<ops> #1: hi ops, from B"]);
});

test("a logout through A answers a poll held on B at once, with auth-failed", async (t) => {
  const [a, b] = await pair(t);
  const [da, boxB] = [on(t, a), on(t, b)];
  answer(await control(da, "register", { user: "kyle", password: PASSWORD }));
  const token = await login(da, "kyle");
  const held = await poll(boxB, token, 0, 20_000);
  answer(await control(da, "logout", { token }));
  assert.deepEqual(await held.reply, ["err", "auth-failed", "your login is unknown, expired or revoked: log in again"]);
});

test("a watch set through A: a post committed on both servers' tails alerts the watcher once", async (t) => {
  const [a, b] = await pair(t);
  const [da, db] = [on(t, a), on(t, b)];
  for (const u of ["kyle", "zoe"]) answer(await control(da, "register", { user: u, password: PASSWORD }));
  const zoe = await login(da, "zoe");
  answer(await control(da, "alerts", { action: "watch", keyword: "deploy", token: zoe }));
  /* A change answered through B is applied on B after the watch: B's matcher has it too, so both servers deliver. */
  assert.deepEqual(answer(await control(db, "alerts", { action: "watch", keyword: "other", token: zoe })).watches, [{ keyword: "deploy" }, { keyword: "other" }]);
  /* As a shared log does: the same entry, with the same numbers, committed on A's tail and on B's. */
  const entry = { type: "message" as const, id: "p1", channel: "dev", user: "kyle", time: "2026-02-01T10:00:00.000Z", kind: "say" as const, body: Buffer.from("deploy at noon"), received: Date.now() };
  await Promise.all([b.log.appendBatch([entry]), a.log.appendBatch([entry])]);
  const held = await poll(db, zoe, 0, 20_000);
  assert.deepEqual(shown(await held.answer()), ["1 alert deploy at noon"]);
  /* Both servers' copies are applied (or dropped) by now: one more change through each, then the inbox again. */
  answer(await control(da, "alerts", { action: "list", token: zoe }));
  answer(await control(db, "alerts", { action: "watch", keyword: "more", token: zoe }));
  answer(await control(da, "alerts", { action: "watch", keyword: "later", token: zoe }));
  assert.deepEqual(shown(await inbox(da, zoe, 0)), ["1 alert deploy at noon"], "once");
});
