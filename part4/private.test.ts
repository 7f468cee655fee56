/**
 * Private and group conversations (issue 12, server side) against a real
 * mc_server process, over raw DEALER sockets: accounts registered and
 * logged in through the protocol, messages, held inbox polls answered when
 * something arrives, groups and their membership changes, offline delivery
 * (across a reconnect and, with --store, a restart), and the refusals.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../shared/testing/processes.js";
import { tempStore } from "../shared/testing/chat.js";
import { answer, control } from "../shared/testing/raw-client.js";
import { account, inbox, msg, PASSWORD, poll, shown, sockets } from "../shared/testing/private-client.js";

const SERVER = "part4/mc_server.js";

test("two accounts exchange private messages: a held poll is answered when one arrives, numbered in the conversation, the sender gets its copy", async (t) => {
  const server = await startServer(t, SERVER);
  const kyle = sockets(t, server);
  const zoe = sockets(t, server);
  const kt = await account(kyle.req, "kyle");
  const zt = await account(zoe.req, "Zoe");

  assert.deepEqual(await inbox(zoe.box, zt), { after: 0, head: 0, items: [] });
  const held = await poll(zoe.box, zt, 0, 20_000);
  const sent = answer(await msg(kyle.req, kt, "zoe", "hi"));
  assert.equal(sent.to, "Zoe");
  assert.equal(sent.seq, 1);
  const got = await held.answer();
  assert.deepEqual(shown(got), ["1 kyle->Zoe #1: hi"]);
  assert.equal(got.items[0]!.type === "msg" && got.items[0]!.time, sent.time, "the server's time, the same for both");

  assert.equal(answer(await msg(zoe.req, zt, "KYLE", "hello back")).seq, 2, "one conversation, numbered from either side");
  assert.deepEqual(shown(await inbox(kyle.box, kt)), ["1 kyle->Zoe #1: hi", "2 Zoe->kyle #2: hello back"], "the sender's copy, then the answer");
  assert.deepEqual(shown(await inbox(zoe.box, zt, 1)), ["2 Zoe->kyle #2: hello back"]);

  const history = answer(await control(kyle.req, "conversation", { token: kt, with: "zoe", limit: 10 }));
  assert.equal(history.with, "Zoe");
  assert.equal(history.head, 2);
  assert.deepEqual((history.messages as { body: string }[]).map((m) => m.body), ["hi", "hello back"]);
});

test("a group: created with its members, a message reaches every member (the sender too), a non-member is refused, a removed member gets nothing after, leaving hands it on", async (t) => {
  const server = await startServer(t, SERVER);
  const [kyle, zoe, amy, eve] = ["kyle", "zoe", "amy", "eve"].map(() => sockets(t, server));
  const [kt, zt, at, et] = [await account(kyle!.req, "kyle"), await account(zoe!.req, "zoe"), await account(amy!.req, "amy"), await account(eve!.req, "eve")];

  assert.deepEqual(answer(await control(kyle!.req, "group", { token: kt, action: "create", name: "ops", users: ["zoe", "amy"] })), { name: "ops", owner: "kyle", members: ["kyle", "zoe", "amy"] });
  const created = await inbox(zoe!.box, zt!);
  assert.deepEqual(shown(created), ["1 ops created kyle by kyle"]);

  const held = await poll(amy!.box, at!, 1, 20_000);
  assert.deepEqual(answer(await msg(zoe!.req, zt, "ops", "hello ops")).seq, 1);
  assert.deepEqual(shown(await held.answer()), ["2 zoe->GROUP<ops> #1: hello ops"], "a held poll is answered");
  assert.deepEqual(shown(await inbox(zoe!.box, zt!, 1)), ["2 zoe->GROUP<ops> #1: hello ops"], "the sender's copy");
  assert.deepEqual(shown(await inbox(kyle!.box, kt!, 1)), ["2 zoe->GROUP<ops> #1: hello ops"]);
  assert.deepEqual(await msg(eve!.req, et, "ops", "let me in"), ["err", "not-found", "no account or group named ops"]);
  assert.deepEqual((await inbox(eve!.box, et!)).items, []);

  answer(await control(kyle!.req, "group", { token: kt, action: "remove", name: "ops", users: ["amy"] }));
  assert.deepEqual(shown(await inbox(amy!.box, at!, 2)), ["3 ops removed amy by kyle"]);
  answer(await msg(kyle!.req, kt, "ops", "amy is gone"));
  assert.deepEqual((await inbox(amy!.box, at!, 3)).items, [], "nothing sent after the removal");
  assert.deepEqual(await msg(amy!.req, at, "ops", "still here?"), ["err", "not-found", "no account or group named ops"]);

  assert.deepEqual(answer(await control(kyle!.req, "group", { token: kt, action: "leave", name: "ops" })), { name: "ops", owner: "zoe", members: ["zoe"] });
  assert.deepEqual(answer(await control(zoe!.req, "groups", { token: zt })), { groups: [{ name: "ops", owner: "zoe", members: 1 }] });
  assert.deepEqual(shown(await inbox(zoe!.box, zt!, 4)), ["5 ops left kyle by kyle", "6 ops owner zoe by kyle"]);
});

test("offline delivery: what came while nobody polled is answered at the next poll without after, in order, once, and again after a new login", async (t) => {
  const server = await startServer(t, SERVER);
  const kyle = sockets(t, server);
  const zoe = sockets(t, server);
  const kt = await account(kyle.req, "kyle");
  await account(zoe.req, "zoe");
  for (const body of ["one", "two", "three"]) answer(await msg(kyle.req, kt, "zoe", body));

  const later = sockets(t, server);
  const zt = answer(await control(later.req, "login", { user: "zoe", password: PASSWORD })).token as string;
  const away = await inbox(later.box, zt);
  assert.deepEqual([away.after, away.head], [0, 3]);
  assert.deepEqual(shown(away), ["1 kyle->zoe #1: one", "2 kyle->zoe #2: two", "3 kyle->zoe #3: three"]);
  assert.deepEqual(await inbox(later.box, zt, 3), { after: 3, head: 3, items: [] }, "acknowledged: nothing new");
  answer(await msg(kyle.req, kt, "zoe", "four"));
  later.box.close();

  const again = sockets(t, server);
  const zt2 = answer(await control(again.req, "login", { user: "zoe", password: PASSWORD })).token as string;
  assert.deepEqual(shown(await inbox(again.box, zt2)), ["4 kyle->zoe #4: four"], "only what was not acknowledged");
  assert.deepEqual(shown(await inbox(again.box, zt2, 4)), []);
});

test("with --store, inboxes, their acknowledged position, conversations and groups survive a restart", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store]);
  const a = sockets(t, first);
  const kt = await account(a.req, "kyle");
  const zt = await account(a.req, "zoe");
  answer(await control(a.req, "group", { token: kt, action: "create", name: "ops", users: ["zoe"] }));
  answer(await msg(a.req, kt, "zoe", "before the restart"));
  answer(await msg(a.req, kt, "ops", "to the group"));
  assert.equal((await inbox(a.box, zt, 1)).head, 3, "acknowledged up to the notice");
  first.kill("SIGINT");
  assert.equal(await first.exit, 0);

  const second = await startServer(t, SERVER, ["--store", store]);
  const b = sockets(t, second);
  assert.deepEqual(shown(await inbox(b.box, zt)), ["2 kyle->zoe #1: before the restart", "3 kyle->GROUP<ops> #1: to the group"], "the same token, the same items, after the acknowledged one");
  assert.equal(answer(await msg(b.req, zt, "kyle", "after")).seq, 2, "numbering goes on");
  assert.deepEqual(answer(await control(b.req, "group", { token: zt, action: "members", name: "ops" })), { name: "ops", owner: "kyle", members: ["kyle", "zoe"] });
  const history = answer(await control(b.req, "conversation", { token: kt, with: "zoe", limit: 10 }));
  assert.deepEqual((history.messages as { body: string }[]).map((m) => m.body), ["before the restart", "after"]);
});

test("refusals: an unknown user in one sentence, a group over 256 members, no login; a retried id is delivered once", async (t) => {
  const server = await startServer(t, SERVER);
  const s = sockets(t, server);
  const kt = await account(s.req, "kyle");
  const zt = await account(s.req, "zoe");
  assert.deepEqual(await msg(s.req, kt, "nobody", "hi"), ["err", "not-found", "no account or group named nobody"]);
  assert.deepEqual(await msg(s.req, undefined, "zoe", "hi"), ["err", "auth-required", "private messages and groups are for accounts: register and log in"]);
  const users = Array.from({ length: 256 }, (_, i) => `user${i}`);
  assert.deepEqual(await control(s.req, "group", { token: kt, action: "create", name: "big", users }), ["err", "too-many", "a group has at most 256 members, the owner included"]);

  const first = await msg(s.req, kt, "zoe", "once", "retried-id");
  assert.deepEqual(await msg(s.req, kt, "zoe", "once", "retried-id"), first, "the original answer");
  assert.deepEqual(shown(await inbox(s.box, zt)), ["1 kyle->zoe #1: once"], "delivered once");
});

test("unregistering leaves the account's groups (ownership handed on) and deletes its inbox; its held poll is answered auth-failed at once; a new account of the name reads none of it", async (t) => {
  const server = await startServer(t, SERVER);
  const s = sockets(t, server);
  const kt = await account(s.req, "kyle");
  const zt = await account(s.req, "zoe");
  answer(await control(s.req, "group", { token: kt, action: "create", name: "ops", users: ["zoe"] }));
  answer(await msg(s.req, zt, "kyle", "for kyle"));
  const held = await poll(s.box, kt, 2, 25_000);
  answer(await control(s.req, "unregister", { token: kt, password: PASSWORD }));
  assert.deepEqual(await held.reply, ["err", "auth-failed", "your login is unknown, expired or revoked: log in again"]);
  assert.deepEqual(answer(await control(s.req, "group", { token: zt, action: "members", name: "ops" })), { name: "ops", owner: "zoe", members: ["zoe"] });
  const again = await account(s.req, "kyle");
  assert.deepEqual(await inbox(s.box, again), { after: 0, head: 0, items: [] }, "a new account of the name starts empty");
  const mine = answer(await control(s.req, "conversation", { token: again, with: "zoe", limit: 10 }));
  assert.deepEqual(mine.messages, [], "and reads nothing of the earlier account's conversations");
  const hers = answer(await control(s.req, "conversation", { token: zt, with: "kyle", limit: 10 }));
  assert.deepEqual((hers.messages as { body: string }[]).map((m) => m.body), ["for kyle"], "which its partner still has");
});
