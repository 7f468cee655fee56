/**
 * mc_server --cluster (issue 15): two mc_server processes on one 3-node
 * NATS cluster share accounts, lockouts, logins, private and group
 * conversations with their inboxes, and alert watches. What a user sees
 * through either server is the same, whichever server made the change.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { encodePost } from "../shared/protocol/index.js";
import { natsCluster } from "../shared/testing/nats-cluster.js";
import { startServer, type ServerProc } from "../shared/testing/processes.js";
import { inbox, msg, PASSWORD, poll, shown } from "../shared/testing/private-client.js";
import { answer, ask, control, dealer } from "../shared/testing/raw-client.js";
import { SERVER } from "../shared/testing/chat.js";

/** Servers A and B on one fresh NATS cluster, locking a name after 3 wrong passwords for 60 s. */
async function pair(t: TestContext): Promise<[ServerProc, ServerProc]> {
  const nats = await natsCluster(t);
  const args = ["--cluster", nats.urls, "--lockout", "60", "--rate", "0"];
  const a = await startServer(t, SERVER, args);
  return [a, await startServer(t, SERVER, args)];
}

const login = async (d: Parameters<typeof control>[0], user: string, password = PASSWORD) =>
  answer(await control(d, "login", { user, password })).token as string;

test("mc_server --cluster: registered through A, logged in through B, a login from A accepted by B, three wrong passwords over A and B lock the name on both", async (t) => {
  const [a, b] = await pair(t);
  const [da, db] = [dealer(t, a), dealer(t, b)];
  answer(await control(da, "register", { user: "Kyle", password: PASSWORD }));
  const fromB = await login(db, "kyle");
  assert.equal(answer(await control(da, "whoami", { token: fromB })).user, "Kyle", "B's login, on A");
  const fromA = await login(da, "Kyle");
  assert.equal(answer(await control(db, "whoami", { token: fromA })).user, "Kyle", "A's login, on B: a client moving between servers stays logged in");
  assert.deepEqual(await control(db, "register", { user: "KYLE", password: PASSWORD }), ["err", "name-taken", "KYLE is already registered: log in, or pick another name"]);
  const wrong = ["err", "auth-failed", "wrong name or password"];
  assert.deepEqual(await control(da, "login", { user: "kyle", password: "guess 1" }), wrong);
  assert.deepEqual(await control(db, "login", { user: "kyle", password: "guess 2" }), wrong);
  assert.deepEqual(await control(da, "login", { user: "kyle", password: "guess 3" }), wrong);
  for (const d of [db, da]) {
    const [err, code, sentence] = await control(d, "login", { user: "kyle", password: PASSWORD });
    assert.deepEqual([err, code], ["err", "locked"]);
    assert.match(sentence!, /^kyle is locked after 3 failed logins: try again in \d+ s$/);
  }
});

test("mc_server --cluster: /msg through A wakes a poll held on B; a group made through A is posted to through B; an alert watched through A, posted through B, arrives once", async (t) => {
  const [a, b] = await pair(t);
  const [da, db, boxB] = [dealer(t, a), dealer(t, b), dealer(t, b)];
  for (const u of ["kyle", "zoe", "amy"]) answer(await control(da, "register", { user: u, password: PASSWORD }));
  const kyle = await login(da, "kyle");
  const zoe = await login(db, "zoe");
  const held = await poll(boxB, zoe, 0, 20_000);
  answer(await msg(da, kyle, "zoe", "hello from A"));
  assert.deepEqual(shown(await held.answer()), ["1 kyle->zoe #1: hello from A"], "woken on B");

  answer(await control(da, "group", { action: "create", name: "ops", users: ["zoe", "amy"], token: kyle }));
  assert.deepEqual({ ...answer(await msg(db, zoe, "ops", "hi ops, from B")), time: "" }, { to: "ops", group: true, seq: 1, time: "" });
  const zoeSees = ["1 kyle->zoe #1: hello from A", "2 ops created kyle by kyle", "3 zoe->GROUP<ops> #1: hi ops, from B"];
  assert.deepEqual(shown(await inbox(da, zoe, 0)), zoeSees, "zoe's inbox through A");
  assert.deepEqual(shown(await inbox(db, zoe, 0)), zoeSees, "the same through B");

  answer(await control(da, "alerts", { action: "watch", keyword: "deploy", token: zoe }));
  const alerted = await poll(boxB, zoe, 3, 20_000);
  const post = encodePost({ id: "p1", channel: "dev", user: "kyle", time: "2026-02-01T10:00:00.000Z", kind: "say", body: "deploy at noon" }, kyle);
  assert.equal((await ask(db, post))[0], "ok");
  assert.deepEqual(shown(await alerted.answer()), ["4 alert deploy at noon"]);
  /*
   * Every server delivers the alerts of what its log commits. Once each has
   * the post in its log (history through it shows it), a change answered
   * through it comes after its alert in the state stream: the inbox then
   * holds every copy there will be.
   */
  for (const [d, keyword] of [[da, "later"], [db, "after"]] as const) {
    assert.equal((answer(await control(d, "history", { channel: "dev", limit: 10 })).messages as unknown[]).length, 1);
    answer(await control(d, "alerts", { action: "watch", keyword, token: zoe }));
  }
  assert.deepEqual(shown(await inbox(da, zoe, 3)), ["4 alert deploy at noon"], "once");
});
