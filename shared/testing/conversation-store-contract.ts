/**
 * The conversation store's contract: one suite every engine must pass
 * (like account-store-contract.ts). A test file calls
 * `conversationStoreContract` with a way to open its engine and, for a
 * durable one, to reopen it.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { ConversationMessage, GroupNotice } from "../protocol/index.js";
import { ACKED_KEPT, groupConversation, privateConversation, type ConversationStore, type Group, type StoredMessage } from "../server/conversations/store.js";

export interface ConversationEngine {
  /** Opens a new, empty store, closed after the test. */
  open(t: TestContext): ConversationStore | Promise<ConversationStore>;
  /** For a durable engine: closes `first` and opens a second store on what it wrote. */
  reopen?(t: TestContext, first: ConversationStore): ConversationStore | Promise<ConversationStore>;
}

const TIME = "2026-02-01T10:00:00.000Z";
const KZ = privateConversation("kyle", "zoe");
const OPS = groupConversation("ops");

/** A message of conversation `conv`, number `seq`, from kyle to `recipients`. */
export function message(conv: string, seq: number, body: string, recipients: string[] = ["kyle", "zoe"], id = `${conv}-${seq}`): StoredMessage {
  const group = conv.startsWith("g:");
  const wire: ConversationMessage = { type: "msg", from: "Kyle", to: group ? "ops" : "Zoe", ...(group ? { group: true as const } : {}), seq, kind: "say", time: TIME, body };
  return { ...wire, conv, id, fromKey: "kyle", recipients };
}

const notice = (event: GroupNotice["event"]): GroupNotice => ({ type: "group", group: "ops", event, user: "zoe", by: "Kyle", time: TIME });
const ops = (): Group => ({
  key: "ops", name: "Ops", owner: "kyle", created: 1,
  members: [{ key: "kyle", user: "Kyle", since: 1 }, { key: "zoe", user: "Zoe", since: 1 }],
});
const bodies = (list: StoredMessage[]) => list.map((m) => m.body);

/** Registers the contract's tests for `engine`, named after it. */
export function conversationStoreContract(name: string, engine: ConversationEngine): void {
  test(`${name}: messages by conversation and seq; history after a seq or the newest, only what the reader received; retries by sender and id`, async (t) => {
    const s = await engine.open(t);
    assert.equal(s.head(KZ), 0);
    await s.append(message(KZ, 1, "hi"), []);
    await s.append(message(KZ, 2, "there"), []);
    await s.append(message(OPS, 1, "to both", ["kyle", "zoe"]), []);
    await s.append(message(OPS, 2, "zoe gone", ["kyle"]), []);
    assert.equal(s.head(KZ), 2);
    assert.equal(s.head(privateConversation("zoe", "kyle")), 2, "the same conversation whoever asks");
    assert.deepEqual(s.messages(KZ, "zoe", undefined, 10), [message(KZ, 1, "hi"), message(KZ, 2, "there")]);
    assert.deepEqual(bodies(s.messages(KZ, "kyle", 1, 10)), ["there"]);
    assert.deepEqual(bodies(s.messages(KZ, "kyle", undefined, 1)), ["there"], "the newest `limit`");
    assert.deepEqual(bodies(s.messages(OPS, "zoe", undefined, 10)), ["to both"], "not what it did not receive");
    assert.deepEqual(bodies(s.messages(OPS, "kyle", 0, 10)), ["to both", "zoe gone"]);
    assert.deepEqual(s.messages(KZ, "amy", undefined, 10), []);
    assert.equal(s.byId("kyle", `${KZ}-2`)?.body, "there");
    assert.equal(s.byId("zoe", `${KZ}-2`), undefined, "ids are the sender's own");
  });

  test(`${name}: inbox items numbered from 1 per account with the message, acknowledged forward only, old acknowledged items forgotten`, async (t) => {
    const s = await engine.open(t);
    const m = message(KZ, 1, "hi");
    const { conv: _c, id: _i, fromKey: _f, recipients: _r, ...wire } = m;
    assert.deepEqual(await s.append(m, [{ key: "kyle", item: wire }, { key: "zoe", item: wire }]), [1, 1]);
    assert.deepEqual(await s.append(undefined, [{ key: "zoe", item: notice("added") }, { key: "zoe", item: notice("owner") }]), [2, 3]);
    assert.equal(s.inboxHead("zoe"), 3);
    assert.deepEqual(s.items("zoe", 0, 10), [{ ...wire, m: 1 }, { ...notice("added"), m: 2 }, { ...notice("owner"), m: 3 }]);
    assert.deepEqual(s.items("zoe", 1, 1), [{ ...notice("added"), m: 2 }]);
    assert.deepEqual(s.items("amy", 0, 10), []);
    await s.acknowledge("zoe", 2);
    await s.acknowledge("zoe", 1);
    assert.equal(s.acked("zoe"), 2, "never lowered");
    await s.acknowledge("zoe", 99);
    assert.equal(s.acked("zoe"), 3, "never past the head");
    for (let i = 0; i < ACKED_KEPT + 5; i++) await s.append(undefined, [{ key: "kyle", item: notice("added") }]);
    await s.acknowledge("kyle", ACKED_KEPT + 4);
    assert.equal(s.inboxFloor("kyle"), 4, `items more than ${ACKED_KEPT} below the acknowledged one are forgotten`);
    assert.equal(s.items("kyle", 0, 1)[0]!.m, 5);
    assert.equal(s.inboxHead("kyle"), ACKED_KEPT + 6);
    await s.removeInbox("zoe");
    assert.deepEqual([s.inboxHead("zoe"), s.acked("zoe"), s.items("zoe", 0, 10)], [0, 0, []]);
  });

  test(`${name}: groups with their members in order of joining, ownership, membership by account, deletion`, async (t) => {
    const s = await engine.open(t);
    await s.createGroup(ops());
    await s.addMember("ops", { key: "amy", user: "Amy", since: 2 });
    await s.addMember("ops", { key: "amy", user: "Amy", since: 3 });
    assert.deepEqual(s.group("ops")!.members.map((m) => m.key), ["kyle", "zoe", "amy"], "a member once");
    assert.deepEqual(s.groupsOf("amy").map((g) => g.name), ["Ops"]);
    assert.equal(s.owned("kyle"), 1);
    assert.equal(s.owned("zoe"), 0);
    await s.removeMember("ops", "kyle");
    await s.setOwner("ops", "zoe");
    assert.equal(s.group("ops")!.owner, "zoe");
    assert.deepEqual(s.groupsOf("kyle"), []);
    await s.deleteGroup("ops");
    assert.equal(s.group("ops"), undefined);
    assert.deepEqual(s.groupsOf("zoe"), []);
  });

  const reopen = engine.reopen;
  if (reopen) {
    test(`${name}: reopened, messages, inboxes with their numbers and marks, and groups are all there`, async (t) => {
      const first = await engine.open(t);
      await first.append(message(KZ, 1, "hi"), [{ key: "zoe", item: notice("added") }]);
      await first.append(message(OPS, 1, "only kyle", ["kyle"]), []);
      for (let i = 0; i < ACKED_KEPT + 3; i++) await first.append(undefined, [{ key: "kyle", item: notice("left") }]);
      await first.acknowledge("kyle", ACKED_KEPT + 2);
      await first.createGroup(ops());
      await first.addMember("ops", { key: "amy", user: "Amy", since: 5 });
      await first.removeMember("ops", "zoe");
      await first.setOwner("ops", "amy");
      await first.createGroup({ ...ops(), key: "gone", name: "gone" });
      await first.deleteGroup("gone");
      const second = await reopen(t, first);
      assert.deepEqual(second.messages(KZ, "kyle", undefined, 10), [message(KZ, 1, "hi")]);
      assert.deepEqual(bodies(second.messages(OPS, "zoe", undefined, 10)), []);
      assert.equal(second.byId("kyle", `${KZ}-1`)?.body, "hi");
      assert.deepEqual(second.items("zoe", 0, 10), [{ ...notice("added"), m: 1 }]);
      assert.deepEqual([second.inboxHead("kyle"), second.acked("kyle"), second.inboxFloor("kyle")], [ACKED_KEPT + 3, ACKED_KEPT + 2, 2]);
      assert.equal(second.items("kyle", 0, 1)[0]!.m, 3);
      assert.deepEqual(await second.append(undefined, [{ key: "kyle", item: notice("owner") }]), [ACKED_KEPT + 4], "numbering goes on");
      assert.deepEqual(second.group("ops"), { ...ops(), owner: "amy", members: [{ key: "kyle", user: "Kyle", since: 1 }, { key: "amy", user: "Amy", since: 5 }] });
      assert.equal(second.group("gone"), undefined);
      assert.deepEqual(second.groupsOf("zoe"), []);
    });
  }
}
