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
import { answer, control } from "../shared/testing/raw-client.js";
import { account, inbox, msg, poll, shown, sockets } from "../shared/testing/private-client.js";

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
