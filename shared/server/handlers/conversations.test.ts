/**
 * The conversations family's handlers driven without sockets: a context
 * with memory engines and real accounts (cheap scrypt), requests in,
 * answers and refusals out, inboxes read the way InboxPolls reads them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { GROUP_MAX_MEMBERS, INBOX_MAX_UNREAD } from "../../protocol/limits.js";
import type { ControlRequest, InboxItem } from "../../protocol/index.js";
import { MemoryLog } from "../log/memory.js";
import { PresenceTable } from "../presence-table.js";
import { Accounts } from "../accounts/accounts.js";
import { MemoryAccountStore } from "../accounts/memory-store.js";
import { Hasher } from "../accounts/passwords.js";
import { conversations } from "../conversations/index.js";
import { Alerts } from "../alerts/alerts.js";
import { MemoryConversationStore } from "../conversations/memory-store.js";
import { answerControl, type AnsweredRequest, type HandlerContext } from "./index.js";

const PASSWORD = "correct horse battery staple";

async function setup(...users: string[]) {
  const store = new MemoryAccountStore();
  const conv = conversations(new MemoryConversationStore(), store);
  const accounts = new Accounts({ store, hasher: new Hasher({ params: { N: 1024, r: 8, p: 1, keylen: 32 } }), reserved: (k) => conv.groups.has(k) });
  const c: HandlerContext = {
    log: new MemoryLog(), presence: new PresenceTable(30_000), accounts, alerts: new Alerts(), heartbeatMs: 1000, presenceMs: 30_000,
    inboxes: conv.inboxes, messages: conv.messages, groups: conv.groups, now: Date.now(),
  };
  const tokens: Record<string, string> = {};
  for (const u of users) {
    await accounts.register(u, PASSWORD, c.now);
    tokens[u] = (await accounts.login(u, PASSWORD)).token;
  }
  /** Answers a request (JSON), or "code: sentence" for a refusal. */
  const ask = async (r: ControlRequest): Promise<unknown> => {
    try {
      return (await answerControl(r as AnsweredRequest, c)).answer;
    } catch (err) {
      return `${(err as { code: string }).code}: ${(err as Error).message}`;
    }
  };
  let ids = 0;
  const msg = (from: string, to: string, body: string, id = `m${++ids}`) => ask({ op: "msg", id, to, kind: "say", body, token: tokens[from]! });
  const group = (by: string, action: "create" | "add" | "remove" | "leave" | "members", name: string, users?: string[]) =>
    ask({ op: "group", action, name, token: tokens[by]!, ...(users ? { users } : {}) });
  /** What `user`'s inbox holds after `after`, one line an item. */
  const box = (user: string, after = 0) => conv.inboxes.read(user.toLowerCase(), after).items.map(line);
  return { c, accounts, conv, tokens, ask, msg, group, box };
}

const line = (i: InboxItem) => (i.type === "msg" ? `${i.from}->${i.group ? `GROUP<${i.to}>` : i.to} #${i.seq}: ${i.body}` : i.type === "group" ? `${i.group}: ${i.event} ${i.user} by ${i.by}` : "alert");

test("msg: a login is required, the token decides the sender, unknown names get one sentence, oneself is refused", async () => {
  const s = await setup("kyle", "zoe");
  assert.equal(await s.ask({ op: "msg", id: "x", to: "zoe", kind: "say", body: "hi" }), "auth-required: private messages and groups are for accounts: register and log in");
  assert.equal(await s.ask({ op: "msg", id: "x", to: "zoe", kind: "say", body: "hi", token: "0".repeat(64) }), "auth-failed: your login is unknown, expired or revoked: log in again");
  assert.equal(await s.msg("kyle", "nobody", "hi"), "not-found: no account or group named nobody");
  assert.equal(await s.msg("kyle", "KYLE", "hi"), "bad-request: that is you: a private message goes to someone else");
  const a = (await s.msg("kyle", "ZOE", "hi", "same")) as Record<string, unknown>;
  assert.deepEqual({ ...a, time: "t" }, { to: "zoe", seq: 1, time: "t" });
  assert.deepEqual(await s.msg("kyle", "zoe", "hi", "same"), a, "a retry gets the original answer");
  assert.deepEqual(s.box("zoe"), ["kyle->zoe #1: hi"], "delivered once");
  assert.deepEqual(s.box("kyle"), ["kyle->zoe #1: hi"], "the sender's copy");
  assert.equal(((await s.msg("zoe", "kyle", "again", "same")) as { seq: number }).seq, 2, "another sender's id is its own");
});

test("inbox: without after, from the acknowledged position; with after, acknowledged up to it; a full inbox refuses the whole message", async () => {
  const s = await setup("kyle", "zoe");
  await s.msg("kyle", "zoe", "one");
  await s.msg("kyle", "zoe", "two");
  const fresh = s.conv.inboxes.read("zoe", undefined);
  assert.deepEqual([fresh.after, fresh.head, fresh.items.length], [0, 2, 2]);
  s.conv.inboxes.read("zoe", 2);
  assert.deepEqual(s.conv.inboxes.read("zoe", undefined), { after: 2, head: 2, items: [] }, "acknowledged: nothing new");
  assert.deepEqual(s.conv.inboxes.read("zoe", 9), { after: 2, head: 2, items: [] }, "a client ahead is brought back to the head");
  for (let i = 0; i < INBOX_MAX_UNREAD; i++) await s.conv.inboxes.deliver("zoe", { type: "group", group: "x", event: "left", user: "a", by: "a", time: new Date().toISOString() });
  assert.equal(await s.conv.inboxes.deliver("zoe", { type: "group", group: "x", event: "left", user: "a", by: "a", time: new Date().toISOString() }), false);
  assert.match(String(await s.msg("kyle", "zoe", "three")), /^too-many: zoe's inbox is full/);
  assert.deepEqual(s.box("kyle", 2), [], "nothing delivered, not even the sender's copy");
});

test("groups: create, messages to every member, a non-member and a removed member get nothing, owner-only changes, leaving hands ownership on", async () => {
  const s = await setup("kyle", "zoe", "amy", "eve");
  assert.equal(await s.group("kyle", "create", "zoe"), "name-taken: zoe is taken: pick another name for the group");
  assert.equal(await s.group("kyle", "create", "ops", ["zoe", "ghost"]), "not-found: no account named ghost");
  assert.deepEqual(await s.group("kyle", "create", "ops", ["zoe", "amy", "ZOE"]), { name: "ops", owner: "kyle", members: ["kyle", "zoe", "amy"] });
  assert.equal(await s.group("eve", "create", "OPS"), "name-taken: OPS is taken: pick another name for the group");
  await assert.rejects(s.accounts.register("Ops", PASSWORD, Date.now()), /Ops is already registered/, "a group's name cannot be registered");

  assert.equal(((await s.msg("zoe", "ops", "hello ops")) as { group?: true }).group, true);
  for (const u of ["kyle", "zoe", "amy"]) assert.equal(s.box(u).at(-1), "zoe->GROUP<ops> #1: hello ops");
  assert.deepEqual(s.box("eve"), []);
  assert.equal(await s.msg("eve", "ops", "let me in"), "not-found: no account or group named ops", "as if it did not exist");
  assert.equal(await s.group("eve", "members", "ops"), "not-found: no account or group named ops");
  assert.equal(await s.group("zoe", "add", "ops", ["eve"]), "not-member: only ops's owner, kyle, can add members");
  assert.equal(await s.group("kyle", "remove", "ops", ["kyle"]), "bad-request: ops's owner cannot be removed: the owner leaves instead");

  assert.deepEqual(await s.group("kyle", "remove", "ops", ["amy"]), { name: "ops", owner: "kyle", members: ["kyle", "zoe"] });
  assert.equal(s.box("amy").at(-1), "ops: removed amy by kyle");
  await s.msg("kyle", "ops", "after amy left");
  assert.equal(s.box("amy").at(-1), "ops: removed amy by kyle", "nothing after the removal");
  const amyHistory = (await s.ask({ op: "conversation", with: "ops", limit: 10, token: s.tokens.amy! })) as string;
  assert.equal(amyHistory, "not-found: no account or group named ops");

  await s.group("kyle", "add", "ops", ["eve"]);
  const eveHistory = (await s.ask({ op: "conversation", with: "ops", limit: 10, token: s.tokens.eve! })) as { head: number; messages: { body: string }[] };
  assert.equal(eveHistory.head, 2);
  assert.deepEqual(eveHistory.messages, [], "a member sees only what was sent while it was in");

  assert.deepEqual(await s.group("kyle", "leave", "ops"), { name: "ops", owner: "zoe", members: ["zoe", "eve"] }, "the longest-standing member owns it now");
  assert.deepEqual(s.box("eve").slice(-2), ["ops: left kyle by kyle", "ops: owner zoe by kyle"]);
  assert.deepEqual(await s.ask({ op: "groups", token: s.tokens.zoe! }), { groups: [{ name: "ops", owner: "zoe", members: 2 }] });
  await s.group("zoe", "leave", "ops");
  await s.group("eve", "leave", "ops");
  assert.deepEqual(await s.ask({ op: "groups", token: s.tokens.eve! }), { groups: [] });
  assert.equal(s.conv.groups.has("ops"), false, "the last member's leaving ends the group");
});

test(`groups: at most ${GROUP_MAX_MEMBERS} members, the owner included`, async () => {
  const s = await setup("kyle");
  const many = Array.from({ length: GROUP_MAX_MEMBERS }, (_, i) => `u${i}`);
  assert.equal(await s.group("kyle", "create", "big", many), `too-many: a group has at most ${GROUP_MAX_MEMBERS} members, the owner included`);
});
